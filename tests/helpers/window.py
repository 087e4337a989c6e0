"""Driving the main window in pytest-qt tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow

SCAN_TIMEOUT_MS = 60_000


def scan(qtbot: QtBot, window: MainWindow, *folders: Path) -> None:
    """Add folders and wait until the scan (started by adding them) has finished."""
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.add_folders([str(f) for f in folders])
    wait_idle(qtbot, window)


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=SCAN_TIMEOUT_MS)
