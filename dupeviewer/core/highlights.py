"""Which facts of each copy in a group stand out, so the card can point at them.

A rule about the pictures, not about Qt: the cards, the screen-reader text and any other
front end share it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dupeviewer.core.policy import history

if TYPE_CHECKING:
    from dupeviewer.core.model import Group


def highlights(group: Group) -> list[set[str]]:
    """The differences that matter: the largest resolution, the oldest date, the best JPEG
    quality, a camera or GPS position others lack, each only when the copies differ in it;
    the biggest file only among near copies (a re-save of the same pixels is no better for
    being larger)."""
    found: list[set[str]] = [set() for _ in group.members]
    infos = [m.info for m in group.members]
    pixels = [i.pixels for i in infos]
    if len(set(pixels)) > 1:
        for m, value in enumerate(pixels):
            if value == max(pixels):
                found[m].add("resolution")
    sizes = [i.size for i in infos]
    if group.kind == "near" and len(set(sizes)) > 1:
        for m, value in enumerate(sizes):
            if value == max(sizes):
                found[m].add("size")
    dates = [i.taken for i in infos if i.taken]
    if dates and len({i.taken for i in infos}) > 1:
        oldest = min(dates)
        for m, info in enumerate(infos):
            if info.taken == oldest:
                found[m].add("date")
    qualities = [i.quality for i in infos if i.quality is not None]
    if len(qualities) > 1 and len(set(qualities)) > 1:
        for m, info in enumerate(infos):
            if info.quality == max(qualities):
                found[m].add("quality")
    for name in ("camera", "gps"):
        held = [name in history(info) for info in infos]
        if any(held) and not all(held):
            for m, has in enumerate(held):
                if has:
                    found[m].add(name)
    return found
