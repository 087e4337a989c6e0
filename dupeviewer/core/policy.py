"""Which copy to keep, and which copies are marked for the trash.

The invariant lives here, for every front end: a group never has all its copies marked.
Reference-folder copies count as kept and can never be marked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from dupeviewer.core.model import Group, ImageInfo

RULES = ("resolution", "size", "oldest", "newest", "quality", "folder")


def in_folder(path: str, folders: Iterable[str]) -> bool:
    real = os.path.realpath(path)
    for folder in folders:
        base = os.path.realpath(folder).rstrip(os.sep) + os.sep
        if real.startswith(base):
            return True
    return False


def _date_key(info: ImageInfo, newest: bool = False) -> str:
    if info.taken is None:
        return "" if newest else "~"  # undated copies sort last either way
    if newest:
        return "".join(chr(0x10FFFF - ord(c)) for c in info.taken)
    return info.taken


LOSSLESS = frozenset({"PNG", "BMP", "DIB", "TIFF"})


def quality_score(info: ImageInfo) -> int:
    """Lossless files beat every JPEG; a JPEG scores its estimated quality; lossy formats
    whose quality cannot be read (WebP, HEIC, AVIF, GIF) come last."""
    if info.format in LOSSLESS:
        return 101
    return info.quality if info.quality is not None else 0


RANK: dict[str, Callable[[ImageInfo], object]] = {
    "resolution": lambda i: -i.pixels,
    "size": lambda i: -i.size,
    "oldest": lambda i: _date_key(i),
    "newest": lambda i: _date_key(i, newest=True),
    "quality": lambda i: -quality_score(i),
}


def default_rank(info: ImageInfo) -> tuple[object, ...]:
    """Highest resolution, then largest file, then oldest date taken, then shortest path."""
    return (-info.pixels, -info.size, _date_key(info), len(info.path), info.path)


def choose_keeper(infos: Sequence[ImageInfo], references: Sequence[bool] = ()) -> tuple[int, str]:
    """Index of the copy to keep and the reason, in words a user understands."""
    refs = list(references) or [False] * len(infos)
    order = sorted(range(len(infos)), key=lambda i: (not refs[i], default_rank(infos[i])))
    best = order[0]
    if refs[best] and not all(refs):
        return best, "in a reference folder"
    return best, _why(infos[best], [infos[i] for i in order[1:]])


def _why(best: ImageInfo, others: Sequence[ImageInfo]) -> str:
    """Each rule that set the keeper apart from some other copy, in rule order."""
    if not others:
        return "only copy"
    parts = []
    rest = list(others)
    if any(o.pixels < best.pixels for o in rest):
        parts.append(f"highest resolution ({best.width}\u00d7{best.height})")
    rest = [o for o in rest if o.pixels == best.pixels]
    if any(o.size < best.size for o in rest):
        parts.append("largest file")
    rest = [o for o in rest if o.size == best.size]
    if any(_date_key(o) > _date_key(best) for o in rest):
        parts.append("oldest date taken")
    rest = [o for o in rest if _date_key(o) == _date_key(best)]
    if rest:
        shorter = all(len(o.path) > len(best.path) for o in rest)
        parts.append("shortest path" if shorter else "first by name")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Violation:
    group: int
    reason: str


class Selection:
    """The marks on a list of groups: which copies go to the trash.

    ``marked[g]`` holds member indexes of group ``g``. Every method keeps the invariant
    that at least one copy of each group stays unmarked, and reference copies stay unmarked.
    """

    def __init__(self, groups: Sequence[Group], mark_near: bool = False) -> None:
        self.groups = list(groups)
        self.marked: list[set[int]] = [set() for _ in self.groups]
        self.suggest(mark_near)

    def can_mark(self, g: int, m: int) -> bool:
        group = self.groups[g]
        if m in self.marked[g] or group.members[m].reference:
            return m in self.marked[g]
        return len(self.marked[g]) + 1 < len(group.members)

    def set(self, g: int, m: int, marked: bool) -> bool:
        """Mark or unmark one copy; returns False (and changes nothing) if not allowed."""
        if not marked:
            self.marked[g].discard(m)
            return True
        if not self.can_mark(g, m):
            return False
        self.marked[g].add(m)
        return True

    def toggle(self, g: int, m: int) -> bool:
        return self.set(g, m, m not in self.marked[g])

    def suggest(self, mark_near: bool = False) -> None:
        """The suggested plan: all but the keeper in exact and same-pixel groups; in near
        groups only identical copies of the keeper, unless ``mark_near``."""
        for g, group in enumerate(self.groups):
            self.marked[g] = {
                m for m, member in enumerate(group.members)
                if m != group.keeper and not member.reference
                and (mark_near or member.match in ("exact", "pixels"))
            }

    def carry_over(self, previous: Selection) -> None:
        """After regrouping, keep the mark each copy had before (as far as the rules allow);
        copies that were in no group before keep their suggested mark."""
        before: dict[str, bool] = {}
        for g, group in enumerate(previous.groups):
            for m, member in enumerate(group.members):
                before[member.path] = m in previous.marked[g]
        for g, group in enumerate(self.groups):
            states = [before.get(member.path) for member in group.members]
            self.marked[g] -= {m for m, state in enumerate(states) if state is False}
            for m, state in enumerate(states):
                if state is True:
                    self.set(g, m, True)

    def mark_all_but_keeper(self) -> None:
        self.suggest(mark_near=True)

    def unmark_all(self) -> None:
        for marks in self.marked:
            marks.clear()

    def keep_by(self, rule: str, folder: str | None = None) -> None:
        """Keep one copy per group chosen by ``rule`` and mark the rest."""
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; choose from {', '.join(RULES)}")
        for g, group in enumerate(self.groups):
            members = group.members
            if rule == "folder":
                if folder is None:
                    raise ValueError("the folder rule needs a folder")
                inside = [m for m, x in enumerate(members) if in_folder(x.path, [folder])]
                if not inside:
                    continue  # no copy in that folder: leave this group as it is
                keep = min(inside, key=lambda m: default_rank(members[m].info))
            else:
                key = RANK[rule]
                keep = min(range(len(members)),
                           key=lambda m: (key(members[m].info), default_rank(members[m].info)))
            self.marked[g] = {m for m, x in enumerate(members) if m != keep and not x.reference}

    def violations(self) -> list[Violation]:
        found = []
        for g, group in enumerate(self.groups):
            if len(self.marked[g]) >= len(group.members):
                found.append(Violation(g, "every copy is marked"))
            if any(group.members[m].reference for m in self.marked[g]):
                found.append(Violation(g, "a reference copy is marked"))
        return found

    def items(self) -> list[tuple[int, int]]:
        return [(g, m) for g, marks in enumerate(self.marked) for m in sorted(marks)]

    @property
    def count(self) -> int:
        return sum(len(m) for m in self.marked)

    @property
    def bytes(self) -> int:
        return sum(self.groups[g].members[m].info.size for g, m in self.items())
