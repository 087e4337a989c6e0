"""The review state the window shows: the groups of a scan and the marks on them.

Marks are core state (``core.policy.Selection``); this QObject only forwards every change
as a signal so the models can emit granular ``dataChanged``/row signals. No rule about
what may be marked, or what is left after trashing (``core.remaining``), lives here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from dupeviewer.core.model import Group, Options, ScanResult
from dupeviewer.core.policy import Selection
from dupeviewer.core.remaining import drop_paths

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)


class Review(QObject):
    """Groups plus their marks, with signals for every change."""

    reset = Signal()  # a new set of groups (a scan or a regroup)
    marks_changed = Signal(list)  # group indexes whose marks changed
    groups_changed = Signal(list)  # group indexes whose members changed (after trashing)
    about_to_remove = Signal(int, int)  # first, last group index about to disappear
    removed = Signal(int, int)  # first, last group index that disappeared

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.result: ScanResult | None = None
        self.options = Options()
        self.selection = Selection([])

    # reading ------------------------------------------------------------------------
    @property
    def groups(self) -> list[Group]:
        return self.selection.groups

    def __len__(self) -> int:
        return len(self.selection.groups)

    def marked(self, g: int) -> set[int]:
        return self.selection.marked[g]

    def marked_bytes(self, g: int) -> int:
        group = self.selection.groups[g]
        return sum(group.members[m].info.size for m in self.selection.marked[g])

    def marked_files(self) -> list[tuple[str, int]]:
        return [(self.groups[g].members[m].info.path, self.groups[g].members[m].info.size)
                for g, m in self.selection.items()]

    # whole changes --------------------------------------------------------------------
    def load(self, result: ScanResult, options: Options, mark_near: bool,
             keep_marks: bool = False) -> None:
        """Show new groups; ``keep_marks`` carries the current marks over (a regroup)."""
        previous = self.selection
        self.result = result
        self.options = options
        self.selection = Selection(result.groups, mark_near=mark_near)
        if keep_marks:
            self.selection.carry_over(previous)
        self.reset.emit()

    def clear(self) -> None:
        self.result = None
        self.selection = Selection([])
        self.reset.emit()

    # marks ------------------------------------------------------------------------
    def can_mark(self, g: int, m: int) -> bool:
        return self.selection.can_mark(g, m)

    def set_mark(self, g: int, m: int, marked: bool) -> bool:
        before = m in self.selection.marked[g]
        ok = self.selection.set(g, m, marked)
        if ok and before != marked:
            self.marks_changed.emit([g])
        return ok

    def toggle(self, g: int, m: int) -> bool:
        return self.set_mark(g, m, m not in self.selection.marked[g])

    def keep_only(self, g: int, m: int) -> None:
        """Keep copy ``m`` of group ``g`` and mark the group's other copies."""
        before = set(self.selection.marked[g])
        self.selection.keep_only(g, m)
        if self.selection.marked[g] != before:
            self.marks_changed.emit([g])

    def _bulk(self, change: str, *args: object) -> None:
        before = [set(m) for m in self.selection.marked]
        getattr(self.selection, change)(*args)
        changed = [g for g, m in enumerate(self.selection.marked) if m != before[g]]
        if changed:
            self.marks_changed.emit(changed)

    def suggest(self, mark_near: bool) -> None:
        self._bulk("suggest", mark_near)

    def mark_all_but_keeper(self) -> None:
        self._bulk("mark_all_but_keeper")

    def unmark_all(self) -> None:
        self._bulk("unmark_all")

    def keep_by(self, rule: str, folder: str | None = None) -> None:
        self._bulk("keep_by", rule, folder)

    # after trashing -------------------------------------------------------------------
    def remove_paths(self, paths: Iterable[str]) -> None:
        """Drop trashed files from their groups (``core.remaining``: rebuilt groups keep
        the marks of the copies that stay); a group left with one copy disappears."""
        dropped = drop_paths(self.selection, set(paths), self.options)
        if dropped.changed:
            self.groups_changed.emit(list(dropped.changed))
        for first, last in reversed(_ranges(list(dropped.emptied))):
            self.about_to_remove.emit(first, last)
            del self.selection.groups[first:last + 1]
            del self.selection.marked[first:last + 1]
            self.removed.emit(first, last)


def _ranges(indexes: list[int]) -> list[tuple[int, int]]:
    """Sorted indexes as (first, last) runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for i in sorted(indexes):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
