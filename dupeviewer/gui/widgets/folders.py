"""The folders to scan, each optionally a reference folder whose files are always kept."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui.look import icon

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)

FOLDER, REFERENCE = 0, 1


class FolderPanel(QWidget):
    """A small list of folders with a "Reference" check box per folder."""

    changed = Signal()
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Folders"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        header = QHBoxLayout()
        title = QLabel(self.tr("<b>Folders</b>"))
        header.addWidget(title)
        header.addStretch()
        self.add_button = QToolButton()
        self.add_button.setIcon(icon("list-add"))
        self.add_button.setText(self.tr("Add"))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_button.setToolTip(self.tr("Add a folder to scan (Ctrl+O)"))
        self.add_button.setAutoRaise(True)
        self.add_button.clicked.connect(self.add_requested)
        header.addWidget(self.add_button)
        self.remove_button = QToolButton()
        self.remove_button.setIcon(icon("list-remove"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.remove_button.setToolTip(self.tr("Remove the selected folder from the list "
                                              "(its files are not touched)"))
        self.remove_button.setAutoRaise(True)
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        header.addWidget(self.remove_button)
        layout.addLayout(header)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Folders to scan"))
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Folder"), self.tr("Reference")])
        self.tree.headerItem().setToolTip(REFERENCE, self.tr(
            "Files in a reference folder are never marked for the Trash"))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header_view = self.tree.header()
        header_view.setStretchLastSection(False)
        header_view.setSectionResizeMode(FOLDER, QHeaderView.ResizeMode.Stretch)
        header_view.setSectionResizeMode(REFERENCE, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.tree.itemChanged.connect(self._on_item_changed)
        layout.addWidget(self.tree)

    def folders(self) -> list[str]:
        return [self._path(item) for item in self._items()]

    def references(self) -> list[str]:
        return [self._path(item) for item in self._items()
                if item.checkState(REFERENCE) == Qt.CheckState.Checked]

    def set_folders(self, folders: Iterable[str], references: Iterable[str] = ()) -> None:
        self.tree.clear()
        refs = set(references)
        for folder in folders:
            self._append(folder, folder in refs)
        self.changed.emit()

    def add(self, paths: Iterable[str]) -> list[str]:
        """Add folders not listed yet; returns the ones added."""
        known = set(self.folders())
        added = []
        for path in paths:
            folder = os.path.abspath(os.path.expanduser(path))
            if folder in known or not os.path.isdir(folder):
                continue
            known.add(folder)
            self._append(folder, False)
            added.append(folder)
        if added:
            self.changed.emit()
        return added

    def set_reference(self, folder: str, reference: bool) -> None:
        for item in self._items():
            if self._path(item) == folder:
                item.setCheckState(REFERENCE, Qt.CheckState.Checked if reference
                                   else Qt.CheckState.Unchecked)

    def remove_selected(self) -> None:
        for item in self.tree.selectedItems():
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self.changed.emit()

    def _append(self, folder: str, reference: bool) -> None:
        item = QTreeWidgetItem()
        item.setText(FOLDER, os.path.basename(folder.rstrip(os.sep)) or folder)
        item.setData(FOLDER, Qt.ItemDataRole.UserRole, folder)
        item.setToolTip(FOLDER, folder)
        item.setIcon(FOLDER, icon("folder"))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(REFERENCE, Qt.CheckState.Checked if reference
                           else Qt.CheckState.Unchecked)
        item.setToolTip(REFERENCE, self.tr("A reference folder: its files are always kept"))
        self.tree.addTopLevelItem(item)

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    @staticmethod
    def _path(item: QTreeWidgetItem) -> str:
        return str(item.data(FOLDER, Qt.ItemDataRole.UserRole))

    def _on_selection(self) -> None:
        self.remove_button.setEnabled(bool(self.tree.selectedItems()))

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column == REFERENCE:
            self.changed.emit()
