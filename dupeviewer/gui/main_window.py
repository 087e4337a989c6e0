"""The main window: folders and groups on the left, the current group's cards on the right.

The window builds the parts and wires them together: widgets to the review state, the
background work (:class:`Operations`) and the exports to the status bar and the dialogs
(:class:`Prompts`). The rules (what is a duplicate, what may be marked, what is safe to
trash) live in the core; nothing below this module holds the window.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.core.moveto import inside_scanned
from dupeviewer.gui import text
from dupeviewer.gui.actions import build_actions
from dupeviewer.gui.dialogs.export import Exporter
from dupeviewer.gui.dialogs.files import skipped_dialog
from dupeviewer.gui.dialogs.prompts import Prompts
from dupeviewer.gui.dialogs.scan_options import ScanOptionsDialog
from dupeviewer.gui.jobs.operations import Operations
from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
from dupeviewer.gui.look import icon
from dupeviewer.gui.models.review import Review
from dupeviewer.gui.settings import THRESHOLD_MAX, Settings
from dupeviewer.gui.text import plural
from dupeviewer.gui.widgets.folders import FolderPanel
from dupeviewer.gui.widgets.pages import EmptyPage, NothingFoundPage, ScanBanner, ScanPage
from dupeviewer.gui.widgets.status import StatusBar
from dupeviewer.gui.widgets.views import CardsPanel, GroupList

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dupeviewer.core.decisions import Decision
    from dupeviewer.core.model import Options, ScanResult
    from dupeviewer.core.trash import TrashReport
    from dupeviewer.gui.dialogs.decisions import DecisionsDialog

log = logging.getLogger(__name__)

EMPTY, SCANNING, REVIEW, NOTHING_FOUND = 0, 1, 2, 3


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle("dupeviewer")
        self.setObjectName("main-window")
        self.setAcceptDrops(True)
        self.review = Review(self)
        self.loader = ThumbnailLoader(parent=self)
        self.commands = build_actions(self)
        self._build()
        self.ops = Operations(self.review, self.settings, self.folders.folders, self)
        self.prompts = Prompts(self)
        self.exporter = Exporter(self.review, self.settings, self)
        self._connect()
        self._connect_work()
        self._restore()

    # construction -----------------------------------------------------------------
    def _build(self) -> None:
        self.folders = FolderPanel()
        self.groups = GroupList(self.review, self.loader)
        self.cards = CardsPanel(self.review, self.loader)
        self.empty = EmptyPage(QApplication.windowIcon())
        self.scan_page = ScanPage()
        self.nothing = NothingFoundPage()
        self.stack = QStackedWidget()
        for page in (self.empty, self.scan_page, self.cards, self.nothing):
            self.stack.addWidget(page)
        self.sidebar = QSplitter(Qt.Orientation.Vertical)
        self.sidebar.setObjectName("sidebar")
        top = QWidget()
        layout = QVBoxLayout(top)
        layout.setContentsMargins(8, 8, 4, 4)
        layout.addWidget(self.folders)
        bottom = QWidget()
        layout = QVBoxLayout(bottom)
        layout.setContentsMargins(8, 4, 4, 8)
        layout.addWidget(self.groups)
        self.sidebar.addWidget(top)
        self.sidebar.addWidget(bottom)
        self.sidebar.setStretchFactor(1, 4)
        self.sidebar.setSizes([150, 600])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.sidebar)
        self.scan_banner = ScanBanner()  # over the groups found while the scan goes on
        self.scan_banner.hide()
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scan_banner)
        layout.addWidget(self.stack, 1)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 840])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.cards.footer.addWidget(self.commands.trash_button)  # always in view
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.demo_folder = ""
        self.decisions_dialog: DecisionsDialog | None = None
        self.setTabOrder(self.folders.tree, self.groups.bar.search)  # the bar, then the list
        self.setTabOrder(self.groups.view, self.cards.view)
        self.resize(1240, 800)

    def _connect(self) -> None:
        a = self.commands
        a.add_folder.triggered.connect(self.choose_folder)
        a.scan.triggered.connect(self.ops.start_scan)
        a.cancel.triggered.connect(self.ops.cancel)
        a.trash.triggered.connect(self.confirm_trash)
        a.move_to_folder.triggered.connect(self.confirm_move)
        a.undo.triggered.connect(self.ops.undo)
        a.mark_all.triggered.connect(self.review.mark_all_but_keeper)
        a.unmark_all.triggered.connect(self.review.unmark_all)
        a.suggest.triggered.connect(lambda: self.review.suggest(self.settings.mark_near))
        a.mark_near.toggled.connect(self._on_mark_near)
        a.skipped.triggered.connect(self.show_skipped)
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self.about)
        a.open_logs.triggered.connect(self.open_log_folder)
        a.export_json.triggered.connect(lambda: self.exporter.export_results("json"))
        a.export_csv.triggered.connect(lambda: self.exporter.export_results("csv"))
        a.export_paths.triggered.connect(self.exporter.export_marked_paths)
        for rule, action in a.keep_by.items():
            action.triggered.connect(lambda checked=False, r=rule: self.confirm_rule(r))
        a.keep_this.triggered.connect(lambda: self.cards.keep(self.cards.current_row()))
        a.keep_only.triggered.connect(
            lambda: self.cards.keep(self.cards.current_row(), rest=True))
        a.next_undecided.toggled.connect(self._on_next_undecided)
        self.cards.decided.connect(self._after_decision)
        self.cards.rule_requested.connect(lambda rule, g: self.confirm_rule(rule, None, [g]))
        self.prompts.rule_confirmed.connect(self.review.keep_by)
        a.keep_in_folder.aboutToShow.connect(self._fill_keep_in_folder)
        a.threshold.valueChanged.connect(self._on_threshold)
        a.rotations.toggled.connect(self._on_rotations)
        a.scan_options.triggered.connect(self.scan_options)
        self.status.skipped_button.clicked.connect(self.show_skipped)
        self.empty.add_folder.connect(self.choose_folder)
        self.empty.scan.connect(self.ops.start_scan)
        self.scan_page.cancel.connect(self.ops.cancel)
        self.nothing.loosen.connect(lambda: a.threshold.setValue(a.threshold.value() + 2))
        self.folders.add_requested.connect(self.choose_folder)
        self.folders.changed.connect(self._on_folders_changed)
        self.groups.current_changed.connect(self._on_group)
        self.groups.nothing_matches.connect(self.cards.set_nothing_matches)
        self.cards.step_group.connect(self.groups.step)
        self.cards.compare_requested.connect(
            lambda row: self.prompts.compare(self.cards.model, row))
        for view in (self.groups.view, self.cards.view):
            view.installEventFilter(self)
        self.review.reset.connect(self._after_reset)
        self.review.marks_changed.connect(self._update_marks)
        self.review.groups_changed.connect(self._update_marks)
        self.review.removed.connect(self._after_removal)

    def _connect_work(self) -> None:
        """The background work and the exports report here; the window only shows it."""
        ops = self.ops
        for source in (ops, self.exporter):
            source.status.connect(self.status.showMessage)
        ops.busy_changed.connect(self._on_busy)
        ops.folders_wanted.connect(self.choose_folder)
        for page in (self.scan_page, self.scan_banner):
            ops.scan_started.connect(page.start)
            ops.scan_progress.connect(page.update_progress)
            ops.cancelling.connect(page.cancelling)
        self.scan_banner.cancel.connect(ops.cancel)
        # the groups found so far, then the final ones, keep the marks made meanwhile
        ops.scan_interim.connect(self.show_result)
        ops.scanned.connect(
            lambda result, options: self.show_result(result, options, ops.interim_shown))
        ops.regrouped.connect(lambda result, options: self.show_result(result, options, True))
        ops.trash_progress.connect(self.status.show_progress)
        ops.trashed.connect(self._after_trash)
        ops.moved.connect(self._after_trash)
        ops.undone.connect(self.prompts.undo_summary)
        ops.failed.connect(self.prompts.error)
        self.prompts.trash_confirmed.connect(ops.start_trash)
        self.prompts.move_confirmed.connect(ops.start_move)
        self.prompts.mark_requested.connect(self.review.set_mark)  # from the compare view
        self.prompts.keep_requested.connect(self.review.decide)
        self._connect_decisions()

    def _connect_decisions(self) -> None:
        """Decisions that last: N, R and the Marks menu decide; the status bar's count and
        Marks > Your Decisions open the list."""
        a, ops = self.commands, self.ops
        self.cards.not_duplicate_requested.connect(ops.decide_not_duplicate)
        self.cards.reviewed_requested.connect(ops.decide_reviewed)
        a.not_duplicate.triggered.connect(self.cards.not_duplicate_current)
        a.reviewed.triggered.connect(self.cards.reviewed_current)
        a.decisions.triggered.connect(self.show_decisions)
        self.status.decisions_button.clicked.connect(self.show_decisions)
        ops.decisions_listed.connect(self._on_decisions_listed)

    def show_decisions(self) -> None:
        from dupeviewer.gui.dialogs.decisions import DecisionsDialog

        dialog = self.decisions_dialog
        if dialog is None:
            dialog = self.decisions_dialog = DecisionsDialog(self.loader, self)
            dialog.forget_requested.connect(self.ops.forget_decision)
            dialog.export_requested.connect(self.ops.export_decisions)
            dialog.import_requested.connect(self.ops.import_decisions)
        dialog.open()
        self.ops.list_decisions()

    def _on_decisions_listed(self, decisions: list[Decision], hidden: int) -> None:
        self.status.show_hidden(hidden)
        if self.decisions_dialog is not None:
            self.decisions_dialog.set_decisions(decisions, hidden)

    def _restore(self) -> None:
        s = self.settings
        if s.problem is not None:  # a file that is not ours sits where settings live
            self.status.warn_settings(s.file, s.problem)
        geometry = s.geometry("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = s.geometry("splitter")
        if state is not None:
            self.splitter.restoreState(state)
        self._known_folders: list[str] = []
        self.folders.set_folders([f for f in s.folders if os.path.isdir(f)], s.references)
        self.commands.threshold.setValue(s.threshold)
        self._show_threshold(s.threshold)
        self.commands.rotations.setChecked(s.rotations)
        self.commands.mark_near.setChecked(s.mark_near)
        self.commands.next_undecided.setChecked(s.next_undecided)
        self.update_state()

    # public -----------------------------------------------------------------------
    def add_folders(self, paths: Sequence[str], scan: bool = True) -> list[str]:
        added = self.folders.add(paths)
        if added and scan and not self.ops.busy:
            self.ops.start_scan()
        return added

    def scan_folders(self, paths: Sequence[str]) -> None:
        """Scan exactly these folders (``dupeviewer FOLDER...``), keeping their reference
        flags if they were listed before."""
        references = set(self.folders.references())
        folders = [os.path.abspath(os.path.expanduser(p)) for p in paths]
        self.folders.set_folders([f for f in dict.fromkeys(folders) if os.path.isdir(f)],
                                 [f for f in folders if f in references])
        self.ops.start_scan()

    def choose_folder(self) -> None:
        start = (self.folders.folders() or [os.path.expanduser("~")])[-1]
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a Folder of Photos"),
                                                  os.path.dirname(start))
        if folder:
            self.add_folders([folder])

    def options(self) -> Options:
        return self.settings.options()

    def scan_options(self) -> None:
        """File > Scan Options: on OK the toolbar and folder list show the new values, and
        the results are regrouped, or scanned again if the files to read changed."""
        dialog = ScanOptionsDialog(self.settings, self.folders.folders(),
                                   self.folders.references(), self)
        self.scan_options_dialog = dialog
        dialog.accepted.connect(lambda: self._apply_scan_options(dialog))
        dialog.open()

    def _apply_scan_options(self, dialog: ScanOptionsDialog) -> None:
        self.commands.threshold.setValue(self.settings.threshold)
        self.commands.rotations.setChecked(self.settings.rotations)
        references = set(dialog.references())
        for folder in self.folders.folders():
            self.folders.set_reference(folder, folder in references)
        if dialog.rescan and self.review.result is not None:
            self.ops.start_scan()

    def confirm_trash(self) -> None:
        """Delete: list the marked files and ask; the trash starts once the user agrees."""
        if not self.ops.busy:
            self.prompts.confirm_trash(self.review.marked_files(),
                                       self.review.selection.losses())

    def confirm_rule(self, rule: str, folder: str | None = None,
                     groups: list[int] | None = None) -> None:
        """Keep by ``rule`` (in ``groups``, all when None) once the user has seen what it
        marks."""
        if self.ops.busy or not len(self.review):
            return
        preview = self.review.preview_keep_by(rule, folder, groups)
        if not preview.groups:
            self.status.showMessage(self.tr("No group has a copy in {folder}").format(
                folder=folder), 5000)
            return
        self.prompts.confirm_rule(rule, folder, groups, len(self.review), preview)

    def confirm_move(self) -> None:
        """Ask for a folder, then list the marked files and ask; the move starts once the
        user agrees (the engine refuses a folder inside a scanned one)."""
        if self.ops.busy or not self.review.selection.count:
            return
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Move the Marked Files to a Folder"),
            self.settings.move_folder or os.path.expanduser("~"))
        if not folder:
            return
        self.settings.move_folder = folder
        result = self.review.result
        problem = inside_scanned(folder, result.roots if result is not None else ())
        if problem is not None:
            self.prompts.error(self.tr("Nothing was moved"), problem)
            return
        self.prompts.confirm_trash(self.review.marked_files(),
                                   self.review.selection.losses(), folder)

    def show_skipped(self) -> None:
        result = self.review.result
        if result is None or not result.skipped:
            return
        self.skipped_dialog = skipped_dialog([(s.path, s.reason) for s in result.skipped], self)
        self.skipped_dialog.open()

    def about(self) -> None:
        from dupeviewer.gui.dialogs.about import AboutDialog

        self.about_dialog = AboutDialog(self)
        self.about_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog.open()

    def open_log_folder(self) -> bool:
        from dupeviewer.logs import log_dir

        folder = log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.status.showMessage(self.tr("Cannot create the log folder {folder}: "
                                            "{error}").format(folder=folder, error=exc))
            return False
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        if not opened:  # no file manager to open it with: say where it is
            self.prompts.notice(self.tr("Log Folder"), self.tr(
                "The logs are in {folder}").format(folder=folder))
        return opened

    def set_demo(self, folder: str) -> None:
        """This session reviews a generated demo library in a temporary folder: say so,
        and leave the user's own folder list alone."""
        self.demo_folder = folder
        self.setWindowTitle(self.tr("Demo Library — dupeviewer"))
        self.status.show_demo(folder)

    def update_state(self) -> None:
        """Enable what makes sense now and show the right page."""
        busy = self.ops.busy
        scanning = self.ops.scanning
        folders = self.folders.folders()
        a = self.commands
        a.add_folder.setEnabled(True)
        a.scan.setEnabled(bool(folders) and not busy)
        a.cancel.setEnabled(scanning)
        undoable = self.ops.undoable
        a.undo.setEnabled((undoable > 0 or self.ops.last_decision is not None) and not busy)
        a.undo.setStatusTip(plural(self.tr("Put the %n file(s) of the last trash or move back "
                                           "where they were", "", undoable), undoable)
                            if undoable else self.tr("Nothing to undo"))
        a.undo.setText(self.tr("&Undo Last Trash") if self.ops.last_decision is None
                       else self.tr("&Undo Decision"))
        if self.ops.last_decision is not None:
            a.undo.setStatusTip(self.tr("Take back your last decision: {what}").format(
                what=self.ops.last_decision.describe()))
        for action in (a.not_duplicate, a.reviewed):
            action.setEnabled(len(self.review) > 0 and not busy)
        has_result = self.review.result is not None
        a.export_json.setEnabled(has_result and not busy)
        a.export_csv.setEnabled(has_result and not busy)
        for action in (a.mark_all, a.unmark_all, a.suggest, *a.keep_by.values(),
                       a.keep_this, a.keep_only):
            action.setEnabled(len(self.review) > 0 and not busy)
        interim = scanning and self.ops.interim_shown and len(self.review) > 0
        for action in (a.mark_all, a.unmark_all, a.suggest, a.keep_this, a.keep_only):
            action.setEnabled(action.isEnabled() or interim)  # marks carry over regroups
        self.scan_banner.setVisible(interim)
        if interim:
            self.stack.setCurrentIndex(REVIEW)
        elif scanning:
            self.stack.setCurrentIndex(SCANNING)
        elif self.review.result is not None and not self.review.result.groups:
            result = self.review.result
            self.nothing.show_checked(result.stats.images, result.roots or folders,
                                      self.settings.threshold, THRESHOLD_MAX, result.cancelled)
            self.stack.setCurrentIndex(NOTHING_FOUND)
        elif self.review.result is not None:
            self.stack.setCurrentIndex(REVIEW)
        else:
            self.stack.setCurrentIndex(EMPTY)
            self.empty.set_ready(len(folders))
        self.sidebar.setVisible(bool(folders) or self.review.result is not None or scanning)
        if not self.demo_folder:
            self.setWindowTitle(text.window_title(folders))
        self._update_marks()

    def show_result(self, result: ScanResult, options: Options,
                    keep_marks: bool = False) -> None:
        keep = self.groups.current_keeper()
        offset, copy = self.groups.current_offset(), self.cards.current_path()
        self.review.load(result, options, self.settings.mark_near, keep_marks)
        self.groups.select_group_of(keep, offset)  # the same picture stays in view
        self.cards.select_path(copy)
        self.status.show_skipped(len(result.skipped))
        self.status.show_hidden(result.stats.hidden_by_decisions)
        self.update_state()

    # work -------------------------------------------------------------------------
    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.status.hide_progress()
        self.update_state()

    def _after_trash(self, report: TrashReport, folder: str | None = None) -> None:
        for outcome in report.trashed:
            self.loader.forget(outcome.path)
        self.prompts.trash_refused(report, folder)

    # review -----------------------------------------------------------------------
    def _after_reset(self) -> None:
        self.loader.new_generation()
        self.update_state()

    def _after_removal(self) -> None:
        if self.groups.current() < 0:
            self.groups.select_row(0)
        self._update_marks()

    def _on_group(self, g: int) -> None:
        self.cards.model.show_group(g)

    def _update_marks(self) -> None:
        selection = self.review.selection
        count, size = selection.count, selection.bytes
        trash = self.commands.trash
        if count:
            label = plural(self.tr("&Move %n File(s) ({size}) to Trash", "", count), count)
            trash.setText(label.format(size=text.data_size(size)))
        else:
            trash.setText(self.tr("&Move to Trash"))
        trash.setEnabled(count > 0 and not self.ops.busy)
        trash.setToolTip(self.tr("Trash is available when the scan has finished")
                         if self.ops.scanning else trash.statusTip())
        self.commands.move_to_folder.setEnabled(count > 0 and not self.ops.busy)
        self.commands.export_paths.setEnabled(count > 0 and not self.ops.busy)
        self.status.show_summary(None if self.review.result is None else len(self.review),
                                 size, count)

    def _fill_keep_in_folder(self) -> None:
        menu = self.commands.keep_in_folder
        menu.clear()
        for folder in self.folders.folders():
            action = menu.addAction(icon("folder"), os.path.basename(folder) or folder)
            action.setToolTip(self.tr("In every group with a copy in {folder}, keep that copy "
                                      "and mark the others").format(folder=folder))
            action.setEnabled(len(self.review) > 0 and not self.ops.busy)
            action.triggered.connect(
                lambda checked=False, f=folder: self.confirm_rule("folder", f))

    # settings-driven changes ------------------------------------------------------
    def _show_threshold(self, value: int) -> None:
        self.commands.threshold_label.setText(str(value))

    def _on_threshold(self, value: int) -> None:
        self._show_threshold(value)
        self.settings.threshold = value
        self.ops.regroup_soon()

    def _on_rotations(self, checked: bool) -> None:
        self.settings.rotations = checked
        self.ops.regroup_soon()

    def _on_mark_near(self, checked: bool) -> None:
        self.settings.mark_near = checked
        self.review.mark_near = checked

    def _on_next_undecided(self, checked: bool) -> None:
        self.settings.next_undecided = checked

    def _after_decision(self) -> None:
        if self.settings.next_undecided and not self.groups.next_undecided():
            self.status.showMessage(self.tr("You have chosen the copy to keep in every "
                                            "group."), 5000)

    def _save_folders(self) -> None:
        """Remember the folder list, but never a demo session's temporary folder list."""
        if self.demo_folder:
            return
        self.settings.folders = self.folders.folders()
        self.settings.references = self.folders.references()

    def _on_folders_changed(self) -> None:
        folders = self.folders.folders()
        self._save_folders()
        removed = bool(set(self._known_folders) - set(folders))
        self._known_folders = folders
        self.ops.folders_changed(removed)
        self.update_state()

    # events -----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and self.cards.handle_key(event):
            return True
        return super().eventFilter(watched, event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() and os.path.isdir(url.toLocalFile())
               for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = [url.toLocalFile() for url in event.mimeData().urls()
                   if url.isLocalFile() and os.path.isdir(url.toLocalFile())]
        if folders:
            event.acceptProposedAction()
            self.add_folders(folders)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_geometry("geometry", self.saveGeometry())
        self.settings.set_geometry("splitter", self.splitter.saveState())
        self._save_folders()
        self.settings.sync()
        self.ops.shutdown()
        self.loader.shutdown()
        super().closeEvent(event)
