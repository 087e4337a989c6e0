"""Near matches: perceptual-hash candidates confirmed by dHash, shape, brightness and colour,
and clusters in which every member resembles the centre and agrees with every other member.

The limits below were chosen on real photographs with ``benchmarks/accuracy.py`` (see the
README's "Accuracy" section): a copy that was resized, re-encoded, brightened by 10%, cropped
by 5%, watermarked or turned grey passes them; halves of one photo, light/dark and recoloured
variants of one design, and different photos of similar scenes do not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dupeviewer.core.neighbours import Plan, candidate_chunks, choose_plan

if TYPE_CHECKING:
    from dupeviewer.core.model import ImageInfo

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

    raw: np.ndarray  # (n, 3, 8, 8) uint8 as stored (chroma offset by 128); zeros if absent
    aspect: np.ndarray
    flat: np.ndarray
    luma_sum: np.ndarray  # int64: sum of the 64 luma cells
    strength_sum: np.ndarray  # int64: sum of |chroma| over the 128 chroma cells

    @classmethod
    def of(cls, infos: Sequence[ImageInfo]) -> Signatures:
        present = np.array([len(i.colour) == 192 for i in infos], dtype=bool)
        raw = np.zeros((len(infos), 3, 8, 8), dtype=np.uint8)
        if present.any():
            data = b"".join(i.colour for i in infos if len(i.colour) == 192)
            raw[present] = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3, 8, 8)
        raw[~present, 1:] = 128  # no signature: grey zeros, as before
        aspect = np.array([i.width / max(1, i.height) for i in infos], dtype=np.float64)
        flat = np.array([i.low_detail for i in infos], dtype=bool)
        luma = raw[:, 0].reshape(len(infos), 64).sum(axis=1, dtype=np.int64)
        chroma = np.abs(raw[:, 1:].reshape(len(infos), 128).astype(np.int16) - 128)
        return cls(raw, aspect, flat, luma, chroma.sum(axis=1, dtype=np.int64))

    def grids(self, rows: np.ndarray) -> np.ndarray:
        """Float grids (centred chroma) of ``rows``, as :func:`agree` takes them."""
        out: np.ndarray = self.raw[rows].astype(np.float64)
        out[..., 1:, :, :] -= 128
        return out

    @property
    def grid(self) -> np.ndarray:
        return self.grids(np.arange(len(self.raw)))


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
    agreed: np.ndarray = np.where(flat, strict, normal)
    return agreed


def _aspect_ok(sig: Signatures, i: np.ndarray, j: np.ndarray, t: np.ndarray) -> np.ndarray:
    other = np.where(np.isin(t, list(SWAPS_SIDES)), 1.0 / sig.aspect[j], sig.aspect[j])
    ratio = np.maximum(sig.aspect[i] / other, other / sig.aspect[i])
    flat = sig.flat[i] | sig.flat[j]
    close: np.ndarray = ratio <= np.where(flat, FLAT_ASPECT, ASPECT_LIMIT)
    return close


def aligned(sig: Signatures, rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Raw uint8 grids of ``rows`` turned by transforms ``t`` (vectorised per transform)."""
    out: np.ndarray = sig.raw[rows]
    for transform in np.unique(t):
        if transform:
            picked = t == transform
            out[picked] = GRID_TRANSFORMS[int(transform)](sig.raw[rows[picked]])
    return out


def agree_pairs(sig: Signatures, i: np.ndarray, j: np.ndarray, t: np.ndarray,
                block: int = 1 << 15) -> np.ndarray:
    """:func:`_agree_block` over blocks of ``block`` pairs (each holds ~1 KB per pair)."""
    out = np.zeros(len(i), dtype=bool)
    for at in range(0, len(i), block):
        part = slice(at, at + block)
        out[part] = _agree_block(sig, i[part], j[part], t[part])
    return out


def _agree_block(sig: Signatures, i: np.ndarray, j: np.ndarray, t: np.ndarray) -> np.ndarray:
    """:func:`agree` for pairs (``j`` turned by ``t``)."""
    return agree_aligned(sig, i, sig.raw[i], j, aligned(sig, j, t))


