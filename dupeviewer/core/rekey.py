"""Moving a group's keeper to another copy: the group re-measured around it, and the words
that say why it is kept. Used by :class:`dupeviewer.core.policy.Selection` when the user (or
a keep-by rule) picks the copy to keep."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dupeviewer.core.model import Group
from dupeviewer.core.relations import hash_distance, kind_of, relation

if TYPE_CHECKING:
    from dupeviewer.core.model import ImageInfo, Match

CHOSEN = "chosen by you"
"""The reason of a keeper the user picked."""


def rekeyed(group: Group, keeper: int, reason: str, rotations: bool = False) -> Group:
    """``group`` with ``members[keeper]`` as its kept copy and ``reason`` as why: every
    other copy's match and distance measured again against it. The copies keep their order,
    so marks (member indexes) stay valid."""
    best = group.members[keeper].info
    members = []
    for index, member in enumerate(group.members):
        match: Match = "keeper" if index == keeper else relation(member.info, best)
        distance = hash_distance(best, member.info, rotations) if match == "near" else 0
        members.append(dataclasses.replace(member, match=match, distance=distance))
    return Group(kind_of(m.match for m in members), tuple(members), keeper, reason,
                 group.new, group.decisions)


def rule_reason(rule: str, info: ImageInfo, folder: str | None = None) -> str:
    """Why a keep-by rule kept ``info``, in words."""
    words = {"resolution": f"highest resolution ({info.width}\u00d7{info.height})",
             "size": "largest file", "oldest": "oldest date taken",
             "newest": "newest date taken", "quality": "best quality",
             "folder": f"in the folder {os.path.basename((folder or '').rstrip(os.sep))}"}
    return f"{words[rule]}; by rule"


@dataclass(frozen=True, slots=True)
class Preview:
    """What a keep-by rule would do: the groups it changes, and the files (and their bytes)
    marked in those groups once it has."""

    groups: int
    files: int
    bytes: int
