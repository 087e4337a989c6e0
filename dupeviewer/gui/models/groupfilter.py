"""The groups the user asked to see: a proxy over :class:`GroupModel` that hides the groups
not matching the search text or the chosen kind, and keeps the source model's order.

Sorting stays in :class:`GroupModel` (one Python sort); this proxy only filters, with one
cheap Python test per row, so 10,000 groups filter in one pass. Filtering emits row
removals and insertions, never a reset, so the view keeps its current group whenever
that group still matches.

A change to the current group (marking its last copy off under "With marks", trashing the
copy the search matched) never hides it under the user's hands: the current group stays
listed until the filter changes or the user moves to another group.
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel

if TYPE_CHECKING:
    from dupeviewer.core.model import Group
    from dupeviewer.gui.models.groups import GroupModel
    from dupeviewer.gui.models.roles import AnyIndex

log = logging.getLogger(__name__)


class Show(IntEnum):
    """Which groups to list; a kind means "holds at least one copy of that kind"."""

    All = 0
    Exact = 1
    Pixels = 2
    Near = 3
    Marked = 4
    References = 5


_MATCH = {Show.Exact: "exact", Show.Pixels: "pixels", Show.Near: "near"}


def terms(query: str) -> list[str]:
    """The words of a search, case-folded: every one must occur in some copy's path."""
    return query.casefold().split()


def searched_text(group: Group) -> str:
    """What a search looks in: every copy's path (file name and folder), case-folded."""
    return "\n".join(m.path for m in group.members).casefold()


class GroupFilter(QSortFilterProxyModel):
    """The rows of ``source`` whose groups match :attr:`query` and :attr:`show`."""

    def __init__(self, source: GroupModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups = source
        self.query = ""
        self.show = Show.All
        self._terms: list[str] = []
        self._pinned = -1
        self._searched: dict[int, tuple[Group, str]] = {}  # id(group): (group, its text)
        self.setSourceModel(source)
        source.modelAboutToBeReset.connect(self._on_reset)
        source.review.removed.connect(self._on_removed)

    # what to show ---------------------------------------------------------------------
    @property
    def filtering(self) -> bool:
        return bool(self._terms) or self.show != Show.All

    def set_filter(self, query: str, show: Show) -> None:
        """Search ``query`` (words, any case) among the copies' paths, in groups of
        ``show``. The current group is judged like any other, then kept again."""
        if query == self.query and show == self.show:
            return
        self.beginFilterChange()
        self.query, self.show, self._terms = query, Show(show), terms(query)
        self._pinned = -1
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def pin(self, group: int) -> None:
        """Keep ``group`` (the current one) listed when its own data changes."""
        self._pinned = group

    def accepts(self, g: int) -> bool:
        """Whether group ``g`` (a Review index) matches the search and the kind."""
        review = self.groups.review
        group = review.groups[g]
        show = self.show
        if show in _MATCH and not any(m.match == _MATCH[show] for m in group.members):
            return False
        if show == Show.Marked and not review.marked(g):
            return False
        if show == Show.References and not any(m.reference for m in group.members):
            return False
        if not self._terms:
            return True
        entry = self._searched.get(id(group))
        if entry is None or entry[0] is not group:  # a group rebuilt after trashing
            entry = self._searched[id(group)] = (group, searched_text(group))
        return all(word in entry[1] for word in self._terms)

    # mapping --------------------------------------------------------------------------
    def group_index(self, row: int) -> int:
        """The Review index of the group at ``row`` of this proxy, or -1."""
        source = self.mapToSource(self.index(row, 0))
        return self.groups.group_index(source.row()) if source.isValid() else -1

    def row_of(self, group: int) -> int:
        """The row of Review group ``group`` here, or -1 when it is filtered out."""
        row = self.groups.row_of(group)
        if row < 0:
            return -1
        return self.mapFromSource(self.groups.index(row, 0)).row()

    def _on_reset(self) -> None:
        self._pinned = -1
        self._searched.clear()

    def _on_removed(self, first: int, last: int) -> None:
        if self._pinned > last:
            self._pinned -= last - first + 1
        elif self._pinned >= first:
            self._pinned = -1

    # QSortFilterProxyModel ------------------------------------------------------------
    def filterAcceptsRow(self, source_row: int,
                         source_parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if source_parent.isValid():
            return False
        if not self._terms and self.show == Show.All:
            return True
        g = self.groups.group_index(source_row)
        return g == self._pinned or self.accepts(g)
