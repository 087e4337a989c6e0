"""Scale benchmark on a generated library of real-photo crops: speed, memory, accuracy.

    python benchmarks/bench_scale.py [--count 100000] [--dir DIR] [--skip-dense] [--skip-1m]

Builds (or reuses) the library of ``benchmarks/library.py`` and prints, in one run:

* the first scan (empty fingerprint cache, default workers): files/s, and its CPU per file
  (main process plus workers) against the *floor* measured in the same run on a sample of
  the same files: reading each file and decoding it at the reduced size hashing needs
  (JPEG ``draft`` to 128 px; PNG and WebP in full), in one process;
* peak RSS of the scanning process and of its largest worker: ``VmHWM`` from ``/proc``,
  the workers' sampled while the scan runs. Not ``getrusage``'s ``ru_maxrss``: on Linux a
  process started with fork+exec (``subprocess``, multiprocessing's spawn) inherits its
  parent's peak there, so every worker of a 600 MB scan would "peak" at 600 MB (and a
  child sampled between its fork and its exec shows its parent's memory: skipped);
* a cached rescan of the unchanged library end to end, ``python -m dupeviewer scan DIR
  --json``, interpreter start-up included;
* ``build_groups`` time on 250k and 1M synthetic fingerprints (``bench_grouping.py``'s
  machinery) and its growth exponent;
* the scan's accuracy against the library's ground truth: recall of the planted copies
  (by kind) and false groupings (groups joining pictures that are neither frames of one
  burst nor crops of one wallpaper overlapping by more than half);
* the same first scan on the dense look-alike library (bursts of 50 near-identical frames).

Every heavy measurement runs in its own subprocess, so each peak RSS is that measurement's.
The files are in the OS page cache when the library has just been built or scanned: the
first scan measures decoding, not the disk.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
print = functools.partial(print, flush=True)  # noqa: A001 - progress lines as they come
sys.path.insert(0, str(HERE))

import bench_grouping  # noqa: E402
import library  # noqa: E402
import variants  # noqa: E402
from PIL import Image  # noqa: E402

if TYPE_CHECKING:
    from dupeviewer.core.cancel import ProgressEvent

GIB = 2**30
FLAT = 6.0
"""Below this standard deviation of a 32x32 grey thumbnail a picture is plain (as in
``corpus.py``): two plain crops are the same picture whatever the truth says."""
MAIN_LIMIT = 1 * GIB
WORKER_LIMIT = 300 * 10**6


# ---------------------------------------------------------------- children (subprocesses)

def _hwm_kb(pid: int) -> int:
    """Peak resident set (VmHWM) of a live process, in KiB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int | str) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _exec_done(pid: int, parent: bytes) -> bool:
    """Has a child started its own program? Between fork and exec it still maps its
    parent's memory, and its VmHWM is the parent's: such samples are not the child's."""
    line = _cmdline(pid)
    return bool(line) and line != parent


def _children() -> list[int]:
    pids: list[int] = []
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as handle:
                pids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return pids


