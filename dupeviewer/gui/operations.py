"""What the window does in the background: scan, regroup, trash, undo; one job at a time.

Each operation wraps one engine call in a :class:`Job` and turns its outcome into review
changes and messages. The engine decides; this module only sequences and reports.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from dupeviewer.core.cancel import ProgressEvent
from dupeviewer.core.model import Options, ScanResult
from dupeviewer.gui import text
from dupeviewer.gui.dialogs import ConfirmTrashDialog, failures_dialog, show_error
from dupeviewer.gui.member_model import MemberRole
from dupeviewer.gui.text import plural
from dupeviewer.gui.workers import Job, regroup_work, scan_work, trash_work, undo_work

if TYPE_CHECKING:
    from dupeviewer.core.trash import TrashReport, UndoReport
    from dupeviewer.gui.main_window import MainWindow

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 5000


def pending_undo() -> int:
    """How many files "Undo Last Trash" would restore now (0: nothing to undo)."""
    from dupeviewer.core import undo

    try:
        return undo.pending()
    except OSError as exc:  # an unreadable journal means nothing to undo
        log.warning("cannot read the trash journal: %s", exc)
        return 0


class Operations(QObject):
    """Runs the window's background work and applies the results."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.job: Job | None = None
        self.kind = ""
        self.pending_regroup = False
        self.pending_scan = False
        self.closing = False
        self._discard = False
        self.confirm_dialog: ConfirmTrashDialog | None = None
        self.problems_dialog: QObject | None = None
        self.compare_dialog: QObject | None = None
        self.undoable = pending_undo()
        self.trashed = 0  # files this session moved to the Trash

    @property
    def busy(self) -> bool:
        return self.job is not None

    @property
    def scanning(self) -> bool:
        return self.job is not None and self.kind == "scan"

    def _run(self, job: Job, kind: str) -> Job:
        self.job, self.kind = job, kind
        job.done.connect(self._on_done)
        if self.closing:  # the window is closing: never start a thread that outlives it
            log.info("not starting %s: the window is closing", kind)
            return job
        job.start()
        self.window.update_state()
        return job

    def _on_done(self) -> None:
        if self.kind in ("trash", "undo"):
            self.undoable = pending_undo()
        self.job, self.kind = None, ""
        self.window.busy.hide()
        self.window.update_state()
        if self.pending_scan:
            self.pending_scan = False
            self.start_scan()
        elif self.pending_regroup:
            self.pending_regroup = False
            self.regroup()

    # scan -------------------------------------------------------------------------
    def start_scan(self) -> None:
        folders = self.window.folders.folders()
        if not folders:
            self.window.choose_folder()
            return
        self.window.regroup_timer.stop()
        self.pending_regroup = False
        if self.busy:
            self.pending_scan = True
            self.cancel()
            return
        options = self.window.options()
        self._discard = False
        job = Job(scan_work(folders, options), "scan", self)
        job.progress.connect(self.window.scan_page.update_progress)
        job.finished.connect(lambda result: self._on_scanned(result, options))
        job.failed.connect(lambda message: self._on_failed(self.tr("The scan failed"), message))
        self.window.scan_page.start(len(folders))
        self.window.statusBar().showMessage(self.tr("Scanning\u2026"))
        self._run(job, "scan")

    def cancel(self) -> None:
        if self.job is not None and self.kind == "scan":
            self.job.cancel()
            self.window.scan_page.cancelling()
            self.window.statusBar().showMessage(self.tr("Cancelling\u2026"))

    def discard(self) -> None:
        """Forget the results (no folder left); a running scan's result is dropped."""
        self.pending_scan = self.pending_regroup = False
        if self.scanning:
            self._discard = True
            self.cancel()
        self.window.review.clear()

    def _on_scanned(self, result: ScanResult, options: Options) -> None:
        if self._discard or self.pending_scan:
            return
        self.window.show_result(result, options)
        count = len(result.groups)
        found = plural(self.tr("Found %n group(s) of duplicates", "", count), count)
        if result.cancelled:
            found = self.tr("Scan cancelled. {found} in the files read so far").format(
                found=found)
        message = found + "."
        if result.warnings:  # e.g. the cache could not be used: the user sees the first
            message += " " + result.warnings[0]
        self.window.statusBar().showMessage(message)
        for warning in result.warnings:
            log.warning("%s", warning)

    def _on_failed(self, title: str, message: str) -> None:
        self.window.statusBar().showMessage(f"{title}: {message}")
        show_error(self.window, title, message)

    # regroup ----------------------------------------------------------------------
    def regroup(self) -> None:
        result = self.window.review.result
        if result is None:
            return
        if self.busy:
            self.pending_regroup = True
            return
        options = self.window.options()
        job = Job(regroup_work(result, options), "regroup", self)
        job.finished.connect(lambda regrouped: self._on_regrouped(regrouped, options))
        job.failed.connect(lambda message: self._on_failed(self.tr("Regrouping failed"),
                                                           message))
        self.window.statusBar().showMessage(self.tr("Regrouping\u2026"))
        self._run(job, "regroup")

    def _on_regrouped(self, result: ScanResult, options: Options) -> None:
        if self.pending_scan or self.window.review.result is None:
            return
        self.window.show_result(result, options, keep_marks=True)
        self.window.statusBar().showMessage(
            plural(self.tr("Regrouped: %n group(s). Your marks were kept; copies new to a "
                           "group got the suggested mark.", "", len(result.groups)),
                   len(result.groups)), 5000)

    # trash ------------------------------------------------------------------------
    def confirm_trash(self) -> None:
        files = self.window.review.marked_files()
        if not files or self.busy:
            return
        dialog = ConfirmTrashDialog(files, self.window,
                                    self.window.review.selection.losses())
        dialog.accepted.connect(self.start_trash)
        dialog.finished.connect(dialog.deleteLater)
        self.confirm_dialog = dialog
        dialog.open()

    def start_trash(self) -> None:
        self.confirm_dialog = None
        review = self.window.review
        if self.busy or not review.selection.count:
            return
        job = Job(trash_work(review.groups, review.selection.marked), "trash", self)
        job.progress.connect(self._on_trash_progress)
        job.finished.connect(self._on_trashed)
        job.failed.connect(lambda message: self._on_failed(self.tr("Nothing was moved"),
                                                           message))
        self.window.busy.setRange(0, 0)
        self.window.busy.show()
        self.window.statusBar().showMessage(self.tr("Moving files to the Trash\u2026"))
        self._run(job, "trash")

    def _on_trash_progress(self, event: ProgressEvent) -> None:
        self.window.busy.setRange(0, max(event.total, 1))
        self.window.busy.setValue(event.done)

    def _on_trashed(self, report: TrashReport) -> None:
        moved = report.trashed
        self.trashed += len(moved)
        for outcome in moved:
            self.window.loader.forget(outcome.path)
        self.window.review.remove_paths(o.path for o in moved)
        self.window.statusBar().showMessage(
            plural(self.tr("Moved %n file(s) to the Trash", "", len(moved)), len(moved)) + " (" +
            text.data_size(report.bytes) + "). " + self.tr("Undo puts them back."))
        if report.failed:
            dialog = failures_dialog([(o.path, o.reason) for o in report.failed], len(moved),
                                     self.window)
            self.problems_dialog = dialog
            dialog.open()

    # undo -------------------------------------------------------------------------
    def undo(self) -> None:
        if self.busy:
            return
        job = Job(undo_work(), "undo", self)
        job.finished.connect(self._on_undone)
        job.failed.connect(lambda message: self._on_failed(self.tr("Undo failed"), message))
        self.window.statusBar().showMessage(self.tr("Restoring files\u2026"))
        self._run(job, "undo")

    def _on_undone(self, report: UndoReport) -> None:
        from dupeviewer.core.trash import where_is_the_trash

        lines = []
        if report.restored:
            lines.append(plural(self.tr("Restored %n file(s) to where they were.", "",
                                        len(report.restored)), len(report.restored)))
        if report.failed:
            failed = len(report.failed)
            lines.append(plural(self.tr("%n file(s) could not be restored:", "", failed), failed))
            lines += [f"\u2022 {path}: {reason}" for path, reason in report.failed[:20]]
            lines.append(self.tr("You can restore them from {trash}.").format(
                trash=where_is_the_trash()))
        if report.message:
            lines.append(report.message)
        summary = "\n".join(lines) or self.tr("Nothing to undo.")
        self.window.statusBar().showMessage(summary.splitlines()[0], 8000)
        box = QMessageBox(QMessageBox.Icon.Information if report.ok else
                          QMessageBox.Icon.Warning, self.tr("Undo Last Trash"), summary,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.problems_dialog = box
        box.open()
        if report.restored and self.window.folders.folders():
            self.pending_scan = True  # show the restored files in their groups again

    # compare ------------------------------------------------------------------------
    def compare(self, row: int) -> None:
        from dupeviewer.gui.compare import CompareDialog

        g = self.window.cards.model.group
        if g < 0:
            return
        members = list(self.window.review.groups[g].members)
        if len(members) < 2:
            return
        keeper = self.window.review.groups[g].keeper
        other = row if row != keeper else (keeper + 1) % len(members)
        model = self.window.cards.model
        folders = [str(model.index(r, 0).data(MemberRole.Folder)) for r in range(len(members))]
        dialog = CompareDialog(members, keeper, other, folders, self.window)
        dialog.finished.connect(dialog.deleteLater)
        self.compare_dialog = dialog
        dialog.open()

    # shutdown ---------------------------------------------------------------------
    def shutdown(self) -> None:
        self.closing = True
        job = self.job
        self.pending_scan = self.pending_regroup = False
        if job is None:
            return
        job.cancel()
        if not job.wait(SHUTDOWN_WAIT_MS):
            log.warning("%s still running at exit", job.name)
