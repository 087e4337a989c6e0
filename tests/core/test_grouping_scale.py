"""Grouping in bounded memory: chunked candidates, exact where promised, no chaining."""

from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
import pytest

from dupeviewer.core import neighbours, similarity
from dupeviewer.core.grouping import build_groups
from dupeviewer.core.model import ImageInfo, Options
from dupeviewer.core.neighbours import candidate_chunks, choose_plan, pairs_all


def _clustered(rng: np.random.Generator, n: int, centres: int, bits: int) -> np.ndarray:
    base = rng.integers(0, 2**64 - 1, centres, dtype=np.uint64, endpoint=True)
    flips = np.zeros(n, dtype=np.uint64)
    for _ in range(bits):
        flips |= np.uint64(1) << rng.integers(0, 64, n).astype(np.uint64)
    return base[rng.integers(0, centres, n)] ^ flips


def _found(hashes: np.ndarray, threshold: int, **kw: object) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for q, k, _ in candidate_chunks(hashes, hashes, threshold, self_join=True, **kw):  # type: ignore[arg-type]
        pairs = list(zip(q.tolist(), k.tolist()))
        assert not out.intersection(pairs), "a pair came twice"
        out.update(pairs)
    return out


@pytest.mark.parametrize("threshold", [0, 6, 14, 16])
@pytest.mark.parametrize("kind", ["random", "clustered"])
def test_chunked_search_equals_all_pairs(kind: str, threshold: int) -> None:
    rng = np.random.default_rng(threshold)
    hashes = (rng.integers(0, 2**64 - 1, 3000, dtype=np.uint64, endpoint=True)
              if kind == "random" else _clustered(rng, 3000, 60, 6))
    i, j, _ = pairs_all(hashes, threshold)
    assert _found(hashes, threshold, chunk=997) == set(zip(i.tolist(), j.tolist()))


def test_a_cheaper_plan_still_finds_every_pair_within_its_guarantee() -> None:
    hashes = _clustered(np.random.default_rng(3), 4000, 200, 7)
    plan = choose_plan(hashes, hashes, 14, budget=0)
    assert plan.guaranteed < 14
    found = _found(hashes, 14, budget=0)
    i, j, d = pairs_all(hashes, 14)
    exact = set(zip(i.tolist(), j.tolist()))
    assert found <= exact
    assert {p for p, dist in zip(zip(i.tolist(), j.tolist()), d.tolist())
            if dist <= plan.guaranteed} <= found


def _info(n: int, phash: int) -> ImageInfo:
    return ImageInfo(path=f"/c/{n:05d}", size=1000 + n, mtime_ns=0, dev=1, ino=n, width=100,
                     height=100, format="JPEG", dhash=phash, phash=phash)


@pytest.mark.slow
def test_a_clique_of_look_alikes_is_grouped_in_bounded_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 6,000 hashes all within 6 bits of one another: 18 million confirmed pairs.
    rng = np.random.default_rng(5)
    base = int(rng.integers(0, 2**63))
    flips = rng.integers(0, 64, (6000, 3))
    infos = [_info(n, base ^ int(np.bitwise_or.reduce(np.uint64(1) << row.astype(np.uint64))))
             for n, row in enumerate(flips)]
    chunks: list[int] = []
    real = neighbours._probe

    def probe(*args: object):  # type: ignore[no-untyped-def]
        for qi, ki in real(*args):  # type: ignore[arg-type]
            chunks.append(len(qi))
            yield qi, ki

    monkeypatch.setattr(neighbours, "_probe", probe)
    tracemalloc.start()
    groups = build_groups(infos, Options(threshold=14))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sum(chunks) >= 6000 * 5999 // 2  # every pair was looked at...
    assert max(chunks) <= neighbours.CHUNK  # ...a bounded chunk at a time
    assert peak < 300 * 2**20, peak  # all pairs as int64 triples alone would be 430 MB
    assert sum(len(g.members) for g in groups) == 6000
    assert max(len(g.members) for g in groups) > similarity.MAX_DEGREE  # a centre claims its list
    assert len(groups) == 1  # the capped centre gets its whole list: the burst is not split


def test_no_chaining_through_a_capped_clique() -> None:
    # every member of a group is within the threshold of one centre
    rng = np.random.default_rng(9)
    hashes = _clustered(rng, 3000, 30, 8)
    infos = [_info(n, int(h)) for n, h in enumerate(hashes.tolist())]
    for group in build_groups(infos, Options(threshold=10)):
        phashes = [m.info.phash for m in group.members]
        assert any(all(bin(c ^ p).count("1") <= 10 for p in phashes) for c in phashes)


def test_regroup_at_a_lower_threshold_matches_a_fresh_grouping() -> None:
    hashes = _clustered(np.random.default_rng(2), 2000, 100, 6)
    infos = [_info(n, int(h)) for n, h in enumerate(hashes.tolist())]
    build_groups(infos, Options(threshold=14))
    cached = build_groups(list(infos), Options(threshold=8))
    import dupeviewer.core.grouping as grouping

    grouping._last = None  # forget the search at 14
    fresh = build_groups(infos, Options(threshold=8))
    assert [[m.path for m in g.members] for g in cached] == \
        [[m.path for m in g.members] for g in fresh]


def _approximate(monkeypatch: pytest.MonkeyPatch, per_hash: float = 200.0) -> None:
    """Make the search budget small enough that a few thousand hashes get an approximate
    plan (as a million do at the real budget)."""
    monkeypatch.setattr(neighbours, "BUDGET_PER_HASH", per_hash)
    monkeypatch.setattr(neighbours, "BUDGET_FLOOR", 0.0)


