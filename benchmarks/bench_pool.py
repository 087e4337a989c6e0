"""dupeviewer's worker pool against pebble's ProcessPool, on the same tasks in one run.

    python benchmarks/bench_pool.py [--tasks 2000] [--workers 2]      (pip install pebble)

Prints, for each pool: seconds for ``--tasks`` small tasks (a 256 KiB digest each, about
the per-file work of a small JPEG's fingerprint), and what happens to a batch holding a
task that kills its worker (SIGSEGV, as a decoder bug does) and one that hangs (past a
2 s per-task timeout): which results came back, and whether the rest went on. This is the
evidence behind keeping our pool (issue 10, item 4); the note says what it found.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import signal
import time
from typing import Any

CRASH, HANG = -1, -2
TIMEOUT = 2.0


def task(value: int) -> str:
    if value == CRASH:
        os.kill(os.getpid(), signal.SIGSEGV)
    if value == HANG:
        time.sleep(60)
    return hashlib.sha256(value.to_bytes(8, "little") * (32 << 10)).hexdigest()[:8]


def _ours(tasks: list[int], workers: int) -> tuple[float, dict[int, str]]:
    from dupeviewer.core.cancel import CancelToken
    from dupeviewer.core.pool import WorkerPool

    results: dict[int, str] = {}

    def on_result(index: int, result: str) -> None:
        results[index] = result

    pool: WorkerPool[int, str] = WorkerPool(task, lambda t, reason: f"failed: {reason}",
                                            workers, TIMEOUT)
    started = time.perf_counter()
    pool.run(tasks, on_result, CancelToken())
    return time.perf_counter() - started, results


def _pebble(tasks: list[int], workers: int) -> tuple[float, dict[int, str]]:
    from pebble import ProcessPool

    results: dict[int, str] = {}
    started = time.perf_counter()
    context: Any = multiprocessing.get_context("spawn")
    with ProcessPool(max_workers=workers, context=context) as pool:
        futures = [pool.schedule(task, args=(t,), timeout=TIMEOUT) for t in tasks]
        for index, future in enumerate(futures):
            try:
                results[index] = future.result()
            except Exception as exc:  # ProcessExpired, TimeoutError: one task fails
                results[index] = f"failed: {type(exc).__name__}"
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    plain = list(range(args.tasks))
    hostile = [1, 2, CRASH, 3, HANG, 4, 5, 6]
    pools = {"dupeviewer WorkerPool": _ours}
    try:
        import pebble  # noqa: F401

        pools["pebble ProcessPool"] = _pebble
    except ImportError:
        print("pebble not installed: only our pool is measured")
    for name, run in pools.items():
        seconds, results = run(plain, args.workers)
        assert len(results) == len(plain)
        print(f"{name:24} {args.tasks} tasks on {args.workers} workers: {seconds:6.2f} s "
              f"({seconds / args.tasks * 1000:.2f} ms/task)")
        seconds, results = run(hostile, args.workers)
        outcome = ", ".join(f"{hostile[i]}:{results[i][:40]}" for i in sorted(results))
        print(f"{'':24} crash+hang batch: {seconds:5.2f} s, {len(results)}/{len(hostile)} "
              f"results: {outcome}")


if __name__ == "__main__":
    main()
