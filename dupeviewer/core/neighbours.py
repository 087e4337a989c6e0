"""Hamming-distance search over 64-bit hashes in bounded memory (multi-index hashing).

A *table* keys every hash by some of its bits (a band) and, for every query and every flip
mask of at most r bits, looks up the run of keys whose band equals the query's band XOR the
mask (a direct index into a table of run starts). Candidates are checked for their full
distance in chunks of at most ``chunk`` pairs, so memory is O(n + chunk) whatever the data.

Exact plan: the 64 bits split into m bands, each probed to r = floor(T / m) flips. Two hashes
within distance T agree in some band to within r bits (pigeonhole), so every pair is found.

The exact probe count grows quadratically with the library (at T = 14 a million random
hashes need some 5e9 candidate checks), so when its estimated cost exceeds a budget
proportional to the number of hashes, :func:`choose_plan` takes an approximate plan instead:
one partition of the bits as above at a smaller radius (every pair within its *guaranteed*
distance m(r+1)-1 is found), then further partitions of randomly permuted bits, as many as
the budget allows. A pair whose d differing bits fall with at most r in some band of some
partition is found; for uniformly spread bits the chance is computed (:func:`Plan.recall`)
and logged. Each pair comes once: a table drops pairs an earlier table finds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import combinations
from math import comb, inf
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterator

log = logging.getLogger(__name__)

LAYOUTS: tuple[tuple[int, ...], ...] = ((16, 16, 16, 16), (22, 21, 21))
"""Band widths of the exact plans (each sums to 64)."""
CHUNK = 1 << 19
"""Most candidate pairs held at once."""

PROBE_COST = 0.6
"""Cost of one table look-up for one query, relative to checking one candidate pair."""
BUILD_COST = 4.0
"""Cost of keying and sorting one hash into one table, in the same unit."""
BUDGET_PER_HASH = 1000.0
"""Search budget per hash (in candidate checks): the exact plan when its estimated cost fits,
else as many permuted partitions as fit. About 20 s for a million hashes on one core."""
BUDGET_FLOOR = 3e8
"""...but never less than this (a few seconds): libraries up to some 50,000 pictures are
searched exactly at the default threshold."""
DESIGN_DISTANCE = 14
"""An approximate plan is the one most likely to find a pair at this distance (the default
threshold), whatever the threshold searched: a slider move then only filters its pairs."""
SAMPLE = 2048
SEED = 20240614
"""Seed of the bit permutations: the same hashes always give the same pairs."""

Triple = tuple[np.ndarray, np.ndarray, np.ndarray]


def popcount64(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values.astype(np.uint64)).astype(np.int64)


@lru_cache(maxsize=64)
def flip_masks(radius: int, bits: int = 16) -> np.ndarray:
    """Every ``bits``-bit mask with at most ``radius`` bits set, fewest bits first."""
    masks = [0]
    for count in range(1, min(radius, bits) + 1):
        masks.extend(sum(1 << b for b in combo) for combo in combinations(range(bits), count))
    return np.asarray(masks, dtype=np.int64)


def _volume(bits: int, radius: int) -> int:
    return sum(comb(bits, i) for i in range(radius + 1))


def _partition(widths: tuple[int, ...], order: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Bands of ``widths`` bits, taken in turn from the bit positions ``order``."""
    starts = np.cumsum((0, *widths))
    return tuple(tuple(sorted(order[a:b])) for a, b in zip(starts[:-1], starts[1:]))


@dataclass(frozen=True)
class Table:
    """One band (its bit positions) probed to ``radius`` flipped bits."""

    positions: tuple[int, ...]
    radius: int

    @property
    def bits(self) -> int:
        return len(self.positions)

    @property
    def mask(self) -> np.uint64:
        mask: np.uint64 = np.uint64(sum(1 << p for p in self.positions))
        return mask

    def values(self, hashes: np.ndarray) -> np.ndarray:
        """The band of every hash, its bits packed low to high (int64)."""
        first = self.positions[0]
        if self.positions == tuple(range(first, first + self.bits)):  # contiguous: a shift
            shifted: np.ndarray = (
                (hashes >> np.uint64(first)) & np.uint64((1 << self.bits) - 1)).astype(np.int64)
            return shifted
        out = np.zeros(len(hashes), dtype=np.int64)
        for byte, lut in _byte_tables(self.positions):
            out |= lut[((hashes >> np.uint64(8 * byte)) & np.uint64(255)).astype(np.intp)]
        return out

    def finds(self, x: np.ndarray) -> np.ndarray:
        """Would this table find the pairs whose XOR is ``x``?"""
        return np.bitwise_count(x & self.mask) <= self.radius


