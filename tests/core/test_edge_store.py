"""A rescan of an unchanged library groups from the edges the cache kept, without searching;
anything that changes the fingerprints, or a damaged record, searches again."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from dupeviewer.core import grouping
from dupeviewer.core.model import Options
from dupeviewer.core.scan import scan
from tests.helpers.libraries import make_library
from tests.helpers.pictures import photo_like

if TYPE_CHECKING:
    from pathlib import Path


def _groups(result: object) -> list[list[str]]:
    return sorted(sorted(m.path for m in g.members) for g in result.groups)  # type: ignore[attr-defined]


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pictures each near search was run over (a new process each scan: the
    in-memory reuse of the last search is forgotten)."""
    calls: list[int] = []
    real = grouping.near_edge_set

    def counted(infos, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(infos))
        return real(infos, *args, **kwargs)

    monkeypatch.setattr(grouping, "near_edge_set", counted)
    return calls


def _scan(root: Path, cache: Path) -> object:
    grouping._last = None  # as in a new process
    return scan([str(root)], Options(cache_path=cache, workers=0))


def test_rescan_groups_without_searching(tmp_path: Path, searches: list[int]) -> None:
    library = make_library(tmp_path / "lib")
    cache = tmp_path / "cache.sqlite3"
    first = _scan(library.root, cache)
    assert searches == [4]  # one picture per content: 7 files, 4 pictures
    again = _scan(library.root, cache)
    assert searches == [4]  # no second search
    assert _groups(again) == _groups(first)
    assert any(library.near[1].as_posix() in g for g in _groups(again))


def test_a_changed_picture_searches_again(tmp_path: Path, searches: list[int]) -> None:
    library = make_library(tmp_path / "lib")
    cache = tmp_path / "cache.sqlite3"
    _scan(library.root, cache)
    photo_like(9, (640, 480)).save(library.alone, quality=90)  # another picture there
    _scan(library.root, cache)
    assert len(searches) == 2
    near = tmp_path / "lib" / "IMG_0009 small.jpg"
    photo_like(9, (640, 480)).resize((320, 240), Image.Resampling.LANCZOS).save(near)
    result = _scan(library.root, cache)
    assert len(searches) == 3
    assert sorted([library.alone.as_posix(), near.as_posix()]) in _groups(result)


def test_another_threshold_is_stored_beside(tmp_path: Path, searches: list[int]) -> None:
    library = make_library(tmp_path / "lib")
    cache = tmp_path / "cache.sqlite3"
    grouping._last = None
    scan([str(library.root)], Options(cache_path=cache, workers=0, threshold=4))
    _scan(library.root, cache)
    _scan(library.root, cache)
    grouping._last = None
    scan([str(library.root)], Options(cache_path=cache, workers=0, threshold=4))
    assert len(searches) == 2  # one search per threshold, each kept


def test_damaged_edges_are_searched_again(tmp_path: Path, searches: list[int],
                                          caplog: pytest.LogCaptureFixture) -> None:
    library = make_library(tmp_path / "lib")
    cache = tmp_path / "cache.sqlite3"
    first = _scan(library.root, cache)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE edges SET packed = x'0102030405'")
    with caplog.at_level(logging.WARNING):
        again = _scan(library.root, cache)
    assert "not whole records" in caplog.text
    assert _groups(again) == _groups(first)
    with sqlite3.connect(cache) as db:  # the damaged record was replaced by the new search
        db.execute("UPDATE edges SET packed = x'ffffffffffffffff'")
    with caplog.at_level(logging.WARNING):
        again = _scan(library.root, cache)
    assert "name pictures that are not there" in caplog.text
    assert _groups(again) == _groups(first)
    assert len(searches) == 3


def test_rescan_reads_the_groups_it_clustered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    real = grouping.clusters

    def counted(infos, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(infos))
        return real(infos, *args, **kwargs)

    monkeypatch.setattr(grouping, "clusters", counted)
    library = make_library(tmp_path / "lib")
    cache = tmp_path / "cache.sqlite3"
    first = _scan(library.root, cache)
    again = _scan(library.root, cache)
    assert calls == [4]  # clustered once
    assert _groups(again) == _groups(first)
    with sqlite3.connect(cache) as db:  # every stored record damaged: edges and clusters
        db.execute("UPDATE edges SET packed = x'0700000001000000'")
    with caplog.at_level(logging.WARNING):
        damaged = _scan(library.root, cache)
    assert "stored clusters of 8 bytes are not a record" in caplog.text
    assert calls == [4, 4]
    assert _groups(damaged) == _groups(first)
