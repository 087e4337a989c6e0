"""Run per-file work in worker processes; a crash or hang costs one file, never the scan.

The processes are pebble's ``ProcessPool``: a worker that dies (a decoder bug on a hostile
file) fails only its task with ``ProcessExpired`` and is replaced, and a task past its
timeout is killed with its worker, which ``concurrent.futures`` cannot do (its executor
breaks as a whole when one worker dies, and it cannot time out one task). This module
adds only what pebble leaves to its caller:

- a bounded window of scheduled tasks, so 100,000 files are not 100,000 futures at once,
  and a cancel check between results;
- a start-up probe: when worker processes cannot start at all (a broken or frozen
  environment), the files are decoded in this process instead of each failing as a crash;
- results as ``on_result(index, result)``, failures turned into results by ``on_failure``.

``benchmarks/bench_pool.py`` measured pebble against the pool this replaces (2,000 small
tasks on 2 workers: 2.64 s against 3.27 s; a batch with a crashing and a hanging task:
3.25 s against 5.10 s, with the same results).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

from pebble import ProcessExpired, ProcessPool

from dupeviewer.core.cancel import CancelToken

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
POLL_SECONDS = 0.1
MAX_START_FAILURES = 3
"""After this many workers die before they can run a task, decode in this process."""
STARTUP_SECONDS = 120.0
"""A worker that has not run its start-up probe after this long is given up on."""
WINDOW = 64
"""Tasks scheduled ahead per worker: pebble hands a worker its next task only from its own
queue, so a short window leaves workers idle (4: 1.82 ms a task, 64: 1.29, unbounded
pebble 1.38). Cancelling stops the workers at once, whatever is queued."""


class _CannotStart(Exception):
    """Worker processes die before they can take a task (a broken or frozen environment)."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _probe(func: Callable[[Any], Any]) -> int:
    """Run in a new worker: unpickling ``func`` imports what every task will need."""
    return os.getpid()


class WorkerPool(Generic[T, R]):
    """Apply ``func`` to every task in worker processes, reporting results as they come.

    ``on_failure(task, reason)`` builds the result of a task whose worker crashed or timed
    out; ``func`` itself should turn expected errors into results.
    """

    def __init__(self, func: Callable[[T], R], on_failure: Callable[[T, str], R],
                 workers: int, timeout: float) -> None:
        self.func = func
        self.on_failure = on_failure
        self.workers = max(1, workers)
        self.timeout = timeout
        self.start_failures = 0

    def run(self, tasks: Sequence[T], on_result: Callable[[int, R], None],
            cancel: CancelToken) -> None:
        """Call ``on_result(index, result)`` for every task, in completion order."""
        self.start_failures = 0
        done: set[int] = set()
        try:
            while len(done) < len(tasks):
                left = [i for i in range(len(tasks)) if i not in done]
                pool = self._start(len(left), cancel)
                try:
                    self._run(pool, tasks, left, on_result, cancel, done)
                except BrokenProcessPool as exc:  # workers died outside any task
                    self._failed_start(exc)
                finally:
                    if len(done) < len(tasks):
                        pool.stop()  # kills workers still busy (cancelled, or an error)
                    else:
                        pool.close()
                    pool.join()
        except _CannotStart as exc:
            left = [i for i in range(len(tasks)) if i not in done]
            log.warning("worker processes cannot start (%s); decoding the remaining %d files "
                        "in this process, without crash isolation", exc, len(left))
            run_in_process([tasks[i] for i in left], self.func, self.on_failure,
                           lambda n, result: on_result(left[n], result), cancel)

    def _failed_start(self, exc: BaseException) -> None:
        self.start_failures += 1
        if self.start_failures >= MAX_START_FAILURES:
            raise _CannotStart(_reason(exc)) from exc

    def _start(self, count: int, cancel: CancelToken) -> ProcessPool:
        """A pool whose workers proved they can start and import ``func`` (a probe task),
        before any file is theirs."""
        context: Any = multiprocessing.get_context("spawn")
        while True:
            pool = ProcessPool(max_workers=min(self.workers, max(1, count)), context=context)
            probe = pool.schedule(_probe, args=(self.func,), timeout=STARTUP_SECONDS)
            try:
                while not probe.done():
                    cancel.raise_if_cancelled()
                    wait([probe], timeout=POLL_SECONDS)
                probe.result()
                return pool
            except (ProcessExpired, BrokenProcessPool, FutureTimeout, OSError) as exc:
                pool.stop()
                pool.join()
                self._failed_start(exc)
            except BaseException:
                pool.stop()
                pool.join()
                raise

    def _run(self, pool: ProcessPool, tasks: Sequence[T], order: Sequence[int],
             on_result: Callable[[int, R], None], cancel: CancelToken, done: set[int]) -> None:
        running: dict[Future[R], int] = {}
        upcoming = iter(order)
        ahead = self.workers * WINDOW
        while True:
            while len(running) < ahead and (index := next(upcoming, None)) is not None:
                running[pool.schedule(self.func, args=(tasks[index],),
                                      timeout=self.timeout)] = index
            if not running:
                return
            finished, _ = wait(list(running), timeout=POLL_SECONDS,
                               return_when=FIRST_COMPLETED)
            cancel.raise_if_cancelled()
            for future in finished:
                index = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise  # not this file's fault: the caller starts a new pool
                except Exception as exc:  # the file's failure, never the scan's
                    if isinstance(exc, FutureTimeout):
                        log.warning("decoding task %d took longer than %gs; its worker was "
                                    "killed", index, self.timeout)
                    result = self.on_failure(tasks[index], _reason(exc, self.timeout))
                done.add(index)
                on_result(index, result)


def _reason(exc: BaseException, timeout: float = 0.0) -> str:
    if isinstance(exc, ProcessExpired):
        return "the decoder crashed on this file"
    if isinstance(exc, FutureTimeout):
        return f"decoding took longer than {timeout:g} s"
    return f"{type(exc).__name__}: {exc}"


def run_in_process(tasks: Sequence[T], func: Callable[[T], R],
                   on_failure: Callable[[T, str], R], on_result: Callable[[int, R], None],
                   cancel: CancelToken) -> None:
    """The same contract without processes (``--workers 0``): no crash isolation."""
    for index, task in enumerate(tasks):
        cancel.raise_if_cancelled()
        try:
            result = func(task)
        except Exception as exc:
            result = on_failure(task, f"{type(exc).__name__}: {exc}")
        on_result(index, result)
