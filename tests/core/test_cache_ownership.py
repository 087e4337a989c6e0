"""``--cache`` never touches a file that is not its own cache (issue 8, section 2)."""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

import pytest

from dupeviewer.core.cache import SCHEMA_VERSION
from dupeviewer.core.cachefile import APPLICATION_ID
from dupeviewer.core.model import Options
from dupeviewer.core.scan import scan
from tests.helpers.cli import run_cli
from tests.helpers.pictures import photo_like

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SIDE_FILES = ("-wal", "-shm", "-journal")
OLD_TABLE = ("CREATE TABLE IF NOT EXISTS files (path BLOB PRIMARY KEY, size INTEGER, "
             "mtime_ns INTEGER, dev INTEGER, ino INTEGER, info TEXT, skipped TEXT, "
             "byte_digest TEXT, pixel_digest TEXT)")
"""The one table every dupeviewer before the application_id wrote (schema versions 3-6)."""


@pytest.fixture
def photos(library: Path) -> Path:
    photo_like(21, (320, 240)).save(library / "IMG_0.jpg", quality=90)
    photo_like(22, (320, 240)).save(library / "IMG_1.jpg", quality=90)
    return library


def _jpeg(folder: Path) -> Path:
    return folder / "IMG_0.jpg"


def _text(folder: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("shopping list\nmilk\n", encoding="utf-8")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "placeholder"
    path.touch()
    return path


def _foreign_db(folder: Path) -> Path:
    path = folder / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    db.execute("INSERT INTO contacts VALUES ('Ann', '555')")
    db.commit()
    db.close()
    return path


def _foreign_files_table(folder: Path) -> Path:
    """Another program's database that happens to have a table called ``files``, in WAL
    mode: a plain read-only connection would leave -wal and -shm files next to it."""
    path = folder / "index.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE files (path TEXT, size INTEGER)")
    db.execute("PRAGMA user_version=6")
    db.commit()
    db.close()
    return path


def _directory(folder: Path) -> Path:
    path = folder / "Albums"
    path.mkdir()
    (path / "keep.txt").write_text("inside", encoding="utf-8")
    return path


def _symlink_to_photo(folder: Path) -> Path:
    link = folder.parent / "cache-link"
    link.symlink_to(folder / "IMG_1.jpg")
    return link


FOREIGN: dict[str, Callable[[Path], Path]] = {
    "jpeg": _jpeg, "text": _text, "empty": _empty, "foreign-db": _foreign_db,
    "foreign-files-table": _foreign_files_table, "directory": _directory,
    "symlink-to-photo": _symlink_to_photo}


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, bool]]:
    """Every entry under ``folder``: its bytes (files), mtime and whether it is a link."""
    found: dict[str, tuple[bytes, int, bool]] = {}
    for entry in sorted(folder.rglob("*")):
        st = entry.lstat()
        data = entry.read_bytes() if entry.is_file() and not entry.is_symlink() else b""
        found[str(entry.relative_to(folder))] = (data, st.st_mtime_ns, entry.is_symlink())
    return found


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_cli_refuses_a_file_that_is_not_its_cache(kind: str, photos: Path) -> None:
    target = FOREIGN[kind](photos)
    before = _snapshot(photos), os.lstat(target).st_mtime_ns, os.readlink(target) if \
        target.is_symlink() else ""
    done = run_cli("scan", str(photos), "--cache", str(target), "--workers", "0", "--quiet")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"dupeviewer: error: --cache {target}: not a dupeviewer cache (")
    assert lines[0].endswith("; choose another file")
    assert not done.stdout
    after = _snapshot(photos), os.lstat(target).st_mtime_ns, os.readlink(target) if \
        target.is_symlink() else ""
    assert after == before  # same bytes, same mtimes, the link still a link, no new files
    assert not [s for s in SIDE_FILES if os.path.lexists(f"{target}{s}")]


def test_refusal_names_what_the_file_is(photos: Path) -> None:
    reasons = {}
    for kind in ("jpeg", "directory", "foreign-db", "empty"):
        target = FOREIGN[kind](photos)
        reasons[kind] = run_cli("scan", str(photos), "--cache", str(target), "--workers", "0",
                            "-q").stderr
    assert "(not an SQLite database)" in reasons["jpeg"]
    assert "(a directory)" in reasons["directory"]
    assert "another program" in reasons["foreign-db"]
    assert "(an empty file)" in reasons["empty"]