def agree_aligned(sig: Signatures, i: np.ndarray, a: np.ndarray, j: np.ndarray,
                  b: np.ndarray) -> np.ndarray:
    """:func:`agree` for pictures ``i`` and ``j`` given as raw grids ``a`` and ``b`` in one
    orientation, from integer sums: the same answers (every mean there is an integer sum over
    a power of two, exact in float64), without float grids for every pair. Brightness and
    colourfulness are sums over all cells, the same in any orientation."""
    flat = sig.flat[i] | sig.flat[j]
    luma = np.abs(sig.luma_sum[i] - sig.luma_sum[j]) / 64.0
    sa, sb = sig.strength_sum[i] / 128.0, sig.strength_sum[j] / 128.0
    chroma = np.abs(a[:, 1:].astype(np.int16) - b[:, 1:]).reshape(len(i), 128).sum(
        axis=1, dtype=np.int64) / 128.0
    grey = np.minimum(sa, sb) < ACHROMATIC
    limit = np.maximum(CHROMA_FLOOR, CHROMA_SHARE * np.maximum(sa, sb))
    ok: np.ndarray = (luma <= LUMA_LIMIT) & (grey | (chroma <= limit))
    if flat.any():  # :func:`agree`'s strict limits, from integer sums as above
        f = np.flatnonzero(flat)
        # each cell's brightness less the picture's mean, times 64: exact in integers
        mine = a[f, 0].reshape(len(f), 64).astype(np.int32) * 64 - sig.luma_sum[i[f], None]
        theirs = b[f, 0].reshape(len(f), 64).astype(np.int32) * 64 - sig.luma_sum[j[f], None]
        cells = np.abs(mine - theirs).sum(axis=1, dtype=np.int64) / 4096.0
        flat_limit = np.maximum(FLAT_CHROMA, FLAT_SHARE * np.maximum(sa[f], sb[f]))
        ok[f] = (luma[f] <= LUMA_LIMIT) & (cells <= FLAT_LUMA) & (
            grey[f] | (chroma[f] <= flat_limit))
    return ok


Edges = dict[int, dict[int, tuple[int, int]]]
"""edges[x][y] = (pHash distance, transform that turns y to x's orientation)."""

MAX_DEGREE = 256
"""Confirmed look-alikes kept per picture (its closest): a library of look-alikes has a
quadratic number of confirmed pairs, and a centre claims its members from this list."""
EDGE_BUFFER = 2_000_000
"""Directed edges collected before they are thinned to :data:`MAX_DEGREE` per picture."""


_SRC, _DIST, _DST, _TURN = 40, 34, 10, 7


