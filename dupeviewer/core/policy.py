"""Which copy to keep, and which copies are marked for the trash.

The invariant lives here, for every front end: a group never has all its copies marked.
Reference-folder copies count as kept and can never be marked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from dupeviewer.core.rekey import CHOSEN, Preview, rekeyed, rule_reason

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

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
CAMERA_FORMATS = frozenset({"JPEG", "MPO", "HEIF"})
"""What cameras and phones write; PNG, TIFF or WebP copies are conversions."""

HISTORY = ("taken", "camera", "gps")
"""The picture's history a copy can hold, most telling first."""
HISTORY_WORDS = {"taken": "date taken", "camera": "camera", "gps": "GPS"}


def quality_score(info: ImageInfo) -> int:
    """Lossless files beat every JPEG; a JPEG scores its estimated quality; lossy formats
    whose quality cannot be read (WebP, HEIC, AVIF, GIF) come last."""
    if info.format in LOSSLESS:
        return 101
    return info.quality if info.quality is not None else 0


def history(info: ImageInfo) -> tuple[str, ...]:
    """Which of date taken, camera and GPS the file records, in :data:`HISTORY` order."""
    held = {"taken": info.taken is not None, "camera": bool(info.camera), "gps": info.gps}
    return tuple(name for name in HISTORY if held[name])


def pictures(infos: Sequence[ImageInfo]) -> list[int]:
    """For each copy, the index of the first copy with the same bytes or the same decoded
    pixels (directly or through another copy): copies of one picture share an index."""
    if all(i.byte_digest is None and i.pixel_digest is None for i in infos):
        return list(range(len(infos)))  # most near groups: nothing to join
    parent = list(range(len(infos)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[tuple[str, str], int] = {}
    for index, info in enumerate(infos):
        for key in (("b", info.byte_digest), ("p", info.pixel_digest)):
            if key[1] is not None:
                a, b = find(index), find(first.setdefault((key[0], key[1]), index))
                parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(infos))]


class Rank(NamedTuple):
    """A copy's place in the suggested order: the smaller, the better (see
    :func:`rank_keys`)."""

    resolution: int
    """Minus the pixel count."""
    quality: int
    """Minus the quality score of the picture (the lowest of its same-pixel copies)."""
    no_taken: bool
    no_camera: bool
    no_gps: bool
    converted: bool
    """Not in a camera's own format (:data:`CAMERA_FORMATS`)."""
    mtime_ns: int
    path_length: int
    path: str


def rank_keys(infos: Sequence[ImageInfo]) -> list[Rank]:
    """Sort keys, best copy first: resolution, then quality, then history (date taken,
    camera, GPS), then the camera's own format, then the oldest file, then the shortest
    path.

    Resolution and quality belong to the picture: copies with the same pixels share them
    (a PNG re-save of a quality-70 JPEG holds quality-70 pixels), so among them only the
    history, the format and the age decide. File size never does."""
    same = pictures(infos)
    quality: dict[int, int] = {}
    for index, info in enumerate(infos):
        quality[same[index]] = min(quality.get(same[index], 101), quality_score(info))
    return [Rank(-info.pixels, -quality[same[index]], info.taken is None, not info.camera,
                 not info.gps, info.format not in CAMERA_FORMATS, info.mtime_ns,
                 len(info.path), info.path)
            for index, info in enumerate(infos)]  # history() inline: a hot loop


def _rule_key(rule: str, info: ImageInfo, key: Rank) -> object:
    """The part of the order a keep-by rule puts first; resolution and quality are the
    picture's, as in :func:`rank_keys`."""
    if rule == "resolution":
        return key.resolution
    if rule == "quality":
        return key.quality
    if rule == "size":
        return -info.size
    return _date_key(info, newest=rule == "newest")


def choose_keeper(infos: Sequence[ImageInfo], references: Sequence[bool] = ()) -> tuple[int, str]:
    """Index of the copy to keep and the reason, in words a user understands."""
    keys = rank_keys(infos)
    if not any(references):  # no reference copies: the best rank alone
        order = sorted(range(len(infos)), key=keys.__getitem__)
        return order[0], _why(infos[order[0]], keys[order[0]], [keys[i] for i in order[1:]])
    refs = list(references)
    order = sorted(range(len(infos)), key=lambda i: (not refs[i], keys[i]))
    best = order[0]
    if refs[best] and not all(refs):
        return best, "in a reference folder"
    return best, _why(infos[best], keys[best], [keys[i] for i in order[1:]])


