"""A typed wrapper over QSettings that turns the user's choices into core ``Options``."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QSettings

from dupeviewer.core.model import DEFAULT_THRESHOLD, Options

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

ORGANIZATION = "dupeviewer"
ORGANIZATION_DOMAIN = "dupeviewer.github.io"
"""Reversed on macOS for the preferences file: io.github.dupeviewer.dupeviewer.plist."""
APPLICATION = "dupeviewer"
THRESHOLD_MAX = 32
"""The loosest threshold the slider and the scan options offer: the engine's (and
``dupeviewer scan --threshold``'s) whole range. Groups get noisy well before that."""
FILE_TIMEOUT = 60.0
"""Seconds one file may take to decode (``dupeviewer scan --timeout``'s default)."""


FORMAT_KEY = "format"
FORMAT = "dupeviewer-settings-1"
"""Written as ``[General] format=dupeviewer-settings-1`` into every settings file we write:
a file with it is ours to rewrite."""
KNOWN_KEYS = frozenset({
    "scan/folders", "scan/references", "scan/threshold", "scan/rotations", "scan/workers",
    "scan/excludes", "scan/minSize", "scan/fileTimeout", "scan/useCache", "scan/cacheFile",
    "review/markNear", "review/nextUndecided", "review/moveFolder", "export/folder",
    "window/geometry", "window/splitter"})
"""Every key any release wrote: a file holding only these (and no marker) is an earlier
release's, and becomes ours."""


class MemoryStore:
    """Settings for this run only, when the settings file is not ours to write."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def value(self, key: str, default: Any = None, type: type | None = None) -> Any:
        """What this run set (already of its type, as ``Setting`` writes it)."""
        return self._values.get(key, default)

    def contains(self, key: str) -> bool:
        return key in self._values

    def setValue(self, key: str, value: Any) -> None:
        self._values[key] = value

    def remove(self, key: str) -> None:
        self._values.pop(key, None)

    def allKeys(self) -> list[str]:
        return sorted(self._values)

    def sync(self) -> None:
        return None

    def fileName(self) -> str:
        return ""


def _is_ini_file(store: QSettings) -> bool:
    """Only an INI file can be anybody's file (the Windows registry and macOS preferences
    are the system's own stores)."""
    return store.format() == QSettings.Format.IniFormat or (
        store.format() == QSettings.Format.NativeFormat
        and sys.platform not in ("darwin", "win32"))


def foreign(store: QSettings) -> str | None:
    """Why the file behind ``store`` is not ours to write, or None if it is: none yet, an
    empty one (Qt leaves it so when the last key goes), one with our marker, or one of an
    earlier release (only our keys). Qt's own ``status()`` is no help here: it reads a
    JPEG as an INI file without error, and would write its keys over the photo."""
    if not _is_ini_file(store):
        return None
    path = store.fileName()
    try:
        st = os.stat(path)  # Qt writes through a symlink, so judge its target
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if st.st_size == 0:
        return None
    marker = store.value(FORMAT_KEY)
    if marker == FORMAT:
        return None
    if store.status() != QSettings.Status.NoError:
        return "not readable as settings"
    if marker is None and (keys := set(store.allKeys())) and keys <= KNOWN_KEYS:
        return None
    return f"format {marker!r}" if isinstance(marker, str) else "unknown content"


T = TypeVar("T")


class Setting(Generic[T]):
    """One remembered choice: the value under ``key``, read by Qt as ``kind``
    (``QSettings.value(key, default, type=kind)``: INI text, the registry and macOS
    preferences all come back typed), ``default`` when it was never saved.

    ``clean`` applies the rules that are ours, not Qt's (a threshold the slider offers).
    Setting ``None`` removes the key, so the default applies again."""

    def __init__(self, key: str, default: T, kind: type,
                 clean: Callable[[Any], T] | None = None) -> None:
        self.key = key
        self.default = default
        self.kind = kind
        self.clean = clean

    @overload
    def __get__(self, settings: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, settings: Settings, owner: type) -> T: ...

    def __get__(self, settings: Settings | None, owner: type) -> Setting[T] | T:
        if settings is None:
            return self
        store = settings.store
        # Qt answers a missing key with the type's zero (0 for "workers", not None)
        value: Any = store.value(self.key, self.default, type=self.kind) \
            if store.contains(self.key) else self.default
        return self.clean(value) if self.clean is not None else value

    def __set__(self, settings: Settings, value: T | None) -> None:
        if value is None:
            settings.store.remove(self.key)
        else:
            settings.store.setValue(self.key, self.kind(value))


