"""A typed wrapper over QSettings that turns the user's choices into core ``Options``."""

from __future__ import annotations

import logging
import os
import stat
import sys
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from dupeviewer.core.model import DEFAULT_THRESHOLD, Options

log = logging.getLogger(__name__)

ORGANIZATION = "dupeviewer"
ORGANIZATION_DOMAIN = "dupeviewer.github.io"
"""Reversed on macOS for the preferences file: io.github.dupeviewer.dupeviewer.plist."""
APPLICATION = "dupeviewer"
THRESHOLD_MAX = 20
"""The loosest threshold the slider offers; the engine accepts up to 32 but the
groups get noisy well before that."""


FORMAT_KEY = "format"
FORMAT = "dupeviewer-settings-1"
"""Written as ``[General] format=dupeviewer-settings-1`` into every settings file we write:
a file with it is ours to rewrite."""
KNOWN_KEYS = frozenset({
    "scan/folders", "scan/references", "scan/threshold", "scan/rotations", "scan/workers",
    "review/markNear", "export/folder", "window/geometry", "window/splitter"})
"""Every key any release wrote: a file holding only these (and no marker) is an earlier
release's, and becomes ours."""


class MemoryStore:
    """Settings for this run only, when the settings file is not ours to write."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def value(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

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


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _as_bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


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

    # folders ------------------------------------------------------------------------
    @property
    def folders(self) -> list[str]:
        return _as_list(self.store.value("scan/folders"))

    @folders.setter
    def folders(self, value: list[str]) -> None:
        self.store.setValue("scan/folders", list(value))

    @property
    def references(self) -> list[str]:
        return _as_list(self.store.value("scan/references"))

    @references.setter
    def references(self, value: list[str]) -> None:
        self.store.setValue("scan/references", list(value))

    # grouping -----------------------------------------------------------------------
    @property
    def threshold(self) -> int:
        value = _as_int(self.store.value("scan/threshold"), DEFAULT_THRESHOLD)
        return min(max(value, 0), THRESHOLD_MAX)

    @threshold.setter
    def threshold(self, value: int) -> None:
        self.store.setValue("scan/threshold", int(value))

    @property
    def rotations(self) -> bool:
        return _as_bool(self.store.value("scan/rotations"), False)

    @rotations.setter
    def rotations(self, value: bool) -> None:
        self.store.setValue("scan/rotations", bool(value))

    @property
    def mark_near(self) -> bool:
        """Pre-mark the copies in near groups too (off by default: they may differ)."""
        return _as_bool(self.store.value("review/markNear"), False)

    @mark_near.setter
    def mark_near(self, value: bool) -> None:
        self.store.setValue("review/markNear", bool(value))

    @property
    def workers(self) -> int | None:
        """Decoding processes; None = all cores. Not in the UI; tests and power users."""
        value = self.store.value("scan/workers")
        return None if value in (None, "") else _as_int(value, 0)

    @workers.setter
    def workers(self, value: int | None) -> None:
        if value is None:
            self.store.remove("scan/workers")
        else:
            self.store.setValue("scan/workers", int(value))

    @property
    def export_folder(self) -> str:
        """Where the last export was saved."""
        value = self.store.value("export/folder")
        return value if isinstance(value, str) else ""

    @export_folder.setter
    def export_folder(self, value: str) -> None:
        self.store.setValue("export/folder", str(value))

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
                       references=tuple(r for r in self.references if r in folders))
