"""A typed wrapper over QSettings that turns the user's choices into core ``Options``."""

from __future__ import annotations

import logging
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
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

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
