"""Undo puts back only what this app trashed, only where it came from, and reads every
journal entry with suspicion."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from send2trash import plat_other

from dupeviewer.core import Options, scan
from dupeviewer.core import trashdir as trashdir_module
from dupeviewer.core.fingerprint import byte_digest
from dupeviewer.core.journal import Journal
from dupeviewer.core.policy import Selection
from dupeviewer.core.trash import plan, trash
from dupeviewer.core.trashdir import trash_candidates
from dupeviewer.core.undo import pending, undo_last
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    photo_like(seed, (48, 48)).save(buffer, "PNG")
    return buffer.getvalue()


def trashed(folder: Path, journal: Path, copies: int = 1) -> list[Path]:
    """Trash ``copies`` exact copies of a keeper in ``folder`` for real; the victims."""
    folder.mkdir(parents=True)
    (folder / "keep.png").write_bytes(png(3))
    for c in range(copies):
        (folder / f"copy{c}.png").write_bytes(png(3))
    result = scan([folder], Options(workers=0, use_cache=False))
    report = trash(plan(result.groups, Selection(result.groups).marked), Journal(journal))
    victims = sorted(Path(o.path) for o in report.trashed)
    assert len(victims) == copies
    assert not any(v.exists() for v in victims)
    return victims


def line_of(journal: Path, event: str, path: Path) -> int:
    """The (1-based) journal line of ``event`` for ``path``."""
    for number, line in enumerate(journal.read_text().splitlines(), 1):
        entry = json.loads(line)
        if entry.get("event") == event and entry.get("path") == str(path):
            return number
    raise AssertionError(f"no {event} line for {path}")


def rewrite(journal: Path, change: dict[int, dict[str, object]]) -> None:
    """Edit journal lines (1-based) as an editor or a corruption would."""
    lines = journal.read_text().splitlines()
    for number, fields in change.items():
        entry = json.loads(lines[number - 1])
        entry.update(fields)
        lines[number - 1] = json.dumps(entry)
    journal.write_text("\n".join(lines) + "\n")


def test_an_unrelated_file_now_at_the_trashed_name_stays_in_the_trash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    (victim,) = trashed(tmp_path / "photos", journal)
    for sub, name in (("files", victim.name), ("info", victim.name + ".trashinfo")):
        (trash_dir / sub / name).unlink()  # the user empties the trash
    other = tmp_path / "letters" / victim.name
    other.parent.mkdir()
    other.write_bytes(b"an unrelated file with the same name")
    plat_other.send2trash(str(other))
    undone = undo_last(journal)
    assert undone.restored == []
    ((path, why),) = undone.failed
    assert path == str(victim)
    assert f"came from {other}" in why
    assert "left in the trash" in why
    assert not victim.exists()
    assert (trash_dir / "files" / victim.name).read_bytes() == b"an unrelated file with the " \
        b"same name"


def test_a_different_file_trashed_from_the_same_path_stays_in_the_trash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    (victim,) = trashed(tmp_path / "photos", journal)
    for sub, name in (("files", victim.name), ("info", victim.name + ".trashinfo")):
        (trash_dir / sub / name).unlink()
    victim.write_bytes(b"a new file, saved where the photo was, then trashed by hand")
    plat_other.send2trash(str(victim))
    undone = undo_last(journal)
    ((path, why),) = undone.failed
    assert path == str(victim)
    assert "size or bytes differ" in why
    assert not victim.exists()
    assert (trash_dir / "files" / victim.name).exists()


def test_an_edited_journal_path_restores_nothing_elsewhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    (victim,) = trashed(tmp_path / "photos", journal)
    elsewhere = tmp_path / "elsewhere" / "deep" / victim.name
    rewrite(journal, {line_of(journal, "intent", victim): {"path": str(elsewhere)},
                      line_of(journal, "done", victim): {"path": str(elsewhere)}})
    undone = undo_last(journal)
    ((path, why),) = undone.failed
    assert path == str(elsewhere)
    assert f"came from {victim}" in why
    assert not (tmp_path / "elsewhere").exists(), "undo made folders for an edited path"
    assert (trash_dir / "files" / victim.name).exists()
    assert not victim.exists()


def test_a_journalled_trash_place_outside_the_trash_is_not_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    (victim,) = trashed(tmp_path / "photos", journal)
    bait = tmp_path / "documents" / "notes.png"
    bait.parent.mkdir()
    bait.write_bytes(b"someone's notes")
    rewrite(journal, {line_of(journal, "done", victim): {"trashed_to": str(bait)}})
    undone = undo_last(journal)
    assert undone.restored == [str(victim)]  # found by its .trashinfo instead
    assert bait.read_bytes() == b"someone's notes"


def test_entries_of_the_wrong_type_are_reported_and_the_rest_is_restored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    victims = trashed(tmp_path / "photos", journal, copies=3)
    first = [line_of(journal, event, victims[0]) for event in ("intent", "done")]
    rewrite(journal, {first[0]: {"size": "12"}, first[1]: {"digest": 5},  # both lines bad
                      line_of(journal, "done", victims[1]): {"trashed_to": 7}})  # only done
    batch = Journal(journal).entries()[0].batch
    with journal.open("a") as handle:
        handle.write('{"batch": "' + batch + '", "event": "done", "path": 42}\n')
        handle.write("not json at all\n")
    total = len(journal.read_text().splitlines())
    undone = undo_last(journal)
    assert sorted(undone.restored) == [str(victims[1]), str(victims[2])]
    reported = dict(undone.failed)
    assert len(reported) == 5, undone.failed
    assert all(why.startswith("unreadable entry, skipped") for why in reported.values())
    assert "its size '12' is not a byte count" in reported[f"journal line {first[0]}"]
    assert "its path 42" in reported[f"journal line {total - 1}"]
    assert not victims[0].exists()  # no valid record of it: left in the trash


def test_a_photo_under_xdg_data_home_is_journalled_and_restored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    data_home = trash_dir.parent
    (victim,) = trashed(data_home / "photos", journal)
    info = (trash_dir / "info" / (victim.name + ".trashinfo")).read_text()
    assert f"Path=photos/{victim.name}" in info  # relative, as the spec allows
    done = [e for e in Journal(journal).entries() if e.event == "done"]
    assert done[0].trashed_to == str(trash_dir / "files" / victim.name)
    undone = undo_last(journal)
    assert undone.ok
    assert undone.restored == [str(victim)]
    assert victim.read_bytes() == png(3)


def _fake_drive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A folder the trash code takes for a drive's mount point, with its .Trash-$uid."""
    drive = tmp_path / "drive"
    real_ismount = os.path.ismount
    monkeypatch.setattr(trashdir_module.os.path, "ismount",
                        lambda p: os.fspath(p) == str(drive) or real_ismount(p))
    bin_ = drive / f".Trash-{os.getuid()}"
    (bin_ / "files").mkdir(parents=True)
    (bin_ / "info").mkdir()
    return drive, bin_


