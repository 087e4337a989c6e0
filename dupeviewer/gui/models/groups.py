"""The list of duplicate groups as a Qt model over :class:`Review`, sortable in Python.

The model keeps its own row order (a list of group indexes) so sorting 10,000 groups is
one Python ``sort`` plus a layout change, with no per-comparison ``data()`` calls.
A group is described by what is in it (:func:`contents`: "2 identical, 1 similar"), from
its members' matches, not only by its kind (the weakest match).
"""

from __future__ import annotations

import logging
from collections import Counter
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from dupeviewer.gui.models.roles import AnyIndex, ReviewModel
from dupeviewer.gui.text import plural

if TYPE_CHECKING:
    from dupeviewer.core.model import Group
    from dupeviewer.gui.models.review import Review

log = logging.getLogger(__name__)

TOOLTIP_PATHS = 12
"""A row's tooltip lists this many copies' paths at most."""


class GroupRole(IntEnum):
    Kind = Qt.ItemDataRole.UserRole + 1
    Count = Qt.ItemDataRole.UserRole + 2
    Reclaimable = Qt.ItemDataRole.UserRole + 3
    MarkedCount = Qt.ItemDataRole.UserRole + 4
    MarkedBytes = Qt.ItemDataRole.UserRole + 5
    KeeperPath = Qt.ItemDataRole.UserRole + 6
    Reason = Qt.ItemDataRole.UserRole + 7
    GroupIndex = Qt.ItemDataRole.UserRole + 8
    Contents = Qt.ItemDataRole.UserRole + 9
    """What the group holds, as (match, count) pairs: ``[("exact", 2), ("near", 1)]``."""


class Sort(IntEnum):
    Reclaimable = 0
    Copies = 1
    Folder = 2
    """By the kept copy's folder, then its name."""
    Taken = 3
    """Newest first, by the earliest date taken of any copy; undated groups last."""
    Name = 4


MATCHES = ("exact", "pixels", "near")
"""The matches of a group's copies, closest first."""


def contents(group: Group) -> list[tuple[str, int]]:
    """What the group holds, closest match first: the kept copy counts with the closest
    match present (a keeper and its byte copy are "2 identical")."""
    counts: Counter[str] = Counter(m.match for m in group.members)
    parts: list[tuple[str, int]] = []
    for match in MATCHES:
        if counts[match]:
            parts.append((match, counts[match] + (0 if parts else counts["keeper"])))
    return parts


def match_label(match: str, count: int) -> str:
    """``2 identical``, ``3 same pixels``, ``1 similar``."""
    from dupeviewer.gui.text import counted

    if match == "exact":
        return counted("GroupModel", "%n identical", count)
    if match == "pixels":
        return counted("GroupModel", "%n same pixels", count)
    return counted("GroupModel", "%n similar", count)


def contents_label(group: Group) -> str:
    """``2 identical, 1 similar``: every kind of copy the group holds, with its count."""
    return ", ".join(match_label(match, count) for match, count in contents(group))


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1].casefold()


def _sort_key(sort: Sort, group: Group) -> tuple[Any, ...]:
    name = _name(group.keep.path)
    if sort == Sort.Copies:
        return (-len(group.members), -group.reclaimable, name)
    if sort == Sort.Folder:
        return (group.keep.path.rsplit("/", 1)[0].casefold(), name, group.keep.path)
    if sort == Sort.Name:
        return (name, group.keep.path)
    return (-group.reclaimable, name)


def taken(group: Group) -> str:
    """The earliest date taken of any copy (ISO text), or "" when none records one."""
    return min((m.info.taken for m in group.members if m.info.taken), default="")


