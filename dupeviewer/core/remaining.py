"""What is left of a review once files left it (moved to the Trash): the groups rebuilt
without them, with the marks of the copies that stay, and the scan result as it stands.

Rules about the data, shared by every front end; the GUI's ``Review`` only announces the
changes to its models.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dupeviewer.core.grouping import make_group
from dupeviewer.core.rekey import rekeyed

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from dupeviewer.core.model import Group, Options, ScanResult
    from dupeviewer.core.policy import Selection


@dataclass(frozen=True)
class Dropped:
    """Which groups a :func:`drop_paths` touched, by index."""

    changed: tuple[int, ...]
    """Rebuilt in place: they still hold two copies or more."""
    emptied: tuple[int, ...]
    """Left with fewer than two copies: no longer duplicates, for the caller to remove."""


def drop_paths(selection: Selection, gone: Collection[str], options: Options) -> Dropped:
    """Take the files ``gone`` out of their groups in ``selection``.

    A changed group is rebuilt by the engine (keeper, matches, kind), and the marks of the
    copies that stay are carried over through ``Selection.set``, so its rules still hold
    (a group is never fully marked). Emptied groups are listed, not removed, so the caller
    can announce each removal before it happens."""
    changed: list[int] = []
    emptied: list[int] = []
    for g, group in enumerate(selection.groups):
        if not any(m.path in gone for m in group.members):
            continue
        left = [m for m in group.members if m.path not in gone]
        if len(left) < 2:
            emptied.append(g)
            continue
        marked_paths = {group.members[m].path for m in selection.marked[g]}
        rebuilt = make_group([m.info for m in left], options)
        if group.new or group.decisions:  # what the user's decisions said stays said
            rebuilt = dataclasses.replace(
                rebuilt, new=tuple(p for p in group.new if p not in gone),
                decisions=group.decisions)
        kept = [m for m, x in enumerate(rebuilt.members) if x.path == group.keep.path]
        if kept and kept[0] != rebuilt.keeper:
            # the keeper the user or a rule chose stays the keeper
            rebuilt = rekeyed(rebuilt, kept[0], group.reason, options.rotations)
        selection.groups[g] = rebuilt
        selection.marked[g] = set()
        for m, member in enumerate(rebuilt.members):
            if member.path in marked_paths:
                selection.set(g, m, True)
        changed.append(g)
    return Dropped(tuple(changed), tuple(emptied))


def as_it_stands(result: ScanResult, groups: Sequence[Group]) -> ScanResult:
    """``result`` with ``groups`` in place of its own (trashed copies and emptied groups
    gone), and the counts to match: what an export of the review should say."""
    groups = tuple(groups)
    stats = dataclasses.replace(result.stats, groups=len(groups),
                                reclaimable_bytes=sum(g.reclaimable for g in groups))
    return dataclasses.replace(result, groups=groups, stats=stats)
