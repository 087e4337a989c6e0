"""Proof that a file is dupeviewer's own fingerprint cache, before anything writes to it.

The cache creates a file only where there is none, and rebuilds only a file it has proved
to be its own: an SQLite database whose header carries :data:`APPLICATION_ID`, or (caches
of earlier releases) an SQLite database holding exactly the schema those releases wrote.
Until then every check reads: plain ``open(..., "rb")`` for the 100-byte header, and an
``immutable`` read-only SQLite connection for the schema, which writes nothing, not even a
``-wal`` or ``-shm`` file (a plain ``mode=ro`` connection creates both next to a WAL
database and leaves them behind)."""

from __future__ import annotations

import enum
import logging
import os
import sqlite3
import stat
import tempfile
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

APPLICATION_ID = 0x44757056
"""``PRAGMA application_id`` of every cache dupeviewer writes: the ASCII bytes "DupV" at
offset 68 of the SQLite header. Caches of releases before it have 0 there."""
MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
SIDE_FILES = ("-wal", "-shm", "-journal")
TABLE = ("CREATE TABLE files (path BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
         "dev INTEGER, ino INTEGER, info TEXT, skipped TEXT, byte_digest TEXT, "
         "pixel_digest TEXT)")
"""The cache's one table, as SQLite records it; unchanged since the first release."""
LEGACY_SCHEMA = [("index", "sqlite_autoindex_files_1", None), ("table", "files", TABLE)]
"""``sqlite_master`` of a cache written before the application_id, exactly."""


class NotOurCache(Exception):
    """The file at the cache path is not a dupeviewer cache; it was left untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: not a dupeviewer cache ({reason})")
        self.path = path
        self.reason = reason


class Kind(enum.Enum):
    MISSING = "missing"
    OURS = "ours"
    LEGACY = "legacy"
    """A cache of an earlier release: ours, without the application_id yet."""


def uri(path: Path, mode: str) -> str:
    """An SQLite URI for ``path``; ``mode=rw`` never creates a file that is not there."""
    return "file:" + quote(os.fsencode(os.path.abspath(path))) + f"?mode={mode}"


def resolve(path: Path) -> Path:
    """The file a symlink at ``path`` points to: every check is made on the real file, and
    a rebuild replaces it, never the link."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if not os.path.lexists(target):
        raise NotOurCache(path, "a symbolic link to a missing file")
    return target


def probe(path: Path) -> Kind:
    """What is at ``path``, reading only; raises :class:`NotOurCache` for anything else."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Kind.MISSING
    if stat.S_ISDIR(st.st_mode):
        raise NotOurCache(path, "a directory")
    if not stat.S_ISREG(st.st_mode):
        raise NotOurCache(path, "not a regular file")
    if st.st_size == 0:
        raise NotOurCache(path, "an empty file")  # never ours: we create files complete
    with open(path, "rb") as file:
        header = file.read(HEADER_SIZE)
    if not header.startswith(MAGIC):
        raise NotOurCache(path, "not an SQLite database")
    if len(header) < HEADER_SIZE:
        raise NotOurCache(path, "a truncated SQLite file")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id == APPLICATION_ID:
        return Kind.OURS
    if application_id == 0 and _legacy_schema(path):
        return Kind.LEGACY
    suffix = f", application_id 0x{application_id:08x}" if application_id else ""
    raise NotOurCache(path, f"an SQLite database of another program{suffix}")


def _legacy_schema(path: Path) -> bool:
    try:
        db = sqlite3.connect(uri(path, "ro") + "&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        rows = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        return [tuple(row) for row in rows] == LEGACY_SCHEMA
    except sqlite3.Error:
        return False
    finally:
        db.close()


def check(path: Path) -> None:
    """Raise :class:`NotOurCache` if ``path`` holds something other than a dupeviewer cache
    (a missing file is fine: it would be created). Only reads; a file that cannot be read
    is left for the cache to report."""
    try:
        probe(resolve(path))
    except OSError as exc:
        log.debug("cannot check the cache %s: %s", path, exc)


def fresh(path: Path, version: int) -> Path:
    """A new, empty cache in a temporary file next to ``path``, flushed to disk."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    temporary = Path(name)
    try:
        db = sqlite3.connect(temporary)
        try:
            db.execute("PRAGMA journal_mode=OFF")  # a temporary file needs no journal
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={version}")
            db.execute(TABLE)
            db.commit()
        finally:
            db.close()
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def claim(path: Path, version: int) -> tuple[Path, Kind]:
    """The real file of the cache at ``path`` and what it is, after creating it if there
    was none. Raises :class:`NotOurCache` (nothing written) for a file that is not ours."""
    real = resolve(path)
    kind = probe(real)
    if kind is Kind.MISSING:
        _create(real, version)
        kind = probe(real)  # ours, or what a concurrent creator put there first
        if kind is Kind.MISSING:
            raise FileNotFoundError(f"{real} vanished as it was created")
    return real, kind


def _create(path: Path, version: int) -> None:
    """Put a new cache at ``path`` only if nothing is there, all at once: a concurrent
    creator's file is never replaced and a reader never sees half a file."""
    temporary = fresh(path, version)
    try:
        os.link(temporary, path)
    except FileExistsError:
        log.info("%s appeared while the cache was being created; not replacing it", path)
    except OSError as exc:  # a file system without hard links
        log.debug("no hard link for %s (%s); creating it exclusively", path, exc)
        try:
            with open(path, "xb") as out:
                out.write(temporary.read_bytes())
                out.flush()
                os.fsync(out.fileno())
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def rebuild(path: Path, version: int) -> None:
    """Replace the cache at ``path`` (the real file) with an empty one, after proving once
    more that it is ours; its stale side files go first, so SQLite cannot replay them."""
    if probe(path) is Kind.MISSING:
        _create(path, version)
        return
    temporary = fresh(path, version)
    try:
        for suffix in SIDE_FILES:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
