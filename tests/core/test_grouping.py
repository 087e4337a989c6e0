"""Near-duplicate search finds exactly what brute force finds, and never chains."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupeviewer.core.grouping import build_groups, clusters
from dupeviewer.core.model import ImageInfo, Options
from dupeviewer.core.neighbours import pairs_all, pairs_within
from dupeviewer.core.policy import Selection


def _pairs_fast(hashes: np.ndarray, threshold: int) -> set[tuple[int, int]]:
    q, k, _ = pairs_within(hashes, hashes, threshold)
    return {(a, b) for a, b in zip(q.tolist(), k.tolist()) if a < b}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), threshold=st.integers(0, 16), n=st.integers(2, 400))
def test_multi_index_search_equals_brute_force(seed: int, threshold: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**64 - 1, n // 2 + 1, dtype=np.uint64, endpoint=True)
    flips = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    # near copies: each keeps most bits of a base hash
    sparse = flips & rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True) & \
        rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True) & \
        rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    hashes = base[rng.integers(0, len(base), n)] ^ sparse
    i, j, _ = pairs_all(hashes, threshold)
    assert _pairs_fast(hashes, threshold) == set(zip(i.tolist(), j.tolist()))


def _info(name: str, phash: int, size: int = 1000, width: int = 100) -> ImageInfo:
    return ImageInfo(path=f"/p/{name}", size=size, mtime_ns=0, dev=1, ino=hash(name) & 0xFFFF,
                     width=width, height=width, format="JPEG", dhash=phash, phash=phash,
                     rot_phash=(phash,) * 7, rot_dhash=(phash,) * 7)


def test_a_chain_of_small_steps_does_not_glue_its_ends() -> None:
    # A -> B -> C -> D: each step flips 6 bits, so A and D are 18 bits apart.
    a = 0
    b = a ^ 0b111111
    c = b ^ (0b111111 << 6)
    d = c ^ (0b111111 << 12)
    groups = build_groups([_info("a", a), _info("b", b), _info("c", c), _info("d", d)],
                          Options(threshold=8))
    for group in groups:
        keeper = group.keep.info.phash
        for member in group.members:
            assert bin(member.info.phash ^ keeper).count("1") <= 2 * 8
        centre_ok = any(all(bin(m.info.phash ^ x.info.phash).count("1") <= 8
                            for x in group.members) for m in group.members)
        assert centre_ok
    # B is the centre: A and C join it; D is 12 bits from B, so it is not glued via C.
    assert [sorted(m.path for m in g.members) for g in groups] == [["/p/a", "/p/b", "/p/c"]]


def test_clusters_are_built_around_centres() -> None:
    infos = [_info(str(n), 0) for n in range(5)]
    edges = {0: {1: (1, 0), 2: (1, 0), 3: (1, 0)}, 1: {0: (1, 0)}, 2: {0: (1, 0), 4: (1, 0)},
             3: {0: (1, 0)}, 4: {2: (1, 0)}}
    assert clusters(infos, edges) == [[0, 1, 2, 3]]


def _coloured(name: str, rgb: tuple[int, int, int], phash: int = 0) -> ImageInfo:
    from PIL import Image, ImageDraw

    from dupeviewer.core.fingerprint import colour_signature

    picture = Image.new("RGB", (64, 64), rgb)
    ImageDraw.Draw(picture).ellipse([10, 10, 40, 50], fill=(rgb[2], rgb[0], rgb[1]))
    return dataclasses.replace(_info(name, phash), colour=colour_signature(picture))


def test_a_grey_copy_never_joins_two_colourings() -> None:
    original = _coloured("original", (200, 60, 40))
    recoloured = _coloured("recoloured", (40, 60, 200))
    grey = dataclasses.replace(_coloured("grey", (110, 110, 110)),
                               colour=bytes(original.colour[:64]) + bytes([128]) * 128)
    groups = build_groups([original, recoloured, grey], Options())
    assert len(groups) == 1
    names = {m.path for m in groups[0].members}
    assert "/p/grey" in names
    assert len(names) == 2


def test_grid_transforms_match_pillow() -> None:
    from PIL import Image

    from dupeviewer.core.fingerprint import TRANSFORMS
    from dupeviewer.core.similarity import GRID_TRANSFORMS

    grid = np.arange(64, dtype=np.uint8).reshape(8, 8)
    picture = Image.fromarray(grid, "L")
    for index, transform in enumerate(TRANSFORMS, start=1):
        expected = np.asarray(picture.transpose(transform))
        assert np.array_equal(GRID_TRANSFORMS[index](grid), expected), transform


def test_selection_never_marks_every_copy() -> None:
    groups = build_groups([_info("a", 5), _info("b", 5, size=900), _info("c", 5, size=800)],
                          Options())
    selection = Selection(groups, mark_near=True)
    assert selection.marked[0] == {1, 2}
    assert not selection.set(0, 0, True)  # the last unmarked copy
    assert selection.set(0, 1, False)
    assert selection.set(0, 0, True)
    assert not selection.set(0, 1, True)
    assert selection.violations() == []
    selection.keep_by("size")
    assert selection.marked[0] == {1, 2}
    with pytest.raises(ValueError, match="unknown rule 'prettiest'"):
        selection.keep_by("prettiest")


def test_keeper_reason_names_every_rule_that_decided() -> None:
    from dupeviewer.core.policy import choose_keeper

    big = _info("camera/a", 1, size=500, width=200)
    twin = dataclasses.replace(_info("backup/a", 1, size=500, width=200))
    small = _info("phone/a", 1, size=100, width=100)
    index, reason = choose_keeper([small, twin, big])
    assert index == 1  # "backup" sorts before "camera"
    assert reason == "highest resolution (200\u00d7200); first by name"
    # a larger file of the same resolution and quality says nothing about the picture
    heavier = _info("phone/a_heavier", 1, size=900, width=100)
    assert choose_keeper([small, heavier]) == (0, "shortest path")


def test_marks_carry_over_a_regroup() -> None:
    a, b, c = _info("a", 5, size=900), _info("b", 5, size=800), _info("c", 5, size=700)
    before = Selection(build_groups([a, b, c], Options()), mark_near=True)
    assert before.marked[0] == {1, 2}
    before.set(0, 2, False)  # the user keeps c as well
    d = _info("d", 5, size=600)
    after = Selection(build_groups([a, b, c, d], Options()), mark_near=True)
    after.carry_over(before)
    paths = [m.path for m in after.groups[0].members]
    marked = {paths[m] for m in after.marked[0]}
    assert marked == {"/p/b", "/p/d"}  # b still marked, c still kept, d suggested


def test_no_photos_and_one_photo_make_no_groups() -> None:
    """An empty folder or a single photo: nothing to group, and no error."""
    assert build_groups([], Options()) == []
    one = ImageInfo(path="/p/a.jpg", size=1, mtime_ns=0, dev=1, ino=1, width=8, height=8,
                    format="JPEG", dhash=0, phash=0)
    assert build_groups([one], Options()) == []
