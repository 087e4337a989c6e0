"""Fault injection: the trash fails in every way it can, and the report stays exact.

The count of trashed files equals the files that really left their paths; every failure
is reported per file with a reason and its file left in place; nothing is ever deleted.
Also real trash failures: a name too long for a .trashinfo, a read-only drive, a drive
with no usable trash.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import send2trash
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from send2trash import plat_other
from send2trash.exceptions import TrashPermissionError

from dupeviewer.core import Options, ScanResult, scan
from dupeviewer.core.journal import Journal
from dupeviewer.core.policy import Selection
from dupeviewer.core.trash import Request, TrashReport, plan, trash
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from multiprocessing.connection import Connection

NOBODY = 65534


def digest(path: str | Path) -> str:
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    photo_like(seed, (64, 64)).save(buffer, "PNG")
    return buffer.getvalue()


def make_library(folder: Path, pictures: int, copies: int, name: str = "copy") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for p in range(pictures):
        data = png(500 + p)
        for c in range(copies):
            (folder / f"{name}-{p}-{c}.png").write_bytes(data)


def suggested(result: ScanResult) -> list[Request]:
    return plan(result.groups, Selection(result.groups).marked)


@contextlib.contextmanager
def no_deletion() -> Iterator[list[str]]:
    """Any attempt to delete a file or folder fails the test (the journal only appends)."""
    calls: list[str] = []

    def refuse(name: str) -> Callable[..., None]:
        def deleted(path: object, *args: object, **kwargs: object) -> None:
            calls.append(f"{name}({path!r})")
            raise AssertionError(f"permanent deletion attempted: {name}({path!r})")
        return deleted

    with pytest.MonkeyPatch.context() as patch:
        for module, name in ((os, "unlink"), (os, "remove"), (os, "rmdir"),
                             (shutil, "rmtree")):
            patch.setattr(module, name, refuse(name))
        yield calls


# --- the faults -----------------------------------------------------------------------

def real(path: str) -> None:
    plat_other.send2trash(path)


def _raise(exc: BaseException) -> Callable[[str], None]:
    def send(path: str) -> None:
        raise exc
    return send


def _move_then(exc: BaseException) -> Callable[[str], None]:
    def send(path: str) -> None:
        real(path)
        raise exc
    return send


def _nothing(path: str) -> None:
    """Claims success and does nothing."""


def _info_only(path: str) -> None:
    """Writes the .trashinfo, then the move fails (what send2trash leaves on EXDEV/EPERM)."""
    info = Path(plat_other.HOMETRASH) / "info"
    info.mkdir(parents=True, exist_ok=True)
    (info / (os.path.basename(path) + ".trashinfo")).write_text(
        f"[Trash Info]\nPath={path}\nDeletionDate=2024-01-01T00:00:00\n")
    raise OSError(errno.EXDEV, "Invalid cross-device link")


class Elsewhere:
    """Moves the file out of its folder, but not into the trash, and reports success."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, path: str) -> None:
        self.folder.mkdir(exist_ok=True)
        os.rename(path, self.folder / os.path.basename(path))


class CustomError(Exception):
    pass


FAULTS: dict[str, Callable[[str], None]] = {
    "ok": real,
    "oserror": _raise(OSError(errno.EIO, "Input/output error")),
    "permission": _raise(PermissionError(errno.EACCES, "Permission denied")),
    "trash-permission": _raise(TrashPermissionError("/media/usb/.Trash-1000")),
    "no-mount-point": _raise(OSError("Couldn't find mount point for /media/usb/x.png")),
    "runtime": _raise(RuntimeError("the trash service went away")),
    "unicode": _raise(UnicodeEncodeError("ascii", "caf\xe9", 3, 4, "ordinal not in range")),
    "memory": _raise(MemoryError()),
    "custom": _raise(CustomError("something odd")),
    "nothing": _nothing,
    "info-only": _info_only,
    "move-then-oserror": _move_then(OSError(errno.EIO, "Input/output error")),
    "move-then-permission": _move_then(PermissionError(errno.EACCES, "Permission denied")),
    "move-then-runtime": _move_then(RuntimeError("late failure")),
}
MOVES = {"ok", "move-then-oserror", "move-then-permission", "move-then-runtime", "elsewhere"}


class Scripted:
    """A send function that plays one fault per call, in order, and records the calls."""

    def __init__(self, faults: list[str], elsewhere: Path) -> None:
        self.faults = list(faults)
        self.calls: list[tuple[str, str]] = []
        self.elsewhere = Elsewhere(elsewhere)

    def __call__(self, path: str) -> None:
        fault = self.faults[len(self.calls) % len(self.faults)]
        self.calls.append((path, fault))
        (self.elsewhere if fault == "elsewhere" else FAULTS[fault])(path)


