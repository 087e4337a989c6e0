"""The trash journal: JSON lines, append-only, provably ours, fsynced before every send.

The first line is the marker ``{"dupeviewer-journal": 1}``. A file without it is ours
only when every line is a journal entry (journals of earlier versions); it gets the marker
on its next write. Any other file at the journal's path is refused and never written to.
Where a file went in the freedesktop trash is in :mod:`dupeviewer.core.trashdir`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeGuard, get_args

import platformdirs

from dupeviewer.core.trashdir import locate_in_trash, trash_candidates, trash_roots

log = logging.getLogger(__name__)

__all__ = ["Entry", "Journal", "JournalError", "Bad", "Contents", "default_journal_path",
           "locate_in_trash", "trash_candidates", "trash_roots", "MARKER", "HEADER"]

MARKER = "dupeviewer-journal"
VERSION = 1
HEADER = json.dumps({MARKER: VERSION}) + "\n"
Event = Literal["intent", "done", "failed", "restored", "gone"]
"""What happened to one file of a batch: ``intent`` is written before the file is sent
(so a kill mid-send is recoverable), then ``done`` or ``failed``; undo adds ``restored``,
or ``gone`` when the trash no longer holds it."""
EVENTS: frozenset[str] = frozenset(get_args(Event))
Action = Literal["trash", "move"]
"""What a batch did: sent its files to the trash (no ``kind`` field: every earlier
journal's lines), or moved them into a folder the user chose (``"kind": "move"``, with
``trashed_to`` the path each file was moved to)."""
ACTIONS: frozenset[str] = frozenset(get_args(Action))
FIELDS = frozenset({"batch", "event", "path", "size", "digest", "trashed_to", "reason",
                    "time", "kind"})
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _is_event(value: object) -> TypeGuard[Event]:
    return isinstance(value, str) and value in EVENTS


def _is_action(value: object) -> TypeGuard[Action]:
    return isinstance(value, str) and value in ACTIONS


def default_journal_path() -> Path:
    return Path(platformdirs.user_data_dir("dupeviewer", "dupeviewer")) / "trash-journal.jsonl"


class JournalError(Exception):
    """The journal path holds something this app cannot prove is its own journal."""


@dataclass(frozen=True, slots=True)
class Entry:
    batch: str
    event: Event
    path: str
    size: int = 0
    digest: str | None = None
    trashed_to: str | None = None
    reason: str = ""
    time: float = 0.0
    line: int = 0
    kind: Action = "trash"


@dataclass(frozen=True, slots=True)
class Bad:
    """A journal line that is not a valid entry, and the batch it seems to belong to."""

    line: int
    reason: str
    batch: str | None


@dataclass(frozen=True, slots=True)
class Contents:
    entries: list[Entry] = field(default_factory=list)
    bad: list[Bad] = field(default_factory=list)


def _clean_absolute(path: object) -> bool:
    return (isinstance(path, str) and os.path.isabs(path) and "\x00" not in path
            and os.path.normpath(path) == path)


def parse_entry(obj: object, line: int) -> Entry | str:
    """A validated entry, or why ``obj`` is not one (never raises on a bad value)."""
    if not isinstance(obj, dict):
        return "not a journal entry"
    batch, event, path = obj.get("batch"), obj.get("event"), obj.get("path")
    size, digest, trashed_to = obj.get("size", 0), obj.get("digest"), obj.get("trashed_to")
    reason, when = obj.get("reason", ""), obj.get("time", 0.0)
    kind = obj.get("kind", "trash")
    if not isinstance(batch, str) or not batch:
        return "its batch is missing or not text"
    if not _is_event(event):
        return f"unknown event {event!r}"
    if not _clean_absolute(path):
        return f"its path {path!r} is not a plain absolute path"
    if type(size) is not int or size < 0:
        return f"its size {size!r} is not a byte count"
    if digest is not None and (not isinstance(digest, str) or not digest.isalnum()):
        return f"its digest {digest!r} is not a digest"
    if trashed_to is not None and not _clean_absolute(trashed_to):
        return f"its place in the trash {trashed_to!r} is not a plain absolute path"
    if not isinstance(reason, str):
        return f"its reason {reason!r} is not text"
    if type(when) not in (int, float) or not math.isfinite(when):
        return f"its time {when!r} is not a time"
    if not _is_action(kind):
        return f"unknown kind of action {kind!r}"
    assert isinstance(path, str)
    return Entry(batch, event, path, size, digest, trashed_to, reason, float(when), line,
                 kind)


def _is_header(line: str) -> bool:
    try:
        obj = json.loads(line)
    except ValueError:
        return False
    if not isinstance(obj, dict) or MARKER not in obj:
        return False
    if obj[MARKER] != VERSION:
        raise JournalError(f"it is a trash journal of another dupeviewer version "
                           f"({obj[MARKER]!r}); it was left as it is")
    return True


def _entry_shaped(line: str) -> bool:
    """An entry as earlier versions wrote it (types are checked later, per entry)."""
    try:
        obj = json.loads(line)
    except ValueError:
        return False
    return isinstance(obj, dict) and {"batch", "event", "path"} <= set(obj) <= FIELDS


def entry_lines(data: bytes, path: Path) -> tuple[bool, list[tuple[int, str]]]:
    """(has the marker, numbered entry lines) of a journal file's bytes; JournalError for
    a file that is not provably a dupeviewer journal."""
    if not data:
        return False, []
    lines = data.decode("utf-8", "surrogateescape").split("\n")
    numbered = list(enumerate(lines, 1))
    if _is_header(lines[0]):
        return True, [(n, text) for n, text in numbered[1:] if text.strip()]
    complete, tail = numbered[:-1], lines[-1]
    # An earlier version's journal: every line an entry, but a last one cut short by a kill
    if not complete or not all(_entry_shaped(text) for _, text in complete):
        raise JournalError(f"{path} is not a dupeviewer trash journal (its first line is not "
                           f"{HEADER.strip()} and not every line is a journal entry); it was "
                           "left as it is")
    if tail and not _entry_shaped(tail):
        log.warning("journal %s: its last line was cut short", path)
    return False, numbered if tail else complete


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one process writes at a time anyway
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def sync_folder(folder: str | Path) -> None:
    """Make a folder's new or removed names durable (where the system allows it)."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Journal:
    """Append-only record of every trash action, written before and after it happens."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @staticmethod
    def new_batch() -> str:
        return f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"

    def _load(self) -> bytes | None:
        """The journal's bytes (None: no file); refuses anything but a regular file."""
        assert self.path is not None
        try:
            fd = os.open(self.path, os.O_RDONLY | _OPEN_FLAGS)
        except FileNotFoundError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise JournalError(f"{self.path} is not a regular file, so it cannot be the "
                                   "trash journal; it was left as it is")
            return _read_all(fd)
        finally:
            os.close(fd)

    def check(self) -> None:
        """Raise JournalError unless the journal is absent, empty or provably ours."""
        if self.path is not None:
            data = self._load()
            if data is not None:
                entry_lines(data, self.path)

    def record(self, batch: str, event: Event, path: str, size: int = 0,
               digest: str | None = None, trashed_to: str | None = None,
               reason: str = "", kind: Action = "trash") -> None:
        if self.path is None:
            return
        entry: dict[str, object] = {
            "batch": batch, "event": event, "path": path, "size": size, "digest": digest,
            "trashed_to": trashed_to, "reason": reason, "time": time.time()}
        if kind != "trash":  # a trash line stays as every earlier release wrote it
            entry["kind"] = kind
        self._append((json.dumps(entry, ensure_ascii=True) + "\n").encode("ascii"))

    def _append(self, line: bytes) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _OPEN_FLAGS, 0o600)
            try:
                _lock(fd)
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    raise JournalError(f"{self.path} is not a regular file, so it cannot be "
                                       "the trash journal; it was left as it is")
                try:
                    now = os.stat(self.path)
                except FileNotFoundError:
                    continue
                if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                    continue  # replaced (marker added) by another process meanwhile
                data = _read_all(fd)
                marked, _ = entry_lines(data, self.path)
                if data and not marked:
                    self._add_marker(data)
                    continue
                prefix = HEADER.encode("ascii") if not data else b""
                if data and not data.endswith(b"\n"):
                    prefix = b"\n"  # the last line was cut short by a kill
                _write_all(fd, prefix + line)
                os.fsync(fd)
                if not data:
                    sync_folder(self.path.parent)
                return
            finally:
                os.close(fd)

    def _add_marker(self, data: bytes) -> None:
        """Rewrite an earlier version's journal with the marker first (atomic replace)."""
        assert self.path is not None
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(fd, HEADER.encode("ascii") + data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)
        sync_folder(self.path.parent)
        log.info("journal %s: marked as a dupeviewer journal", self.path)

    def read(self) -> Contents:
        """Every valid entry and every bad line, in order; JournalError if not ours."""
        if self.path is None:
            return Contents()
        data = self._load()
        if data is None:
            return Contents()
        _, lines = entry_lines(data, self.path)
        contents = Contents()
        batch: str | None = None
        for number, text in lines:
            try:
                parsed = parse_entry(json.loads(text), number)
            except ValueError as exc:
                parsed = f"not JSON ({exc})"
            if isinstance(parsed, Entry):
                contents.entries.append(parsed)
                batch = parsed.batch
                continue
            try:
                raw = json.loads(text)
                named = raw.get("batch") if isinstance(raw, dict) else None
            except ValueError:
                named = None
            contents.bad.append(Bad(number, parsed, named if isinstance(named, str) else batch))
            log.warning("journal %s line %d: %s", self.path, number, parsed)
        return contents

    def entries(self) -> list[Entry]:
        return self.read().entries