@pytest.mark.parametrize("kind", ["random", "clustered"])
def test_an_approximate_plan_finds_exactly_the_pairs_its_tables_promise(
        monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    _approximate(monkeypatch)
    rng = np.random.default_rng(11)
    hashes = (rng.integers(0, 2**64 - 1, 4000, dtype=np.uint64, endpoint=True)
              if kind == "random" else _clustered(rng, 4000, 300, 6))
    plan = choose_plan(hashes, hashes, 14)
    assert plan.guaranteed < 14
    assert plan.partitions > 1
    i, j, _ = pairs_all(hashes, 14)
    x = hashes[i] ^ hashes[j]
    promised = np.zeros(len(i), dtype=bool)
    for table in plan.tables:
        promised |= table.finds(x)
    found = _found(hashes, 14, chunk=1013)  # and each pair once (asserted there)
    assert found == set(zip(i[promised].tolist(), j[promised].tolist()))
    d = np.bitwise_count(x)
    assert promised[d <= plan.guaranteed].all()
    # beyond it, about as many as Plan.recall says for bits spread uniformly
    assert abs(promised.mean() - np.mean([plan.recall(int(v)) for v in d])) < 0.15


def test_an_approximate_plan_does_not_depend_on_the_threshold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _approximate(monkeypatch)
    hashes = np.random.default_rng(4).integers(0, 2**64 - 1, 5000, dtype=np.uint64,
                                               endpoint=True)
    plans = {choose_plan(hashes, hashes, t) for t in (12, 14, 16, 18)}
    assert len(plans) == 1
    assert next(iter(plans)).partitions > 1


def _planted(n: int, seed: int) -> tuple[list[ImageInfo], int]:
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    planted = n // 10
    for k in range(planted):  # copy k of picture k, 1 to 10 bits away
        bits = rng.choice(64, 1 + k % 10, replace=False).astype(np.uint64)
        hashes[n - 1 - k] = hashes[k] ^ np.bitwise_or.reduce(np.uint64(1) << bits)
    return [_info(k, int(h)) for k, h in enumerate(hashes.tolist())], planted


def test_an_approximate_search_still_groups_planted_copies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _approximate(monkeypatch)
    infos, planted = _planted(6000, 8)
    groups = build_groups(infos, Options(threshold=14))
    home = {m.path: g for g in groups for m in g.members}
    together = sum(1 for k in range(planted)
                   if infos[k].path in home and home[infos[k].path] is home.get(
                       infos[len(infos) - 1 - k].path))
    assert together >= 0.97 * planted


@pytest.mark.slow
@pytest.mark.parametrize("approximate", [False, True])
def test_a_slider_move_up_or_down_filters_the_cached_search_and_matches_a_fresh_one(
        monkeypatch: pytest.MonkeyPatch, approximate: bool) -> None:
    import dupeviewer.core.grouping as grouping

    if approximate:
        _approximate(monkeypatch)
    rng = np.random.default_rng(6)
    hashes = _clustered(rng, 3000, 150, 7)
    infos = [_info(n, int(h)) for n, h in enumerate(hashes.tolist())]
    searches: list[int] = []
    real = grouping.near_edge_set

    def counted(*args: object, **kw: object) -> similarity.EdgeSet:
        searches.append(1)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(grouping, "near_edge_set", counted)
    monkeypatch.setattr(grouping, "_margin", lambda phash, threshold: 2)
    grouping._last = None
    build_groups(infos, Options(threshold=12))
    moved = {t: build_groups(list(infos), Options(threshold=t)) for t in (10, 14, 13)}
    assert len(searches) == 1  # 12 searched to 14: every move filters
    for threshold, cached in moved.items():
        grouping._last = None
        fresh = build_groups(infos, Options(threshold=threshold))
        assert [[m.path for m in g.members] for g in cached] == \
            [[m.path for m in g.members] for g in fresh], threshold


def _colourful(n: int, seed: int) -> list[ImageInfo]:
    """Look-alike bursts whose colours differ a little or a lot, so that some neighbours of
    a centre agree with each other and some do not."""
    rng = np.random.default_rng(seed)
    hashes = _clustered(rng, n, n // 20, 7)
    palette = rng.integers(60, 200, (n // 20, 3, 8, 8))
    burst = rng.integers(0, n // 20, n)
    out = []
    for k in range(n):
        noise = rng.normal(0, rng.choice([2, 14]), (3, 8, 8))
        colour = np.clip(palette[burst[k]] + noise, 0, 255).astype(np.uint8).tobytes()
        out.append(dataclasses.replace(_info(k, int(hashes[k])), colour=colour))
    return out


def test_clusters_worked_out_in_one_batch_equal_those_worked_out_per_centre(
        monkeypatch: pytest.MonkeyPatch) -> None:
    infos = _colourful(3000, 12)
    sig = similarity.Signatures.of(infos)
    edges = similarity.near_edge_set(infos, 14, False, sig)
    batched = similarity.clusters(infos, edges, sig)
    monkeypatch.setattr(similarity, "SIBLING_PAIRS", 0)
    assert similarity.clusters(infos, edges, sig) == batched
    near = edges.as_dict()
    for members in batched:  # every member has an edge to the centre and agrees with all
        centre, rest = members[0], np.array(members)
        assert all(m in near[centre] or centre in near[m] for m in members[1:])
        a, b = np.triu_indices(len(members), 1)
        assert similarity.agree_aligned(sig, rest[a], sig.raw[rest[a]], rest[b],
                                        sig.raw[rest[b]]).all()
