"""The bar above the group list: a search box, which groups to show, and their order.

The search applies as the user types, once typing pauses (:data:`SEARCH_DELAY_MS`), so
10,000 groups are filtered once per pause, not once per key. Ctrl+F (the platform's Find
key) focuses the box anywhere in the window; Esc clears it, and Esc in an empty box, Down
or Enter go back to the list.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from dupeviewer.gui.models.groupfilter import Show
from dupeviewer.gui.models.groups import Sort

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 200
"""How long typing pauses before the search applies."""


class SearchField(QLineEdit):
    """A line edit where Esc clears, and Esc when empty, Down or Enter leave."""

    cleared = Signal()
    leave = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.cleared.emit()
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Down, Qt.Key.Key_Return,
                     Qt.Key.Key_Enter):
            self.leave.emit()
        else:
            super().keyPressEvent(event)


class GroupBar(QWidget):
    """Search, show and sort; emits what the user chose (the list applies it)."""

    filter_changed = Signal(str, int)  # search text, Show
    sort_changed = Signal(int)  # Sort
    leave = Signal()  # back to the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.search = SearchField()
        self.search.setClearButtonEnabled(True)
        find = QKeySequence(QKeySequence.StandardKey.Find).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.search.setPlaceholderText(self.tr("Search names and folders ({key})").format(
            key=find))
        self.search.setAccessibleName(self.tr("Search groups"))
        self.search.setToolTip(self.tr(
            "Show only the groups with a copy whose file name or folder contains every "
            "word typed here, in any case ({key}). Esc clears it.").format(key=find))
        layout.addWidget(self.search)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.show_kind = self._combo(self.tr("Show groups"), self.tr(
            "List every group, or only the groups holding identical files, copies with the "
            "same pixels, similar copies, copies marked for the Trash or reference copies"), (
            (Show.All, self.tr("All groups")),
            (Show.Exact, self.tr("With identical files")),
            (Show.Pixels, self.tr("With same pixels")),
            (Show.Near, self.tr("With similar copies")),
            (Show.Marked, self.tr("With marks")),
            (Show.References, self.tr("With reference copies"))))
        self.sort = self._combo(self.tr("Sort groups by"), self.tr(
            "Sort the groups: the most space first, the most copies first, by the kept "
            "copy's folder, the newest picture first, or by name"), (
            (Sort.Reclaimable, self.tr("Space reclaimable")),
            (Sort.Copies, self.tr("Number of copies")),
            (Sort.Folder, self.tr("Folder")),
            (Sort.Taken, self.tr("Date taken")),
            (Sort.Name, self.tr("Name"))))
        row.addWidget(self.show_kind, 1)
        row.addWidget(self.sort, 1)
        layout.addLayout(row)
        QWidget.setTabOrder(self.search, self.show_kind)
        QWidget.setTabOrder(self.show_kind, self.sort)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.cleared.connect(self.apply)
        self.search.leave.connect(self._leave)
        self.show_kind.currentIndexChanged.connect(self.apply)
        self.sort.currentIndexChanged.connect(
            lambda: self.sort_changed.emit(int(self.sort.currentData())))
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search,
                              context=Qt.ShortcutContext.WindowShortcut)

    def _combo(self, name: str, tip: str, items: tuple[tuple[int, str], ...]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        for value, label in items:
            combo.addItem(label, int(value))
        return combo

    # reading --------------------------------------------------------------------------
    def query(self) -> str:
        return self.search.text()

    def shown(self) -> Show:
        return Show(int(self.show_kind.currentData()))

    # acting ---------------------------------------------------------------------------
    def apply(self) -> None:
        """Apply the search now (typing waits for a pause)."""
        self._timer.stop()
        self.filter_changed.emit(self.query(), int(self.shown()))

    def clear(self) -> None:
        """Show every group again."""
        self.search.clear()
        self.show_kind.setCurrentIndex(0)
        self.apply()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _leave(self) -> None:
        self.apply()
        self.leave.emit()
