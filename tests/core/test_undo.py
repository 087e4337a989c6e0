"""Undo knows what it would restore, restores it, and never overwrites."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dupeviewer.core import Options, scan
from dupeviewer.core import trash as core_trash
from dupeviewer.core.journal import Journal
from dupeviewer.core.policy import Selection
from dupeviewer.core.undo import pending, undo_last
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash


def test_pending_counts_then_undo_restores(tmp_path: Path, library: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    journal_path = tmp_path / "journal.jsonl"
    photo_like(21, (320, 240)).save(library / "a.jpg", quality=90)
    for name in ("b.jpg", "c.jpg"):
        shutil.copy(library / "a.jpg", library / name)
    assert pending(journal_path) == 0
    result = scan([library], Options(use_cache=False, workers=0))
    requests = core_trash.plan(result.groups, Selection(result.groups).marked)
    report = core_trash.trash(requests, Journal(journal_path))
    assert len(report.trashed) == 2
    assert pending(journal_path) == 2
    assert len(list((trash_dir / "info").glob("*.trashinfo"))) == 2
    victim = Path(report.trashed[0].path)
    victim.write_bytes(b"a new file now lives here")
    undone = undo_last(journal_path)
    assert len(undone.restored) == 1
    assert len(undone.failed) == 1
    assert "not overwritten" in undone.failed[0][1]
    assert victim.read_bytes() == b"a new file now lives here"
    assert pending(journal_path) == 1  # the refused one can be retried later
    victim.unlink()
    assert undo_last(journal_path).restored == [str(victim)]
    assert pending(journal_path) == 0
    assert sorted(p.name for p in library.iterdir()) == ["a.jpg", "b.jpg", "c.jpg"]


def test_an_interrupted_trash_is_journalled_and_undoable(
        tmp_path: Path, library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    journal_path = tmp_path / "journal.jsonl"
    photo_like(22, (320, 240)).save(library / "a.jpg", quality=90)
    shutil.copy(library / "a.jpg", library / "b.jpg")
    result = scan([library], Options(use_cache=False, workers=0))
    requests = core_trash.plan(result.groups, Selection(result.groups).marked)
    from send2trash import send2trash

    def moved_then_interrupted(path: str) -> None:
        send2trash(path)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        core_trash.trash(requests, Journal(journal_path), send=moved_then_interrupted)
    assert pending(journal_path) == 1
    assert len(undo_last(journal_path).restored) == 1
    assert sorted(p.name for p in library.iterdir()) == ["a.jpg", "b.jpg"]
