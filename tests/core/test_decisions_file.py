"""The decisions file (issue 12, item 4): damaged, newer, foreign, missing and read-only
files are reported, kept and never fatal; two writers at once lose nothing."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from dupeviewer.core.decisions import APPLICATION_ID, DecisionError, DecisionStore
from dupeviewer.core.model import ImageInfo, Options
from dupeviewer.core.scan import scan
from tests.core.test_decisions_core import _near_pair

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def _info(n: int) -> ImageInfo:
    return ImageInfo(path=f"/p/{n}.jpg", size=1000 + n, mtime_ns=0, dev=1, ino=n, width=40,
                     height=30, format="JPEG", dhash=n * 7919, phash=n * 104729)


def _decide(path: Path) -> DecisionStore:
    store = DecisionStore(path)
    store.not_duplicates([_info(1)], [_info(2)])
    return store


def test_missing_file_is_not_created_by_reading_or_scanning(tmp_path: Path) -> None:
    path = tmp_path / "data" / "decisions.sqlite3"
    assert DecisionStore(path).all() == []
    root = tmp_path / "photos"
    _near_pair(root)
    result = scan([root], Options(workers=0, use_cache=False, decisions_path=path))
    assert len(result.groups) == 1
    assert result.warnings == ()
    assert not path.exists()
    assert not path.parent.exists()


def _ours_broken(tmp_path: Path) -> bytes:
    """A decisions file of ours whose pages after the header are overwritten."""
    path = tmp_path / "whole.sqlite3"
    _decide(path)
    data = path.read_bytes()
    path.unlink()
    return data[:100] + b"\xff" * (len(data) - 100)


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 20, None])
def test_a_damaged_file_is_kept_aside_and_reported(tmp_path: Path, content: bytes | None,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "decisions.sqlite3"
    content = _ours_broken(tmp_path) if content is None else content
    path.write_bytes(content)
    store = DecisionStore(path)
    with caplog.at_level(logging.WARNING):
        assert store.all() == []
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("decisions.sqlite3.damaged-")
             and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    assert "kept as" in store.warnings[0]
    assert str(aside[0]) in store.warnings[0]
    _decide(path)  # a new file is started, and works
    assert len(DecisionStore(path).all()) == 1


def test_a_damaged_file_costs_the_scan_nothing(tmp_path: Path) -> None:
    path = tmp_path / "decisions.sqlite3"
    path.write_bytes(b"garbage" * 100)
    root = tmp_path / "photos"
    _near_pair(root)
    result = scan([root], Options(workers=0, use_cache=False, decisions_path=path))
    assert len(result.groups) == 1
    assert any("damaged" in w and "kept as" in w for w in result.warnings)


def test_a_newer_file_is_kept_aside_whole(tmp_path: Path) -> None:
    path = tmp_path / "decisions.sqlite3"
    _decide(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    before = path.read_bytes()
    store = DecisionStore(path)
    assert store.all() == []
    aside = [p for p in tmp_path.iterdir() if ".newer-" in p.name and p.name.endswith(
        tuple("0123456789"))]
    assert len(aside) == 1
    assert aside[0].read_bytes() == before
    assert "newer" in store.warnings[0]
    assert "schema 99" in store.warnings[0]


def test_another_programs_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "decisions.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (x)")
    db.commit()
    db.close()
    before = path.read_bytes()
    store = DecisionStore(path)
    assert store.all() == []
    with pytest.raises(DecisionError, match="not a dupeviewer decisions file"):
        store.not_duplicates([_info(1)], [_info(2)])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [
        "decisions.sqlite3"]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A decisions file that cannot be written: immutable for root, no write bit else."""
    path = tmp_path / "decisions.sqlite3"
    _decide(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")  # a reader of a WAL file needs to write -shm
    db.close()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("root, and chattr +i is not available here")
    else:
        path.chmod(0o444)
    yield path
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_file_is_read_and_refuses_writes_with_a_reason(read_only: Path) -> None:
    before = read_only.read_bytes()
    store = DecisionStore(read_only)
    assert len(store.all()) == 1  # still applied
    with pytest.raises(DecisionError, match="read-only|cannot"):
        store.reviewed([_info(3), _info(4)])
    assert read_only.read_bytes() == before
    assert len(DecisionStore(read_only).all()) == 1


WRITER = """
import sys
from dupeviewer.core.decisions import DecisionStore
from dupeviewer.core.model import ImageInfo
store = DecisionStore(__import__("pathlib").Path(sys.argv[1]))
base = int(sys.argv[2])
def info(n):
    return ImageInfo(path=f"/p/{n}.jpg", size=n, mtime_ns=0, dev=1, ino=n, width=40,
                     height=30, format="JPEG", dhash=n, phash=n * 3)
for k in range(40):
    store.not_duplicates([info(base + 2 * k)], [info(base + 2 * k + 1)])
"""


def test_two_writers_at_once_keep_each_others_decisions(tmp_path: Path) -> None:
    path = tmp_path / "decisions.sqlite3"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(base)], env=env)
               for base in (1000, 5000)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    decisions = DecisionStore(path).all()
    assert len(decisions) == 80
    assert len({d.id for d in decisions}) == 80
    with open(path, "rb") as file:
        assert int.from_bytes(file.read(100)[68:72], "big") == APPLICATION_ID


def test_forget_and_restore(tmp_path: Path) -> None:
    path = tmp_path / "decisions.sqlite3"
    store = _decide(path)
    decision = store.all()[0]
    removed = store.forget(decision.id)
    assert removed is not None
    assert removed.sides == decision.sides
    assert store.all() == []
    store.restore(removed)
    assert [d.sides for d in store.all()] == [decision.sides]


def test_the_same_picture_on_both_sides_is_refused(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "decisions.sqlite3")
    with pytest.raises(DecisionError, match="same picture"):
        store.not_duplicates([_info(1)], [_info(1)])