@lru_cache(maxsize=512)
def _byte_tables(positions: tuple[int, ...]) -> tuple[tuple[int, np.ndarray], ...]:
    """Per byte of the hash that holds band bits: value -> its band bits, packed."""
    rank = {p: r for r, p in enumerate(positions)}
    out = []
    for byte in range(8):
        mine = [(bit, rank[8 * byte + bit]) for bit in range(8) if 8 * byte + bit in rank]
        if not mine:
            continue
        values = np.arange(256, dtype=np.int64)
        lut = np.zeros(256, dtype=np.int64)
        for bit, r in mine:
            lut |= ((values >> bit) & 1) << r
        out.append((byte, lut))
    return tuple(out)


@dataclass(frozen=True)
class Plan:
    """Tables probed in turn; the first ``len(widths)`` partition the bits (the guarantee)."""

    widths: tuple[int, ...]
    radius: int
    partitions: int = 1

    @property
    def guaranteed(self) -> int:
        """Every pair within this distance is found."""
        return len(self.widths) * (self.radius + 1) - 1

    @property
    def tables(self) -> tuple[Table, ...]:
        rng = np.random.default_rng(SEED)
        out: list[Table] = []
        order = tuple(range(64))
        for number in range(self.partitions):
            if number:
                order = tuple(int(b) for b in rng.permutation(64))
            out += [Table(p, self.radius) for p in _partition(self.widths, order)]
        return tuple(out)

    def probes(self) -> int:
        """Table look-ups per query."""
        return self.partitions * sum(_volume(b, self.radius) for b in self.widths)

    def recall(self, distance: int) -> float:
        """The chance that a pair at ``distance``, its differing bits spread uniformly, is
        found (1.0 up to the guarantee)."""
        if distance <= self.guaranteed:
            return 1.0

        @cache
        def missed(band: int, left: int) -> int:  # ways to put ``left`` bits, > r per band
            if band == len(self.widths):
                return int(left == 0)
            width = self.widths[band]
            return sum(comb(width, k) * missed(band + 1, left - k)
                       for k in range(self.radius + 1, min(width, left) + 1))

        miss = missed(0, distance) / comb(64, distance)
        return 1.0 - miss ** self.partitions


def _band_cost(sample: np.ndarray, keys: np.ndarray, table: Table,
               counted: dict[tuple[int, ...], np.ndarray]) -> float:
    """Estimated candidate pairs of one table per query (from a sample of queries)."""
    counts = counted.get(table.positions)
    if counts is None:
        counts = counted[table.positions] = np.bincount(table.values(keys),
                                                        minlength=1 << table.bits)
    values = table.values(sample)
    masks = flip_masks(table.radius, table.bits)
    total = 0
    for begin in range(0, len(masks), 256):  # bounded: 256 masks at a time
        total += int(counts[values[:, None] ^ masks[None, begin:begin + 256]].sum())
    return total / max(1, len(sample))


def _cost(queries: np.ndarray, sample: np.ndarray, keys: np.ndarray, plan: Plan,
          counted: dict[tuple[int, ...], np.ndarray]) -> float:
    """Estimated cost of one partition of ``plan`` (candidates, look-ups, building)."""
    first = Plan(plan.widths, plan.radius)
    pairs = len(queries) * sum(_band_cost(sample, keys, t, counted) for t in first.tables)
    return pairs + PROBE_COST * len(queries) * first.probes() + \
        BUILD_COST * len(keys) * len(first.widths)


APPROXIMATE: tuple[tuple[tuple[int, ...], int], ...] = (
    ((22, 21, 21), 1), ((22, 21, 21), 2), ((16, 16, 16, 16), 1), ((16, 16, 16, 16), 0),
    ((22, 21, 21), 0), ((13, 13, 13, 13, 12), 0))
"""(widths, radius) of the partitions an approximate plan repeats."""


