"""The journal writes only to a file it can prove is its own; anything else at its path
is refused with a clear message and left byte for byte as it was."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from dupeviewer.core import Options, scan
from dupeviewer.core.journal import HEADER, Journal, JournalError
from dupeviewer.core.policy import Selection
from dupeviewer.core.trash import Request, plan, trash
from dupeviewer.core.undo import pending, undo_last
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash

if TYPE_CHECKING:
    from pathlib import Path


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    photo_like(seed, (48, 48)).save(buffer, "PNG")
    return buffer.getvalue()


def requests_for(folder: Path) -> list[Request]:
    folder.mkdir(parents=True)
    for name in ("keep.png", "copy.png"):
        (folder / name).write_bytes(png(5))
    result = scan([folder], Options(workers=0, use_cache=False))
    return plan(result.groups, Selection(result.groups).marked)


FOREIGN = {
    "a photo": png(9),
    "another program's JSON lines": b'{"event": "login", "user": "ann"}\n{"event": "logout"}\n',
    "a text file": b"shopping list\n",
    "a file of dupeviewer entries after other text": (
        b"# notes\n" + json.dumps({"batch": "b", "event": "done", "path": "/x"}).encode()
        + b"\n"),
}


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_a_foreign_file_is_refused_by_trash_and_undo(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    requests = requests_for(tmp_path / "photos")
    target = tmp_path / "not-a-journal"
    target.write_bytes(FOREIGN[kind])
    with pytest.raises(JournalError, match="not a dupeviewer trash journal"):
        trash(requests, Journal(target))
    assert all(os.path.exists(r.victim.path) for r in requests), "trashed without a journal"
    undone = undo_last(target)
    assert not undone.ok
    assert undone.refused
    assert "not a dupeviewer trash journal" in undone.message
    assert str(target) in undone.message
    assert pending(target) == 0
    assert target.read_bytes() == FOREIGN[kind]


def test_cli_undo_refuses_a_photo_given_as_journal(tmp_path: Path) -> None:
    photo = tmp_path / "holiday.png"
    photo.write_bytes(png(9))
    done = subprocess.run([sys.executable, "-m", "dupeviewer", "undo", "--journal", str(photo)],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.returncode != 0
    assert "not a dupeviewer trash journal" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert photo.read_bytes() == png(9)


@pytest.mark.timeout(30)
def test_a_fifo_at_the_journal_path_is_refused_without_blocking(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    requests = requests_for(tmp_path / "photos")
    fifo = tmp_path / "journal.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(JournalError, match="not a regular file"):
        trash(requests, Journal(fifo))
    assert undo_last(fifo).refused
    assert all(os.path.exists(r.victim.path) for r in requests)


def test_a_new_journal_starts_with_the_marker(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "data" / "journal.jsonl"
    report = trash(requests_for(tmp_path / "photos"), Journal(journal))
    assert len(report.trashed) == 1
    lines = journal.read_text().splitlines()
    assert lines[0] == '{"dupeviewer-journal": 1}'
    assert lines[0] + "\n" == HEADER
    assert [json.loads(line)["event"] for line in lines[1:]] == ["intent", "done"]


def test_an_earlier_versions_journal_is_read_undone_and_marked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Journals written before the marker: every line an entry, the last maybe cut short
    by a kill. They stay usable, and get the marker (old lines kept) on the next write."""
    use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    report = trash(requests_for(tmp_path / "photos"), Journal(journal))
    old = "".join(journal.read_text().splitlines(keepends=True)[1:])
    old += '{"batch": "x", "event": "inte'  # a line cut short by a kill
    journal.write_text(old)
    assert pending(journal) == 1
    undone = undo_last(journal)
    assert undone.restored == [report.trashed[0].path], undone.failed
    text = journal.read_text()
    assert text.startswith(HEADER)
    assert text[len(HEADER):].startswith(old)
    assert json.loads(text.splitlines()[-1])["event"] == "restored"
    assert undo_last(journal).message == "Nothing to undo."
