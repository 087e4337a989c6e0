"""The review widgets: the group list (sidebar) and the cards of the selected group."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui import desktop, look, text
from dupeviewer.gui.models.groupfilter import GroupFilter, Show
from dupeviewer.gui.models.groups import GroupModel, Sort, contents_label
from dupeviewer.gui.models.members import MemberModel, MemberRole
from dupeviewer.gui.text import keep_rules, plural
from dupeviewer.gui.widgets.delegates import CARD, CardDelegate, GroupDelegate
from dupeviewer.gui.widgets.groupbar import GroupBar
from dupeviewer.gui.widgets.table import TABLE_FROM, CopyTable

if TYPE_CHECKING:
    from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
    from dupeviewer.gui.models.review import Review

log = logging.getLogger(__name__)

GROUP_KEYS = {Qt.Key.Key_Up: -1, Qt.Key.Key_K: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_J: 1}
COPY_KEYS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
KEEP_KEY = Qt.Key.Key_P
"""Pick the current copy as the keeper; the others get the pre-set marks."""
KEEP_ONLY_KEY = Qt.Key.Key_O
"""Keep only the current copy: the others are all marked."""
NOT_DUPLICATE_KEY = Qt.Key.Key_N
"""The current copy is not a duplicate of the group's other copies (a lasting decision)."""
REVIEWED_KEY = Qt.Key.Key_R
"""The group is reviewed: keep all its copies, hide it until a new copy joins."""


class GroupListView(QListView):
    """The group list; when no group matches the search, it says so in its empty space."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if not self.placeholder or model is None or model.rowCount():
            return
        painter = QPainter(self.viewport())
        painter.setPen(look.quiet(self.palette()))
        painter.drawText(self.viewport().rect().adjusted(16, 24, -16, -16),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                         | Qt.TextFlag.TextWordWrap, self.placeholder)
        painter.end()


class ElidedLabel(QLabel):
    """One line that gives way to its neighbours: cut with an ellipsis when it has less
    room than it needs, the whole text then in its tooltip."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.whole = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_whole(self, text: str) -> None:
        """Show ``text`` instead (cut as it needs)."""
        self.whole = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._elide()
        super().resizeEvent(event)

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self.whole, Qt.TextElideMode.ElideRight,
                                              max(0, self.contentsRect().width()))
        if shown != self.text():
            self.setText(shown)
        self.setToolTip("" if shown == self.whole else self.whole)


def _gallery(view: QWidget) -> None:
    """Cards (Base) on the window colour, as in a gallery."""
    palette = look.fresh_palette(view)
    palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
    look.set_palette(view, palette)


TABLE_COPY_KEYS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, **COPY_KEYS}
"""In the table, the arrows move along its rows; J and K still step through the groups."""