class GroupModel(ReviewModel):
    """One row per group, in the chosen sort order."""

    roles = GroupRole

    def __init__(self, review: Review, parent: QObject | None = None) -> None:
        super().__init__(review, parent)
        self.sort_by = Sort.Reclaimable
        self._order: list[int] = []
        self._rebuild_order()

    # mapping ----------------------------------------------------------------------
    def group_index(self, row: int) -> int:
        return self._order[row]

    def row_of(self, group: int) -> int:
        try:
            return self._order.index(group)
        except ValueError:
            return -1

    # QAbstractListModel -----------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        g = self._order[index.row()]
        group = self.review.groups[g]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.tr("{contents}: {count} copies of {name}, {size} reclaimable").format(
                contents=contents_label(group), count=len(group.members),
                name=group.keep.path.rsplit("/", 1)[-1],
                size=_size(group.reclaimable))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(group)
        return self._role(role, g, group)

    def _tooltip(self, group: Group) -> str:
        """What the row shortens, in full: every copy's path (the row shows one name)."""
        lines = [contents_label(group),
                 self.tr("Keeping {path}\n({reason})").format(path=group.keep.path,
                                                              reason=group.reason)]
        others = [m.path for i, m in enumerate(group.members) if i != group.keeper]
        lines += [self.tr("Copy: {path}").format(path=p) for p in others[:TOOLTIP_PATHS]]
        if len(others) > TOOLTIP_PATHS:
            rest = len(others) - TOOLTIP_PATHS
            lines.append(plural(self.tr("and %n more", "", rest), rest))
        return "\n".join(lines)

    def _role(self, role: int, g: int, group: Group) -> Any:
        if role == GroupRole.Kind:
            return group.kind
        if role == GroupRole.Count:
            return len(group.members)
        if role == GroupRole.Reclaimable:
            return group.reclaimable
        if role == GroupRole.MarkedCount:
            return len(self.review.marked(g))
        if role == GroupRole.MarkedBytes:
            return self.review.marked_bytes(g)
        if role == GroupRole.KeeperPath:
            return group.keep.path
        if role == GroupRole.Reason:
            return group.reason
        if role == GroupRole.GroupIndex:
            return g
        if role == GroupRole.Contents:
            return contents(group)
        return None

    def sort(self, column: int = 0, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.set_sort(self.sort_by)

    def set_sort(self, sort: Sort) -> None:
        self.sort_by = Sort(sort)
        self.layoutAboutToBeChanged.emit()
        old_order = list(self._order)
        persistent = self.persistentIndexList()
        self._rebuild_order()
        new_rows = {g: row for row, g in enumerate(self._order)}
        moved = [self.index(new_rows[old_order[p.row()]], 0) for p in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _rebuild_order(self) -> None:
        groups = self.review.groups
        if self.sort_by == Sort.Taken:  # newest first, ties by name: two stable sorts
            by_name = sorted(range(len(groups)), key=lambda g: _name(groups[g].keep.path))
            dates = [taken(group) for group in groups]
            self._order = sorted(by_name, key=lambda g: (dates[g] != "", dates[g]),
                                 reverse=True)
            return
        self._order = sorted(range(len(groups)), key=lambda g: _sort_key(self.sort_by,
                                                                          groups[g]))

    # review signals ---------------------------------------------------------------
    def _on_reset(self) -> None:
        self.beginResetModel()
        self._rebuild_order()
        self.endResetModel()

    def _changed(self, groups: list[int]) -> None:
        rows = {g: r for r, g in enumerate(self._order)}
        for g in groups:
            row = rows.get(g)
            if row is not None:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    def _on_marks_changed(self, groups: list[int]) -> None:
        if len(groups) > 64:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, 0))
        else:
            self._changed(groups)

    def _on_groups_changed(self, groups: list[int]) -> None:
        self._changed(groups)
        self.set_sort(self.sort_by)

    def _on_about_to_remove(self, first: int, last: int) -> None:
        rows = sorted((r for r, g in enumerate(self._order) if first <= g <= last),
                      reverse=True)
        for start, end in _runs_descending(rows):
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._order[start:end + 1]
            self.endRemoveRows()

    def _on_removed(self, first: int, last: int) -> None:
        count = last - first + 1
        self._order = [g - count if g > last else g for g in self._order]


def _runs_descending(rows: list[int]) -> list[tuple[int, int]]:
    """Rows sorted high to low as (start, end) runs, highest run first."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][0] == row + 1:
            runs[-1] = (row, runs[-1][1])
        else:
            runs.append((row, row))
    return runs


def _size(size: int) -> str:
    from dupeviewer.gui.text import data_size

    return data_size(size)