_HELD = {"taken": "no_taken", "camera": "no_camera", "gps": "no_gps"}
_STEPS = Rank._fields.index("path_length")
"""The fields of a :class:`Rank` that name a reason (the path decides only ties)."""
_HELD_AT = frozenset(Rank._fields.index(field) for field in _HELD.values())
_FIELD = {name: Rank._fields.index(name) for name in Rank._fields}


def _why(best: ImageInfo, key: Rank, others: Sequence[Rank]) -> str:
    """Each rule that set the keeper apart from some other copy, in rule order."""
    if not others:
        return "only copy"
    decided: set[int] = set()
    rest = list(others)
    beaten: list[Rank] = []  # copies set apart by their history
    for step in range(_STEPS):
        if not rest:
            break
        value = key[step]
        apart = [o for o in rest if o[step] != value]
        if apart:
            decided.add(step)
            if step in _HELD_AT:
                beaten += apart
            rest = [o for o in rest if o[step] == value]
    # every item of history the keeper holds and a copy it beat on history lacks
    held = [name for name, field in _HELD.items()
            if not key[_FIELD[field]] and any(o[_FIELD[field]] for o in beaten)]
    parts = []
    if _FIELD["resolution"] in decided:
        parts.append(f"highest resolution ({best.width}\u00d7{best.height})")
    if _FIELD["quality"] in decided:
        parts.append("best quality (lossless)" if key.quality == -101
                     else f"best quality (JPEG quality {-key.quality})")
    if held:
        parts.append(_has(held, len(others)))
    if _FIELD["converted"] in decided:
        parts.append(f"camera's own format ({best.format})")
    if _FIELD["mtime_ns"] in decided:
        parts.append("oldest file")
    if rest:
        shorter = all(o.path_length > key.path_length for o in rest)
        parts.append("shortest path" if shorter else "first by name")
    return "; ".join(parts)


def _has(held: Sequence[str], others: int) -> str:
    """``has the date taken and camera (the other copy lacks them)``."""
    words = [HISTORY_WORDS[name] for name in held]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    who = "the other copy lacks" if others == 1 else "other copies lack"
    return f"has the {listed} ({who} {'it' if len(words) == 1 else 'them'})"


def lost_history(group: Group, marked: Collection[int], m: int) -> tuple[str, ...]:
    """The history (:data:`HISTORY` names) that copy ``m`` records and no copy left
    unmarked records: what trashing the marked copies would lose."""
    if m not in marked:
        return ()
    kept = [set(history(x.info)) for i, x in enumerate(group.members) if i not in marked]
    return tuple(name for name in history(group.members[m].info)
                 if not any(name in held for held in kept))


def _rule_marks(group: Group, keep: int) -> set[int]:
    return {m for m, x in enumerate(group.members) if m != keep and not x.reference}


@dataclass(frozen=True, slots=True)
class Violation:
    group: int
    reason: str