class WorkerSampler(threading.Thread):
    """Samples the peak RSS of every child process while the scan runs (Linux only)."""

    def __init__(self, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.peak: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        parent = _cmdline("self")
        while not self.stop.wait(self.every):
            for pid in _children():
                if _exec_done(pid, parent):
                    self.peak[pid] = max(self.peak.get(pid, 0), _hwm_kb(pid))


def child_scan(photos: str, cache: str, out: str, workers: int | None) -> dict[str, object]:
    """One scan through the engine's public entry point, output rendered as the CLI does."""
    from dupeviewer import report
    from dupeviewer.core.model import Options
    from dupeviewer.core.scan import scan

    phases: dict[str, float] = {}
    started = time.perf_counter()

    def progress(event: ProgressEvent) -> None:
        phases.setdefault(event.phase, time.perf_counter() - started)

    sampler = WorkerSampler()
    sampler.start()
    result = scan([photos], Options(cache_path=Path(cache), workers=workers), progress)
    seconds = time.perf_counter() - started
    Path(out).write_text(report.to_json(result), encoding="utf-8", errors="surrogateescape")
    sampler.stop.set()
    sampler.join()
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # CPU only: see the module's doc
    import dupeviewer

    return {"engine": str(Path(dupeviewer.__file__).parent.parent), "seconds": seconds,
            "images": result.stats.images, "files": result.stats.files,
            "groups": result.stats.groups, "skipped": len(result.skipped),
            "cache_hits": result.stats.cache_hits,
            "cpu_main": me.ru_utime + me.ru_stime, "cpu_workers": kids.ru_utime + kids.ru_stime,
            "rss_main": _hwm_kb(os.getpid()) * 1024,
            "rss_worker": max(sampler.peak.values(), default=0) * 1024,
            "rss_worker_rusage": kids.ru_maxrss * 1024,
            "workers_seen": len(sampler.peak), "phases": phases}


def _floor_one(path: str) -> None:
    from PIL import Image

    with open(path, "rb") as handle:
        data = handle.read()
    from io import BytesIO

    with Image.open(BytesIO(data)) as image:
        if image.format == "JPEG":
            image.draft("RGB", (128, 128))
        image.load()


def child_floor(paths: list[str]) -> dict[str, object]:
    """CPU per file of reading and reduced-decoding each file, in this one process."""
    from PIL import Image

    Image.init()
    _floor_one(paths[0])  # warm the decoders' imports
    cpu = time.process_time()
    wall = time.perf_counter()
    for path in paths:
        _floor_one(path)
    return {"cpu_per_file": (time.process_time() - cpu) / len(paths),
            "wall": time.perf_counter() - wall, "files": len(paths)}


ENV: dict[str, str] | None = None
"""Environment of every child: PYTHONPATH set to a worktree of the measured commit."""


def _run_child(*args: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True, env=ENV)
    if proc.returncode:
        raise SystemExit(f"child {args[0]} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return dict(json.loads(proc.stdout.splitlines()[-1]))


# ---------------------------------------------------------------- accuracy

def _overlap(a: list[float], b: list[float]) -> tuple[float, float]:
    """Intersection over union, and over the smaller box (1.0: one crop inside the other)."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    area_a, area_b = (a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])
    union = area_a + area_b - inter
    return (inter / union if union else 0.0), inter / max(1e-12, min(area_a, area_b))


def accuracy(truth: dict[str, object], scan_json: Path, photos: Path) -> dict[str, object]:
    """Recall of planted copies by kind, and groupings of pictures that differ."""
    files = {f["path"]: f for f in truth["files"]}  # type: ignore[attr-defined]
    doc = json.loads(scan_json.read_text(encoding="utf-8", errors="surrogateescape"))
    root = os.path.realpath(photos)
    group_of: dict[str, int] = {}
    members: list[list[str]] = []
    for g, group in enumerate(doc["groups"]):
        paths = [os.path.relpath(os.path.realpath(f["path"]), root) for f in group["files"]]
        members.append(paths)
        for p in paths:
            group_of[p] = g
    found: Counter[str] = Counter()
    planted: Counter[str] = Counter()
    for original, copies in truth["duplicates"].items():  # type: ignore[attr-defined]
        for copy in copies:
            expect = files[copy]["expect"]
            kind = files[copy]["kind"]
            planted[expect] += 1
            planted[f"kind:{kind}"] += 1
            together = original in group_of and group_of[original] == group_of.get(copy)
            found[expect] += together
            found[f"kind:{kind}"] += together
    false_groups, false_pairs, burst_pairs, overlap_pairs = 0, 0, 0, 0
    by_source: Counter[str] = Counter()
    examples: list[str] = []
    flat_pairs = 0
    detail: dict[str, bool] = {}

    def flat(path: str) -> bool:
        """Little detail (the accuracy corpus's "flat"): a crop of a sky or a plain
        background, which looks like every other such crop."""
        if path not in detail:
            with Image.open(photos / path) as im:
                detail[path] = variants.detail(im.convert("RGB")) < FLAT
        return detail[path]

    for paths in members:
        labels: dict[str, dict[str, object]] = {}
        for p in paths:
            entry = files.get(p)
            if entry is not None:
                labels.setdefault(str(entry["label"]), entry)
        classes = list(labels.values())
        bad = 0
        for i in range(len(classes)):
            for j in range(i + 1, len(classes)):
                a, b = classes[i], classes[j]
                if a["burst"] is not None and a["burst"] == b["burst"]:
                    burst_pairs += 1
                    continue
                iou, inside = _overlap(a["box"], b["box"])  # type: ignore[arg-type]
                if a["source"] == b["source"] and iou > truth["overlap"]:  # type: ignore[operator]
                    overlap_pairs += 1
                    continue
                if flat(str(a["path"])) and flat(str(b["path"])):
                    flat_pairs += 1  # two crops of a plain area: the same picture
                    continue
                bad += 1
                if len(examples) < 3:
                    examples.append(f"{a['path']} + {b['path']}")
                if a["source"] != b["source"]:
                    by_source["different wallpapers"] += 1
                elif inside >= 0.8:
                    by_source["one crop inside the other (a zoom)"] += 1
                else:
                    by_source["other crops of one wallpaper"] += 1
        false_pairs += bad
        false_groups += bad > 0
    return {"planted": dict(planted), "found": dict(found), "groups": len(members),
            "false_groups": false_groups, "false_pairs": false_pairs,
            "false_by_source": dict(by_source), "burst_pairs": burst_pairs,
            "overlap_pairs": overlap_pairs, "flat_pairs": flat_pairs, "examples": examples,
            "grouped_files": len(group_of)}


# ---------------------------------------------------------------- driver

def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(HERE.parent), *args], capture_output=True,
                          text=True, check=True).stdout.strip()


def _commit(ref: str) -> str:
    """What is measured: a commit, or the working tree (and whether it differs from HEAD)."""
    if ref != "working":
        return _git("rev-parse", "--short", ref)
    dirty = _git("status", "--porcelain", "--untracked-files=no", "dupeviewer")
    return _git("rev-parse", "--short", "HEAD") + (" + uncommitted engine changes"
                                                   if dirty else "")


def _keep(args: argparse.Namespace, out: Path) -> None:
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, args.keep / out.name)


def _load() -> str:
    """Other programs' load: wall-clock figures depend on it, CPU per file much less."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def _mb(n: object) -> str:
    return f"{float(n) / 10**6:,.0f} MB"  # type: ignore[arg-type]


def _verdict(main: object, worker: object) -> str:
    ok = float(main) < MAIN_LIMIT and float(worker) < WORKER_LIMIT  # type: ignore[arg-type]
    return "PASS" if ok else "FAIL"


def first_scan(photos: Path, tmp: Path, tag: str,
               workers: int | None) -> tuple[dict[str, object], Path]:
    out = tmp / f"{tag}.json"
    cache = tmp / f"{tag}.sqlite3"
    r = _run_child("scan", str(photos), str(cache), str(out), str(workers or ""))
    return r, out


def print_scan(label: str, r: dict[str, object], floor: float | None) -> None:
    images = int(r["images"])  # type: ignore[call-overload]
    seconds = float(r["seconds"])  # type: ignore[arg-type]
    cpu = float(r["cpu_main"]) + float(r["cpu_workers"])  # type: ignore[arg-type]
    per_file = cpu / max(1, images)
    worker = r["rss_worker"]
    phases = r["phases"]
    assert isinstance(phases, dict)
    order = sorted(phases.items(), key=lambda kv: kv[1])
    spans = [f"{name} {((order[i + 1][1] if i + 1 < len(order) else seconds) - at):.1f} s"
             for i, (name, at) in enumerate(order)]
    print(f"{label}, engine from {r['engine']}:")
    print(f"  {images:,} images ({r['skipped']} skipped) in {seconds:.1f} s = "
          f"{images / seconds:,.0f} files/s, {r['groups']:,} groups")
    print(f"  phases: {', '.join(spans)}")
    workers = float(r["cpu_workers"]) / max(1, images)  # type: ignore[arg-type]
    line = f"  CPU {per_file * 1000:.1f} ms/file (main {float(r['cpu_main']):.0f} s + workers " \
           f"{float(r['cpu_workers']):.0f} s)"  # type: ignore[arg-type]
    if floor:
        line += (f" = {per_file / floor:.2f}x the floor ({floor * 1000:.2f} ms/file); "
                 f"workers alone {workers * 1000:.1f} ms/file = {workers / floor:.2f}x")
    print(line)
    print(f"  {_load()} at the end of the scan")
    print(f"  peak RSS: main {_mb(r['rss_main'])}, largest worker {_mb(worker)} "
          f"({r['workers_seen']} child processes seen; getrusage would say "
          f"{_mb(r['rss_worker_rusage'])}) -> item 1 (main < 1 GiB, worker < 300 MB): "
          f"{_verdict(r['rss_main'], worker)}")


def print_accuracy(acc: dict[str, object]) -> None:
    planted, found = acc["planted"], acc["found"]
    assert isinstance(planted, dict)
    assert isinstance(found, dict)
    must = [k for k in ("exact", "pixels", "near") if planted.get(k)]
    total_p = sum(planted[k] for k in must)
    total_f = sum(found[k] for k in must)
    parts = ", ".join(f"{k} {found[k]}/{planted[k]}" for k in must)
    print(f"  recall of planted copies: {total_f}/{total_p} = {total_f / max(1, total_p):.1%} "
          f"({parts}); rotated/mirrored (expected only with --rotations) "
          f"{found.get('rotation', 0)}/{planted.get('rotation', 0)}")
    kinds = sorted(k for k in planted if k.startswith("kind:"))
    print("  by kind: " + ", ".join(f"{k[5:]} {found[k] / planted[k]:.0%}" for k in kinds))
    print(f"  false groupings: {acc['false_groups']:,} of {acc['groups']:,} groups join different "
          f"pictures ({acc['false_pairs']:,} picture pairs: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(acc["false_by_source"].items()))  # type: ignore[attr-defined]
          + f"); look-alikes grouped, not counted as false: {acc['burst_pairs']:,} burst-frame "
          f"pairs, {acc['overlap_pairs']:,} pairs of overlapping crops, {acc['flat_pairs']:,} "
          f"pairs of plain crops (both of little detail)")
    for example in acc["examples"]:  # type: ignore[attr-defined]
        print(f"    e.g. {example}")


def grouping(skip_1m: bool, ref: str | None) -> None:
    from dupeviewer.core.model import DEFAULT_THRESHOLD

    sizes = [250_000] if skip_1m else [250_000, 1_000_000]
    seconds = {}
    for n in sizes:
        r = bench_grouping.measure("uniform", n, DEFAULT_THRESHOLD, ref)
        seconds[n] = r["seconds"]
        print(f"grouping {n:>9,} fingerprints (threshold {DEFAULT_THRESHOLD}): "
              f"{r['seconds']:6.1f} s, peak RSS {r['rss_mb']:,.0f} MB, planted near copies "
              f"grouped {r['planted_found']:.1%}")
    if len(seconds) == 2:
        exponent = math.log(seconds[1_000_000] / seconds[250_000]) / math.log(4)
        print(f"grouping growth exponent 250k -> 1M: {exponent:.2f}")


def cached_rescan(photos: Path, cache: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS of a CLI scan served from the cache."""
    cmd = [sys.executable, "-m", "dupeviewer", "scan", str(photos), "--json", "--cache",
           str(cache), "-q"]
    errors = cache.with_suffix(".stderr")
    peak = 0
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink, open(errors, "wb") as err:
        # cwd: not the repository, whose dupeviewer/ would shadow the measured commit's
        proc = subprocess.Popen(cmd, stdout=sink, stderr=err, env=ENV, cwd=cache.parent)
        parent = _cmdline("self")
        while True:  # VmHWM while it runs: its ru_maxrss would include ours (see above)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if _exec_done(proc.pid, parent):
                peak = max(peak, _hwm_kb(proc.pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"cached rescan failed: {errors.read_text()[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, peak * 1024


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        what, rest = sys.argv[2], sys.argv[3:]
        if what == "scan":
            r = child_scan(rest[0], rest[1], rest[2], int(rest[3]) if rest[3] else None)
        else:
            r = child_floor(json.loads(Path(rest[0]).read_text()))
        print(json.dumps(r))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, default=None, help="library folder (default: "
                    "/work/bench-data/lib100k for 100,000 files)")
    ap.add_argument("--dense-dir", type=Path, default=None,
                    help="dense look-alike library (default: /work/bench-data/dense100k)")
    ap.add_argument("--skip-dense", action="store_true", help="no scan of the dense library")
    ap.add_argument("--parts", default="scan,rescan,dense,grouping",
                    help="what to measure (default: %(default)s)")
    ap.add_argument("--skip-1m", action="store_true", help="grouping at 250k only")
    ap.add_argument("--sample", type=int, default=2000, help="files for the floor")
    ap.add_argument("--workers", type=int, default=None, help="scan workers (default: engine's)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=None,
                    help="copy the scans' JSON output into this folder")
    ap.add_argument("--ref", default="HEAD",
                    help="commit to measure, checked out in a temporary worktree (default "
                         "HEAD: the committed engine, not others' unsaved edits); 'working' "
                         "measures the working tree")
    args = ap.parse_args(argv)
    os.chdir(HERE.parent)  # bench_grouping makes its worktrees from the current directory
    if args.ref == "working":
        return _main(args, None)
    commit = _git("rev-parse", args.ref)
    with tempfile.TemporaryDirectory(prefix="dv-scale-ref-") as root:
        tree = Path(root) / "tree"
        _git("worktree", "add", "--detach", str(tree), commit)
        try:
            return _main(args, tree)
        finally:
            subprocess.run(["git", "-C", str(HERE.parent), "worktree", "remove", "--force",
                            str(tree)], capture_output=True)


def _main(args: argparse.Namespace, tree: Path | None) -> int:
    global ENV
    if tree is not None:
        ENV = dict(os.environ, PYTHONPATH=str(tree))

    folder = args.dir or library.default_dir(args.count, False)
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    print(f"dupeviewer scale benchmark, commit {_commit(args.ref)}, {when} UTC; "
          f"Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / GIB:.0f} GiB; "
          f"{_load()}")
    parts = set(args.parts.split(","))
    if args.skip_dense:
        parts.discard("dense")
    if "grouping" in parts:  # first: bench_grouping's RSS is ru_maxrss, which would
        # include this process's peak once it has read a library's truth
        grouping(args.skip_1m, _git("rev-parse", args.ref) if tree is not None else None)
    if parts & {"scan", "rescan"}:
        _library_scans(args, folder, "rescan" in parts)
    if "dense" in parts:
        _dense_scan(args)
    return 0


def _library_scans(args: argparse.Namespace, folder: Path, rescan: bool) -> None:
    started = time.perf_counter()
    truth_path = library.generate(args.count, folder, seed=args.seed)
    truth = json.loads(truth_path.read_text())
    photos = folder / "photos"
    n = len(truth["files"])
    fmts = Counter(Path(f["path"]).suffix for f in truth["files"])
    mix = ", ".join(f"{k} {v:,}" for k, v in fmts.most_common())
    print(f"library {photos}: {n:,} files ({mix}), ready in {time.perf_counter() - started:.0f} s")

    with tempfile.TemporaryDirectory(prefix="dv-scale-") as tmpdir:
        tmp = Path(tmpdir)
        sample = sorted(f["path"] for f in truth["files"])
        random.Random(args.seed).shuffle(sample)
        sample_file = tmp / "sample.json"
        sample_file.write_text(json.dumps([str(photos / p) for p in sample[:args.sample]]))
        floor = _run_child("floor", str(sample_file))
        r, out = first_scan(photos, tmp, "first", args.workers)
        print_scan("first scan (empty cache)", r, float(floor["cpu_per_file"]))  # type: ignore[arg-type]
        print(f"  floor measured on {floor['files']:,} of the files in one process "
              f"(read + reduced decode)")
        _keep(args, out)
        print_accuracy(accuracy(truth, out, photos))
        if rescan:
            seconds, cpu, rss = cached_rescan(photos, tmp / "first.sqlite3")
            print(f"cached rescan, `dupeviewer scan DIR --json` end to end: {seconds:.2f} s "
                  f"(CPU {cpu:.2f} s, peak RSS {_mb(rss)})")


def _dense_scan(args: argparse.Namespace) -> None:
    dense_folder = args.dense_dir or library.default_dir(args.count, True)
    started = time.perf_counter()
    dtruth_path = library.generate(args.count, dense_folder, dense=True, seed=args.seed)
    dtruth = json.loads(dtruth_path.read_text())
    bursts = len({f["burst"] for f in dtruth["files"]})
    print(f"dense library {dense_folder / 'photos'}: {len(dtruth['files']):,} files in "
          f"{bursts:,} bursts, ready in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory(prefix="dv-scale-") as tmpdir:
        dr, dout = first_scan(dense_folder / "photos", Path(tmpdir), "dense", args.workers)
        print_scan("dense first scan (empty cache)", dr, None)
        _keep(args, dout)
        dacc = accuracy(dtruth, dout, dense_folder / "photos")
        whole = _bursts_whole(dtruth, dout, dense_folder / "photos")
    print(f"  bursts found as one group: {whole}/{bursts}; false groupings "
          f"{dacc['false_groups']:,} of {dacc['groups']:,} groups")


def _bursts_whole(truth: dict[str, object], scan_json: Path, photos: Path) -> int:
    doc = json.loads(scan_json.read_text(encoding="utf-8", errors="surrogateescape"))
    root = os.path.realpath(photos)
    burst_of = {f["path"]: f["burst"] for f in truth["files"]}  # type: ignore[attr-defined]
    size = Counter(burst_of.values())
    whole = 0
    for group in doc["groups"]:
        got: defaultdict[object, int] = defaultdict(int)
        for f in group["files"]:
            got[burst_of.get(os.path.relpath(os.path.realpath(f["path"]), root))] += 1
        whole += sum(1 for b, k in got.items() if b is not None and k == size[b])
    return whole


if __name__ == "__main__":
    sys.exit(main())
