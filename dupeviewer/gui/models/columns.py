"""The copies of one group as a table: the member model's rows, one column per fact of
the card (name, folder, size, resolution, format, date taken, match, mark).

:class:`MemberColumns` holds no state of its own: every cell reads the member model, every
mark goes back through it, and its resets and changes are forwarded as the same signals
over all columns. ``SORT_ROLE`` gives each column a value to sort by (bytes, pixels,
distance), not its text.
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from dupeviewer.gui import text
from dupeviewer.gui.models.members import MemberRole, similarity

if TYPE_CHECKING:
    from dupeviewer.core.model import Member
    from dupeviewer.gui.models.members import MemberModel
    from dupeviewer.gui.models.roles import AnyIndex

log = logging.getLogger(__name__)

SORT_ROLE = Qt.ItemDataRole.UserRole + 100
"""A value each column sorts by: the name as text, the size in bytes, the pixels, the
date as ISO text (unknown dates first), the distance to the kept copy, marked last."""


class Column(IntEnum):
    Name = 0
    Folder = 1
    Size = 2
    Resolution = 3
    Format = 4
    Taken = 5
    Match = 6
    Mark = 7


HIGHLIGHTED = {Column.Size: "size", Column.Resolution: "resolution", Column.Taken: "date"}
"""The columns whose cell is bold when the copy stands out there (as on the card)."""

MATCH_ORDER = {"keeper": 0, "exact": 1, "pixels": 2, "near": 3}
FORWARDED = frozenset({*(int(r) for r in MemberRole), int(Qt.ItemDataRole.ToolTipRole),
                       int(Qt.ItemDataRole.AccessibleTextRole),
                       int(Qt.ItemDataRole.AccessibleDescriptionRole)})
"""Roles every cell answers as the member model does for its row."""


def _tr(source: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("MemberColumns", source)


def headers() -> dict[Column, str]:
    return {Column.Name: _tr("Name"), Column.Folder: _tr("Folder"), Column.Size: _tr("Size"),
            Column.Resolution: _tr("Resolution"), Column.Format: _tr("Format"),
            Column.Taken: _tr("Date Taken"), Column.Match: _tr("Match"),
            Column.Mark: _tr("Mark")}


class MemberColumns(QAbstractTableModel):
    """The rows of ``members`` (row r here is row r there) in the columns of :class:`Column`.

    While not :attr:`active` (the table is not on screen) it has no rows, so a hidden table
    costs nothing when the next group is shown."""

    def __init__(self, members: MemberModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.members = members
        self.active = True
        members.modelAboutToBeReset.connect(self.beginResetModel)
        members.modelReset.connect(self.endResetModel)
        members.dataChanged.connect(self._on_data_changed)

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.beginResetModel()
            self.active = active
            self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.active else self.members.rowCount()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def source(self, index: AnyIndex) -> QModelIndex:
        """The member model's index of this cell's row."""
        return self.members.index(index.row(), 0) if index.isValid() else QModelIndex()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return headers()[Column(section)]
            if role == Qt.ItemDataRole.ToolTipRole and section == Column.Mark:
                return _tr("Marked copies go to the Trash; click or press Space to change")
            return None
        return super().headerData(section, orientation, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren
        source = self.members.flags(self.source(index))
        if index.column() == Column.Mark and source & Qt.ItemFlag.ItemIsUserCheckable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        column = Column(index.column())
        source = self.source(index)
        if role == SORT_ROLE:
            return self._sort_key(column, source)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(column, source)
        if role == Qt.ItemDataRole.CheckStateRole:
            return source.data(role) if column == Column.Mark else None
        if role == Qt.ItemDataRole.FontRole:
            return self._font(column, source)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.Size,
                                                                   Column.Resolution):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in FORWARDED:
            return source.data(role)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != Column.Mark or \
                role != Qt.ItemDataRole.CheckStateRole:
            return False
        return self.members.setData(self.source(index), value, role)

    # cells ------------------------------------------------------------------------
    def _member(self, source: QModelIndex) -> Member:
        members = self.members
        return members.review.groups[members.group].members[source.row()]

    def _text(self, column: Column, source: QModelIndex) -> str:
        if column == Column.Name:
            return str(source.data(MemberRole.Name))
        if column == Column.Folder:
            return str(source.data(MemberRole.Folder))
        if column == Column.Size:
            return text.data_size(int(source.data(MemberRole.Size)))
        if column == Column.Resolution:
            return str(source.data(MemberRole.Dimensions))
        if column == Column.Format:
            return str(source.data(MemberRole.Format))
        if column == Column.Taken:
            return text.taken(str(source.data(MemberRole.Taken)) or None)
        if column == Column.Match:
            return similarity(self._member(source))
        if source.data(MemberRole.Reference):
            return _tr("Reference")
        if source.data(MemberRole.IsKeeper):
            return _tr("Keeper")
        return _tr("Trash") if source.data(MemberRole.Marked) else _tr("Keep")

    def _sort_key(self, column: Column, source: QModelIndex) -> Any:
        if column == Column.Size:
            return int(source.data(MemberRole.Size))
        if column == Column.Resolution:
            return int(source.data(MemberRole.Pixels))
        if column == Column.Taken:
            return str(source.data(MemberRole.Taken))
        if column == Column.Match:
            member = self._member(source)
            return MATCH_ORDER.get(member.match, 3) * 100 + member.distance
        if column == Column.Mark:
            return 1 if source.data(MemberRole.Marked) else 0
        return self._text(column, source).casefold()

    def _font(self, column: Column, source: QModelIndex) -> QFont | None:
        bold = (column == Column.Name and bool(source.data(MemberRole.IsKeeper))) or (
            column in HIGHLIGHTED and HIGHLIGHTED[column] in source.data(MemberRole.Highlights))
        if not bold:
            return None
        font = QFont()
        font.setBold(True)
        return font

    # the member model's signals -----------------------------------------------------
    def _on_data_changed(self, first: QModelIndex | QPersistentModelIndex,
                         last: QModelIndex | QPersistentModelIndex) -> None:
        if self.active and first.isValid() and last.isValid():
            self.dataChanged.emit(self.index(first.row(), 0),
                                  self.index(last.row(), len(Column) - 1))
