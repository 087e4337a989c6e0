"""dupeviewer's worker pool against pebble's ProcessPool, on the same tasks in one run.

    python benchmarks/bench_pool.py [--tasks 2000] [--workers 2]      (pip install pebble)

Prints, for each pool: seconds for ``--tasks`` small tasks (a 256 KiB digest each, about
the per-file work of a small JPEG's fingerprint), and ``--rounds`` hostile batches: good
tasks mixed with tasks that kill their worker (SIGSEGV, abort, _exit, SIGKILL as the OOM
killer does), one that raises and one that hangs past a 2 s per-task timeout. It counts the
results that came back with the wrong outcome (a raise reported as a crash, a crash as a
timeout, a good task failed): the reason is what the user reads in the skipped list. This
is the evidence behind keeping our pool (issue 10, item 4).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import signal
import time
from typing import Any

CRASH, HANG, RAISE, EXIT, KILLED, ABORT = -1, -2, -3, -4, -5, -6
TIMEOUT = 2.0
EXPECTED = {CRASH: "crash", HANG: "timeout", RAISE: "ValueError", EXIT: "crash",
            KILLED: "crash", ABORT: "crash"}


def task(value: int) -> str:
    if value == CRASH:
        os.kill(os.getpid(), signal.SIGSEGV)
    if value == HANG:
        time.sleep(60)
    if value == RAISE:
        raise ValueError("not a picture")
    if value == EXIT:
        os._exit(3)
    if value == KILLED:
        os.kill(os.getpid(), signal.SIGKILL)
    if value == ABORT:
        os.abort()
    return hashlib.sha256(abs(value).to_bytes(8, "little") * (32 << 10)).hexdigest()[:8]


def outcome(result: str) -> str:
    """What a result says happened, in one word, whichever pool gave it."""
    if not result.startswith("failed"):
        return "ok"
    if "crashed" in result or "ProcessExpired" in result:
        return "crash"
    if "longer than" in result or "TimeoutError" in result:
        return "timeout"
    return "ValueError" if "ValueError" in result else result


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
            except Exception as exc:  # noqa: BLE001  ProcessExpired, TimeoutError: one task fails
                results[index] = f"failed: {type(exc).__name__}: {exc}"
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    plain = list(range(args.tasks))
    hostile = [1, CRASH, 2, ABORT, EXIT, 3, HANG, 4, RAISE, 5, KILLED, 6]
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
        wrong, spent = 0, 0.0
        for _ in range(args.rounds):
            seconds, results = run(hostile, args.workers)
            spent += seconds
            wrong += sum(outcome(results[i]) != EXPECTED.get(value, "ok")
                         for i, value in enumerate(hostile))
        print(f"{'':24} {args.rounds} hostile batches of {len(hostile)}: {spent:6.2f} s, "
              f"{wrong} of {args.rounds * len(hostile)} outcomes wrong")

if __name__ == "__main__":
    main()
