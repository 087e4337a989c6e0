"""The window's actions, menus and toolbar, built in one place (no behaviour here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSlider,
    QToolBar,
    QToolButton,
    QWidget,
)

from dupeviewer.gui.look import icon, muted
from dupeviewer.gui.settings import THRESHOLD_MAX
from dupeviewer.gui.text import keep_rules

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

def rules(tr: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    """The keep-by rules of the Marks menu."""
    return keep_rules(tr)


@dataclass
class Actions:
    add_folder: QAction
    scan: QAction
    cancel: QAction
    trash: QAction
    undo: QAction
    mark_all: QAction
    unmark_all: QAction
    suggest: QAction
    mark_near: QAction
    skipped: QAction
    quit: QAction
    about: QAction
    export_json: QAction
    export_csv: QAction
    export_paths: QAction
    open_logs: QAction
    keep_by: dict[str, QAction]
    keep_in_folder: QMenu
    keep_this: QAction
    keep_only: QAction
    next_undecided: QAction
    move_to_folder: QAction
    threshold: QSlider
    threshold_label: QLabel
    rotations: QCheckBox
    trash_button: QToolButton
    scan_options: QAction
    not_duplicate: QAction
    reviewed: QAction
    decisions: QAction


def _action(window: QMainWindow, text: str, tip: str, icon_name: str = "",
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
    action = QAction(icon(icon_name) if icon_name else QIcon(), text, window)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})")
    window.addAction(action)
    return action


def build_actions(window: QMainWindow) -> Actions:
    tr = window.tr
    add_folder = _action(window, tr("&Add Folder\u2026"), tr("Add a folder of photos to scan"),
                         "folder-new", QKeySequence.StandardKey.Open)
    scan = _action(window, tr("&Scan"), tr("Scan the folders for duplicates"),
                   "view-refresh", QKeySequence.StandardKey.Refresh)
    cancel = _action(window, tr("&Cancel Scan"), tr("Stop the scan and keep what was found"),
                     "process-stop", "Esc")
    trash = _action(window, tr("&Move to Trash\u2026"),
                    tr("Move the marked files to the Trash after confirming"),
                    "user-trash", QKeySequence.StandardKey.Delete)
    undo = _action(window, tr("&Undo Last Trash"),
                   tr("Put the files of the last trash action back where they were"),
                   "edit-undo", QKeySequence.StandardKey.Undo)
    mark_all = _action(window, tr("Mark &All but the Keeper"),
                       tr("In every group, mark every copy except the suggested keeper"))
    unmark_all = _action(window, tr("U&nmark All"), tr("Clear every mark"),
                         shortcut="Ctrl+Shift+A")
    suggest = _action(window, tr("&Suggested Marks"),
                      tr("Mark all but the keeper in exact and same-pixel groups"))
    mark_near = _action(window, tr("&Pre-mark Near Duplicates"),
                        tr("Also mark the copies in near groups after a scan (they may "
                           "differ: check them)"))
    mark_near.setCheckable(True)
    skipped = _action(window, tr("S&kipped Files\u2026"),
                      tr("List the files the scan skipped"))
    quit_action = _action(window, tr("&Quit"), tr("Quit dupeviewer"), "application-exit",
                          QKeySequence.StandardKey.Quit)
    about = _action(window, tr("&About dupeviewer"),
                    tr("Version, licence and the libraries dupeviewer uses"), "help-about")
    open_logs = _action(window, tr("Open &Log Folder"),
                        tr("Open the folder with dupeviewer's log files"), "folder")
    export_json = _action(window, tr("Results as &JSON\u2026"),
                          tr("Save every group as JSON (the format of 'dupeviewer scan "
                             "--json')"), "document-save", "Ctrl+E")
    export_csv = _action(window, tr("Results as &CSV\u2026"),
                         tr("Save every group as CSV, one row per copy"), "document-save")
    export_paths = _action(window, tr("Marked Files as &Path List\u2026"),
                           tr("Save the paths of the files marked for the Trash, one per "
                              "line (or NUL-separated)"), "document-save")
    keep_by = {rule: _action(window, label, tr("In every group keep the copy with the "
                                               "{label} and mark the others").format(
                                                   label=label.replace("&", "").lower()))
               for rule, label in rules(tr)}
    keep_by["quality"].setStatusTip(tr("In every group keep the copy of the best quality "
                                      "(a lossless file first, then the highest JPEG "
                                      "quality) and mark the others"))
    keep_by["quality"].setToolTip(keep_by["quality"].statusTip())
    scan_options = _action(window, tr("Scan &Options\u2026"),
                           tr("Exclude patterns, minimum size, reference folders, the "
                              "similarity threshold and how the scan runs"),
                           "preferences-system", "Ctrl+,")
    keep_in_folder = QMenu(tr("In &Folder"), window)
    keep_in_folder.setToolTipsVisible(True)
    keep_this, keep_only, next_undecided, move_to_folder = _decide_actions(window)

    menu = window.menuBar().addMenu(tr("&File"))
    menu.addActions([add_folder, scan, cancel, scan_options])
    menu.addSeparator()
    menu.addAction(skipped)
    export = menu.addMenu(icon("document-save"), tr("&Export"))
    export.setToolTipsVisible(True)
    export.addActions([export_json, export_csv, export_paths])
    menu.addSeparator()
    menu.addAction(quit_action)
    menu = window.menuBar().addMenu(tr("&Marks"))
    menu.setToolTipsVisible(True)
    menu.addActions([suggest, mark_all, unmark_all])
    menu.addSeparator()
    menu.addActions([keep_this, keep_only])
    keep = menu.addMenu(tr("&Keep by Rule in All Groups"))
    keep.setToolTipsVisible(True)
    keep.addActions(list(keep_by.values()))
    keep.addMenu(keep_in_folder)
    menu.addSeparator()
    menu.addActions([mark_near, next_undecided])
    menu.addSeparator()
    not_duplicate, reviewed, decisions = _lasting_actions(window)
    menu.addActions([not_duplicate, reviewed, decisions])
    menu.addSeparator()
    menu.addActions([trash, move_to_folder, undo])
    menu_help = window.menuBar().addMenu(tr("&Help"))
    menu_help.addAction(open_logs)
    menu_help.addSeparator()
    menu_help.addAction(about)

    threshold, threshold_label, rotations, trash_button = _toolbar(
        window, [add_folder, scan, cancel], undo, trash, menu, scan_options)
    return Actions(add_folder, scan, cancel, trash, undo, mark_all, unmark_all, suggest,
                   mark_near, skipped, quit_action, about, export_json, export_csv,
                   export_paths, open_logs, keep_by, keep_in_folder, keep_this, keep_only,
                   next_undecided, move_to_folder, threshold, threshold_label, rotations,
                   trash_button, scan_options, not_duplicate, reviewed, decisions)


def _lasting_actions(window: QMainWindow) -> tuple[QAction, QAction, QAction]:
    """Decisions that last (their keys, N and R, are the cards' own: shown, not bound)."""
    tr = window.tr
    not_duplicate = _action(window, tr("Not a Dupl&icate of the Others") + "\tN",
                            tr("The current copy is a different picture: never group it "
                               "with the other copies of this group again (N)"))
    reviewed = _action(window, tr("&Reviewed, Keep All") + "\tR",
                       tr("Keep every copy of this group and hide it until a new copy "
                          "joins it (R)"))
    decisions = _action(window, tr("Your &Decisions\u2026"),
                        tr("List your lasting decisions, remove one, export or import "
                           "them"))
    return not_duplicate, reviewed, decisions


def _decide_actions(window: QMainWindow) -> tuple[QAction, QAction, QAction, QAction]:
    """Keep the current copy (its keys, P and O, are the cards' own: shown, not bound),
    go on to the next undecided group, and move the marked files to a folder."""
    tr = window.tr
    keep_this = _action(window, tr("Keep &This Copy") + "\tP",
                        tr("Keep the current copy of this group and mark the others as the "
                           "pre-set marks do (P)"))
    keep_only = _action(window, tr("Keep &Only This Copy") + "\tO",
                        tr("Keep the current copy of this group and mark every other copy "
                           "(O)"))
    next_undecided = _action(window, tr("Go to the Next Undecided &Group"),
                             tr("After you keep a copy, show the next group whose copy to "
                                "keep you have not chosen yet"))
    next_undecided.setCheckable(True)
    move_to_folder = _action(window, tr("Move Marked Files to &Folder\u2026"),
                             tr("Move the marked files into a folder you choose, instead of "
                                "the Trash (Undo moves them back)"), "folder")
    return keep_this, keep_only, next_undecided, move_to_folder


def _toolbar(window: QMainWindow, first: list[QAction], undo: QAction, trash: QAction,
             marks: QMenu, options: QAction) -> tuple[QSlider, QLabel, QCheckBox, QToolButton]:
    tr = window.tr
    bar = QToolBar(tr("Main"), window)
    bar.setObjectName("main-toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.addToolBar(bar)
    bar.addActions(first)
    bar.addSeparator()
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(8, 0, 8, 0)
    row.setSpacing(6)
    similarity = QLabel(tr("S&imilarity:"))
    row.addWidget(similarity)
    strict = muted(QLabel(tr("strict")))
    row.addWidget(strict)
    threshold = QSlider(Qt.Orientation.Horizontal)
    threshold.setRange(0, THRESHOLD_MAX)
    threshold.setPageStep(2)
    threshold.setFixedWidth(140)
    threshold.setAccessibleName(tr("Near-duplicate threshold"))
    threshold.setToolTip(tr("How different two pictures may be and still count as near "
                            "duplicates. Changing it regroups at once, without reading the "
                            "files again."))
    similarity.setBuddy(threshold)
    row.addWidget(threshold)
    loose = muted(QLabel(tr("loose")))
    row.addWidget(loose)
    threshold_label = QLabel()
    threshold_label.setMinimumWidth(24)
    row.addWidget(threshold_label)
    rotations = QCheckBox(tr("R&otated copies"))
    rotations.setAccessibleName(tr("Match rotated copies"))
    rotations.setToolTip(tr("Also match copies turned by 90\u00b0, 180\u00b0 or mirrored"))
    row.addSpacing(8)
    row.addWidget(rotations)
    bar.addWidget(box)
    bar.addAction(options)
    bar.addSeparator()
    marks_button = QToolButton()
    marks_button.setText(tr("Marks"))
    marks_button.setAccessibleName(tr("Marks menu"))
    marks_button.setIcon(icon("checkbox"))
    marks_button.setToolTip(tr("Mark or unmark copies in every group"))
    marks_button.setMenu(marks)
    marks_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    marks_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.addWidget(marks_button)
    bar.addAction(undo)
    spacer = QWidget()  # the slider's row keeps its size on a wide window
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    return threshold, threshold_label, rotations, _trash_button(window, trash)


def _trash_button(window: QMainWindow, trash: QAction) -> QToolButton:
    """The main action as a prominent button, for the window to place where it is always
    in view (a toolbar would hide it in its overflow menu on a narrow window)."""
    tr = window.tr
    trash_button = QToolButton()
    trash_button.setDefaultAction(trash)
    trash_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    trash_button.setObjectName("trash-button")
    trash_button.setAccessibleName(tr("Move the marked files to the Trash"))
    trash_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    trash_button.setStyleSheet(
        "QToolButton#trash-button { padding: 6px 14px; border-radius: 4px; }"
        "QToolButton#trash-button:enabled { background: #c62828; color: white;"
        " border: 1px solid #a61f1f; font-weight: bold; }"
        "QToolButton#trash-button:enabled:hover { background: #d32f2f; }"
        "QToolButton#trash-button:enabled:pressed { background: #b71c1c; }"
        "QToolButton#trash-button:disabled { border: 1px solid palette(mid); }")
    return trash_button