def _threshold(value: int) -> int:
    return min(max(value, 0), THRESHOLD_MAX)


def _paths(value: list[Any]) -> list[str]:
    """A folder list without blanks: ``scan/folders=`` holds no folder, not the folder ""."""
    return [str(v) for v in value if v]


def _patterns(value: list[Any]) -> list[str]:
    """Exclude patterns, trimmed, without blanks or repeats."""
    return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


def _min_size(value: int) -> int:
    return max(value, 0)


def _timeout(value: float) -> float:
    return value if value > 0 else FILE_TIMEOUT


class Settings:
    """Everything the window remembers between runs."""

    def __init__(self, store: QSettings | None = None) -> None:
        qsettings = store if store is not None else QSettings(ORGANIZATION, APPLICATION)
        self.problem = foreign(qsettings)
        """Why the settings file is not used (it is left untouched), or None."""
        self.file = qsettings.fileName()
        """Where the settings live (or would live)."""
        self.store: QSettings | MemoryStore = qsettings
        if self.problem is not None:
            log.warning("%s is not a dupeviewer settings file (%s); leaving it untouched: "
                        "settings are defaults and are not saved this run",
                        qsettings.fileName(), self.problem)
            self.store = MemoryStore()
        elif qsettings.value(FORMAT_KEY) != FORMAT:
            qsettings.setValue(FORMAT_KEY, FORMAT)

    folders: Setting[list[str]] = Setting("scan/folders", [], list, _paths)
    references: Setting[list[str]] = Setting("scan/references", [], list, _paths)
    """Folders whose files are always kept."""
    threshold: Setting[int] = Setting("scan/threshold", DEFAULT_THRESHOLD, int, _threshold)
    rotations: Setting[bool] = Setting("scan/rotations", False, bool)
    mark_near: Setting[bool] = Setting("review/markNear", False, bool)
    """Pre-mark the copies in near groups too (off by default: they may differ)."""
    next_undecided: Setting[bool] = Setting("review/nextUndecided", True, bool)
    """After the user picks a group's keeper, show the next group not decided yet."""
    move_folder: Setting[str] = Setting("review/moveFolder", "", str)
    """Where the marked copies were last moved to (instead of the Trash)."""
    workers: Setting[int | None] = Setting("scan/workers", None, int)
    """Decoding processes; None = all cores, 0 = in the window's own process."""
    excludes: Setting[list[str]] = Setting("scan/excludes", [], list, _patterns)
    """Glob patterns of files and folders the scan skips (``--exclude``)."""
    min_size: Setting[int] = Setting("scan/minSize", 0, int, _min_size)
    """Files smaller than this many bytes are ignored (``--min-size``)."""
    file_timeout: Setting[float] = Setting("scan/fileTimeout", FILE_TIMEOUT, float, _timeout)
    """Seconds one file may take to decode before it is skipped (``--timeout``)."""
    use_cache: Setting[bool] = Setting("scan/useCache", True, bool)
    """Keep fingerprints in the cache (``--no-cache`` turns it off)."""
    cache_file: Setting[str] = Setting("scan/cacheFile", "", str)
    """The cache file (``--cache``); "" = the platform cache folder."""
    export_folder: Setting[str] = Setting("export/folder", "", str)
    """Where the last export was saved."""

    # window -------------------------------------------------------------------------
    def geometry(self, key: str) -> QByteArray | None:
        value = self.store.value(f"window/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, key: str, value: QByteArray) -> None:
        self.store.setValue(f"window/{key}", value)

    def sync(self) -> None:
        self.store.sync()

    def options(self) -> Options:
        """Core options for a scan or a regroup with what the user chose."""
        folders = set(self.folders)
        return Options(threshold=self.threshold, rotations=self.rotations,
                       workers=self.workers,
                       cache_path=Path(self.cache_file) if self.cache_file else None,
                       use_cache=self.use_cache, excludes=tuple(self.excludes),
                       min_size=self.min_size, file_timeout=self.file_timeout,
                       references=tuple(r for r in self.references if r in folders))
