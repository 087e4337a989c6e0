"""Rescans are free (issue 9, item 4): a second scan of an unchanged tree opens no image,
reads the cache in bulk, and every field of a fingerprint survives the cache."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from dupeviewer.core import cacherow
from dupeviewer.core.cache import Cache
from dupeviewer.core.model import FileStat, ImageInfo, Options, ScanResult
from dupeviewer.core.scan import scan
from tests.helpers.pictures import photo_like

if TYPE_CHECKING:
    from collections.abc import Iterator


class Opened:
    """The images the scan opens (every decode starts with ``Image.open``; the worker
    opens the bytes it read, so an entry may be a buffer rather than a path)."""

    def __init__(self) -> None:
        self.paths: list[str] = []


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[Opened]:
    counter = Opened()
    real_open = Image.open

    def counting_open(fp: object, *args: object, **kwargs: object) -> Image.Image:
        counter.paths.append(str(getattr(fp, "name", fp)))
        return real_open(fp, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Image, "open", counting_open)
    return counter


def _with_comment(jpeg: bytes) -> bytes:
    """The same JPEG with a comment segment after SOI: other bytes, same compressed picture."""
    text = b"exported again"
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


def _scan(folder: Path, cache: Path) -> ScanResult:
    return scan([folder], Options(cache_path=cache, workers=0))


def _groups(result: ScanResult) -> set[tuple[str, frozenset[tuple[str, str]]]]:
    return {(g.kind, frozenset((Path(m.path).name, m.match) for m in g.members))
            for g in result.groups}


def test_second_scan_of_an_unchanged_tree_opens_no_image(library: Path, cache_file: Path,
                                                        opened: Opened) -> None:
    """Two JPEGs with the same compressed picture are decoded in full (their pixels may be
    the same), and a re-encode of them is not (no file decoded in full is near it). The
    second scan must not take the first scan's full-decode digests for files decoded in
    full, which made the re-encode a candidate and decoded it again."""
    picture = photo_like(1, (640, 480))
    picture.save(library / "a.jpg", quality=92)
    (library / "a_meta.jpg").write_bytes(_with_comment((library / "a.jpg").read_bytes()))
    picture.save(library / "a_q90.jpg", quality=90)
    for seed in (2, 3):
        photo_like(seed, (640, 480)).save(library / f"other_{seed}.jpg", quality=90)
    first = _scan(library, cache_file)
    assert opened.paths, "the first scan decodes the files"
    pixel_twins = {m.path for g in first.groups for m in g.members if m.match == "pixels"}
    assert {Path(p).name for p in pixel_twins} == {"a_meta.jpg"}  # found by a full decode

    opened.paths.clear()
    second = _scan(library, cache_file)
    assert opened.paths == []
    assert second.stats.cache_hits == second.stats.images == 5
    assert _groups(second) == _groups(first)


def test_a_new_byte_copy_costs_no_decode_on_later_scans(library: Path, cache_file: Path,
                                                         opened: Opened) -> None:
    """The digest of a decoded file is shared with its byte copies; a copy added later,
    sorted first, stands for their content on the next scan and must reuse the digest."""
    photo_like(4, (640, 480)).save(library / "z.jpg", quality=92)
    (library / "z_meta.jpg").write_bytes(_with_comment((library / "z.jpg").read_bytes()))
    _scan(library, cache_file)
    (library / "a_copy.jpg").write_bytes((library / "z.jpg").read_bytes())
    with_copy = _scan(library, cache_file)
    assert with_copy.stats.cache_hits == 2  # only the copy was fingerprinted
    opened.paths.clear()
    again = _scan(library, cache_file)
    assert opened.paths == []
    assert _groups(again) == _groups(with_copy)
    matches = {Path(m.path).name: m.match for g in again.groups for m in g.members}
    assert sorted(matches.values()) == ["exact", "keeper", "pixels"]


def _info(index: int, **changes: object) -> ImageInfo:
    values: dict[str, object] = dict(
        path=f"/photos/{index:05d} été.jpg", size=1000 + index, mtime_ns=1_700_000_000 + index,
        dev=64, ino=10 + index, width=4000, height=3000, format="JPEG", dhash=(1 << 64) - 1,
        phash=(1 << 63) + index, rot_phash=tuple(range(index, index + 7)),
        rot_dhash=tuple(range(7)), colour=bytes(range(192)), low_detail=True,
        taken="2021-06-01T12:00:00", camera="Caméra X", orientation=6, gps=True, quality=87,
        animated=True, byte_digest="b" * 64, pixel_digest="c" * 64, draft_digest="d" * 64)
    values.update(changes)
    return ImageInfo(**values)  # type: ignore[arg-type]


def test_the_record_covers_every_field_of_a_fingerprint() -> None:
    stored = (set(cacherow.KEY_FIELDS) | set(cacherow.COLUMN_FIELDS)
              | set(cacherow.SCAN_FIELDS) | set(cacherow.RECORD_FIELDS))
    assert stored == {f.name for f in fields(ImageInfo)}, "add the new field to cacherow"


@pytest.mark.parametrize("changes", [
    {},
    {"taken": None, "camera": None, "quality": None, "draft_digest": None, "low_detail": False,
     "gps": False, "animated": False, "orientation": 1, "dhash": 0, "phash": 0},
    {"rot_phash": (), "rot_dhash": (), "colour": b"", "format": "PNG"},
])
def test_every_field_survives_the_cache(cache_file: Path, changes: dict[str, object]) -> None:
    info = _info(1, **changes)
    cache = Cache(cache_file)
    cache.store([(info.stat, info)])
    found = cache.lookup([info.stat])
    cache.close()
    assert found == {info.path: info}


@pytest.mark.parametrize("asked", [3000, 1000])  # the whole table, or IN queries
def test_lookup_reads_many_files_in_a_few_queries(cache_file: Path, asked: int) -> None:
    infos = [_info(i) for i in range(3000)]
    cache = Cache(cache_file)
    cache.store((i.stat, i) for i in infos)
    statements: list[str] = []
    assert cache.db is not None
    cache.db.set_trace_callback(statements.append)
    changed = FileStat(infos[5].path, infos[5].size, infos[5].mtime_ns + 1, infos[5].dev,
                       infos[5].ino)
    files = [i.stat for i in infos[:5]] + [changed] + [i.stat for i in infos[6:asked]]
    found = cache.lookup(files + [FileStat("/photos/new.jpg", 1, 1, 1, 1)])
    cache.close()
    assert len(found) == asked - 1
    assert changed.path not in found
    assert found[infos[7].path] == infos[7]
    assert found[infos[asked - 1].path] == infos[asked - 1]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert 1 <= len(selects) <= 5


def test_a_malformed_record_rebuilds_the_cache(library: Path, cache_file: Path) -> None:
    photo_like(5, (320, 240)).save(library / "a.jpg", quality=90)
    _scan(library, cache_file)
    db = sqlite3.connect(cache_file)
    db.execute("UPDATE files SET info = x'0102'")
    db.commit()
    db.close()
    result = _scan(library, cache_file)
    assert result.stats.images == 1
    assert result.stats.cache_hits == 0
    assert any("malformed" in w and "rebuilt" in w for w in result.warnings)
    assert _scan(library, cache_file).stats.cache_hits == 1