class EdgeSet:
    """Directed confirmed edges packed in one uint64 each (8 bytes an edge), sorted by
    (src, distance, dst), at most MAX_DEGREE per src: src -> dst at pHash distance ``dist``;
    ``turn`` turns dst to src's orientation; ``dhash`` is the dHash distance (to filter for
    a lower threshold). Pictures are numbered below 2**24."""

    def __init__(self, packed: np.ndarray) -> None:
        self.packed = packed

    @classmethod
    def pack(cls, src: np.ndarray, dst: np.ndarray, dist: np.ndarray, turn: np.ndarray,
             dhash: np.ndarray) -> EdgeSet:
        u = np.uint64
        return cls(src.astype(u) << u(_SRC) | dist.astype(u) << u(_DIST) |
                   dst.astype(u) << u(_DST) | turn.astype(u) << u(_TURN) | dhash.astype(u))

    @classmethod
    def empty(cls) -> EdgeSet:
        return cls(np.zeros(0, np.uint64))

    def _field(self, shift: int, bits: int) -> np.ndarray:
        field: np.ndarray = (
            self.packed >> np.uint64(shift) & np.uint64((1 << bits) - 1)).astype(np.int64)
        return field

    @property
    def src(self) -> np.ndarray:
        return self._field(_SRC, 24)

    @property
    def dst(self) -> np.ndarray:
        return self._field(_DST, 24)

    @property
    def dist(self) -> np.ndarray:
        return self._field(_DIST, 6)

    @property
    def turn(self) -> np.ndarray:
        return self._field(_TURN, 3)

    @property
    def dhash(self) -> np.ndarray:
        return self._field(0, 7)

    def __len__(self) -> int:
        return len(self.packed)

    @classmethod
    def merge(cls, parts: Sequence[EdgeSet], cap: int = MAX_DEGREE,
              duplicates: bool = True) -> EdgeSet:
        """One edge per (src, dst) (the closest), the ``cap`` closest per src, sorted."""
        if not parts:
            return cls.empty()
        packed = np.concatenate([p.packed for p in parts])
        if duplicates:  # order by (src, dst, dist, turn) and keep the first of each pair
            u = np.uint64
            low = packed & u((1 << _DST) - 1)
            by_pair = (packed >> u(_SRC) << u(_SRC)) \
                | ((packed >> u(_DST)) & u(0xFFFFFF)) << u(16) \
                | ((packed >> u(_DIST)) & u(63)) << u(_DST) | low
            del low, packed
            by_pair.sort()
            head = np.ones(len(by_pair), dtype=bool)
            head[1:] = (by_pair[1:] >> u(16)) != (by_pair[:-1] >> u(16))
            by_pair = by_pair[head]
            del head
            low = by_pair & u((1 << _DST) - 1)
            packed = (by_pair >> u(_SRC) << u(_SRC)) \
                | ((by_pair >> u(_DST)) & u(63)) << u(_DIST) \
                | ((by_pair >> u(16)) & u(0xFFFFFF)) << u(_DST) | low
            del low, by_pair
        packed.sort()
        src = packed >> np.uint64(_SRC)
        new_run = np.ones(len(src), dtype=bool)
        new_run[1:] = src[1:] != src[:-1]
        del src
        starts = np.flatnonzero(new_run).astype(np.int32)
        del new_run
        sizes = np.diff(np.append(starts, np.int32(len(packed))))
        rank = np.arange(len(packed), dtype=np.int32) - np.repeat(starts, sizes)
        return cls(packed[rank < cap])

    def within(self, threshold: int) -> EdgeSet:
        """The edges a search at a lower ``threshold`` confirms."""
        return EdgeSet(self.packed[(self.dist <= threshold) &
                                   (self.dhash <= dhash_limit(threshold))])

    def as_dict(self) -> Edges:
        edges: Edges = defaultdict(dict)
        for a, b, d, t in zip(self.src.tolist(), self.dst.tolist(), self.dist.tolist(),
                              self.turn.tolist()):
            edges[a][b] = (d, t)
        return edges


def dhash_limit(threshold: int) -> int:
    return min(DHASH_SLACK * threshold + 4, DHASH_CAP)


def hash_arrays(infos: Sequence[ImageInfo], rotations: bool) -> tuple[np.ndarray, ...]:
    """pHash and dHash of every picture, and the keys searched (with ``rotations``, the
    pHash and dHash of all eight orientations, orientation-major)."""
    phash = np.array([i.phash for i in infos], dtype=np.uint64)
    dhash = np.array([i.dhash for i in infos], dtype=np.uint64)
    keys, key_dhash = phash, dhash
    if rotations:
        keys = np.concatenate([phash] + [np.array([i.rot_phash[turn] for i in infos],
                                                  dtype=np.uint64) for turn in range(7)])
        key_dhash = np.concatenate([dhash] + [np.array([i.rot_dhash[turn] for i in infos],
                                                       dtype=np.uint64) for turn in range(7)])
    return phash, dhash, keys, key_dhash


def search_plan(infos: Sequence[ImageInfo], threshold: int, rotations: bool) -> Plan:
    """The plan :func:`near_edge_set` follows at ``threshold``."""
    phash, _, keys, _ = hash_arrays(infos, rotations)
    return choose_plan(phash, keys, threshold)


