"""A small library is searched by comparing every pair: the same pairs as the band tables
find, without sizing or probing them (half a second for a folder of 369 photos)."""

from __future__ import annotations

import numpy as np
import pytest

from dupeviewer.core import neighbours
from dupeviewer.core.grouping import build_groups
from dupeviewer.core.model import ImageInfo, Options
from dupeviewer.core.neighbours import BRUTE, candidate_chunks, choose_plan, pairs_all


def _hashes(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**64 - 1, n // 4, dtype=np.uint64, endpoint=True)
    flips = np.uint64(1) << rng.integers(0, 64, n).astype(np.uint64)
    return base[rng.integers(0, len(base), n)] ^ flips  # clusters: many close pairs


@pytest.mark.parametrize("threshold", [0, 6, 14])
def test_every_pair_is_found_once(threshold: int) -> None:
    hashes = _hashes(1500, threshold)
    assert choose_plan(hashes, hashes, threshold) == BRUTE
    found: list[tuple[int, int]] = []
    for q, k, d in candidate_chunks(hashes, hashes, threshold, chunk=4096, self_join=True):
        found += zip(q.tolist(), k.tolist())
        assert (np.bitwise_count(hashes[q] ^ hashes[k]) == d).all()
    i, j, _ = pairs_all(hashes, threshold)
    assert sorted(found) == sorted(zip(i.tolist(), j.tolist()))
    assert len(found) == len(set(found))


def test_queries_against_other_keys() -> None:
    queries, keys = _hashes(300, 1), _hashes(2400, 2)
    found = {(q, k) for qs, ks, _ in candidate_chunks(queries, keys, 10, chunk=5000)
             for q, k in zip(qs.tolist(), ks.tolist())}
    dist = np.bitwise_count(queries[:, None] ^ keys[None, :])
    assert found == set(zip(*(a.tolist() for a in np.nonzero(dist <= 10))))


def test_a_small_library_builds_no_band_table(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_tables(*args: object) -> None:
        raise AssertionError("a band table was built")

    monkeypatch.setattr(neighbours, "_Sorted", no_tables)
    monkeypatch.setattr(neighbours, "_band_cost", no_tables)
    hashes = _hashes(400, 3)
    infos = [ImageInfo(path=f"/s/{i:04d}.jpg", size=1000 + i, mtime_ns=0, dev=1, ino=i,
                       width=400, height=300, format="JPEG", dhash=int(h), phash=int(h))
             for i, h in enumerate(hashes.tolist())]
    groups = build_groups(infos, Options(threshold=4))
    assert groups
    assert all(len(g.members) >= 2 for g in groups)