def test_foreign_file_at_the_default_cache_path_costs_only_the_cache(
        photos: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The GUI never names a cache: a stray file where its cache lives is left alone and the
    scan runs without a cache, with a warning."""
    default = tmp_path / "home" / ".cache" / "dupeviewer" / "fingerprints.sqlite3"
    default.parent.mkdir(parents=True)
    default.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    before = default.read_bytes(), default.stat().st_mtime_ns
    result = scan([photos], Options(workers=0))
    assert result.stats.images == 2
    assert any("not a dupeviewer cache" in w for w in result.warnings)
    assert (default.read_bytes(), default.stat().st_mtime_ns) == before
    assert not [s for s in SIDE_FILES if os.path.lexists(f"{default}{s}")]


def _ids(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    try:
        return (db.execute("PRAGMA application_id").fetchone()[0],
                db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def test_new_cache_carries_the_application_id_and_is_reused(photos: Path,
                                                             tmp_path: Path) -> None:
    cache = tmp_path / "new" / "cache.sqlite3"
    first = run_cli("scan", str(photos), "--cache", str(cache), "--workers", "0", "-q")
    assert first.returncode == 0, first.stderr
    assert _ids(cache) == (APPLICATION_ID, SCHEMA_VERSION)
    assert cache.read_bytes()[68:72] == b"DupV"
    assert [p.name for p in cache.parent.iterdir()] == ["cache.sqlite3"]  # no temp left
    again = scan([photos], Options(cache_path=cache, workers=0))
    assert again.stats.cache_hits == 2
    assert not again.warnings


def _old_cache(path: Path, version: int) -> None:
    """A cache exactly as dupeviewer wrote it before it set an application_id."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(OLD_TABLE)
    db.execute(f"PRAGMA user_version={version}")
    db.commit()
    db.close()


def test_cache_of_an_earlier_version_with_the_current_schema_is_adopted(
        photos: Path, cache_file: Path) -> None:
    scan([photos], Options(cache_path=cache_file, workers=0))
    db = sqlite3.connect(cache_file)
    db.execute("PRAGMA application_id=0")  # as the previous release left it,
    db.execute("DROP TABLE edges")  # which kept no edges
    db.commit()
    db.close()
    result = scan([photos], Options(cache_path=cache_file, workers=0))
    assert result.stats.cache_hits == 2
    assert not result.warnings
    assert _ids(cache_file) == (APPLICATION_ID, SCHEMA_VERSION)


def test_old_schema_cache_of_an_earlier_version_is_rebuilt(photos: Path,
                                                           cache_file: Path) -> None:
    _old_cache(cache_file, 3)
    done = run_cli("scan", str(photos), "--cache", str(cache_file), "--workers", "0", "-q")
    assert done.returncode == 0, done.stderr
    assert "rebuilt" in done.stderr
    assert _ids(cache_file) == (APPLICATION_ID, SCHEMA_VERSION)
    assert scan([photos], Options(cache_path=cache_file, workers=0)).stats.cache_hits == 2


def test_corrupt_cache_with_our_application_id_is_rebuilt(photos: Path,
                                                          cache_file: Path) -> None:
    scan([photos], Options(cache_path=cache_file, workers=0))
    data = bytearray(cache_file.read_bytes())
    data[100:] = b"\xa5" * (len(data) - 100)  # header (with our id) intact, pages garbage
    cache_file.write_bytes(bytes(data))
    result = scan([photos], Options(cache_path=cache_file, workers=0))
    assert result.stats.images == 2
    assert any("rebuilt" in w for w in result.warnings)
    again = scan([photos], Options(cache_path=cache_file, workers=0))
    assert again.stats.cache_hits == 2
    assert not again.warnings


def test_symlink_to_our_cache_is_followed_and_stays_a_link(photos: Path,
                                                           tmp_path: Path) -> None:
    real = tmp_path / "real.sqlite3"
    scan([photos], Options(cache_path=real, workers=0))
    link = tmp_path / "link.sqlite3"
    link.symlink_to(real)
    result = scan([photos], Options(cache_path=link, workers=0))
    assert result.stats.cache_hits == 2
    assert not result.warnings
    assert link.is_symlink()


def test_a_file_that_appears_while_creating_is_not_clobbered(
        photos: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program creates the file between our look and our creation: it wins."""
    from dupeviewer.core import cachefile

    real_fresh = cachefile.fresh

    def racing_fresh(path: Path, version: int) -> Path:
        made = real_fresh(path, version)
        path.write_bytes(b"someone else's data")
        return made

    monkeypatch.setattr(cachefile, "fresh", racing_fresh)
    result = scan([photos], Options(workers=0, cache_path=cache_file))
    assert result.stats.images == 2
    assert cache_file.read_bytes() == b"someone else's data"
    assert [p.name for p in cache_file.parent.iterdir() if p.name.startswith(".")] == []


def test_cache_is_created_on_a_file_system_without_hard_links(
        photos: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_link(source: object, target: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_link)
    first = scan([photos], Options(workers=0, cache_path=cache_file))
    assert not first.warnings
    assert _ids(cache_file) == (APPLICATION_ID, SCHEMA_VERSION)
    assert scan([photos], Options(workers=0, cache_path=cache_file)).stats.cache_hits == 2
    assert [p.name for p in cache_file.parent.iterdir() if p.name.startswith(".")] == []