def near_edge_set(infos: Sequence[ImageInfo], threshold: int, rotations: bool,
                  sig: Signatures | None = None, plan: Plan | None = None) -> EdgeSet:
    """Confirmed near matches: pHash within ``threshold`` (multi-index search following
    ``plan``), then dHash, aspect, brightness and colour checks, one bounded chunk of
    candidate pairs at a time."""
    if len(infos) < 2:
        return EdgeSet.empty()
    sig = sig or Signatures.of(infos)
    n = len(infos)
    phash, dhash, keys, key_dhash = hash_arrays(infos, rotations)
    parts: list[EdgeSet] = []
    held = retained = 0
    for q, k, dist in candidate_chunks(phash, keys, threshold, self_join=not rotations,
                                       plan=plan):
        j, t = (k % n).astype(np.uint32), (k // n).astype(np.uint8)
        dd = np.bitwise_count(dhash[q] ^ key_dhash[k])
        keep = (q != j) & (dd <= dhash_limit(threshold))
        keep[keep] = _aspect_ok(sig, q[keep], j[keep], t[keep])
        keep[keep] = agree_pairs(sig, q[keep], j[keep], t[keep])
        q, j, t, dist, dd = q[keep], j[keep], t[keep], dist[keep], dd[keep]
        back = np.asarray(INVERSE, dtype=np.uint8)[t]
        parts.append(EdgeSet.pack(np.concatenate([q, j]), np.concatenate([j, q]),
                                  np.concatenate([dist, dist]), np.concatenate([t, back]),
                                  np.concatenate([dd, dd])))
        held += 2 * len(q)
        if held > EDGE_BUFFER + 2 * retained:  # thin now and then: amortised O(1) per edge
            parts = [EdgeSet.merge(parts, duplicates=rotations)]
            held = retained = len(parts[0])
    return EdgeSet.merge(parts, duplicates=rotations)


def completer(infos: Sequence[ImageInfo], threshold: int, rotations: bool,
              sig: Signatures) -> Completer:
    """A :data:`Completer` by brute force (O(n) per call; called at most once per
    :data:`MAX_DEGREE` pictures grouped): the checks of :func:`near_edge_set`."""
    n = len(infos)
    arrays: list[np.ndarray] = []

    def complete(centre: int, taken: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not arrays:  # only for the rare capped centre
            arrays.extend(hash_arrays(infos, rotations))
        phash, dhash, keys, key_dhash = arrays
        dist = np.bitwise_count(keys ^ phash[centre])
        k = np.flatnonzero(dist <= threshold)
        k = k[np.bitwise_count(key_dhash[k] ^ dhash[centre]) <= dhash_limit(threshold)]
        j, t = k % n, (k // n).astype(np.uint8)
        keep = ~taken[j]
        k, j, t = k[keep], j[keep], t[keep]
        q = np.full(len(j), centre)
        keep = _aspect_ok(sig, q, j, t)
        keep[keep] = agree_pairs(sig, q[keep], j[keep], t[keep])
        k, j, t = k[keep], j[keep], t[keep]
        order = np.lexsort((t, j, dist[k]))  # closest first, one turn per picture
        j, t = j[order], t[order]
        _, first = np.unique(j, return_index=True)
        first.sort()
        return j[first], t[first]

    return complete


def near_edges(infos: Sequence[ImageInfo], threshold: int, rotations: bool) -> Edges:
    """:func:`near_edge_set` as nested dicts (for small inputs)."""
    return near_edge_set(infos, threshold, rotations).as_dict()


Completer = Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""(centre, taken mask) -> every free confirmed neighbour of the centre and its turn, closest
first: for a centre whose edge list was capped at :data:`MAX_DEGREE`."""


def clusters(infos: Sequence[ImageInfo], edges: Edges | EdgeSet,
             sig: Signatures | None = None, complete: Completer | None = None
             ) -> list[list[int]]:
    """Groups around centres. A member resembles its centre (an edge) and agrees in
    brightness and colour with every other member, so A~B~C never glues A to a C it does
    not resemble, and a grey copy never joins two colourings of one design.

    Centres are taken most-connected first (then largest, then first); a centre takes its
    free neighbours closest first, each that agrees with all taken before it. A picture
    whose neighbours were all taken joins a centre it has an edge to if it agrees with all
    of that centre's members. The loops run over Python lists, and numpy only for a centre
    with two or more free neighbours (their agreement, all pairs at once), so a million
    pictures cost seconds. A centre whose list was capped (a burst of thousands of copies)
    gets its whole list from ``complete``, so the burst is not split into many groups."""
    confirmed = isinstance(edges, EdgeSet)  # near_edge_set's edges agree with their source
    edge_set = edges if isinstance(edges, EdgeSet) else _from_dict(edges)
    if not len(edge_set):
        return []
    sig = sig or Signatures.of(infos)
    n = len(infos)
    src, dst, turns = edge_set.src, edge_set.dst, edge_set.turn
    degree = np.bincount(src, minlength=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degree, out=starts[1:])
    ok = np.ones(len(dst), dtype=bool) if confirmed else agree_pairs(sig, src, dst, turns)
    weight = np.array([i.pixels for i in infos], dtype=np.int64)
    nodes = np.flatnonzero(degree)
    order = nodes[np.lexsort((nodes, -weight[nodes], -degree[nodes]))].tolist()
    first, dst_l, ok_l, turn_l = starts.tolist(), dst.tolist(), ok.tolist(), turns.tolist()
    small, offsets, pair_ok = _siblings(sig, dst, turns, starts, degree)
    home = [-1] * n
    taken = np.zeros(n, dtype=bool)
    found: list[list[int]] = []
    turned: list[list[int]] = []  # per cluster: what turns each member to the centre's view
    for centre in order:
        if home[centre] >= 0:
            continue
        if complete is not None and first[centre + 1] - first[centre] >= MAX_DEGREE:
            taken[centre] = True
            others, their_turns = complete(centre, taken)
            taken[centre] = False
            keep = _greedy(sig, others, their_turns) if len(others) > 1 else [0] * len(others)
            joined, joined_turns = others[keep].tolist(), their_turns[keep].tolist()
        else:
            free = [at for at in range(first[centre], first[centre + 1])
                    if ok_l[at] and home[dst_l[at]] < 0]
            if len(free) > 1 and centre in small:
                free = _greedy_known(pair_ok, offsets[centre], first[centre],
                                     first[centre + 1], free)
            elif len(free) > 1:
                rows = np.array(free)
                free = rows[_greedy(sig, dst[rows], turns[rows])].tolist()
            joined, joined_turns = [dst_l[at] for at in free], [turn_l[at] for at in free]
        if not joined:
            continue
        members = [centre] + joined
        for member in members:
            home[member] = len(found)
        taken[members] = True
        found.append(members)
        turned.append([0] + joined_turns)
    for loner in order:  # a picture whose neighbours were all taken joins a centre it matches
        if home[loner] >= 0:
            continue
        for at in range(first[loner], first[loner + 1]):
            other = dst_l[at]
            cluster = home[other]
            if cluster < 0 or found[cluster][0] != other or not ok_l[at]:
                continue
            into = INVERSE[turn_l[at]]  # turns the loner to the centre's orientation
            if _joins(sig, loner, into, found[cluster], turned[cluster]):
                home[loner] = cluster
                found[cluster].append(loner)
                turned[cluster].append(into)
                break
    return found


SIBLING_PAIRS = 8
"""Pairs of neighbours whose agreement is worked out before the clustering loop, per picture
(an average); pictures with the fewest neighbours first."""


def _siblings(sig: Signatures, dst: np.ndarray, turns: np.ndarray, starts: np.ndarray,
              degree: np.ndarray) -> tuple[set[int], list[int], list[bool]]:
    """For pictures of small degree: does each pair of their neighbours agree (both in the
    picture's orientation)? One batch instead of numpy calls per centre. Returns the
    pictures covered, where each one's answers start, and the answers (pairs (a, b), a < b,
    of its neighbour list, in row-major upper-triangle order)."""
    pairs = degree * (degree - 1) // 2
    per_degree = np.bincount(degree, weights=pairs)
    within = np.cumsum(per_degree) <= SIBLING_PAIRS * len(degree)
    top = int(np.flatnonzero(within)[-1]) if within.any() else 1
    chosen = (degree >= 2) & (degree <= top)
    count = np.where(chosen, pairs, 0)
    offsets = np.zeros(len(degree) + 1, dtype=np.int64)
    np.cumsum(count, out=offsets[1:])
    answers = np.zeros(int(offsets[-1]), dtype=bool)
    for size in range(2, top + 1):
        nodes = np.flatnonzero(chosen & (degree == size))
        if not len(nodes):
            continue
        a, b = np.triu_indices(size, 1)
        for at in range(0, len(nodes), max(1, (1 << 16) // len(a))):
            part = nodes[at:at + max(1, (1 << 16) // len(a))]
            ra = (starts[part][:, None] + a[None, :]).ravel()
            rb = (starts[part][:, None] + b[None, :]).ravel()
            where = (offsets[part][:, None] + np.arange(len(a))[None, :]).ravel()
            answers[where] = agree_aligned(sig, dst[ra], aligned(sig, dst[ra], turns[ra]),
                                           dst[rb], aligned(sig, dst[rb], turns[rb]))
    return set(np.flatnonzero(chosen).tolist()), offsets.tolist(), answers.tolist()


def _greedy_known(pair_ok: list[bool], base: int, lo: int, hi: int, free: list[int]) -> list[int]:
    """:func:`_greedy` from answers worked out by :func:`_siblings`."""
    size = hi - lo
    taken: list[int] = []
    for at in free:
        k = at - lo
        if all(pair_ok[base + t * size - t * (t + 1) // 2 + k - t - 1] for t in taken):
            taken.append(k)
    return [lo + k for k in taken]


ALL_PAIRS = 64
"""Up to this many neighbours, a centre's greedy pass asks for all their pairs at once."""


def _greedy(sig: Signatures, others: np.ndarray, turns: np.ndarray) -> list[int]:
    """Of a centre's neighbours ``others`` (closest first; ``turns`` turn them to the
    centre's orientation), the positions of those that agree with every one taken before
    them. Few neighbours: all pairs' agreement at once, then one pass; many (a capped burst
    of thousands): each one taken rules out the later ones it disagrees with, so memory
    stays linear in their number."""
    grids = aligned(sig, others, turns)  # in the centre's orientation
    if len(others) > ALL_PAIRS:
        alive = np.ones(len(others), dtype=bool)
        taken: list[int] = []
        at = 0
        while True:
            rest = np.flatnonzero(alive[at:])
            if not len(rest):
                return taken
            at += int(rest[0])
            taken.append(at)
            alive[at] = False
            later = at + 1 + np.flatnonzero(alive[at + 1:])
            if len(later):
                mine = np.full(len(later), others[at])
                alive[later] = agree_aligned(sig, mine, np.broadcast_to(
                    grids[at], grids[later].shape), others[later], grids[later])
    a, b = np.triu_indices(len(others), 1)
    pair_ok = agree_aligned(sig, others[a], grids[a], others[b], grids[b])
    clash = np.zeros((len(others), len(others)), dtype=bool)
    clash[a[~pair_ok], b[~pair_ok]] = True
    chosen: list[int] = []
    for k in range(len(others)):
        if not clash[chosen, k].any():
            chosen.append(k)
    return chosen


def _joins(sig: Signatures, loner: int, into: int, members: list[int],
           member_turns: list[int]) -> bool:
    """Does ``loner`` (``into`` turns it to the centre's orientation) agree with every
    member of a cluster (``member_turns`` turn them to the centre's)?"""
    rows = np.array(members)
    grids = aligned(sig, rows, np.array(member_turns, dtype=np.uint8))
    mine = GRID_TRANSFORMS[into](sig.raw[loner])
    own = np.full(len(rows), loner)
    return bool(agree_aligned(sig, own, np.broadcast_to(mine, grids.shape), rows, grids).all())


def _from_dict(edges: Edges) -> EdgeSet:
    rows = [(a, b, d, t) for a, near in edges.items() for b, (d, t) in near.items()]
    if not rows:
        return EdgeSet.empty()
    a, b, d, t = (np.array(c) for c in zip(*rows))
    return EdgeSet.merge([EdgeSet.pack(a, b, d, t, np.zeros(len(a), np.uint8))], cap=len(a))
