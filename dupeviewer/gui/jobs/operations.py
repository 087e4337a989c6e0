"""What the window does in the background: scan, regroup, trash, undo; one job at a time.

Each operation wraps one engine call in a :class:`Job`, applies its outcome to the review
state and reports through signals; the window decides how to show them (status bar,
progress, dialogs). Nothing here holds a widget: the engine decides, this module only
sequences and reports.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QObject, QTimer, Signal

from dupeviewer.gui import text
from dupeviewer.gui.jobs.workers import (
    Job,
    Relay,
    decision_work,
    move_work,
    regroup_work,
    scan_work,
    trash_work,
    undo_work,
)
from dupeviewer.gui.text import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from dupeviewer.core.cancel import ProgressEvent
    from dupeviewer.core.decisions import Decision, DecisionStore
    from dupeviewer.core.model import Options, ScanResult
    from dupeviewer.core.trash import TrashReport, UndoReport
    from dupeviewer.gui.models.review import Review
    from dupeviewer.gui.settings import Settings

log = logging.getLogger(__name__)

JobKind = Literal["", "scan", "regroup", "trash", "move", "undo", "decision"]
"""What the running job is ("" when none runs)."""

SHUTDOWN_WAIT_MS = 5000
REGROUP_DELAY_MS = 250
"""A slider drag regroups once it rests, not once per step."""


def pending_undo() -> int:
    """How many files "Undo Last Trash" would restore now (0: nothing to undo)."""
    from dupeviewer.core import undo

    try:
        return undo.pending()
    except OSError as exc:  # an unreadable journal means nothing to undo
        log.warning("cannot read the trash journal: %s", exc)
        return 0


def error_text(error: object) -> str:
    """An exception from a worker in words: its message, or its type when it has none."""
    return str(error) or type(error).__name__


class Operations(QObject):
    """Runs the background work over the review state and reports how it goes.

    It reads the folders to scan through ``folders`` (the folder list is a widget's) and
    the options through ``settings``; it changes only ``review``. Everything the user sees
    goes out as a signal.
    """

    status = Signal(str, int)  # a message for the status bar, timeout in ms (0: stays)
    busy_changed = Signal(bool)  # a job started (True) or ended (False)
    folders_wanted = Signal()  # a scan was asked for with no folder to scan
    scan_started = Signal(int)  # folders being scanned
    scan_progress = Signal(object)  # ProgressEvent
    cancelling = Signal()  # the running scan was asked to stop
    scanned = Signal(object, object)  # ScanResult, the Options it was made with
    scan_interim = Signal(object, object, bool)  # ScanResult so far (not final), its
    # Options, and whether to keep the marks (False for the scan's first groups)
    regrouped = Signal(object, object)  # ScanResult, Options: marks are to be kept
    trash_progress = Signal(int, int)  # files done, total (0: not counted yet)
    trashed = Signal(object)  # TrashReport, after the review dropped the moved files
    moved = Signal(object, str)  # TrashReport, the folder: as trashed, for a move
    undone = Signal(object, str)  # UndoReport, what happened in words
    failed = Signal(str, str)  # title, message: a job raised
    decisions_listed = Signal(object, int)  # every Decision newest first, groups they hide

    def __init__(self, review: Review, settings: Settings, folders: Callable[[], list[str]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.settings = settings
        self._folders = folders
        self.job: Job | None = None
        self.kind: JobKind = ""
        self.pending_regroup = False
        self.pending_scan = False
        self.closing = False
        self._discard = False
        self.interim_shown = False
        """The running (or last) scan showed groups before it finished: its next result
        carries the marks made on them over."""
        self.undoable = pending_undo()
        self.files_trashed = 0  # files this session moved to the Trash
        self.last_decision: Decision | None = None
        """The decision this session made last, while it is the last thing done (Undo
        forgets it); a trash action or a move after it takes Undo back."""
        self.regroup_timer = QTimer(self)
        self.regroup_timer.setSingleShot(True)
        self.regroup_timer.setInterval(REGROUP_DELAY_MS)
        self.regroup_timer.timeout.connect(self.regroup)

    @property
    def busy(self) -> bool:
        return self.job is not None

    @property
    def scanning(self) -> bool:
        return self.job is not None and self.kind == "scan"

    def _say(self, message: str, timeout: int = 0) -> None:
        self.status.emit(message, timeout)

    def _run(self, job: Job, kind: JobKind) -> Job:
        self.job, self.kind = job, kind
        job.done.connect(self._on_done)
        if self.closing:  # the window is closing: never start a thread that outlives it
            log.info("not starting %s: the window is closing", kind)
            return job
        job.start()
        self.busy_changed.emit(True)
        return job

    def _on_done(self) -> None:
        if self.kind in ("trash", "move", "undo"):
            self.undoable = pending_undo()
            if self.kind != "undo":
                self.last_decision = None
        self.job, self.kind = None, ""
        self.busy_changed.emit(False)
        if self.pending_scan:
            self.pending_scan = False
            self.start_scan()
        elif self.pending_regroup:
            self.pending_regroup = False
            self.regroup()

    def _on_failed(self, title: str, error: object) -> None:
        message = error_text(error)
        self._say(f"{title}: {message}")
        self.failed.emit(title, message)

    # scan -------------------------------------------------------------------------
    def start_scan(self) -> None:
        folders = self._folders()
        if not folders:
            self.folders_wanted.emit()
            return
        self.regroup_timer.stop()
        self.pending_regroup = False
        if self.busy:
            self.pending_scan = True
            self.cancel()
            return
        options = self.settings.options()
        self._discard = False
        self.interim_shown = False
        relay = Relay(self)
        job = Job(scan_work(folders, options, relay.send), "scan", self)
        relay.sent.connect(lambda result: self._on_interim(job, result, options))
        job.done.connect(relay.deleteLater)
        job.progress.connect(self.scan_progress)
        job.finished.connect(lambda result: self._on_scanned(result, options))
        job.errored.connect(lambda error: self._on_failed(self.tr("The scan failed"), error))
        self.scan_started.emit(len(folders))
        self._say(self.tr("Scanning\u2026"))
        self._run(job, "scan")

    def cancel(self) -> None:
        if self.job is not None and self.kind == "scan":
            self.job.cancel()
            self.cancelling.emit()
            self._say(self.tr("Cancelling\u2026"))

    def discard(self) -> None:
        """Forget the results (no folder left); a running scan's result is dropped."""
        self.pending_scan = self.pending_regroup = False
        if self.scanning:
            self._discard = True
            self.cancel()
        self.review.clear()

    def _on_interim(self, job: Job, result: ScanResult, options: Options) -> None:
        if job is not self.job or self._discard or self.pending_scan:
            return
        first = not self.interim_shown
        self.interim_shown = True
        self.scan_interim.emit(result, options, not first)

    def _on_scanned(self, result: ScanResult, options: Options) -> None:
        if self._discard or self.pending_scan:
            return
        self.scanned.emit(result, options)
        count = len(result.groups)
        found = plural(self.tr("Found %n group(s) of duplicates", "", count), count)
        if result.cancelled:
            found = self.tr("Scan cancelled. {found} in the files read so far").format(
                found=found)
        message = found + "."
        if result.warnings:  # e.g. the cache could not be used: the user sees the first
            message += " " + result.warnings[0]
        self._say(message)
        for warning in result.warnings:
            log.warning("%s", warning)

    def folders_changed(self, removed: bool) -> None:
        """The folder list changed (``removed``: a folder left it). With no folder left the
        results go; with one gone, rescan (fast: the cache has every fingerprint); else a
        reference flag changed and the keepers may change, so regroup."""
        if removed and not self._folders():
            self.discard()
        elif self.review.result is None:
            return
        elif removed:
            self.start_scan()
        else:
            self.regroup_soon()

    # regroup ----------------------------------------------------------------------
    def regroup_soon(self) -> None:
        """Regroup once the user stops changing the threshold or the folders."""
        self.regroup_timer.start()

    def regroup(self) -> None:
        result = self.review.result
        if result is None:
            return
        if self.busy:
            self.pending_regroup = True
            return
        options = self.settings.options()
        job = Job(regroup_work(result, options), "regroup", self)
        job.finished.connect(lambda regrouped: self._on_regrouped(regrouped, options))
        job.errored.connect(lambda error: self._on_failed(self.tr("Regrouping failed"), error))
        self._say(self.tr("Regrouping\u2026"))
        self._run(job, "regroup")

    def _on_regrouped(self, result: ScanResult, options: Options) -> None:
        if self.pending_scan or self.review.result is None:
            return
        self.regrouped.emit(result, options)
        self._say(plural(self.tr("Regrouped: %n group(s). Your marks were kept; copies new "
                                 "to a group got the suggested mark.", "", len(result.groups)),
                         len(result.groups)), 5000)

    # trash ------------------------------------------------------------------------
    def start_trash(self) -> None:
        """Trash the marked copies (the user has confirmed): the engine plans and checks."""
        review = self.review
        if self.busy or not review.selection.count:
            return
        job = Job(trash_work(review.groups, review.selection.marked), "trash", self)
        job.progress.connect(self._on_trash_progress)
        job.finished.connect(self._on_trashed)
        job.errored.connect(lambda error: self._on_failed(self.tr("Nothing was moved"), error))
        self.trash_progress.emit(0, 0)
        self._say(self.tr("Moving files to the Trash\u2026"))
        self._run(job, "trash")

    def _on_trash_progress(self, event: ProgressEvent) -> None:
        self.trash_progress.emit(event.done, max(event.total, 1))

    def _on_trashed(self, report: TrashReport) -> None:
        moved = report.trashed
        self.files_trashed += len(moved)
        self.review.remove_paths(o.path for o in moved)
        self._say(plural(self.tr("Moved %n file(s) to the Trash", "", len(moved)), len(moved))
                  + " (" + text.data_size(report.bytes) + "). " + self.tr("Undo puts them back."))
        self.trashed.emit(report)

    def start_move(self, folder: str) -> None:
        """Move the marked copies into ``folder`` (the user has confirmed), with the
        trash's plan and checks; the engine refuses a folder inside a scanned one."""
        review = self.review
        if self.busy or not review.selection.count:
            return
        roots = review.result.roots if review.result is not None else ()
        job = Job(move_work(review.groups, review.selection.marked, folder, roots), "move",
                  self)
        job.progress.connect(self._on_trash_progress)
        job.finished.connect(lambda report: self._on_moved(report, folder))
        job.errored.connect(lambda error: self._on_failed(self.tr("Nothing was moved"), error))
        self.trash_progress.emit(0, 0)
        self._say(self.tr("Moving files to {folder}\u2026").format(folder=folder))
        self._run(job, "move")

    def _on_moved(self, report: TrashReport, folder: str) -> None:
        moved = report.trashed
        self.review.remove_paths(o.path for o in moved)
        self._say(plural(self.tr("Moved %n file(s) to {folder}", "", len(moved)),
                         len(moved)).format(folder=folder)
                  + " (" + text.data_size(report.bytes) + "). " + self.tr("Undo moves them "
                                                                          "back."))
        self.moved.emit(report, folder)

    # undo -------------------------------------------------------------------------
    def undo(self) -> None:
        if self.busy:
            return
        if self.last_decision is not None:
            self.undo_decision()
            return
        job = Job(undo_work(), "undo", self)
        job.finished.connect(self._on_undone)
        job.errored.connect(lambda error: self._on_failed(self.tr("Undo failed"), error))
        self._say(self.tr("Restoring files\u2026"))
        self._run(job, "undo")

    def _on_undone(self, report: UndoReport) -> None:
        summary = self.undo_summary(report)
        self._say(summary.splitlines()[0], 8000)
        self.undone.emit(report, summary)
        if report.restored and self._folders():
            self.pending_scan = True  # show the restored files in their groups again

    def undo_summary(self, report: UndoReport) -> str:
        """What the undo did, in words: restored, failed (and where to look), why."""
        from dupeviewer.core.trash import where_is_the_trash

        lines = []
        if report.restored:
            lines.append(plural(self.tr("Restored %n file(s) to where they were.", "",
                                        len(report.restored)), len(report.restored)))
        if report.failed:
            failed = len(report.failed)
            lines.append(plural(self.tr("%n file(s) could not be restored:", "", failed), failed))
            lines += [f"\u2022 {path}: {reason}" for path, reason in report.failed[:20]]
            if report.kind == "trash":
                lines.append(self.tr("You can restore them from {trash}.").format(
                    trash=where_is_the_trash()))
        if report.message:
            lines.append(report.message)
        return "\n".join(lines) or self.tr("Nothing to undo.")

    # decisions --------------------------------------------------------------------
    def decide_not_duplicate(self, g: int, m: int) -> None:
        """Copy ``m`` of group ``g`` is not a duplicate of the group's other copies."""
        group = self.review.groups[g]
        out = [group.members[m].info]
        rest = [x.info for i, x in enumerate(group.members) if i != m]
        name = out[0].path.rsplit("/", 1)[-1]
        self._decide(lambda store: store.not_duplicates(out, rest),
                     self.tr("{name} is not a duplicate of the other copies; Undo (Ctrl+Z) "
                             "takes it back.").format(name=name))

    def decide_reviewed(self, g: int) -> None:
        """Group ``g`` is reviewed: all its copies are kept, and it is hidden."""
        members = [m.info for m in self.review.groups[g].members]
        self._decide(lambda store: store.reviewed(members),
                     self.tr("Group reviewed: all its copies are kept and it is hidden until "
                             "a new copy joins it. Undo (Ctrl+Z) takes it back."))

    def forget_decision(self, decision_id: int) -> None:
        if self.last_decision is not None and self.last_decision.id == decision_id:
            self.last_decision = None  # nothing left for Undo to take back
        self._decide(lambda store: store.forget(decision_id),
                     self.tr("Decision removed: its groups are back."), remember=False)

    def undo_decision(self) -> None:
        decision = self.last_decision
        if decision is None:
            return
        self.last_decision = None
        self._decide(lambda store: store.forget(decision.id),
                     self.tr("Undone: {what}").format(what=decision.describe()),
                     remember=False)

    def list_decisions(self) -> None:
        """Read every decision (for the Decisions dialog): ``decisions_listed``."""
        self._decide(lambda store: None, "", remember=False, regroup=False)

    def import_decisions(self, path: str) -> None:
        from pathlib import Path

        self._decide(lambda store: store.import_(Path(path)), self.tr(
            "Imported the decisions of {path}.").format(path=path), remember=False)

    def export_decisions(self, path: str) -> None:
        from pathlib import Path

        self._decide(lambda store: store.export(Path(path)), self.tr(
            "Saved the decisions to {path}.").format(path=path), remember=False,
            regroup=False)

    def _decide(self, change: Callable[[DecisionStore], object], message: str,
                remember: bool = True, regroup: bool = True) -> None:
        if self.busy:
            self._say(self.tr("Busy; try again when the current work is done."), 5000)
            return
        options = self.settings.options()
        result = self.review.result if regroup else None
        job = Job(decision_work(change, result, options), "decision", self)
        job.finished.connect(
            lambda payload: self._on_decided(payload, options, message, remember))
        job.errored.connect(lambda error: self._on_failed(
            self.tr("The decision was not saved"), error))
        self._run(job, "decision")

    def _on_decided(self, payload: tuple[object, ScanResult | None, list[Decision], list[str]],
                    options: Options, message: str, remember: bool) -> None:
        outcome, regrouped, decisions, warnings = payload
        if remember:
            self.last_decision = outcome  # type: ignore[assignment]
        hidden = self.review.result.stats.hidden_by_decisions if self.review.result else 0
        if regrouped is not None and not self.pending_scan and self.review.result is not None:
            self.regrouped.emit(regrouped, options)
            hidden = regrouped.stats.hidden_by_decisions
        if message:
            self._say(" ".join([message, *warnings[:1]]), 8000)
        self.decisions_listed.emit(decisions, hidden)

    # shutdown ---------------------------------------------------------------------
    def shutdown(self) -> None:
        self.closing = True
        self.regroup_timer.stop()
        job = self.job
        self.pending_scan = self.pending_regroup = False
        if job is None:
            return
        job.cancel()
        if not job.wait(SHUTDOWN_WAIT_MS):
            log.warning("%s still running at exit", job.name)
