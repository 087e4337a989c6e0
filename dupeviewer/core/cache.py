"""SQLite fingerprint cache keyed by (path, size, mtime_ns, dev, ino).

Which files it may write is decided in :mod:`dupeviewer.core.cachefile`."""

from __future__ import annotations

import logging
import os
import sqlite3
import struct
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast, get_args

import platformdirs

from dupeviewer.core import cachefile, cacherow
from dupeviewer.core.cachefile import NotOurCache
from dupeviewer.core.model import Cause, FileStat, ImageInfo, Skipped

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

log = logging.getLogger(__name__)

SCHEMA_VERSION = 11
"""Bump whenever fingerprints change meaning or the record layout changes; an older cache is
then rebuilt. 8 and 9: the ``info`` column holds a packed record (:mod:`cacherow`), no
longer JSON (9: its numbers in one struct, texts NUL-separated). 10: pHashes of big full
decodes as they are made now. 11: a skip is stored as ``cause:reason``."""
_COLUMNS = "path, size, mtime_ns, dev, ino, info, skipped, byte_digest, pixel_digest"
_LOOKUP_CHUNK = 900
"""Paths per ``SELECT ... IN (...)``: under SQLite's oldest limit of 999 parameters. A rescan
reads its rows a chunk at a time, not one query per file (1.9 s against 0.9 s of CPU for
100,000 rows here, most of the rest being SQLite building the rows)."""
Row = tuple[bytes, int, int, int, int, bytes | None, str | None, str | None, str | None]
EDGES_TABLE = ("CREATE TABLE IF NOT EXISTS edges (key BLOB PRIMARY KEY, packed BLOB NOT NULL, "
               "used INTEGER NOT NULL)")
"""Confirmed near edges of the last groupings (:class:`grouping.EdgeStore`), so a rescan of
an unchanged library does not search again. Added beside ``files`` without a schema bump:
a release that does not know it leaves it alone."""
EDGE_ROWS = 8
"""Records kept (the latest used): the edges and the clusters of a few groupings."""
EDGE_BYTES = 64 * 2**20
"""Larger edge sets are not kept (a dense library of look-alikes)."""


def _skipped(path: str, stored: str) -> Skipped:
    """A cached skip, stored as ``cause:reason``."""
    cause, _, reason = stored.partition(":")
    if cause not in CAUSES or not reason:
        raise ValueError(f"malformed skip record {stored!r}")
    return Skipped(path, reason, cast("Cause", cause))


CAUSES = frozenset(get_args(Cause))


def default_cache_path() -> Path:
    return Path(platformdirs.user_cache_dir("dupeviewer", "dupeviewer")) / "fingerprints.sqlite3"