@pytest.mark.parametrize("form", ["relative", "absolute"])
def test_a_drive_trash_entry_is_found_in_either_form(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    drive, bin_ = _fake_drive(tmp_path, monkeypatch)
    original = drive / "photos" / "x.png"
    original.parent.mkdir()
    (bin_ / "files" / "x.png").write_bytes(png(4))
    recorded = "photos/x.png" if form == "relative" else str(original)
    (bin_ / "info" / "x.png.trashinfo").write_text(
        f"[Trash Info]\nPath={recorded}\nDeletionDate=2024-01-01T00:00:00\n")
    assert trash_candidates(str(original)) == [str(bin_ / "files" / "x.png")]
    assert trash_candidates(str(drive / "other" / "x.png")) == []


def test_an_interrupted_batch_on_a_drive_is_restored_from_its_trash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after the move, before the journal heard: only the intent is journalled."""
    use_temporary_trash(monkeypatch, tmp_path / "home")
    drive, bin_ = _fake_drive(tmp_path, monkeypatch)
    original = drive / "photos" / "x.png"
    original.parent.mkdir()
    stored = bin_ / "files" / "x.png"
    stored.write_bytes(png(4))
    (bin_ / "info" / "x.png.trashinfo").write_text(
        "[Trash Info]\nPath=photos/x.png\nDeletionDate=2024-01-01T00:00:00\n")
    journal = Journal(tmp_path / "journal.jsonl")
    journal.record("b1", "intent", str(original), len(png(4)), byte_digest(str(stored)))
    assert pending(journal.path) == 1
    undone = undo_last(journal.path)
    assert undone.restored == [str(original)]
    assert original.read_bytes() == png(4)
    assert not (bin_ / "info" / "x.png.trashinfo").exists()
    assert undo_last(journal.path).message == "Nothing to undo."


def test_a_batch_journalled_by_an_earlier_release_is_still_restored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Releases before 2026-12 journalled blake2b-160 digests (40 hex digits); undo checks
    a file against the digest its journal line was written with."""
    import hashlib

    use_temporary_trash(monkeypatch, tmp_path / "home")
    journal = tmp_path / "journal.jsonl"
    (victim,) = trashed(tmp_path / "photos", journal)
    old = hashlib.blake2b(png(3), digest_size=20).hexdigest()
    rewrite(journal, {line_of(journal, event, victim): {"digest": old}
                      for event in ("intent", "done")})
    undone = undo_last(journal)
    assert undone.restored == [str(victim)]
    assert undone.failed == []
    assert victim.read_bytes() == png(3)
