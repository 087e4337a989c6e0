"""GUI fixtures: a photo folder with known duplicates and a window with private settings."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from dupeviewer.gui.main_window import MainWindow
from dupeviewer.gui.settings import Settings
from tests.conftest import exif_with, photo_like

SCAN_TIMEOUT_MS = 60_000


@dataclass
class Library:
    root: Path
    exact: list[Path]  # an original and two byte copies (3 copies)
    near: list[Path]  # an original and a half-size copy
    pixels: list[Path]  # a JPEG and a PNG of the same pixels
    alone: Path

    @property
    def all(self) -> list[Path]:
        return [*self.exact, *self.near, *self.pixels, self.alone]


def make_library(root: Path, size: tuple[int, int] = (640, 480)) -> Library:
    """Three groups (exact x3, near x2, same pixels x2) and one unrelated picture."""
    (root / "Backup").mkdir(parents=True, exist_ok=True)
    (root / "Edited").mkdir(exist_ok=True)
    first = root / "IMG_0001.jpg"
    photo_like(1, size).save(first, quality=90, exif=exif_with("2020:01:02 10:00:00"))
    exact = [first, root / "Backup" / "IMG_0001.jpg", root / "Edited" / "IMG_0001 copy.jpg"]
    for copy in exact[1:]:
        shutil.copy2(first, copy)
    big = root / "IMG_0002.jpg"
    picture = photo_like(2, size)
    picture.save(big, quality=92, exif=exif_with("2019:05:06 08:00:00"))
    small = root / "Edited" / "IMG_0002_small.jpg"
    picture.resize((size[0] // 2, size[1] // 2), Image.Resampling.LANCZOS).save(
        small, quality=85, exif=exif_with("2021:05:06 08:00:00"))
    with Image.open(big) as decoded:
        pixels = decoded.convert("RGB")
    png = root / "Backup" / "IMG_0002.png"
    pixels.save(png)
    alone = root / "IMG_0003.jpg"
    photo_like(3, size).save(alone, quality=90)
    return Library(root, exact, [big, small], [big, png], alone)


@dataclass
class Library3:
    root: Path
    exact: list[Path]
    near: list[Path]
    alone: Path


def make_simple_library(root: Path, size: tuple[int, int] = (480, 360)) -> Library3:
    """An exact group of three, a near pair, and an unrelated picture."""
    (root / "Backup").mkdir(parents=True, exist_ok=True)
    first = root / "a.jpg"
    photo_like(1, size).save(first, quality=90, exif=exif_with("2020:01:02 10:00:00"))
    exact = [first, root / "Backup" / "a.jpg", root / "Backup" / "a copy.jpg"]
    for copy in exact[1:]:
        shutil.copy2(first, copy)
    big = root / "b.jpg"
    picture = photo_like(2, size)
    picture.save(big, quality=92)
    small = root / "Backup" / "b_small.jpg"
    picture.resize((size[0] // 2, size[1] // 2), Image.Resampling.LANCZOS).save(small,
                                                                               quality=85)
    alone = root / "c.jpg"
    photo_like(3, size).save(alone, quality=90)
    return Library3(root, exact, [big, small], alone)


@pytest.fixture
def simple_library(tmp_path: Path) -> Library3:
    return make_simple_library(tmp_path / "photos")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    result = Settings(store)
    result.workers = 0  # decode in-process: no process start-up in most tests
    return result


@pytest.fixture
def window(qtbot: QtBot, settings: Settings) -> Iterator[MainWindow]:
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def scan(qtbot: QtBot, window: MainWindow, *folders: Path) -> None:
    """Add folders and wait until the scan (started by adding them) has finished."""
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.add_folders([str(f) for f in folders])
    wait_idle(qtbot, window)


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=SCAN_TIMEOUT_MS)


@pytest.fixture(autouse=True)
def _quiet_pil(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("PIL").setLevel(logging.WARNING)


OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"
"""The offscreen platform plugin warns whenever a top-level window's size limits change;
it is noise about the test platform, not about the app. Every other Qt warning fails."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