def check_report(report: TrashReport, requests: list[Request], before: dict[str, str],
                 journal: Path) -> None:
    """The report is exactly what happened on disk, and nothing was lost."""
    victims = [r.victim.path for r in requests]
    assert [o.path for o in report.outcomes] == victims
    gone = {p for p in victims if not os.path.lexists(p)}
    assert {o.path for o in report.trashed} == gone
    assert len(report.trashed) == len(gone)
    assert report.bytes == sum(r.victim.size for r in requests if r.victim.path in gone)
    for outcome in report.failed:
        assert digest(outcome.path) == before[outcome.path], "a failed file was changed"
        assert "left in place" in outcome.reason, outcome
        assert not outcome.reason.startswith("moved"), outcome
    for outcome in report.trashed:
        assert outcome.reason.startswith("moved to the trash"), outcome
    for path in set(before) - set(victims):  # keepers untouched
        assert digest(path) == before[path]
    pictures = {d for d in before.values()}
    left = {digest(p) for p in before if os.path.lexists(p)}
    assert pictures <= left, "a picture lost its last copy"
    entries = Journal(journal).entries()
    assert {e.path for e in entries if e.event == "done"} == gone
    assert {e.path for e in entries if e.event == "failed"} == set(victims) - gone
    assert [e.path for e in entries if e.event == "intent"] == victims


