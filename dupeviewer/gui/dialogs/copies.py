"""What the compare view knows about the copies of its group, and says about them: the
marks (read from the member model the window keeps up to date), which copies cannot be
shown and why, and which are gone from the disk.

It reads and words; it changes nothing (the dialog asks the window through signals).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from dupeviewer.gui import text
from dupeviewer.gui.dialogs.panes import (
    KEEP_COLOUR,
    REFERENCE_COLOUR,
    TRASH_COLOUR,
    WARNING_COLOUR,
)

if TYPE_CHECKING:
    from dupeviewer.core.model import Member
    from dupeviewer.gui.models.members import MemberModel

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Buttons:
    """How a pane's Mark and Keep buttons look for its copy."""

    marked: bool
    can_mark: bool
    mark_tip: str
    can_keep: bool
    keep_tip: str


def letter(m: int) -> str:
    """The copy's letter, in the order of the group's cards: A, B, C... then 27, 28..."""
    return chr(ord("A") + m) if m < 26 else str(m + 1)


class Copies(QObject):
    """The copies of the group ``model`` showed when the view opened (``model`` None: a
    view without marks)."""

    def __init__(self, members: list[Member], model: MemberModel | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._members = list(members)
        self._paths = tuple(m.path for m in members)
        self.model = model
        self.group = model.group if model is not None else -1
        self.problems: dict[str, str] = {}
        """Path -> why it cannot be shown, in words."""
        self.gone: set[str] = set()
        """Paths no longer on disk (vanished or in the Trash)."""
        self.trashed: set[str] = set()
        """Paths found in the Trash."""

    @property
    def members(self) -> list[Member]:
        """The copies as the window holds them now (choosing another keeper rebuilds the
        group: its similarities change, its copies and their order do not)."""
        if self.attached() and self.model is not None:
            return list(self.model.review.groups[self.group].members)
        return self._members

    def path(self, m: int) -> str:
        return self._paths[m]

    def name(self, m: int) -> str:
        return text.name_of(self._paths[m])

    # marks ------------------------------------------------------------------------
    def attached(self) -> bool:
        """Whether the window still shows the group this view was opened on: the same
        group, holding the same copies in the same order (so member indexes still hold)."""
        model = self.model
        if model is None or model.group != self.group or self.group < 0 \
                or self.group >= len(model.review):
            return False
        members = model.review.groups[self.group].members
        return tuple(m.path for m in members) == self._paths

    def state(self, m: int) -> tuple[bool, bool]:
        """(marked, may be marked) of copy ``m``: the core's rule, and not the last copy
        still on disk (a kept copy that is gone keeps nothing)."""
        if not self.attached() or self.model is None:
            return False, False
        review = self.model.review
        marked = review.marked(self.group)
        return m in marked, review.can_mark(self.group, m) and not self._last_here(m)

    def _last_here(self, m: int) -> bool:
        marked = self.model.review.marked(self.group) if self.model is not None else set()
        return not any(i != m and i not in marked and x.path not in self.gone
                       for i, x in enumerate(self.members))

    def marked_count(self) -> int:
        return len(self.model.review.marked(self.group)) if self.attached() \
            and self.model is not None else 0

    def why_not(self, m: int) -> str:
        """Why copy ``m`` cannot be marked."""
        name = self.name(m)
        if self.path(m) in self.gone:
            return self.tr("{name} is no longer there.").format(name=name)
        if self.members[m].reference:
            return self.tr("{name} is in a reference folder and is never trashed.").format(
                name=name)
        if self.model is not None and self.attached() \
                and self.model.review.can_mark(self.group, m):
            return self.tr("{name} is the only copy of this group left on disk.").format(
                name=name)
        return self.tr("{name} is the last kept copy of this group; keep another copy "
                       "first.").format(name=name)

    def detached(self) -> str:
        return self.tr("The groups changed; close this view to mark copies.")

    # words ------------------------------------------------------------------------
    def label(self, m: int) -> tuple[str, str | None]:
        """The pane's state line for copy ``m``: kept, marked, reference, gone."""
        if self.model is None:
            return "", None
        if not self.attached():
            return self.tr("The groups changed"), WARNING_COLOUR
        if self.path(m) in self.trashed:  # not "Kept": there is nothing left to keep
            return self.tr("In the Trash"), WARNING_COLOUR
        if self.path(m) in self.gone:
            return self.tr("No longer on disk"), WARNING_COLOUR
        if self.members[m].reference:
            return self.tr("In a reference folder: always kept"), REFERENCE_COLOUR
        if self.state(m)[0]:
            return self.tr("Marked for the Trash"), TRASH_COLOUR
        return self.tr("Kept"), KEEP_COLOUR

    def buttons(self, m: int) -> Buttons:
        if not self.attached():
            return Buttons(False, False, self.detached(), False, self.detached())
        marked, can_mark = self.state(m)
        path = self.path(m)
        can_mark = can_mark and path not in self.gone
        if marked:
            mark_tip = self.tr("Keep this copy after all (U)")
        elif can_mark:
            mark_tip = self.tr("Mark this copy for the Trash (M)")
        else:
            mark_tip = self.why_not(m)
        others = sum(1 for i, x in enumerate(self.members) if i != m and not x.reference)
        if path in self.problems:
            keep_tip = self.tr("This copy cannot be shown, so it cannot be the copy you "
                               "keep.")
        else:
            keep_tip = text.counted("Copies", "Keep this copy and mark the other %n "
                                    "file(s) for the Trash (K)", others)
        return Buttons(marked, marked or can_mark, mark_tip, path not in self.problems,
                       keep_tip)

    def explained(self, path: str, problem: str, detail: str) -> None:
        """Record why ``path`` cannot be shown (see ``jobs.compare.explain``)."""
        messages = {
            "trashed": self.tr("This file was moved to the Trash.\nIt is no longer at "
                               "{folder}."),
            "vanished": self.tr("This file is no longer at {folder}.\nIt was moved, renamed "
                                "or deleted after the scan."),
            "denied": self.tr("This file cannot be read: permission denied.\n{path}"),
            "unreadable": self.tr("This file cannot be read: {detail}\n{path}"),
        }
        message = messages.get(problem, self.tr("This copy cannot be shown: {detail}"))
        self.problems[path] = message.format(folder=text.folder_of(path), path=path,
                                             detail=detail)
        if problem in ("trashed", "vanished"):
            self.gone.add(path)
        if problem == "trashed":
            self.trashed.add(path)
