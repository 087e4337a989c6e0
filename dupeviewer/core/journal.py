"""The trash journal (JSON lines) and finding a file in the freedesktop trash."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import platformdirs

log = logging.getLogger(__name__)


def default_journal_path() -> Path:
    return Path(platformdirs.user_data_dir("dupeviewer", "dupeviewer")) / "trash-journal.jsonl"


@dataclass(frozen=True, slots=True)
class Entry:
    batch: str
    event: str  # intent | done | failed | restored
    path: str
    size: int = 0
    digest: str | None = None
    trashed_to: str | None = None
    reason: str = ""
    time: float = 0.0


class Journal:
    """Append-only record of every trash action, written before and after it happens."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @staticmethod
    def new_batch() -> str:
        return f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"

    def record(self, batch: str, event: str, path: str, size: int = 0,
               digest: str | None = None, trashed_to: str | None = None,
               reason: str = "") -> None:
        if self.path is None:
            return
        entry = {"batch": batch, "event": event, "path": path, "size": size, "digest": digest,
                 "trashed_to": trashed_to, "reason": reason, "time": time.time()}
        line = json.dumps(entry, ensure_ascii=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="ascii") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def entries(self) -> list[Entry]:
        if self.path is None or not self.path.exists():
            return []
        found = []
        with open(self.path, encoding="ascii", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    found.append(Entry(**json.loads(line)))
                except (ValueError, TypeError) as exc:
                    log.warning("journal %s line %d unreadable: %s", self.path, number, exc)
        return found


def trash_roots(path: str) -> list[tuple[Path, Path | None]]:
    """Freedesktop trash folders that may hold ``path``, with the top dir paths are
    relative to (None: absolute paths)."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"))
    roots: list[tuple[Path, Path | None]] = [(data_home / "Trash", None)]
    mount = Path(os.path.realpath(os.path.dirname(path) or "."))
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    uid = os.getuid() if hasattr(os, "getuid") else 0
    roots += [(mount / ".Trash" / str(uid), mount), (mount / f".Trash-{uid}", mount)]
    return roots


def _info_path(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("Path="):
            return os.fsdecode(unquote(line[5:], errors="surrogateescape").encode(
                "utf-8", "surrogateescape"))
    return None


def _send2trash_names(trash: Path, name: str) -> list[str]:
    """The names send2trash may have given ``name`` in ``trash``: ``name``, then
    ``stem 1.ext``, ``stem 2.ext``... up to the first slot it would have found free."""
    stem, ext = os.path.splitext(name)
    names = []
    for number in range(10_000):
        candidate = name if number == 0 else f"{stem} {number}{ext}"
        try:
            taken = (os.path.lexists(trash / "info" / f"{candidate}.trashinfo")
                     or os.path.lexists(trash / "files" / candidate))
        except (OSError, ValueError):
            break
        if not taken:
            break
        names.append(f"{candidate}.trashinfo")
    return names


def _newest_match(trash: Path, info_names: list[str], expected: set[str],
                  best: tuple[float, str] | None) -> tuple[float, str] | None:
    for info_name in info_names:
        info = trash / "info" / info_name
        try:
            text = info.read_text(encoding="utf-8", errors="surrogateescape")
            mtime = info.stat().st_mtime
        except OSError:
            continue
        if _info_path(text) in expected and (best is None or mtime >= best[0]):
            best = (mtime, str(trash / "files" / info_name[: -len(".trashinfo")]))
    return best


def locate_in_trash(path: str) -> str | None:
    """Where send2trash put ``path`` (the newest matching .trashinfo), or None.

    The names send2trash uses are tried first, so a trash holding thousands of files is
    not listed once per trashed file; other naming schemes (gio) fall back to a listing."""
    absolute = os.path.abspath(path)
    name = os.path.basename(absolute)
    stem = os.path.splitext(name)[0]
    best: tuple[float, str] | None = None
    for trash, top in trash_roots(absolute):
        info_dir = trash / "info"
        if not info_dir.is_dir():
            continue
        expected = {absolute}
        if top is not None:
            expected.add(os.path.relpath(absolute, top))
        found = _newest_match(trash, _send2trash_names(trash, name), expected, None)
        if found is None:
            try:
                listed = [e.name for e in os.scandir(info_dir)
                          if e.name.startswith(stem) and e.name.endswith(".trashinfo")]
            except OSError:
                continue
            found = _newest_match(trash, listed, expected, None)
        if found is not None and (best is None or found[0] >= best[0]):
            best = found
    return best[1] if best else None


def quote_path(path: str) -> str:
    return quote(os.fsencode(path))