BRUTE_PAIRS = 8_000_000
"""Up to this many (query, key) pairs, every pair is compared (in blocks): a small library
(a folder of 300 photos, with rotations 300 x 2,400 keys) is searched in milliseconds,
where sizing and probing band tables took half a second."""
BRUTE = Plan((64,), 64)
"""The plan of comparing every pair: exact at any distance."""


def choose_plan(queries: np.ndarray, keys: np.ndarray, threshold: int,
                budget: float | None = None) -> Plan:
    """Every pair (:data:`BRUTE`) for a small search; else the cheapest exact plan if its
    estimated cost fits ``budget`` (default :data:`BUDGET_PER_HASH` per query); else the
    approximate plan that fits with the best chance of finding a pair at ``threshold``."""
    threshold = max(0, threshold)
    if budget is None and len(queries) * len(keys) <= BRUTE_PAIRS:
        return BRUTE
    if budget is None:
        budget = max(BUDGET_PER_HASH * len(queries), BUDGET_FLOOR)
    rng = np.random.default_rng(0)
    sample = queries if len(queries) <= SAMPLE else rng.choice(queries, SAMPLE)
    counted: dict[tuple[int, ...], np.ndarray] = {}
    exact = [Plan(w, threshold // len(w)) for w in LAYOUTS]
    costs = [_cost(queries, sample, keys, p, counted)
             if PROBE_COST * len(queries) * p.probes() <= budget else inf for p in exact]
    if min(costs) <= budget:
        return exact[int(np.argmin(costs))]
    best: tuple[tuple[float, int], Plan, float] | None = None
    for widths, radius in APPROXIMATE:  # the same whatever the threshold (see grouping)
        plan = Plan(widths, radius)
        one = _cost(queries, sample, keys, plan, counted)
        plan = Plan(widths, radius, max(1, int(budget // one)))
        score = (plan.recall(DESIGN_DISTANCE), plan.guaranteed)
        if best is None or score > best[0]:
            best = (score, plan, one * plan.partitions)
    assert best is not None
    _, plan, cost = best
    log.info("near search over %d hashes: exact to distance %d of %d, a pair at %d found "
             "with chance %.2f (%d partitions, estimated cost %.3g; exact %.3g)",
             len(queries), plan.guaranteed, threshold, threshold, plan.recall(threshold),
             plan.partitions, cost, min(costs))
    return plan


def _stable_order(values: np.ndarray, bits: int) -> np.ndarray:
    """argsort(values, stable) by two 16-bit radix passes (numpy's radix sort is for small
    integers only; a comparison sort of a million keys costs several times more)."""
    if bits <= 16:
        return np.argsort(values.astype(np.uint16), kind="stable")
    low = np.argsort((values & 0xFFFF).astype(np.uint16), kind="stable")
    high = (values[low] >> 16).astype(np.uint16 if bits <= 32 else np.uint64)
    return low[np.argsort(high, kind="stable")]


class _Sorted:
    """Hashes in the order of one table's band value, and the start of every value's run."""

    def __init__(self, hashes: np.ndarray, table: Table) -> None:
        values = table.values(hashes)
        self.order = _stable_order(values, table.bits)
        self.values = values[self.order]
        self.hashes = hashes[self.order]
        counts = np.bincount(values, minlength=1 << table.bits)
        dtype = np.int64 if len(hashes) >> 31 else np.int32
        self.starts = np.zeros((1 << table.bits) + 1, dtype=dtype)
        np.cumsum(counts, out=self.starts[1:])


def candidate_chunks(queries: np.ndarray, keys: np.ndarray, threshold: int,
                     chunk: int = CHUNK, budget: float | None = None,
                     self_join: bool = False, plan: Plan | None = None) -> Iterator[Triple]:
    """Chunks of (query index uint32, key index uint32, distance uint8) within
    ``threshold``, each pair once. With ``self_join`` (queries are the keys) each unordered
    pair i != j comes once, as (min, max)."""
    queries = np.ascontiguousarray(queries, dtype=np.uint64)
    keys = queries if self_join else np.ascontiguousarray(keys, dtype=np.uint64)
    if len(queries) == 0 or len(keys) == 0:
        return
    plan = plan or choose_plan(queries, keys, threshold, budget)
    if plan == BRUTE:
        yield from _every_pair(queries, keys, threshold, chunk, self_join)
        return
    tables = plan.tables
    limit = np.uint64(threshold)
    for number, table in enumerate(tables):
        earlier = tables[:number]
        side = _Sorted(keys, table)
        mine = side if self_join else _Sorted(queries, table)
        for mask in flip_masks(table.radius, table.bits).tolist():
            for rows, at in _probe(side, mine.values, mask, self_join, chunk):
                x = mine.hashes[rows] ^ side.hashes[at]
                dist = np.bitwise_count(x)
                keep = np.flatnonzero(dist <= limit)
                for other in earlier:  # found there already
                    keep = keep[~other.finds(x[keep])]
                qi = mine.order[rows[keep]].astype(np.uint32)
                ki = side.order[at[keep]].astype(np.uint32)
                if self_join:
                    qi, ki = np.minimum(qi, ki), np.maximum(qi, ki)
                yield qi, ki, dist[keep].astype(np.uint8)


def _every_pair(queries: np.ndarray, keys: np.ndarray, threshold: int, chunk: int,
                self_join: bool) -> Iterator[Triple]:
    """:func:`candidate_chunks` by comparing every pair, ``chunk`` pairs at a time."""
    rows = max(1, chunk // len(keys))
    for begin in range(0, len(queries), rows):
        dist = np.bitwise_count(queries[begin:begin + rows, None] ^ keys[None, :])
        q, k = np.nonzero(dist <= threshold)
        if self_join:
            keep = q + begin < k
            q, k = q[keep], k[keep]
        yield (q + begin).astype(np.uint32), k.astype(np.uint32), dist[q, k].astype(np.uint8)


def _probe(side: _Sorted, qvals: np.ndarray, mask: int, self_join: bool,
           chunk: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(query row, key row) pairs, both in band order, whose band values differ by exactly
    ``mask``, in chunks."""
    probe = qvals ^ mask
    lo, hi = side.starts[probe], side.starts[probe + 1]
    if self_join:  # every unordered pair once
        if mask == 0:
            lo = np.arange(1, len(qvals) + 1, dtype=lo.dtype)  # keys after the query's row
        else:
            top = 1 << (mask.bit_length() - 1)
            hi = np.where(qvals & top, lo, hi)  # only from the side with the top bit clear
    counts = hi - lo
    active = np.flatnonzero(counts > 0)
    if len(active) == 0:
        return
    counts, lo = counts[active], lo[active]
    ends = np.cumsum(counts, dtype=np.int64)
    begin = 0
    while begin < len(active):
        base = ends[begin] - counts[begin]
        stop = max(begin + 1, int(np.searchsorted(ends, base + chunk, side="right")))
        c = counts[begin:stop]
        total = int(ends[stop - 1] - base)
        rows = np.repeat(np.arange(begin, stop), c)
        offsets = np.arange(total) - (ends[begin:stop] - c - base).repeat(c)
        yield active[rows], lo[rows] + offsets
        begin = stop


def pairs_within(queries: np.ndarray, keys: np.ndarray, threshold: int,
                 chunk: int = CHUNK, budget: float | None = None) -> Triple:
    """All (query index, key index, distance) within threshold (each pair once), gathered
    from :func:`candidate_chunks`; for callers that know the result is small."""
    parts = list(candidate_chunks(queries, keys, threshold, chunk, budget))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    queries_at, keys_at, distances = (np.concatenate([p[i] for p in parts]).astype(np.int64)
                                      for i in range(3))
    return queries_at, keys_at, distances


def pairs_all(hashes: np.ndarray, threshold: int,
              block: int = 2048) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The quadratic baseline: every pair i < j within threshold, vectorised in blocks."""
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    out_i, out_j, out_d = [], [], []
    for begin in range(0, len(hashes), block):
        rows = hashes[begin:begin + block]
        dist = np.bitwise_count(rows[:, None] ^ hashes[None, :])
        i, j = np.nonzero(dist <= threshold)
        i = i + begin
        keep = i < j
        out_i.append(i[keep])
        out_j.append(j[keep])
        out_d.append(dist[i[keep] - begin, j[keep]].astype(np.int64))
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_d)
