"""What the user's decisions add to grouping (issue 12: under 10% with 100,000 decisions on
a scan of 100,000 images).

    python benchmarks/bench_decisions.py [--size 100000] [--decisions 100000] [--runs 2]

On the uniform fingerprints of ``bench_grouping.py`` (1% planted near copies), makes
``--decisions`` decisions: one reviewed decision per planted group for a quarter of them,
one not-duplicates pair per planted group for another quarter, and the rest not-duplicates
pairs of random pictures that are in no group (what a long-used decisions file holds: most
decisions name pictures that are not duplicates any more, or not there). Prints, each the
fastest of ``--runs``: ``build_groups`` without decisions, with them (the index built
before), the difference, and apart from grouping: writing the decisions to SQLite, reading
them back and building the index. Grouping state of earlier runs is reset before each run,
so every run searches its edges again.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from bench_grouping import _infos  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    import numpy as np

    from dupeviewer.core import grouping
    from dupeviewer.core.decisions import Decided, Decision, DecisionStore, Picture
    from dupeviewer.core.model import ImageInfo, Options

    infos: list[ImageInfo] = _infos("uniform", args.size)[0]  # type: ignore[assignment]
    options = Options()

    def build(decided: object) -> tuple[float, list[object]]:
        grouping._last = None
        grouping._Made.last = ((), {})
        started = time.process_time()
        groups = grouping.build_groups(infos, options, decided=decided)  # type: ignore[arg-type]
        return time.process_time() - started, groups  # type: ignore[return-value]

    plain, groups = build(None)
    grouped = {m.info.path for g in groups for m in g.members}  # type: ignore[attr-defined]
    rng = np.random.default_rng(2)
    made: list[tuple[str, tuple[tuple[Picture, ...], ...]]] = []
    quarter = len(groups) // 4
    for g in groups[:quarter]:
        made.append(("reviewed", (tuple(Picture.of(m.info) for m in g.members),)))  # type: ignore[attr-defined]
    for g in groups[quarter:2 * quarter]:
        first, second = g.members[0].info, g.members[1].info  # type: ignore[attr-defined]
        made.append(("not_duplicates", ((Picture.of(first),), (Picture.of(second),))))
    alone = [i for i in infos if i.path not in grouped]
    while len(made) < args.decisions:
        a, b = rng.choice(len(alone), 2, replace=False).tolist()
        made.append(("not_duplicates", ((Picture.of(alone[a]),), (Picture.of(alone[b]),))))

    with tempfile.TemporaryDirectory() as folder:
        store = DecisionStore(Path(folder) / "decisions.sqlite3")
        started = time.perf_counter()
        store._add_many([(kind, sides, None) for kind, sides in made])  # type: ignore[misc]
        write = time.perf_counter() - started
        started = time.perf_counter()
        decisions: list[Decision] = store.all()
        read = time.perf_counter() - started
        started = time.perf_counter()
        decided = Decided(decisions)
        index = time.perf_counter() - started

    plain_runs, decided_runs = [plain], []
    hidden = split = 0
    shown = 0
    for run in range(args.runs):
        seconds, with_groups = build(decided)
        decided_runs.append(seconds)
        hidden, split, shown = decided.outcome.hidden, decided.outcome.split, len(with_groups)
        if run < args.runs - 1:
            plain_runs.append(build(None)[0])
    without, with_ = min(plain_runs), min(decided_runs)
    print(f"{args.size:,} fingerprints, {len(decisions):,} decisions "
          f"({quarter} reviewed groups, {quarter} split groups)")
    print(f"build_groups without decisions: {without:6.2f} s CPU, {len(groups)} groups")
    print(f"build_groups with decisions:    {with_:6.2f} s CPU, {shown} groups "
          f"({hidden} hidden, {split} split)")
    print(f"added: {with_ - without:+.3f} s CPU ({(with_ - without) / without:+.1%})")
    print(f"apart from grouping: write {write:.2f} s, read {read:.2f} s, "
          f"index {index:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
