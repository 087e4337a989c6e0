"""Near matches: perceptual-hash candidates confirmed by dHash, shape, brightness and colour,
and clusters in which every member resembles the centre and agrees with every other member.

The limits below were chosen on real photographs with ``benchmarks/accuracy.py`` (see the
README's "Accuracy" section): a copy that was resized, re-encoded, brightened by 10%, cropped
by 5%, watermarked or turned grey passes them; halves of one photo, light/dark and recoloured
variants of one design, and different photos of similar scenes do not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dupeviewer.core.model import ImageInfo
from dupeviewer.core.neighbours import pairs_within, popcount64

DHASH_SLACK, DHASH_CAP = 2, 18
"""A near match needs dHash distance <= min(DHASH_SLACK * threshold + 4, DHASH_CAP)."""
ASPECT_LIMIT = 1.25
"""Aspect ratios may differ by this factor (a 5% crop, a 16:10 thumbnail of a 16:9 image)."""
LUMA_LIMIT = 24.0
"""Largest difference of mean brightness (0-255): +10% passes, a dark variant does not."""
CHROMA_FLOOR, CHROMA_SHARE = 1.5, 0.25
"""Colour may differ by max(CHROMA_FLOOR, CHROMA_SHARE x the colourfulness) on average."""
ACHROMATIC = 1.0
"""Below this mean chroma a picture is grey: a grey copy matches any colouring."""
FLAT_LUMA, FLAT_CHROMA, FLAT_SHARE, FLAT_ASPECT = 6.0, 3.0, 0.15, 1.02
"""Flat and two-tone pictures (whose hashes say little) must match their 8x8 brightness
layout (after taking out an overall brightness change) and colours this closely, at the
same shape."""

# ImageInfo.rot_* order after the identity: ROTATE_90, ROTATE_180, ROTATE_270, FLIP_LR,
# FLIP_TB, TRANSPOSE, TRANSVERSE (PIL semantics); here on (..., 8, 8) numpy grids.
GRID_TRANSFORMS = (
    lambda a: a,
    lambda a: np.rot90(a, 1, axes=(-2, -1)),
    lambda a: np.rot90(a, 2, axes=(-2, -1)),
    lambda a: np.rot90(a, 3, axes=(-2, -1)),
    lambda a: a[..., :, ::-1],
    lambda a: a[..., ::-1, :],
    lambda a: np.swapaxes(a, -1, -2),
    lambda a: np.swapaxes(np.rot90(a, 2, axes=(-2, -1)), -1, -2),
)
INVERSE = (0, 3, 2, 1, 4, 5, 6, 7)
SWAPS_SIDES = frozenset({1, 3, 6, 7})


@dataclass
class Signatures:
    """Per picture: the 8x8 Y/Cb/Cr grid (centred chroma), colourfulness, aspect, flatness."""

    grid: np.ndarray  # (n, 3, 8, 8) float
    aspect: np.ndarray
    flat: np.ndarray

    @classmethod
    def of(cls, infos: Sequence[ImageInfo]) -> Signatures:
        grid = np.zeros((len(infos), 3, 8, 8))
        for row, info in enumerate(infos):
            if len(info.colour) == 192:
                grid[row] = np.frombuffer(info.colour, dtype=np.uint8).reshape(3, 8, 8)
                grid[row, 1:] -= 128
        aspect = np.array([i.width / max(1, i.height) for i in infos], dtype=np.float64)
        flat = np.array([i.low_detail for i in infos], dtype=bool)
        return cls(grid, aspect, flat)


def agree(a: np.ndarray, b: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Do aligned grids ``a`` and ``b`` (shape (k, 3, 8, 8)) show the same brightness and
    colours? ``flat`` marks pairs held to the strict limits of flat pictures."""
    mean_a, mean_b = a[:, 0].mean(axis=(1, 2)), b[:, 0].mean(axis=(1, 2))
    luma = np.abs(mean_a - mean_b)
    # the brightness layout, once an overall brightening or darkening is taken out
    layout = np.abs((a[:, 0] - mean_a[:, None, None]) - (b[:, 0] - mean_b[:, None, None]))
    luma_cells = layout.mean(axis=(1, 2))
    strength_a = np.abs(a[:, 1:]).mean(axis=(1, 2, 3))
    strength_b = np.abs(b[:, 1:]).mean(axis=(1, 2, 3))
    chroma = np.abs(a[:, 1:] - b[:, 1:]).mean(axis=(1, 2, 3))
    grey = np.minimum(strength_a, strength_b) < ACHROMATIC
    limit = np.maximum(CHROMA_FLOOR, CHROMA_SHARE * np.maximum(strength_a, strength_b))
    normal = (luma <= LUMA_LIMIT) & (grey | (chroma <= limit))
    flat_limit = np.maximum(FLAT_CHROMA, FLAT_SHARE * np.maximum(strength_a, strength_b))
    strict = (luma <= LUMA_LIMIT) & (luma_cells <= FLAT_LUMA) & (grey | (chroma <= flat_limit))
    return np.where(flat, strict, normal)