SETTINGS = settings(max_examples=int(os.environ.get("DUPEVIEWER_EXAMPLES", "30")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(faults=st.lists(st.sampled_from(sorted(FAULTS) + ["elsewhere"]), min_size=1,
                       max_size=9))
def test_reported_count_equals_files_that_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               faults: list[str]) -> None:
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    use_temporary_trash(monkeypatch, base / "home")
    make_library(base / "lib", pictures=3, copies=3)
    result = scan([base / "lib"], Options(workers=0, use_cache=False))
    requests = suggested(result)
    assert len(requests) == 6
    before = {str(p): digest(p) for p in (base / "lib").iterdir()}
    send = Scripted(faults, base / "elsewhere")
    journal = base / "journal.jsonl"
    with no_deletion() as deletions:
        report = trash(requests, journal=Journal(journal), send=send)
    assert not deletions
    check_report(report, requests, before, journal)
    # One call per file, never a retry, and the outcome follows from the fault.
    assert [path for path, _ in send.calls] == [r.victim.path for r in requests]
    for (path, fault), outcome in zip(send.calls, report.outcomes):
        assert outcome.ok == (fault in MOVES), (fault, outcome)
        if fault == "nothing":
            assert "reported success but the file is still there" in outcome.reason
        if fault == "ok":
            assert outcome.trashed_to
            assert digest(outcome.trashed_to) == before[path]
        if fault == "elsewhere":
            assert outcome.trashed_to is None  # not claimed to be in the trash
    event(f"failures: {len(report.failed)}")


def test_reasons_are_specific(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each kind of failure yields a reason that says what went wrong."""
    use_temporary_trash(monkeypatch, tmp_path / "home")
    expected = {
        "oserror": r"Input/output error",
        "permission": r"permission denied",
        "trash-permission": r"no trash folder you may use",
        "no-mount-point": r"mount point",
        "runtime": r"the trash service went away",
        "unicode": r"UnicodeEncodeError",
        "memory": r"MemoryError",
        "custom": r"CustomError: something odd",
        "info-only": r"cross-device",
    }
    make_library(tmp_path / "lib", pictures=1, copies=len(expected) + 1)
    result = scan([tmp_path / "lib"], Options(workers=0, use_cache=False))
    requests = suggested(result)
    faults = list(expected)
    report = trash(requests, journal=Journal(tmp_path / "j.jsonl"),
                   send=Scripted(faults, tmp_path / "elsewhere"))
    assert not report.trashed
    for fault, outcome in zip(faults, report.outcomes):
        assert re.search(expected[fault], outcome.reason, re.IGNORECASE), (fault, outcome)


def test_send2trash_itself_patched_to_fail(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The default path (no ``send=``): send2trash.send2trash replaced by a flaky one."""
    use_temporary_trash(monkeypatch, tmp_path / "home")
    make_library(tmp_path / "lib", pictures=4, copies=3)
    result = scan([tmp_path / "lib"], Options(workers=0, use_cache=False))
    requests = suggested(result)
    before = {str(p): digest(p) for p in (tmp_path / "lib").iterdir()}
    pattern = ["ok", "permission", "nothing", "move-then-oserror", "oserror", "ok", "runtime",
               "info-only"]
    flaky = Scripted(pattern, tmp_path / "elsewhere")
    monkeypatch.setattr(send2trash, "send2trash", flaky)
    journal = tmp_path / "journal.jsonl"
    with no_deletion() as deletions:
        report = trash(requests, journal=Journal(journal))
    assert not deletions
    assert len(flaky.calls) == len(requests) == 8
    check_report(report, requests, before, journal)
    assert len(report.trashed) == 3
    assert len(report.failed) == 5


# --- real trash failures --------------------------------------------------------------

def test_name_too_long_for_a_trashinfo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 255-byte name is valid, but '<name>.trashinfo' is not: reported, left in place."""
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    lib = tmp_path / "lib"
    lib.mkdir()
    data = png(7)
    (lib / "a.png").write_bytes(data + b"")
    long_name = "x" * 251 + ".png"
    (lib / long_name).write_bytes(data)
    result = scan([lib], Options(workers=0, use_cache=False))
    (group,) = result.groups
    index = next(i for i, m in enumerate(group.members) if m.path.endswith(long_name))
    with no_deletion():
        report = trash(plan(result.groups, [{index}]), journal=Journal(tmp_path / "j.jsonl"))
    (outcome,) = report.outcomes
    assert not outcome.ok
    assert "name is too long for the trash" in outcome.reason
    assert "left in place" in outcome.reason
    assert (lib / long_name).read_bytes() == data
    assert not list((trash_dir / "files").glob("*")) if (trash_dir / "files").exists() else True


def _mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=755", "tmpfs",
                           str(where)], capture_output=True, check=False)
    return done.returncode == 0


@contextlib.contextmanager
def other_drive(tmp_path: Path) -> Iterator[Path]:
    """A real, separate file system (tmpfs), or a skip saying why there is none."""
    where = tmp_path / "drive"
    if not _mount_tmpfs(where):
        pytest.skip("needs root with mount rights for a separate tmpfs drive")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False, capture_output=True)
        if os.path.ismount(where):
            subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def test_read_only_drive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    with other_drive(tmp_path) as drive:
        make_library(drive / "photos", pictures=2, copies=2)
        result = scan([drive / "photos"], Options(workers=0, use_cache=False))
        requests = suggested(result)
        before = {str(p): digest(p) for p in (drive / "photos").iterdir()}
        subprocess.run(["mount", "-o", "remount,ro", str(drive)], check=True)
        journal = tmp_path / "journal.jsonl"
        with no_deletion():
            report = trash(requests, journal=Journal(journal))
        check_report(report, requests, before, journal)
        assert len(report.failed) == 2
        for outcome in report.failed:
            assert "read-only" in outcome.reason.lower(), outcome


def _trash_as_nobody(photos: str, home: str, journal: str, conn: Connection) -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    os.environ.update(HOME=home, XDG_DATA_HOME=os.path.join(home, ".local", "share"))
    data_home = os.fsencode(os.path.join(home, ".local", "share"))
    plat_other.XDG_DATA_HOME = data_home
    plat_other.HOMETRASH_B = os.path.join(data_home, b"Trash")
    plat_other.HOMETRASH = os.fsdecode(plat_other.HOMETRASH_B)
    plat_other.uid = NOBODY
    plat_other.TOPDIR_FALLBACK = b".Trash-%d" % NOBODY
    send2trash.send2trash = plat_other.send2trash
    result = scan([photos], Options(workers=0, use_cache=False))
    report = trash(suggested(result), journal=Journal(Path(journal)))
    conn.send([(o.path, o.ok, o.reason) for o in report.outcomes])
    conn.close()


def test_drive_without_a_usable_trash(tmp_path: Path) -> None:
    """A drive whose top folder the user cannot write: no .Trash-UID can be made there.

    Run as 'nobody' (forked, no exec) because root can always make the trash folder."""
    base = Path(tempfile.mkdtemp(prefix="dupeviewer-notrash-"))  # reachable by nobody
    try:
        os.chmod(base, 0o755)
        with other_drive(base) as drive:
            photos = drive / "photos"
            make_library(photos, pictures=1, copies=2)
            home = base / "home"
            home.mkdir()
            for path in (photos, home, *photos.iterdir()):
                os.chown(path, NOBODY, NOBODY)
            before = {str(p): digest(p) for p in photos.iterdir()}
            scan([photos], Options(workers=0, use_cache=False))  # import everything first
            context = multiprocessing.get_context("fork")
            parent, child = context.Pipe(duplex=False)
            process = context.Process(target=_trash_as_nobody, args=(
                str(photos), str(home), str(home / "journal.jsonl"), child))
            process.start()
            child.close()
            assert parent.poll(60), "the unprivileged trash did not answer"
            outcomes = parent.recv()
            process.join(10)
            assert process.exitcode == 0
            assert len(outcomes) == 1
            path, ok, reason = outcomes[0]
            assert not ok
            assert "left in place" in reason
            assert "no trash folder you may use" in reason, reason
            assert {str(p): digest(p) for p in photos.iterdir()} == before
            assert not (drive / ".Trash-65534").exists()
    finally:
        shutil.rmtree(base, ignore_errors=True)
