"""The copies of a large group as a compact table: one row a copy, sortable by any column.

The table shows the same member model as the cards, through :class:`MemberColumns` and a
sort proxy, so marks, resets and changes are the cards' own. Rows are named by the member
model's row (the copy), whatever order the table is sorted in.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from dupeviewer.gui.models.columns import SORT_ROLE, Column, MemberColumns

if TYPE_CHECKING:
    from dupeviewer.gui.models.members import MemberModel

log = logging.getLogger(__name__)

RESIZE_PRECISION = 100
"""Columns fit the widest of this many rows, not of every row of a huge group."""

TABLE_FROM = 13
"""A group of this many copies or more opens as a table (12 cards already need scrolling
on a laptop screen; 40 cards show 6 at a time)."""


class CopyTable(QTableView):
    """The rows of ``members`` as a table, at first in the group's own order (the keeper
    first); a click on a header sorts by that column, another click reverses it. The
    order chosen stays for the next group, and a mark never moves its row."""

    def __init__(self, members: MemberModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copy-table")
        self.setAccessibleName(self.tr("Copies in this group, as a table"))
        self.columns = MemberColumns(members, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.columns)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(False)  # a mark does not move its row away
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # folders (and copies' names) often differ only at their ends (2015/08, 2015/09;
        # x.jpg, x copy 2.jpg): a narrow column cuts them in the middle, not at the end
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the group's order first
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(RESIZE_PRECISION)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the name tells the copies apart: whole; the folder takes what is left
        header.setSectionResizeMode(Column.Folder, QHeaderView.ResizeMode.Stretch)
        self.setSortingEnabled(True)

    def set_active(self, active: bool) -> None:
        """Follow the member model only while shown (True); hidden, the table is empty."""
        self.columns.set_active(active)

    def member_row(self) -> int:
        """The member row of the current copy, or -1."""
        index = self.currentIndex()
        return self.proxy.mapToSource(index).row() if index.isValid() else -1

    def member_at(self, index: QModelIndex) -> int:
        return self.proxy.mapToSource(index).row() if index.isValid() else -1

    def select_member(self, row: int) -> None:
        """Make the copy in member row ``row`` current."""
        index = self.proxy.mapFromSource(self.columns.index(row, Column.Name))
        if index.isValid():
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.scrollTo(index)

    def step(self, delta: int) -> None:
        """Move the current copy up or down the table as it is sorted."""
        count = self.proxy.rowCount()
        if count == 0:
            return
        row = self.currentIndex().row()
        row = 0 if row < 0 else min(max(row + delta, 0), count - 1)
        self.select_member(self.member_at(self.proxy.index(row, 0)))
