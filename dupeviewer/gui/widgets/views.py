"""The review widgets: the group list (sidebar) and the cards of the selected group."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui import desktop, text
from dupeviewer.gui.models.groups import GroupModel, Sort, kind_label
from dupeviewer.gui.models.members import MemberModel, MemberRole
from dupeviewer.gui.text import plural
from dupeviewer.gui.widgets.delegates import CARD, CardDelegate, GroupDelegate
from dupeviewer.gui.widgets.table import TABLE_FROM, CopyTable

if TYPE_CHECKING:
    from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
    from dupeviewer.gui.models.review import Review

log = logging.getLogger(__name__)

GROUP_KEYS = {Qt.Key.Key_Up: -1, Qt.Key.Key_K: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_J: 1}
COPY_KEYS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
TABLE_COPY_KEYS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, **COPY_KEYS}
"""In the table, the arrows move along its rows; J and K still step through the groups."""


class GroupList(QWidget):
    """The groups, sortable; emits the Review index of the current group."""

    current_changed = Signal(int)

    def __init__(self, review: Review, loader: ThumbnailLoader,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.model = GroupModel(review, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        header = QHBoxLayout()
        self.title = QLabel()
        header.addWidget(self.title)
        header.addStretch()
        self.sort = QComboBox()
        self.sort.setAccessibleName(self.tr("Sort groups by"))
        self.sort.setToolTip(self.tr("Sort the groups"))
        for sort, label in ((Sort.Reclaimable, self.tr("Space reclaimable")),
                            (Sort.Copies, self.tr("Number of copies")),
                            (Sort.Kind, self.tr("Kind")), (Sort.Name, self.tr("Name"))):
            self.sort.addItem(label, int(sort))
        self.sort.currentIndexChanged.connect(self._on_sort)
        header.addWidget(self.sort)
        layout.addLayout(header)
        self.view = QListView()
        self.view.setAccessibleName(self.tr("Duplicate groups"))
        self.view.setModel(self.model)
        self.view.setItemDelegate(GroupDelegate(loader, self.view))
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setMinimumWidth(300)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        layout.addWidget(self.view)
        self.model.modelReset.connect(self._update_title)
        self.model.rowsRemoved.connect(self._update_title)
        loader.ready.connect(self.view.viewport().update)
        loader.restarted.connect(self.view.viewport().update)
        # Fast scrolling through thousands of groups: drop the thumbnails queued for rows
        # that scrolled away; the rows now visible ask again when they repaint.
        self.view.verticalScrollBar().valueChanged.connect(loader.new_generation)
        self._update_title()

    def current(self) -> int:
        index = self.view.currentIndex()
        return self.model.group_index(index.row()) if index.isValid() else -1

    def select_row(self, row: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            return
        row = min(max(row, 0), count - 1)
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)

    def step(self, delta: int) -> None:
        row = self.view.currentIndex().row()
        self.select_row(0 if row < 0 else row + delta)

    def current_keeper(self) -> str | None:
        """The kept copy of the current group, to find its group again after a reload."""
        g = self.current()
        return self.review.groups[g].keep.path if g >= 0 else None

    def select_group_of(self, path: str | None) -> None:
        """Make the group holding ``path`` current (the first group if none does)."""
        for g, group in enumerate(self.review.groups):
            if path is not None and any(m.path == path for m in group.members):
                self.select_row(self.model.row_of(g))
                return
        self.select_row(0)

    def _on_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.current_changed.emit(self.model.group_index(current.row())
                                  if current.isValid() else -1)

    def _on_sort(self) -> None:
        self.model.set_sort(Sort(int(self.sort.currentData())))
        if self.view.currentIndex().isValid():
            self.view.scrollTo(self.view.currentIndex())

    def _update_title(self) -> None:
        count = self.model.rowCount()
        self.title.setText(plural(self.tr("<b>%n group(s)</b>", "", count), count))


class CardsPanel(QWidget):
    """The copies of the current group as cards, or as a table for a large group
    (:data:`TABLE_FROM` copies or more; the "Table" button switches), with the keyboard
    and context menu."""

    step_group = Signal(int)
    compare_requested = Signal(int)  # member row

    def __init__(self, review: Review, loader: ThumbnailLoader,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.model = MemberModel(review, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 0)
        layout.setSpacing(2)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle = QLabel()
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        self.table_button = QToolButton()
        self.table_button.setObjectName("table-toggle")
        self.table_button.setText(self.tr("&Table"))
        self.table_button.setCheckable(True)
        self.table_button.setAutoRaise(True)
        self.table_button.setAccessibleName(self.tr("Show the copies as a table"))
        self.table_button.setToolTip(self.tr(
            "Show the copies as a compact table, one row a copy (groups of {count} copies "
            "or more open as a table)").format(count=TABLE_FROM))
        self.table_button.toggled.connect(self.show_table)
        top.addWidget(self.table_button)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addSpacing(6)
        self.view = QListView()
        self.view.setAccessibleName(self.tr("Copies in this group"))
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(loader, self.view))
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setGridSize(QSize(CARD.width() + 4, CARD.height() + 4))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setFrameShape(QListView.Shape.NoFrame)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda index: self.compare_requested.emit(index.row()))
        palette = self.view.palette()  # cards (Base) on the window colour, as in a gallery
        palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        self.view.setPalette(palette)
        self.table = CopyTable(self.model)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(
            lambda index: self.compare_requested.emit(self.table.member_at(index)))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.table)
        layout.addWidget(self.pages, 1)
        loader.ready.connect(self.view.viewport().update)
        loader.restarted.connect(self.view.viewport().update)
        self.model.modelReset.connect(self._on_reset)
        self.model.dataChanged.connect(self._update_header)
        self._on_reset()

    # cards or table ---------------------------------------------------------------
    def in_table(self) -> bool:
        return self.pages.currentWidget() is self.table

    def show_table(self, table: bool) -> None:
        """Show the copies as a table (True) or as cards, keeping the current copy."""
        row = self.current_row()
        if self.table_button.isChecked() != table:
            self.table_button.setChecked(table)  # toggled comes back here
            return
        shown = self.table if table else self.view
        self.table.set_active(table)
        self.pages.setCurrentWidget(shown)
        if row >= 0:
            self.select_row(row)
        if self.view.hasFocus() or self.table.hasFocus() or self.table_button.hasFocus():
            shown.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent):
            key = Qt.Key(event.key())
            if key in TABLE_COPY_KEYS and not event.modifiers() & \
                    ~Qt.KeyboardModifier.KeypadModifier:
                self.step_copy(TABLE_COPY_KEYS[key])
                return True
            if self.handle_key(event):
                return True
        return super().eventFilter(watched, event)

    # navigation -------------------------------------------------------------------
    def current_row(self) -> int:
        if self.in_table():
            return self.table.member_row()
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def select_row(self, row: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            return
        index = self.model.index(min(max(row, 0), count - 1), 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)
        self.table.select_member(index.row())

    def step_copy(self, delta: int) -> None:
        if self.in_table():
            self.table.step(delta)
            return
        row = self.current_row()
        self.select_row(0 if row < 0 else row + delta)

    def toggle_current(self) -> bool:
        row = self.current_row()
        if row < 0 or self.model.group < 0:
            return False
        return self.review.toggle(self.model.group, row)

    def handle_key(self, event: QKeyEvent) -> bool:
        """The review keys, wherever the focus is in the review: True if handled."""
        key = Qt.Key(event.key())
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if key in GROUP_KEYS:
            self.step_group.emit(GROUP_KEYS[key])
        elif key in COPY_KEYS:
            self.step_copy(COPY_KEYS[key])
        elif key == Qt.Key.Key_Space:
            self.toggle_current()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.current_row() >= 0:
                self.compare_requested.emit(self.current_row())
        else:
            return False
        return True

    # header -----------------------------------------------------------------------
    def _on_reset(self) -> None:
        """A group is shown: as a table if it is large, else as cards."""
        self.show_table(self.model.rowCount() >= TABLE_FROM)
        if self.model.rowCount():
            self.select_row(0)
        self._update_header()

    def _update_header(self) -> None:
        g = self.model.group
        if g < 0:
            self.title.setText(self.tr("No group selected") if len(self.review)
                               else self.tr("No duplicates found"))
            self.subtitle.setText("")
            return
        group = self.review.groups[g]
        self.title.setText(self.tr("{kind} \u2014 {count} copies of {name}").format(
            kind=kind_label(group.kind), count=len(group.members),
            name=text.name_of(group.keep.path)))
        marked = self.review.marked(g)
        self.subtitle.setText(self.tr(
            "Suggested keeper: {reason}.  {marked} marked for the Trash ({size}).").format(
                reason=group.reason, marked=len(marked),
                size=text.data_size(self.review.marked_bytes(g))))

    # context menu -----------------------------------------------------------------
    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if index.isValid():
            self.menu_for(index.row()).exec(self.view.viewport().mapToGlobal(point))

    def _table_menu(self, point: QPoint) -> None:
        row = self.table.member_at(self.table.indexAt(point))
        if row >= 0:
            self.menu_for(row).exec(self.table.viewport().mapToGlobal(point))

    def menu_for(self, row: int) -> QMenu:
        """The context menu of one card: Open, Show in Folder, Copy Path, Compare, Mark."""
        index = self.model.index(row, 0)
        path = str(index.data(MemberRole.Path))
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: desktop.open_file(path))
        menu.addAction(self.tr("Show in Folder"), lambda: desktop.show_in_folder(path))
        menu.addAction(self.tr("Copy Path"), lambda: desktop.copy_path(path))
        menu.addSeparator()
        menu.addAction(self.tr("Compare\u2026"), lambda: self.compare_requested.emit(row))
        toggle = menu.addAction(self.tr("Unmark") if index.data(MemberRole.Marked)
                                else self.tr("Mark for the Trash"))
        toggle.setEnabled(bool(index.flags() & Qt.ItemFlag.ItemIsUserCheckable))
        toggle.triggered.connect(lambda: self.review.toggle(self.model.group, row))
        return menu
