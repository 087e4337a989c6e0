"""Run per-file work in worker processes; a crash or hang costs one file, never the scan.

A small hand-rolled pool rather than ``concurrent.futures``: an executor breaks as a whole
when one worker dies and cannot time out a single task, and both happen on hostile files.
Each worker takes one task at a time over its own pipe, so the parent always knows which
file a dead or stuck worker was on.

Compared with pebble's ProcessPool (``benchmarks/bench_pool.py``, 2 workers, 2026-12-02):
pebble is faster on plain tasks (1.32 against 1.64 ms a task) and replaces crashed workers
sooner, but its workers share one task pipe, and with several workers dying at once it
gave 2 of 20 runs of tests/core/test_hostile.py's crash-and-hang batch a wrong outcome (a
ValueError reported as a crash, a SIGKILL as a timeout). The outcome is the reason a user
reads for a skipped file, so this pool stays: exact attribution is what pebble did not give.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection as mpc
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from dupeviewer.core.cancel import CancelToken

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
POLL_SECONDS = 0.1
MAX_START_FAILURES = 3
"""After this many workers die before they are ready, decode in this process instead."""
STARTUP_SECONDS = 120.0
"""A worker not started after this long (plus the per-task timeout) is given up on."""


class _CannotStart(Exception):
    """Worker processes die before they can take a task (a broken or frozen environment)."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _worker_main(conn: mpc.Connection, func: Callable[[Any], Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        conn.send((None, None))  # started: the interpreter's start-up is not the task's time
    except (EOFError, OSError):
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, task = message
        try:
            result = func(task)
        except BaseException as exc:  # noqa: BLE001  report, never die on a task's exception
            result = exc if isinstance(exc, Exception) else RuntimeError(repr(exc))
        conn.send((index, result))


@dataclass
class _Slot(Generic[T]):
    process: Any
    conn: mpc.Connection
    index: int | None = None
    started: float = 0.0
    ready: bool = False
    spawned: float = field(default_factory=time.monotonic)


class WorkerPool(Generic[T, R]):
    """Apply ``func`` to every task in worker processes and hand results back in order seen.

    ``on_failure(task, reason)`` builds the result of a task whose worker crashed or timed
    out; ``func`` itself should turn expected errors into results.
    """

    def __init__(self, func: Callable[[T], R], on_failure: Callable[[T, str], R],
                 workers: int, timeout: float) -> None:
        self.func = func
        self.on_failure = on_failure
        self.workers = max(1, workers)
        self.timeout = timeout
        self.context = multiprocessing.get_context("spawn")
        self.slots: list[_Slot[T]] = []
        self.pending: deque[int] = deque()
        self.start_failures = 0

    def _start(self) -> _Slot[T]:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.func), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _stop(self, slot: _Slot[T], kill: bool) -> None:
        try:
            if kill:
                slot.process.kill()
            else:
                slot.conn.send(None)
        except OSError:
            pass
        slot.process.join(timeout=2 if not kill else 5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join(timeout=5)
        slot.conn.close()

    def run(self, tasks: Sequence[T], on_result: Callable[[int, R], None],
            cancel: CancelToken) -> None:
        """Call ``on_result(index, result)`` for every task, in completion order."""
        self.pending = pending = deque(range(len(tasks)))
        self.start_failures = 0
        self.slots = [self._start() for _ in range(min(self.workers, len(tasks)))]
        try:
            while pending or any(s.index is not None for s in self.slots):
                cancel.raise_if_cancelled()
                for slot in self.slots:
                    if slot.index is None and pending:
                        slot.index = pending.popleft()
                        slot.started = time.monotonic()
                        slot.conn.send((slot.index, tasks[slot.index]))
                self._collect(tasks, on_result)
        except _CannotStart as exc:
            log.warning("worker processes cannot start (%s); decoding the remaining %d files "
                        "in this process, without crash isolation", exc, len(pending))
            for slot in self.slots:
                if slot.index is not None:
                    pending.appendleft(slot.index)
                    slot.index = None
            left = sorted(pending)
            pending.clear()
            run_in_process([tasks[i] for i in left], self.func, self.on_failure,
                           lambda n, result: on_result(left[n], result), cancel)
        finally:
            for slot in self.slots:
                self._stop(slot, kill=slot.index is not None or cancel.cancelled)
            self.slots = []

    def _collect(self, tasks: Sequence[T], on_result: Callable[[int, R], None]) -> None:
        busy = [s for s in self.slots if s.index is not None]
        waitables: list[Any] = [s.conn for s in busy] + [s.process.sentinel for s in busy]
        ready = set(mpc.wait(waitables, timeout=POLL_SECONDS))
        now = time.monotonic()
        for position, slot in enumerate(self.slots):
            if slot.index is None:
                continue
            index = slot.index
            if slot.conn in ready:
                try:
                    got, result = slot.conn.recv()
                except (EOFError, OSError):
                    self._replace(position, tasks, on_result, "the decoder crashed on this file")
                    continue
                if got is None:  # the worker has started: its task's clock starts now
                    slot.ready, slot.started = True, now
                    continue
                slot.index = None
                if isinstance(result, Exception):
                    result = self.on_failure(tasks[got], f"{type(result).__name__}: {result}")
                on_result(got, result)
            elif slot.process.sentinel in ready:
                self._replace(position, tasks, on_result, "the decoder crashed on this file")
            elif (now - slot.started > self.timeout if slot.ready
                  else now - slot.spawned > self.timeout + STARTUP_SECONDS):
                log.warning("worker stuck on task %d for %.0fs; killing it", index, self.timeout)
                self._replace(position, tasks, on_result,
                              f"decoding took longer than {self.timeout:g} s")

    def _replace(self, position: int, tasks: Sequence[T],
                 on_result: Callable[[int, R], None], reason: str) -> None:
        slot = self.slots[position]
        index = slot.index
        assert index is not None
        slot.index = None
        self._stop(slot, kill=True)
        if not slot.ready:  # died before it could take its task: not the file's fault
            self.pending.appendleft(index)
            self.start_failures += 1
            if self.start_failures >= MAX_START_FAILURES:
                raise _CannotStart(reason)
            self.slots[position] = self._start()
            return
        self.slots[position] = self._start()
        on_result(index, self.on_failure(tasks[index], reason))


def run_in_process(tasks: Sequence[T], func: Callable[[T], R],
                   on_failure: Callable[[T, str], R], on_result: Callable[[int, R], None],
                   cancel: CancelToken) -> None:
    """The same contract without processes (``--workers 0``): no crash isolation."""
    for index, task in enumerate(tasks):
        cancel.raise_if_cancelled()
        try:
            result = func(task)
        except Exception as exc:  # noqa: BLE001  as in a worker: the task's failure only
            result = on_failure(task, f"{type(exc).__name__}: {exc}")
        on_result(index, result)
