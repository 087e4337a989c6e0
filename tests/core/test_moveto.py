"""Moving the marked copies to a folder: never over a file, never from inside a scanned
folder, never the last copy, never a file that changed or vanished, and undone after a
kill at any instant."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dupeviewer.core import Options, scan
from dupeviewer.core import trash as core_trash
from dupeviewer.core.journal import Journal
from dupeviewer.core.moveto import MoveError, move, refusal
from dupeviewer.core.policy import Selection
from dupeviewer.core.undo import pending, undo_last
from tests.helpers.pictures import photo_like

ROOT = Path(__file__).resolve().parents[2]


def _three(library: Path, seed: int = 31) -> list[Path]:
    """An original and two byte copies in two folders, so two names are the same."""
    (library / "Backup").mkdir()
    first = library / "a.jpg"
    photo_like(seed, (320, 240)).save(first, quality=90)
    copies = [first, library / "Backup" / "a.jpg", library / "Backup" / "a copy.jpg"]
    for copy in copies[1:]:
        shutil.copy2(first, copy)
    return copies


def _requests(library: Path) -> list[core_trash.Request]:
    result = scan([library], Options(use_cache=False, workers=0))
    assert len(result.groups) == 1
    return core_trash.plan(result.groups, Selection(result.groups).marked)


def test_moves_the_marked_copies_without_overwriting_and_undo_brings_them_back(
        tmp_path: Path, library: Path) -> None:
    copies = _three(library)
    original = copies[0].read_bytes()
    requests = _requests(library)
    assert len(requests) == 2
    kept = {str(p) for p in copies} - {r.victim.path for r in requests}
    assert len(kept) == 1
    folder = tmp_path / "Set aside"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"someone else's a.jpg")
    journal = tmp_path / "journal.jsonl"

    report = move(requests, str(folder), [str(library)], Journal(journal))

    assert [o.ok for o in report.outcomes] == [True, True]
    assert (folder / "a.jpg").read_bytes() == b"someone else's a.jpg"  # never overwritten
    moved = sorted(p.name for p in folder.iterdir())
    victims = sorted(os.path.basename(r.victim.path) for r in requests)
    assert len(moved) == 3
    assert "a (2).jpg" in moved or victims == ["a copy.jpg", "a copy.jpg"]
    for outcome in report.outcomes:
        assert outcome.trashed_to is not None
        assert Path(outcome.trashed_to).parent == folder
        assert Path(outcome.trashed_to).read_bytes() == original
        assert not os.path.lexists(outcome.path)
    assert all(Path(p).exists() for p in kept)  # the last copy stays
    assert pending(journal) == 2

    undone = undo_last(journal)
    assert sorted(undone.restored) == sorted(r.victim.path for r in requests)
    assert undone.failed == []
    assert all(p.read_bytes() == original for p in copies)
    assert sorted(p.name for p in folder.iterdir()) == ["a.jpg"]
    assert pending(journal) == 0


def test_changed_and_vanished_files_stay_with_a_reason(tmp_path: Path, library: Path) -> None:
    copies = _three(library)
    requests = _requests(library)
    victims = [Path(r.victim.path) for r in requests]
    victims[0].unlink()
    with victims[1].open("ab") as changed:
        changed.write(b"edited since the scan")
    folder = tmp_path / "out"
    folder.mkdir()

    report = move(requests, str(folder), [str(library)], Journal(tmp_path / "j.jsonl"))

    reasons = [o.reason for o in report.outcomes]
    assert [o.ok for o in report.outcomes] == [False, False]
    assert reasons[0] == "not moved: this file no longer exists"
    assert reasons[1] == "not moved: this file was modified since the scan"
    assert victims[1].exists()
    assert list(folder.iterdir()) == []
    assert pending(tmp_path / "j.jsonl") == 0
    assert len([p for p in copies if p.exists()]) == 2


def test_the_kept_copy_is_checked_too(tmp_path: Path, library: Path) -> None:
    _three(library)
    requests = _requests(library)
    Path(requests[0].survivor.path).unlink()
    folder = tmp_path / "out"
    folder.mkdir()
    report = move(requests, str(folder), [str(library)], Journal(tmp_path / "j.jsonl"))
    assert not any(o.ok for o in report.outcomes)
    assert all("the kept copy" in o.reason for o in report.outcomes)
    assert list(folder.iterdir()) == []


def test_the_last_copy_of_a_group_is_never_moved(library: Path) -> None:
    _three(library)
    result = scan([library], Options(use_cache=False, workers=0))
    with pytest.raises(core_trash.PlanError, match="every copy is marked"):
        core_trash.plan(result.groups, [{0, 1, 2}])


def test_a_folder_being_scanned_is_refused_before_anything_moves(
        tmp_path: Path, library: Path) -> None:
    copies = _three(library)
    requests = _requests(library)
    journal = tmp_path / "j.jsonl"
    inside = library / "Backup" / "set aside"
    inside.mkdir()
    for folder in (inside, library, library / "Backup"):
        with pytest.raises(MoveError, match="a folder being scanned"):
            move(requests, str(folder), [str(library)], Journal(journal))
    # without the scanned folders named, a marked file's own folder is still refused
    with pytest.raises(MoveError, match="where some of the marked files already are"):
        move(requests, str(library / "Backup"), [], Journal(journal))
    assert refusal(str(tmp_path / "missing"), []) is not None
    assert not journal.exists()
    assert all(p.exists() for p in copies)
    assert list(inside.iterdir()) == []


def test_undo_never_moves_back_over_a_new_file(tmp_path: Path, library: Path) -> None:
    _three(library)
    requests = _requests(library)
    folder = tmp_path / "out"
    folder.mkdir()
    journal = tmp_path / "j.jsonl"
    move(requests, str(folder), [str(library)], Journal(journal))
    taken = Path(requests[0].victim.path)
    taken.write_bytes(b"a new file now lives here")
    undone = undo_last(journal)
    assert undone.restored == [requests[1].victim.path]
    assert undone.failed[0][0] == str(taken)
    assert "not overwritten" in undone.failed[0][1]
    assert taken.read_bytes() == b"a new file now lives here"
    assert len(list(folder.iterdir())) == 1  # still where it was moved
    assert pending(journal) == 1


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from dupeviewer.core import Options, scan
    from dupeviewer.core import moveto
    from dupeviewer.core.journal import Journal
    from dupeviewer.core.policy import Selection
    from dupeviewer.core.trash import plan

    library, folder, journal, mode = sys.argv[1:5]
    result = scan([library], Options(workers=0, use_cache=False))
    requests = plan(result.groups, Selection(result.groups).marked)
    real_place, real_unlink = moveto.place, os.unlink

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def place(source, target, digest):
        if mode == "linked":  # after the new name exists, before the old one goes
            os.unlink = lambda path: die()
        real_place(source, target, digest)
        if mode == "moved":  # after the move, before the journal hears of it
            die()

    moveto.place = place
    moveto.move(requests, folder, [library], Journal(Path(journal)))
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("mode", ["linked", "moved"])
def test_a_kill_mid_move_leaves_a_journal_undo_acts_on(
        tmp_path: Path, library: Path, mode: str) -> None:
    copies = _three(library)
    original = copies[0].read_bytes()
    folder = tmp_path / "out"
    folder.mkdir()
    journal = tmp_path / "j.jsonl"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", KILLER, str(library), str(folder),
                           str(journal), mode], env=env, capture_output=True, check=False,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert pending(journal) == 1
    undone = undo_last(journal)
    assert len(undone.restored) == 1, undone.failed
    assert all(p.read_bytes() == original for p in copies)
    assert list(folder.iterdir()) == []
    assert pending(journal) == 0


def test_across_drives_the_bytes_are_copied_checked_and_moved_back(
        tmp_path: Path, library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    copies = _three(library)
    original = copies[0].read_bytes()
    stamp = copies[0].stat().st_mtime_ns

    def no_link(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    requests = _requests(library)
    folder = tmp_path / "other drive"
    folder.mkdir()
    journal = tmp_path / "j.jsonl"
    report = move(requests, str(folder), [str(library)], Journal(journal))
    assert all(o.ok for o in report.outcomes)
    assert len(list(folder.iterdir())) == 2  # no partial copy left behind
    for outcome in report.outcomes:
        assert outcome.trashed_to is not None
        assert Path(outcome.trashed_to).read_bytes() == original
        assert Path(outcome.trashed_to).stat().st_mtime_ns == stamp
    assert len(undo_last(journal).restored) == 2
    assert all(p.read_bytes() == original for p in copies)
    assert list(folder.iterdir()) == []


def test_a_copy_that_does_not_match_is_removed_and_the_file_stays(
        tmp_path: Path, library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from dupeviewer.core import place

    copies = _three(library)

    def no_link(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    monkeypatch.setattr(place, "byte_digest", lambda *args, **kwargs: "0" * 32)
    requests = _requests(library)
    folder = tmp_path / "other drive"
    folder.mkdir()
    journal = tmp_path / "j.jsonl"
    report = move(requests, str(folder), [str(library)], Journal(journal))
    assert not any(o.ok for o in report.outcomes)
    assert "the copy does not match the original" in report.outcomes[0].reason
    assert list(folder.iterdir()) == []
    assert all(p.exists() for p in copies)
    assert pending(journal) == 0


def test_the_command_line_moves_the_suggested_copies_and_undo_brings_them_back(
        tmp_path: Path, library: Path) -> None:
    from tests.helpers.cli import run_cli

    copies = _three(library)
    folder = tmp_path / "Duplicates"
    folder.mkdir()
    journal = tmp_path / "j.jsonl"
    refused = run_cli("scan", str(library), "-q", "--no-cache", "--workers", "0",
                      "--move-to", str(library / "Backup"), "--journal", str(journal))
    assert refused.returncode == 2
    assert "a folder being scanned" in refused.stderr
    assert all(p.exists() for p in copies)

    done = run_cli("scan", str(library), "-q", "--no-cache", "--workers", "0", "--json",
                   "--move-to", str(folder), "--journal", str(journal))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{")  # the JSON on stdout is untouched
    assert done.stderr.count("moved: ") == 2
    assert len(list(folder.iterdir())) == 2
    assert len([p for p in copies if p.exists()]) == 1
    undone = run_cli("undo", "--journal", str(journal))
    assert undone.returncode == 0, undone.stdout
    assert all(p.exists() for p in copies)
    assert list(folder.iterdir()) == []