class GroupList(QWidget):
    """The groups, searchable, filtered and sorted; emits the Review index of the current
    group (-1 for none)."""

    current_changed = Signal(int)
    nothing_matches = Signal(bool)  # the search hides every group

    def __init__(self, review: Review, loader: ThumbnailLoader,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.model = GroupModel(review, self)
        self.proxy = GroupFilter(self.model, self)
        self._shown = -1  # the last group shown, to return to when a search lets it back
        self._none = False  # the search hides every group
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.title = QLabel()
        layout.addWidget(self.title)
        self.bar = GroupBar()
        self.sort = self.bar.sort
        layout.addWidget(self.bar)
        self.view = GroupListView()
        self.view.setAccessibleName(self.tr("Duplicate groups"))
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(GroupDelegate(loader, self.view))
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setMinimumWidth(300)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        layout.addWidget(self.view)
        QWidget.setTabOrder(self.bar.sort, self.view)
        self.bar.filter_changed.connect(self._on_filter)
        self.bar.sort_changed.connect(self._on_sort)
        self.bar.leave.connect(self._back_to_list)
        # one title update per pass of the event loop, not one per range of rows a filter
        # shows or hides (thousands, when the kinds alternate down the list)
        self._title_timer = QTimer(self)
        self._title_timer.setSingleShot(True)
        self._title_timer.setInterval(0)
        self._title_timer.timeout.connect(self._update_title)
        for signal in (self.proxy.modelReset, self.proxy.rowsRemoved,
                       self.proxy.rowsInserted, self.proxy.layoutChanged):
            signal.connect(self._title_timer.start)
        self.proxy.modelReset.connect(self._forget_shown)
        loader.ready.connect(self.view.viewport().update)
        loader.restarted.connect(self.view.viewport().update)
        # Fast scrolling through thousands of groups: drop the thumbnails queued for rows
        # that scrolled away; the rows now visible ask again when they repaint.
        self.view.verticalScrollBar().valueChanged.connect(loader.new_generation)
        self._update_title()

    def current(self) -> int:
        index = self.view.currentIndex()
        return self.proxy.group_index(index.row()) if index.isValid() else -1

    def select_row(self, row: int) -> None:
        """Make row ``row`` of the list (as filtered) current, clamped to the list."""
        count = self.proxy.rowCount()
        if count == 0:
            return
        row = min(max(row, 0), count - 1)
        index = self.proxy.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)

    def select_group(self, g: int) -> None:
        """Make Review group ``g`` current, or the first listed group if it is hidden."""
        self.select_row(self.proxy.row_of(g) if g >= 0 else 0)

    def step(self, delta: int) -> None:
        row = self.view.currentIndex().row()
        self.select_row(0 if row < 0 else row + delta)

    def next_undecided(self) -> bool:
        """Make the next group (in the shown order, wrapping round) whose keeper the user
        has not picked current; False (and no move) when every other group is decided."""
        count = self.model.rowCount()
        row = self.view.currentIndex().row()
        for step in range(1, count):
            candidate = (row + step) % count
            if not self.review.decided(self.model.group_index(candidate)):
                self.select_row(candidate)
                return True
        return False

    def current_keeper(self) -> str | None:
        """The kept copy of the current group, to find its group again after a reload."""
        g = self.current()
        return self.review.groups[g].keep.path if g >= 0 else None

    def select_group_of(self, path: str | None, offset: int | None = None) -> None:
        """Make the group holding ``path`` current (the first group if none does); with an
        ``offset`` (:meth:`current_offset`), its row stays that far down the list."""
        for g, group in enumerate(self.review.groups):
            if path is not None and any(m.path == path for m in group.members):
                self.select_group(g)
                break
        else:
            self.select_row(0)
            return
        index = self.view.currentIndex()
        if offset is not None and index.isValid():
            bar = self.view.verticalScrollBar()
            bar.setValue(bar.value() + self.view.visualRect(index).top() - offset)

    def current_offset(self) -> int | None:
        """How far down the visible list the current row is, in pixels (None if none)."""
        index = self.view.currentIndex()
        return self.view.visualRect(index).top() if index.isValid() else None

    def _on_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        g = self.proxy.group_index(current.row()) if current.isValid() else -1
        if g >= 0:
            self._shown = g
        self.proxy.pin(g)
        self.current_changed.emit(g)

    def _forget_shown(self) -> None:
        self._shown = -1

    def _on_filter(self, query: str, show: int) -> None:
        """Filter the list; the current group stays current while it matches, and comes
        back when a later search lets it back in; otherwise the first match is current."""
        target = self.current()
        if target < 0:
            target = self._shown
        self.proxy.set_filter(query, Show(show))
        if self.current() != target or target < 0:
            self.select_group(target)
        elif self.view.currentIndex().isValid():
            self.view.scrollTo(self.view.currentIndex())
        self.proxy.pin(self.current())
        self._update_title()

    def _on_sort(self, sort: int) -> None:
        self.model.set_sort(Sort(sort))
        if self.view.currentIndex().isValid():
            self.view.scrollTo(self.view.currentIndex())

    def _back_to_list(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.view.currentIndex().isValid():
            self.select_row(0)

    def _update_title(self) -> None:
        self._title_timer.stop()
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        none = self.proxy.filtering and total > 0 and shown == 0
        if none:
            self.title.setText(self.tr("<b>No groups match</b>"))
        elif self.proxy.filtering:
            self.title.setText(plural(self.tr("<b>{shown} of %n group(s)</b>", "", total),
                                      total).format(shown=text.number(shown)))
        else:
            self.title.setText(plural(self.tr("<b>%n group(s)</b>", "", total), total))
        self.view.placeholder = self.tr(
            "No groups match the search.\nPress Esc in the search box, or show all groups, "
            "to see them again.") if none else ""
        self.view.viewport().update()
        if none != self._none:
            self._none = none
            self.nothing_matches.emit(none)


class CardsPanel(QWidget):
    """The copies of the current group as cards, or as a table for a large group
    (:data:`TABLE_FROM` copies or more; the "Table" button switches), with the keyboard
    and context menu."""

    step_group = Signal(int)
    compare_requested = Signal(int)  # member row
    decided = Signal()  # the user picked the keeper of the shown group
    rule_requested = Signal(str, int)  # a keep-by rule for one group (its Review index)
    not_duplicate_requested = Signal(int, int)  # group, member: not a duplicate of the rest
    reviewed_requested = Signal(int)  # group: reviewed, keep all

    def __init__(self, review: Review, loader: ThumbnailLoader,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.model = MemberModel(review, self)
        self._nothing_matches = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 0)
        layout.setSpacing(2)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)  # a long file name does not widen the window
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
        look.follow_palette(self.view, _gallery)
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
        self.footer = QHBoxLayout()  # the window puts its main action here
        self.footer.setContentsMargins(0, 6, 4, 8)
        self.card_keys = self.tr(
            "Space marks a copy  \u00b7  \u2190 \u2192 copies  \u00b7  \u2191 \u2193 groups  "
            "\u00b7  Enter compares  \u00b7  N not a duplicate  \u00b7  R reviewed")
        self.table_keys = self.tr(  # TABLE_COPY_KEYS: the arrows move along the rows
            "Space marks a copy  \u00b7  \u2191 \u2193 copies  \u00b7  J K groups  "
            "\u00b7  Enter compares")
        self.keys = ElidedLabel(self.card_keys)
        look.muted(self.keys)
        self.footer.addWidget(self.keys, 1)
        layout.addLayout(self.footer)
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
        self.keys.set_whole(self.table_keys if table else self.card_keys)
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

    def current_path(self) -> str | None:
        """The file of the current copy, to find it again after the groups are rebuilt."""
        row = self.current_row()
        if row < 0 or self.model.group < 0:
            return None
        return self.review.groups[self.model.group].members[row].path

    def select_path(self, path: str | None) -> None:
        """Make the copy of ``path`` current, if the group shown holds it."""
        if path is None or self.model.group < 0:
            return
        for row, member in enumerate(self.review.groups[self.model.group].members):
            if member.path == path:
                self.select_row(row)
                return

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

    def keep(self, row: int, rest: bool = False) -> None:
        """Keep the copy in ``row``: it becomes the keeper, unmarked, and the others get
        the pre-set marks (all of them with ``rest``)."""
        if not 0 <= row < self.model.rowCount() or self.model.group < 0:
            return
        self.review.decide(self.model.group, row, rest)
        self.decided.emit()

    def not_duplicate_current(self) -> None:
        row = self.current_row()
        if 0 <= row < self.model.rowCount() and self.model.group >= 0:
            self.not_duplicate_requested.emit(self.model.group, row)

    def reviewed_current(self) -> None:
        if self.model.group >= 0:
            self.reviewed_requested.emit(self.model.group)

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
        elif key in (KEEP_KEY, KEEP_ONLY_KEY):
            self.keep(self.current_row(), rest=key == KEEP_ONLY_KEY)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.current_row() >= 0:
                self.compare_requested.emit(self.current_row())
        elif key == NOT_DUPLICATE_KEY:
            self.not_duplicate_current()
        elif key == REVIEWED_KEY:
            self.reviewed_current()
        else:
            return False
        return True

    # header -----------------------------------------------------------------------
    def set_nothing_matches(self, nothing: bool) -> None:
        """The group list's search hides every group: say so instead of "No group"."""
        self._nothing_matches = nothing
        if self.model.group < 0:  # the header of a group shown does not change
            self._update_header()

    def _on_reset(self) -> None:
        """A group is shown: as a table if it is large, else as cards."""
        self.show_table(self.model.rowCount() >= TABLE_FROM)
        if self.model.rowCount():
            self.select_row(0)
        self._update_header()

    def _update_header(self) -> None:
        g = self.model.group
        if g < 0:
            if self._nothing_matches:
                self.title.setText(self.tr("No groups match"))
                self.title.setToolTip("")
                self.subtitle.setText(self.tr("Clear the search (Esc) or show all groups "
                                              "to see them again."))
                return
            self.title.setText(self.tr("No group selected") if len(self.review)
                               else self.tr("No duplicates found"))
            self.title.setToolTip("")
            self.subtitle.setText("")
            return
        group = self.review.groups[g]
        self.title.setText(self.tr("{count} copies of {name} \u2014 {contents}").format(
            contents=contents_label(group), count=len(group.members),
            name=text.name_of(group.keep.path)))
        self.title.setToolTip(group.keep.path)
        marked = self.review.marked(g)
        self.subtitle.setText(self.tr(
            "Keeping {name}: {reason}.  {marked} marked for the Trash ({size}).").format(
                name=text.name_of(group.keep.path), reason=group.reason, marked=len(marked),
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
        menu.addSeparator()
        keys = QKeySequence(KEEP_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        menu.addAction(self.tr("Keep This Copy") + "\t" + keys, lambda: self.keep(row))
        keys = QKeySequence(KEEP_ONLY_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        menu.addAction(self.tr("Keep Only This Copy, Mark the Others") + "\t" + keys,
                       lambda: self.keep(row, rest=True))
        rules = menu.addMenu(self.tr("Keep by Rule in This Group"))
        g = self.model.group
        for rule, label in keep_rules(self.tr):
            rules.addAction(label, partial(self.rule_requested.emit, rule, g))
        menu.addSeparator()
        keys = QKeySequence(NOT_DUPLICATE_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        menu.addAction(self.tr("Not a Duplicate of the Others") + "\t" + keys,
                       partial(self.not_duplicate_requested.emit, g, row))
        keys = QKeySequence(REVIEWED_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        menu.addAction(self.tr("Reviewed, Keep All") + "\t" + keys,
                       partial(self.reviewed_requested.emit, g))
        return menu
