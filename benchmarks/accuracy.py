"""How well does dupeviewer group duplicates of REAL photographs? Pairwise precision / recall.

Usage::

    python benchmarks/accuracy.py                   # default threshold + sweep, text report
    python benchmarks/accuracy.py --limit 20 --sweep ''   # quick run
    python benchmarks/accuracy.py --json > acc.json

The pictures are KDE Plasma and GNOME wallpapers (about a dozen real photographs plus
illustrations and abstract designs) fetched with ``apt-get download`` into a cache folder
(``--data``, default ``~/.cache/dupeviewer-bench``) and unpacked with ``dpkg -x``: nothing
is committed. From each one the corpus builder (``corpus.py``) makes copies that must be
found (byte copy, new EXIF, 50%/25% resize, JPEG q60, format conversion, +10% brightness,
5% crop, watermark, greyscale, EXIF-rotated; plus the thumbnail the package ships) and hard
negatives that must not be (left/right halves, hue-rotated and channel-swapped versions,
the packages' own dark/light recolourings and portrait crops, synthetic gradients). Rotated
and mirrored copies are expected only with ``--rotations``.

The engine runs through its public headless contract,
``python -m dupeviewer scan CORPUS --json --no-cache [--threshold N] [--rotations]``
(``--engine api`` calls ``dupeviewer.core.scan`` instead). The baseline measured in the
same run is naive pHash-only grouping with ImageHash, which also explains every error
with its pHash / dHash / chroma distances. Targets: precision >= 0.99, recall >= 0.97 at
the default threshold.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import engine  # noqa: E402
import hashes as H  # noqa: E402
import metrics as M  # noqa: E402
import realphotos  # noqa: E402
import report  # noqa: E402

log = logging.getLogger("accuracy")
TARGET_PRECISION = 0.99
TARGET_RECALL = 0.97


def select(designs: list[realphotos.Design], limit: int | None) -> list[realphotos.Design]:
    """Up to ``limit`` designs, whole families (light + dark) at a time, seeded order."""
    if not limit or limit >= len(designs):
        return designs
    families: dict[str, list[realphotos.Design]] = {}
    for d in designs:
        families.setdefault(d.family, []).append(d)
    order = sorted(families)
    random.Random(20240601).shuffle(order)
    out: list[realphotos.Design] = []
    for fam in order:
        if len(out) >= limit:
            break
        out.extend(families[fam])
    return sorted(out[:limit], key=lambda d: d.name)


def _cache_consistency(runs: list[report.Evaluated], default: int | None) -> list[str]:
    """Compare the uncached default runs with cached sweep runs at the same threshold."""
    notes = []
    uncached = [ev for ev in runs if not ev.run.cached]
    for ev in runs:
        if not ev.run.cached or ev.run.threshold != default:
            continue
        for base in uncached:
            if base.run.rotations == ev.run.rotations:
                same = ({frozenset(g) for g in ev.run.groups}
                        == {frozenset(g) for g in base.run.groups})
                notes.append(f"cached sweep run (threshold {default}, rotations "
                             f"{'on' if ev.run.rotations else 'off'}, cache hits "
                             f"{ev.run.stats.get('cache_hits', '?')}) "
                             f"{'gives the same groups as' if same else 'DIFFERS FROM'} "
                             f"the --no-cache run")
    return notes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=realphotos.DEFAULT_DATA,
                    help="download/unpack cache (default: %(default)s)")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep the corpus here and reuse it next time (default: a temp dir)")
    ap.add_argument("--limit", type=int, default=None, help="use at most N original pictures")
    ap.add_argument("--max-mpix", type=float, default=4.1,
                    help="downscale larger masters to this many megapixels (default 4.1)")
    ap.add_argument("--threshold", type=int, default=None,
                    help="the 'default' run's threshold (default: the engine's own default)")
    ap.add_argument("--sweep", default="4,6,8,10,12,14",
                    help="comma-separated thresholds to sweep ('' for none)")
    ap.add_argument("--sweep-no-cache", action="store_true",
                    help="sweep runs use --no-cache too (slower; default: a fresh fingerprint "
                         "cache shared by the sweep runs)")
    ap.add_argument("--no-rotations-runs", action="store_true",
                    help="skip the --rotations runs")
    ap.add_argument("--engine", choices=("cli", "api", "naive"), default="cli",
                    help="cli: python -m dupeviewer scan; api: dupeviewer.core.scan; "
                         "naive: the pHash-only baseline (tests the benchmark itself)")
    ap.add_argument("--engine-arg", action="append", default=[],
                    help="extra argument for the CLI (repeatable)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of text")
    ap.add_argument("--all-details", action="store_true",
                    help="per-kind tables and error lists for the sweep runs too "
                         "(default: for the default-threshold runs only)")
    ap.add_argument("--plan-of", type=int, default=None, metavar="N",
                    help="search with the plan a library of N pictures gets (N uniform random "
                         "fingerprints: past some 50,000 an approximate plan), to measure "
                         "what the approximate search costs in recall; implies --engine api")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.plan_of is not None:
        args.engine = "api"
    return args


def force_plan_of(size: int) -> None:
    """Make every search in this process follow the plan that ``size`` uniform random
    pictures get (with rotations: their eight orientations as keys), whatever the size of
    the corpus: the corpus then meets the approximate search a large library meets."""
    import numpy as np

    from dupeviewer.core import grouping, neighbours

    rng = np.random.default_rng(7)
    phash = rng.integers(0, 2**64 - 1, size, dtype=np.uint64, endpoint=True)
    plans: dict[tuple[int, bool], neighbours.Plan] = {}

    def plan_for(queries: np.ndarray, keys: np.ndarray, threshold: int,
                 budget: float | None = None) -> neighbours.Plan:
        turned = len(keys) != len(queries)
        if (threshold, turned) not in plans:
            big = np.concatenate([phash] + [rng.permutation(phash) for _ in range(7)]) \
                if turned else phash
            plans[(threshold, turned)] = neighbours.choose_plan(phash, big, threshold)
            log.warning("searching as %d pictures would: %s", size, plans[(threshold, turned)])
        return plans[(threshold, turned)]

    grouping.choose_plan = plan_for  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(message)s", stream=sys.stderr)
    tmp = None
    work = args.work
    if work is None:
        tmp = tempfile.mkdtemp(prefix="dupeviewer-acc-")
        work = Path(tmp)
    try:
        return _main(args, work)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _main(args: argparse.Namespace, work: Path) -> int:
    if args.plan_of is not None:
        force_plan_of(args.plan_of)
    t0 = time.perf_counter()
    designs = select(realphotos.collect(realphotos.ensure_unpacked(args.data)), args.limit)
    entry_list = corpus.build(designs, work, max_mpix=args.max_mpix)
    entries = {e.path: e for e in entry_list}
    root = work / "corpus"
    build_s = time.perf_counter() - t0
    log.info("corpus: %d files from %d originals in %.0f s", len(entries), len(designs), build_s)

    t1 = time.perf_counter()
    hs = H.compute(root, sorted(entries), cache=work / "hashes.json")
    hash_s = time.perf_counter() - t1

    default_thr = args.threshold
    engine_default = engine.default_threshold()
    effective_default = default_thr if default_thr is not None else engine_default
    if args.engine == "naive" and default_thr is None:
        default_thr = effective_default = engine_default or 10
    runs: list[report.Evaluated] = []
    modes = [False] if args.no_rotations_runs else [False, True]
    extra = tuple(args.engine_arg)
    sweep = [int(x) for x in args.sweep.split(",") if x.strip()]
    cache = None if args.sweep_no_cache else work / "engine-cache.sqlite"
    if cache is not None:
        cache.unlink(missing_ok=True)
    for i, thr in enumerate([default_thr, *sweep]):
        for rot in modes:
            log.info("engine run: threshold %s, rotations=%s", thr, rot)
            if args.engine == "naive":
                t = time.perf_counter()
                groups = H.naive_groups(hs, thr or 10)
                run = engine.Run(thr, rot, groups, ["near"] * len(groups), [],
                                 time.perf_counter() - t)
            else:  # the default runs honour the contract (--no-cache); the sweep may cache
                run = engine.run(args.engine, root, thr, rot, extra, cache if i else None)
            runs.append(report.evaluate(entries, run))
    notes = _cache_consistency(runs, effective_default)

    baseline: dict[tuple[int, bool], M.Score] = {}
    wanted = set(sweep) | ({effective_default} if effective_default is not None else set())
    for thr in sorted(wanted):
        groups = H.naive_groups(hs, thr)
        for rot in modes:
            baseline[(thr, rot)] = M.score(entries, groups, rot)

    default = runs[0]
    ok = (default.score.precision >= TARGET_PRECISION and default.score.recall >= TARGET_RECALL)
    if args.json:
        doc = {
            "corpus": {"files": len(entries), "originals": len(designs),
                       "designs": [d.name for d in designs], "build_seconds": round(build_s, 1)},
            "engine": args.engine, "engine_default_threshold": engine_default,
            "targets": {"precision": TARGET_PRECISION, "recall": TARGET_RECALL, "met": ok},
            "runs": [report.to_json(ev, entries, hs, effective_default) for ev in runs],
            "notes": notes,
            "baseline_naive_phash": [
                {"threshold": t, "rotations": r, "precision": s.precision, "recall": s.recall,
                 "tp": s.tp, "fp": s.fp, "fn": s.fn} for (t, r), s in sorted(baseline.items())],
        }
        json.dump(doc, sys.stdout, indent=1)
        print()
        return 0
    counts = {role: sum(1 for e in entries.values() if e.role == role)
              for role in ("original", "positive", "rotation", "negative")}
    origins = {o: sum(1 for e in entries.values() if e.role == "original" and e.origin == o)
               for o in ("photo", "art", "flat")}
    out = [f"dupeviewer accuracy benchmark: {len(entries)} files from {len(designs)} originals "
           f"({origins['photo']} photographs, {origins['art']} illustrations, "
           f"{origins['flat']} flat designs)",
           f"  {counts['positive']} positive copies, {counts['rotation']} rotated/mirrored, "
           f"{counts['negative']} hard negatives; corpus {build_s:.0f} s, reference hashes "
           f"{hash_s:.0f} s",
           f"  engine: {args.engine}, default threshold "
           f"{effective_default} "
           f"(targets: precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL}: "
           f"{'MET' if ok else 'NOT MET'})", ""]
    n_default = len(modes)
    for i, ev in enumerate(runs):
        out += report.run_text(ev, entries, hs, detail=(i < n_default or args.all_details),
                               default=effective_default)
        out.append("")
    out += report.sweep_text(runs, baseline, effective_default)
    out += [f"  note: {n}" for n in notes]
    out.append("")
    out += report.distance_table(entries, hs)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