class Selection:
    """The marks on a list of groups: which copies go to the trash.

    ``marked[g]`` holds member indexes of group ``g``. Every method keeps the invariant
    that at least one copy of each group stays unmarked, and reference copies stay unmarked.
    It keeps a second one too: a group's keeper is never marked (marking it moves the keeper
    to the best copy left unmarked), so no copy is both the kept one and a trash one.
    ``decided[g]`` says the user picked group ``g``'s keeper (:meth:`decide`).
    """

    def __init__(self, groups: Sequence[Group], mark_near: bool = False,
                 rotations: bool = False) -> None:
        self.groups = list(groups)
        self.rotations = rotations
        self.marked: list[set[int]] = [set() for _ in self.groups]
        self.decided: list[bool] = [False] * len(self.groups)
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
        if m == self.groups[g].keeper:
            self._settle(g)
        return True

    def _settle(self, g: int) -> None:
        """The keeper of group ``g`` was marked: keep the best copy left unmarked instead
        (there is one: a group is never fully marked)."""
        group = self.groups[g]
        left = [m for m in range(len(group.members)) if m not in self.marked[g]]
        if not left:
            return
        if len(left) == 1:
            keep, reason = left[0], "the copy left unmarked"
        else:
            best, why = choose_keeper([group.members[m].info for m in left],
                                      [group.members[m].reference for m in left])
            keep, reason = left[best], f"best of the copies left unmarked: {why}"
        self.groups[g] = rekeyed(group, keep, reason, self.rotations)

    def decide(self, g: int, m: int, rest: bool = False, mark_near: bool = False) -> None:
        """The user keeps copy ``m`` of group ``g``: it becomes the keeper, unmarked; the
        other copies are marked as :meth:`suggest` marks them (``mark_near``), or all of
        them (``rest``). Reference copies stay unmarked."""
        group = rekeyed(self.groups[g], m, CHOSEN, self.rotations)
        self.groups[g] = group
        self.marked[g] = {i for i, member in enumerate(group.members)
                          if i != m and not member.reference
                          and (rest or mark_near or member.match in ("exact", "pixels"))}
        self.decided[g] = True

    def remove_groups(self, first: int, last: int) -> None:
        """Forget groups ``first`` to ``last`` (they no longer hold duplicates)."""
        del self.groups[first:last + 1]
        del self.marked[first:last + 1]
        del self.decided[first:last + 1]

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
        chosen = {previous.groups[g].keep.path: previous.groups[g].reason
                  for g, decided in enumerate(previous.decided) if decided}
        same = {id(group): g for g, group in enumerate(previous.groups)}
        for g, group in enumerate(self.groups):
            was = same.get(id(group))
            if was is not None:  # the very group as before (a regroup reuses them)
                self.marked[g] = set(previous.marked[was])
                self.decided[g] = previous.decided[was]
                continue
            states = [before.get(member.path) for member in group.members]
            self.marked[g] -= {m for m, state in enumerate(states) if state is False}
            for m, state in enumerate(states):
                if state is True:
                    self.set(g, m, True)
            kept = [m for m, member in enumerate(self.groups[g].members)
                    if member.path in chosen and m not in self.marked[g]]
            if kept:  # the keeper the user picked stays the keeper
                self.groups[g] = rekeyed(self.groups[g], kept[0],
                                         chosen[self.groups[g].members[kept[0]].path],
                                         self.rotations)
                self.decided[g] = True

    def mark_all_but_keeper(self) -> None:
        self.suggest(mark_near=True)

    def unmark_all(self) -> None:
        for marks in self.marked:
            marks.clear()

    def keep_by_plan(self, rule: str, folder: str | None = None,
                     groups: Iterable[int] | None = None) -> dict[int, int]:
        """The copy ``rule`` keeps in each of ``groups`` (all when None), by group; a group
        without a copy in the rule's folder is left out. Ties go to the suggested order
        (:func:`rank_keys`)."""
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; choose from {', '.join(RULES)}")
        if rule == "folder" and folder is None:
            raise ValueError("the folder rule needs a folder")
        plan: dict[int, int] = {}
        for g in range(len(self.groups)) if groups is None else groups:
            members = self.groups[g].members
            infos = [x.info for x in members]
            keys = rank_keys(infos)
            if rule == "folder":
                inside = [m for m, x in enumerate(members)
                          if in_folder(x.path, [folder or ""])]
                if inside:  # no copy in that folder: leave this group as it is
                    plan[g] = min(inside, key=lambda m: keys[m])
            else:
                plan[g] = min(range(len(members)),
                              key=lambda m: (_rule_key(rule, infos[m], keys[m]), keys[m]))
        return plan

    def preview_keep_by(self, rule: str, folder: str | None = None,
                        groups: Iterable[int] | None = None) -> Preview:
        """What :meth:`keep_by` would mark, without marking anything."""
        plan = self.keep_by_plan(rule, folder, groups)
        marks = [(g, m) for g, keep in plan.items() for m in _rule_marks(self.groups[g], keep)]
        return Preview(len(plan), len(marks),
                       sum(self.groups[g].members[m].info.size for g, m in marks))

    def keep_by(self, rule: str, folder: str | None = None,
                groups: Iterable[int] | None = None, decide: bool = False) -> None:
        """Keep one copy per group chosen by ``rule`` (in ``groups``, all when None) and
        mark the rest; the kept copy becomes the group's keeper, with the rule as its
        reason. ``decide``: these groups count as decided by the user."""
        for g, keep in self.keep_by_plan(rule, folder, groups).items():
            group = self.groups[g]
            self.groups[g] = rekeyed(group, keep, rule_reason(rule, group.members[keep].info,
                                                              folder), self.rotations)
            self.marked[g] = _rule_marks(self.groups[g], keep)
            self.decided[g] = self.decided[g] or decide

    def lost(self, g: int, m: int) -> tuple[str, ...]:
        """The history copy ``m`` of group ``g`` would take to the trash (see
        :func:`lost_history`)."""
        return lost_history(self.groups[g], self.marked[g], m)

    def losses(self) -> dict[str, tuple[str, ...]]:
        """Each marked file that records history no kept copy of its group records."""
        found = {}
        for g, m in self.items():
            lost = self.lost(g, m)
            if lost:
                found[self.groups[g].members[m].path] = lost
        return found

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
        """What the marked files take (asked after every mark: no list of them is made)."""
        groups = self.groups
        return sum(groups[g].members[m].info.size
                   for g, marks in enumerate(self.marked) if marks for m in marks)