class Cache:
    """Fingerprints of unchanged files. Any cache problem costs speed, never the scan, and
    the cache writes only to a file it has proved its own (:mod:`cachefile`): anything else
    at the path is left untouched and the scan runs without a cache."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.file: Path | None = None
        """The real file (a symlink at ``path`` resolved), once proved ours."""
        self.warnings: list[str] = []
        self.db: sqlite3.Connection | None = None
        if path is not None:
            self._open(path)

    def _disable(self, message: str) -> None:
        self.warnings.append(f"fingerprint cache disabled: {message}")
        log.warning(self.warnings[-1])
        self.close()

    def _open(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.file, _ = cachefile.claim(path, SCHEMA_VERSION)
            self.db = self._connect(self.file)
        except NotOurCache as exc:
            self._disable(f"{exc}; scanning without it")
        except sqlite3.OperationalError as exc:  # locked, unreadable: not a reason to rebuild
            self._disable(f"cannot open {path}: {exc}")
        except sqlite3.DatabaseError as exc:
            self._rebuild(f"fingerprint cache {path} was unreadable ({exc}); rebuilt it")
        except (OSError, sqlite3.Error) as exc:
            self._disable(f"cannot open {path}: {exc}")

    @staticmethod
    def _connect(file: Path) -> sqlite3.Connection:
        """Open a file already proved ours; a cache of an earlier release with the current
        schema is adopted (given the application_id), any other schema is rebuilt."""
        db = sqlite3.connect(cachefile.uri(file, "rw"), uri=True, timeout=10,
                             check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # a commit waits for no fsync; a crash loses at most the last batches, which
            # are fingerprinted again, and never corrupts the file (SQLite: WAL + NORMAL)
            db.execute("PRAGMA synchronous=NORMAL")
            application_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            has_table = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='files'").fetchone()
            if not has_table or version != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(
                    f"schema version {version}, expected {SCHEMA_VERSION}")
            if application_id != cachefile.APPLICATION_ID:
                db.execute(f"PRAGMA application_id={cachefile.APPLICATION_ID}")
            db.execute(EDGES_TABLE)
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _rebuild(self, message: str) -> None:
        self.close()
        if self.file is None:
            self._disable(message)
            return
        self.warnings.append(message)
        log.warning(message)
        try:
            cachefile.rebuild(self.file, SCHEMA_VERSION)
            self.db = self._connect(self.file)
        except NotOurCache as exc:
            self._disable(f"{exc}; scanning without it")
        except (sqlite3.Error, OSError) as exc:
            self._disable(f"cannot rebuild {self.file}: {exc}")

    def _guard(self, action: str, exc: sqlite3.Error) -> None:
        message = f"fingerprint cache error while {action}: {exc}; continuing without it"
        self.warnings.append(message)
        log.warning(message)
        if self.db is not None:
            self.db.close()
        self.db = None

    def lookup(self, files: Sequence[FileStat]) -> dict[str, ImageInfo | Skipped]:
        """Cached results for files whose size, mtime and identity are unchanged, read in
        bulk (:meth:`_rows`), never one query per file."""
        if self.db is None:
            return {}
        wanted = {os.fsencode(file.path): file for file in files}
        found: dict[str, ImageInfo | Skipped] = {}
        unpack = cacherow.unpack
        try:
            for path, size, mtime_ns, dev, ino, record, skipped, byte, pixel in self._rows(
                    self.db, wanted):
                file = wanted.get(path)
                if (file is None or size != file.size or mtime_ns != file.mtime_ns
                        or dev != file.dev or ino != file.ino):
                    continue
                if skipped is not None:
                    found[file.path] = _skipped(file.path, skipped)
                elif record is not None:
                    found[file.path] = unpack(file, record, byte, pixel)
        except (sqlite3.Error, ValueError, KeyError, TypeError, struct.error) as exc:
            if isinstance(exc, sqlite3.Error):
                self._guard("reading", exc)
            else:
                self._rebuild(f"fingerprint cache {self.path} was malformed ({exc}); "
                              "rebuilt it")
            return {}
        return found

    @staticmethod
    def _rows(db: sqlite3.Connection, wanted: dict[bytes, FileStat]) -> Iterator[Row]:
        """The rows of the wanted paths (and, when the whole table is read, others): the
        whole table in one query when it holds at most twice as many rows as are wanted
        (SQLite then reads its pages in order; 0.21 s against 0.37 s of CPU for 100,000),
        else :data:`_LOOKUP_CHUNK` paths per ``IN`` query."""
        rows = db.execute("SELECT count(*) FROM files").fetchone()[0]
        if rows <= 2 * len(wanted):
            yield from db.execute(f"SELECT {_COLUMNS} FROM files")
            return
        paths = list(wanted)
        for begin in range(0, len(paths), _LOOKUP_CHUNK):
            chunk = paths[begin:begin + _LOOKUP_CHUNK]
            yield from db.execute(f"SELECT {_COLUMNS} FROM files WHERE path IN "
                                  f"({','.join('?' * len(chunk))})", chunk).fetchall()

    def store(self, files: Iterable[tuple[FileStat, ImageInfo | Skipped]]) -> None:
        """Write fingerprints in one transaction (the scan hands them over in batches)."""
        if self.db is None:
            return
        rows: list[tuple[object, ...]] = []
        for file, result in files:
            key = (os.fsencode(file.path), file.size, file.mtime_ns, file.dev, file.ino)
            if isinstance(result, Skipped):
                rows.append(key + (None, f"{result.cause}:{result.reason}", None, None))
                continue
            try:
                record = cacherow.pack(result)
            except (struct.error, UnicodeError) as exc:  # fingerprinted again next time
                log.debug("not caching %s: %s", file.path, exc)
                continue
            rows.append(key + (record, None, result.byte_digest, result.pixel_digest))
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?)",
                                    rows)
        except sqlite3.Error as exc:
            self._guard("writing", exc)

    def store_digests(self, infos: Iterable[ImageInfo]) -> None:
        """Add digests learnt after fingerprinting to the rows of unchanged files."""
        if self.db is None:
            return
        rows = [(i.byte_digest, i.pixel_digest, os.fsencode(i.path), i.size, i.mtime_ns)
                for i in infos]
        if not rows:
            return
        try:
            with self.db:
                self.db.executemany(
                    "UPDATE files SET byte_digest=coalesce(?, byte_digest), "
                    "pixel_digest=coalesce(?, pixel_digest) WHERE path=? AND size=? "
                    "AND mtime_ns=?", rows)
        except sqlite3.Error as exc:
            self._guard("writing", exc)

    def load_edges(self, key: bytes) -> bytes | None:
        """The edges stored under ``key``, if any (see :class:`grouping.EdgeStore`)."""
        if self.db is None:
            return None
        try:
            with self.db:
                row = self.db.execute("SELECT packed FROM edges WHERE key=?", (key,)).fetchone()
                if row is not None:
                    self.db.execute("UPDATE edges SET used=(SELECT max(used) FROM edges) + 1 "
                                    "WHERE key=?", (key,))
        except sqlite3.Error as exc:
            self._guard("reading", exc)
            return None
        return None if row is None else bytes(row[0])

    def store_edges(self, key: bytes, packed: bytes) -> None:
        """Keep ``packed`` under ``key``, and only the :data:`EDGE_ROWS` latest."""
        if self.db is None or len(packed) > EDGE_BYTES:
            return
        try:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO edges VALUES (?, ?, "
                                "(SELECT coalesce(max(used), 0) + 1 FROM edges))",
                                (key, packed))
                self.db.execute("DELETE FROM edges WHERE used NOT IN (SELECT used FROM edges "
                                "ORDER BY used DESC LIMIT ?)", (EDGE_ROWS,))
        except sqlite3.Error as exc:
            self._guard("writing", exc)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def with_digests(info: ImageInfo, byte_digest: str | None = None,
                 pixel_digest: str | None = None) -> ImageInfo:
    return replace(info, byte_digest=byte_digest or info.byte_digest,
                   pixel_digest=pixel_digest or info.pixel_digest)