def _aspect_ok(sig: Signatures, i: np.ndarray, j: np.ndarray, t: np.ndarray) -> np.ndarray:
    other = np.where(np.isin(t, list(SWAPS_SIDES)), 1.0 / sig.aspect[j], sig.aspect[j])
    ratio = np.maximum(sig.aspect[i] / other, other / sig.aspect[i])
    flat = sig.flat[i] | sig.flat[j]
    return ratio <= np.where(flat, FLAT_ASPECT, ASPECT_LIMIT)


def aligned(sig: Signatures, rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Grids of ``rows`` turned by transforms ``t`` (vectorised per transform)."""
    out = sig.grid[rows].copy()
    for transform in np.unique(t):
        picked = t == transform
        out[picked] = GRID_TRANSFORMS[int(transform)](sig.grid[rows[picked]])
    return out


Edges = dict[int, dict[int, tuple[int, int]]]
"""edges[x][y] = (pHash distance, transform that turns y to x's orientation)."""


def near_edges(infos: Sequence[ImageInfo], threshold: int, rotations: bool) -> Edges:
    """Confirmed near matches: pHash within ``threshold`` (found with the multi-index search),
    then dHash, aspect, brightness and colour checks, vectorised over candidate pairs."""
    if len(infos) < 2:
        return {}
    sig = Signatures.of(infos)
    phash = np.array([i.phash for i in infos], dtype=np.uint64)
    dhash = np.array([i.dhash for i in infos], dtype=np.uint64)
    keys, key_dhash = [phash], [dhash]
    if rotations:
        for turn in range(7):
            keys.append(np.array([i.rot_phash[turn] for i in infos], dtype=np.uint64))
            key_dhash.append(np.array([i.rot_dhash[turn] for i in infos], dtype=np.uint64))
    n = len(infos)
    all_keys, all_dhash = np.concatenate(keys), np.concatenate(key_dhash)
    q, k, dist = pairs_within(phash, all_keys, threshold)
    j, t = k % n, k // n
    keep = q != j
    keep &= popcount64(dhash[q] ^ all_dhash[k]) <= min(DHASH_SLACK * threshold + 4, DHASH_CAP)
    q, j, t, dist = q[keep], j[keep], t[keep], dist[keep]
    keep = _aspect_ok(sig, q, j, t)
    q, j, t, dist = q[keep], j[keep], t[keep], dist[keep]
    keep = agree(sig.grid[q], aligned(sig, j, t), sig.flat[q] | sig.flat[j])
    edges: Edges = defaultdict(dict)
    for a, b, d, turn in zip(q[keep].tolist(), j[keep].tolist(), dist[keep].tolist(),
                             t[keep].tolist()):
        if d < edges[a].get(b, (99, 0))[0]:
            edges[a][b] = (d, turn)
            edges[b][a] = (d, INVERSE[turn])
    return edges


def clusters(infos: Sequence[ImageInfo], edges: Edges) -> list[list[int]]:
    """Groups around centres. A member resembles its centre (an edge) and agrees in
    brightness and colour with every other member, so A~B~C never glues A to a C it does
    not resemble, and a grey copy never joins two colourings of one design."""
    if not edges:
        return []
    sig = Signatures.of(infos)
    weight = [i.pixels for i in infos]
    order = sorted(edges, key=lambda x: (-len(edges[x]), -weight[x], x))
    home: dict[int, int] = {}
    found: list[list[int]] = []
    views: list[dict[int, np.ndarray]] = []  # per cluster: member -> grid in centre's turn
    for centre in order:
        if centre in home:
            continue
        view = {centre: sig.grid[centre]}
        members = [centre]
        for other in sorted(edges[centre], key=lambda y: (edges[centre][y][0], y)):
            if other not in home and _fits(sig, view, other, edges[centre][other][1]):
                members.append(other)
        if len(members) < 2:
            continue
        for m in members:
            home[m] = len(found)
        found.append(members)
        views.append(view)
    for loner in order:  # a picture whose neighbours were all taken joins a centre it matches
        if loner in home:
            continue
        for other, (_, turn) in sorted(edges[loner].items(), key=lambda e: e[1][0]):
            cluster = home.get(other)
            if cluster is None or found[cluster][0] != other:
                continue
            if _fits(sig, views[cluster], loner, INVERSE[turn]):
                home[loner] = cluster
                found[cluster].append(loner)
                break
    return found


def _fits(sig: Signatures, view: dict[int, np.ndarray], node: int, turn: int) -> bool:
    """Does ``node``, turned by ``turn``, agree with every member already in ``view``?"""
    grid = GRID_TRANSFORMS[turn](sig.grid[node])
    members = list(view)
    others = np.stack([view[m] for m in members])
    mine = np.broadcast_to(grid, others.shape)
    flat = sig.flat[members] | sig.flat[node]
    if not bool(agree(mine, others, flat).all()):
        return False
    view[node] = grid
    return True
