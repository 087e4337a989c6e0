"""The Decisions dialog: every lasting decision ('not duplicates', 'reviewed, keep all'),
newest first, with the thumbnails of its pictures; each can be removed, and all can be
exported to or imported from a JSON file.

The dialog reads and writes nothing itself: the window's background work lists the
decisions (``set_decisions``) and carries out what the buttons ask for (the signals)."""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui.text import plural

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dupeviewer.core.decisions import Decision
    from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader

log = logging.getLogger(__name__)

THUMB = 48
"""Side of one picture's thumbnail in the list; a decision shows up to :data:`SHOWN`."""
SHOWN = 3
ID_ROLE = Qt.ItemDataRole.UserRole


class DecisionsDialog(QDialog):
    """``forget_requested(id)``, ``export_requested(path)`` and ``import_requested(path)``
    ask the window's work to do it; it answers with :meth:`set_decisions`."""

    forget_requested = Signal(int)
    export_requested = Signal(str)
    import_requested = Signal(str)

    def __init__(self, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisions-dialog")
        self.setWindowTitle(self.tr("Your Decisions"))
        self.loader = loader
        self.decisions: list[Decision] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel(self.tr("Reading your decisions\u2026"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setObjectName("decisions-list")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Pictures"), self.tr("Decision"),
                                   self.tr("Made")])
        self.tree.setRootIsDecorated(False)
        self.tree.setIconSize(QSize(THUMB * SHOWN + 2 * (SHOWN - 1), THUMB))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, THUMB * SHOWN + 24)
        self.tree.setColumnWidth(1, 420)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.remove = QPushButton(self.tr("&Remove Decision"))
        self.remove.setToolTip(self.tr("Forget this decision: its groups come back"))
        self.remove.clicked.connect(self._remove)
        self.export = QPushButton(self.tr("&Export\u2026"))
        self.export.setToolTip(self.tr("Save every decision to a JSON file"))
        self.export.clicked.connect(self._export)
        self.import_button = QPushButton(self.tr("&Import\u2026"))
        self.import_button.setToolTip(self.tr("Add the decisions of an exported JSON file"))
        self.import_button.clicked.connect(self._import)
        for button in (self.remove, self.export, self.import_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.loader.ready.connect(self._on_thumbnail)
        self.resize(760, 460)
        self._update_buttons()

    def set_decisions(self, decisions: Sequence[Decision], hidden: int) -> None:
        """Show ``decisions`` (newest first); ``hidden`` groups are hidden by them now."""
        current = self.current_id()
        self.decisions = list(decisions)
        self.tree.clear()
        for decision in self.decisions:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(decision.created))
            item = QTreeWidgetItem(["", _words(decision), when])
            item.setData(0, ID_ROLE, decision.id)
            item.setToolTip(1, "\n".join(p.path for p in decision.pictures))
            item.setIcon(0, self._thumbnails(decision))
            self.tree.addTopLevelItem(item)
            if decision.id == current:
                self.tree.setCurrentItem(item)
        count = len(self.decisions)
        self.summary.setText(
            plural(self.tr("%n decision(s), newest first.", "", count), count) + " " +
            plural(self.tr("They hide %n group(s) of the current results.", "", hidden),
                   hidden) if count else self.tr(
                "No decisions yet. In a group, N says the current copy is not a duplicate "
                "of the others, and R marks the group reviewed (keep all)."))
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        self._update_buttons()

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else int(item.data(0, ID_ROLE))

    def _update_buttons(self) -> None:
        self.remove.setEnabled(self.current_id() is not None)
        self.export.setEnabled(bool(self.decisions))

    def _remove(self) -> None:
        chosen = self.current_id()
        if chosen is not None:
            self.forget_requested.emit(chosen)

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export Your Decisions"),
                                              os.path.expanduser("~/dupeviewer-decisions"
                                                                 ".json"),
                                              self.tr("JSON files (*.json)"))
        if path:
            self.export_requested.emit(path)

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import Decisions"),
                                              os.path.expanduser("~"),
                                              self.tr("JSON files (*.json)"))
        if path:
            self.import_requested.emit(path)

    def _thumbnails(self, decision: Decision) -> QIcon:
        """Up to :data:`SHOWN` pictures side by side, where they were when decided (a
        grey square for one not loaded yet or gone)."""
        strip = QPixmap(self.tree.iconSize())
        strip.fill(Qt.GlobalColor.transparent)
        painter = QPainter(strip)
        for index, picture in enumerate(decision.pictures[:SHOWN]):
            x = index * (THUMB + 2)
            pixmap = self.loader.pixmap(picture.path, THUMB)
            if pixmap is None or pixmap.isNull():
                painter.fillRect(x, 0, THUMB, THUMB, Qt.GlobalColor.lightGray)
                continue
            scaled = pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
            painter.drawPixmap(x + (THUMB - scaled.width()) // 2,
                               (THUMB - scaled.height()) // 2, scaled)
        painter.end()
        return QIcon(strip)

    def _on_thumbnail(self, path: str, side: int) -> None:
        if side != THUMB:
            return
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            decision = self.decisions[row]
            if item is not None and any(p.path == path for p in decision.pictures[:SHOWN]):
                item.setIcon(0, self._thumbnails(decision))


def _words(decision: Decision) -> str:
    names = [[os.path.basename(p.path) for p in side] for side in decision.sides]
    if decision.kind == "reviewed":
        return QCoreApplication.translate("DecisionsDialog", "Reviewed, keep all: {names}"
                                          ).format(names=", ".join(names[0]))
    return QCoreApplication.translate("DecisionsDialog",
                                      "Not duplicates: {left} and {right}").format(
        left=", ".join(names[0]), right=", ".join(names[1]))
