"""Long work off the GUI thread: one QThread per job, results as immutable payloads.

A :class:`Job` runs a plain function ``work(progress, cancel) -> result`` (the shape of
every long-running core function) on its own QThread. Workers hold no business logic:
they call the engine and turn its progress, result and exceptions into signals. As in
superqt's workers, a failure is emitted as the exception itself, not as text, so the
receiver decides what to say (and can tell one kind of failure from another).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

from dupeviewer.core.cancel import CancelToken, Progress, ProgressEvent
from dupeviewer.core.decisions import DecisionError, DecisionStore
from dupeviewer.core.journal import JournalError
from dupeviewer.core.moveto import MoveError
from dupeviewer.core.scan import ScanError

if TYPE_CHECKING:
    from dupeviewer.core.model import Group, Options, ScanResult

log = logging.getLogger(__name__)

EXPECTED = (ScanError, JournalError, MoveError, DecisionError, OSError)
"""Failures the engine documents (a folder gone, a journal not ours, a folder that cannot
receive moved files, a decisions file that cannot be written, a disk error): the
receiver reports them to the user; anything else is a bug and is logged with its trace."""

Work = Callable[[Progress, CancelToken], object]


class Worker(QObject):
    """Lives on the job's thread; calls ``work`` once and reports how it went."""

    progress = Signal(object)  # ProgressEvent
    finished = Signal(object)  # the result
    errored = Signal(object)  # the exception the work raised

    def __init__(self, work: Work, cancel: CancelToken) -> None:
        super().__init__()
        self._work = work
        self._cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self._emit_progress, self._cancel)
        except EXPECTED as exc:  # the user is told; no traceback, not a bug
            log.warning("background work stopped: %s", exc)
            self.errored.emit(exc)
        except Exception as exc:  # workers never leak exceptions
            log.exception("background work failed")
            self.errored.emit(exc)
        else:
            self.finished.emit(result)
        finally:
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def _emit_progress(self, event: ProgressEvent) -> None:
        self.progress.emit(event)


class Job(QObject):
    """One piece of background work with its thread, cancel token and signals."""

    progress = Signal(object)
    finished = Signal(object)
    errored = Signal(object)
    done = Signal()  # after finished/errored, once the thread has stopped

    def __init__(self, work: Work, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.cancel_token = CancelToken()
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = Worker(work, self.cancel_token)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.finished.connect(self.finished)
        self._worker.errored.connect(self.errored)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, milliseconds: int) -> bool:
        """Block until the thread ends (at shutdown only); False if it is still running."""
        return self._thread.wait(milliseconds)

    @Slot()
    def _on_thread_finished(self) -> None:
        self.done.emit()


class Relay(QObject):
    """Carries values from a job's thread to the GUI thread: ``send`` may be called on any
    thread, ``sent`` is delivered on the thread the relay lives on (a queued signal)."""

    sent = Signal(object)

    def send(self, value: object) -> None:
        self.sent.emit(value)


def scan_work(roots: Sequence[str], options: Options,
              interim: Callable[[ScanResult], None] | None = None) -> Work:
    """A scan of ``roots`` for a :class:`Job`; ``interim`` gets the groups found so far,
    every few seconds, on the job's thread (a :class:`Relay` brings them over)."""

    def work(progress: Progress, cancel: CancelToken) -> ScanResult:
        from dupeviewer.core.scan import scan

        return scan(list(roots), options, progress, cancel, interim)

    return work


def regroup_work(result: ScanResult, options: Options) -> Work:
    def work(progress: Progress, cancel: CancelToken) -> ScanResult:
        from dupeviewer.core.scan import regroup

        return regroup(result, options)

    return work


def decision_work(change: Callable[[DecisionStore], object], result: ScanResult | None,
                  options: Options) -> Work:
    """Change the decisions file (``change`` gets the store), then regroup ``result`` with
    the decisions as they are now: (what ``change`` returned, the regrouped result or None,
    every decision newest first, the store's warnings)."""

    def work(progress: Progress, cancel: CancelToken) -> object:
        from dupeviewer.core.scan import regroup

        store = DecisionStore(options.decisions_path)
        outcome = change(store)
        regrouped = regroup(result, options) if result is not None else None
        return outcome, regrouped, store.all(), list(store.warnings)

    return work


def trash_work(groups: Sequence[Group], marked: Sequence[set[int]]) -> Work:
    """Plan (refusing unsafe plans) and trash through the engine, one file at a time."""
    groups = list(groups)
    marked = [set(m) for m in marked]

    def work(progress: Progress, cancel: CancelToken) -> object:
        from dupeviewer.core import trash

        requests = trash.plan(groups, marked)
        return trash.trash(requests, progress=progress, cancel=cancel)

    return work


def move_work(groups: Sequence[Group], marked: Sequence[set[int]], folder: str,
              roots: Sequence[str]) -> Work:
    """Plan as for the trash, then move the marked copies into ``folder`` (refused when it
    lies in one of ``roots``, the scanned folders)."""
    groups = list(groups)
    marked = [set(m) for m in marked]
    roots = list(roots)

    def work(progress: Progress, cancel: CancelToken) -> object:
        from dupeviewer.core import moveto, trash

        requests = trash.plan(groups, marked)
        return moveto.move(requests, folder, roots, progress=progress, cancel=cancel)

    return work


def undo_work() -> Work:
    def work(progress: Progress, cancel: CancelToken) -> object:
        from dupeviewer.core import trash

        return trash.undo_last()

    return work
