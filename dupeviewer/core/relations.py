"""How one copy relates to another: the same bytes, the same pixels, or a near picture at
some perceptual distance. Shared by grouping (which builds groups around a keeper) and
policy (which moves a group's keeper when the user chooses another copy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dupeviewer.core.model import ImageInfo, Kind


def hash_distance(a: ImageInfo, b: ImageInfo, rotations: bool) -> int:
    candidates = [b.phash] + (list(b.rot_phash) if rotations else [])
    return min((a.phash ^ h).bit_count() for h in candidates)


def relation(info: ImageInfo, other: ImageInfo) -> Kind:
    """How ``info`` relates to ``other``: "exact" (same bytes), "pixels" (same decoded
    pixels) or "near"."""
    if info.byte_digest is not None and info.byte_digest == other.byte_digest:
        return "exact"
    if info.pixel_digest is not None and info.pixel_digest == other.pixel_digest:
        return "pixels"
    return "near"


def kind_of(matches: Iterable[str]) -> Kind:
    """A group's kind from its copies' matches to the keeper: near if any copy is only
    near, else same pixels if any copy only shares the pixels, else exact."""
    found = set(matches) - {"keeper"}
    return "near" if "near" in found else "pixels" if "pixels" in found else "exact"
