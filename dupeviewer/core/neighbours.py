"""Sub-quadratic Hamming-distance search over 64-bit hashes (multi-index hashing).

Split each hash into 4 bands of 16 bits. Two hashes within distance T agree, in at least
one band, to within floor(T / 4) bits (pigeonhole). So for every band we probe only the
buckets whose 16-bit key differs from the query's by at most that many bits, then check the
full distance of those few candidates with numpy. Bucket lookup is a direct index into a
65,536-entry table, so the whole search is vectorised.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np

BANDS = 4
BAND_BITS = 16


def popcount64(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values.astype(np.uint64)).astype(np.int64)


@lru_cache(maxsize=16)
def flip_masks(radius: int) -> np.ndarray:
    """Every 16-bit mask with at most ``radius`` bits set."""
    masks = [0]
    for bits in range(1, radius + 1):
        masks.extend(sum(1 << b for b in combo) for combo in combinations(range(BAND_BITS), bits))
    return np.asarray(masks, dtype=np.int64)


def pairs_within(queries: np.ndarray, keys: np.ndarray, threshold: int,
                 chunk: int = 2_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (query index, key index, distance) with Hamming distance <= threshold.

    ``queries`` and ``keys`` are uint64 arrays; the result may contain duplicates.
    """
    queries = np.ascontiguousarray(queries, dtype=np.uint64)
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    out_q: list[np.ndarray] = []
    out_k: list[np.ndarray] = []
    out_d: list[np.ndarray] = []
    if len(queries) == 0 or len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    radius = max(0, threshold) // BANDS
    masks = flip_masks(radius)
    mask16 = np.uint64(0xFFFF)
    for band in range(BANDS):
        shift = np.uint64(band * BAND_BITS)
        key_band = ((keys >> shift) & mask16).astype(np.int64)
        order = np.argsort(key_band, kind="stable")
        starts = np.searchsorted(key_band[order], np.arange((1 << BAND_BITS) + 1))
        query_band = ((queries >> shift) & mask16).astype(np.int64)
        for mask in masks:
            probe = query_band ^ mask
            lo, hi = starts[probe], starts[probe + 1]
            counts = hi - lo
            total = int(counts.sum())
            if total == 0:
                continue
            q_index = np.repeat(np.arange(len(queries)), counts)  # the one costly step
            firsts = np.cumsum(counts) - counts
            k_index = order[lo[q_index] + np.arange(total) - firsts[q_index]]
            for begin in range(0, total, chunk):
                qi, ki = q_index[begin:begin + chunk], k_index[begin:begin + chunk]
                dist = popcount64(queries[qi] ^ keys[ki])
                keep = dist <= threshold
                out_q.append(qi[keep])
                out_k.append(ki[keep])
                out_d.append(dist[keep])
    return np.concatenate(out_q), np.concatenate(out_k), np.concatenate(out_d)


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
