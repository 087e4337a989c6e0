"""GUI fixtures: a photo folder with known duplicates and a window with private settings."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings

from dupeviewer.gui.main_window import MainWindow
from dupeviewer.gui.settings import Settings
from tests.helpers.libraries import Library3, make_simple_library

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


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
