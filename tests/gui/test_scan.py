"""Scanning through the window: groups found, progress shown, cancel keeps what was found."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from dupeviewer.gui.main_window import REVIEW, MainWindow
from tests.gui.conftest import Library3, scan


def _group_paths(window: MainWindow) -> list[set[str]]:
    return [{m.path for m in g.members} for g in window.review.groups]


def test_scan_through_the_window_finds_the_groups(qtbot: QtBot, window: MainWindow,
                                                  simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    groups = _group_paths(window)
    assert {str(p) for p in simple_library.exact} in groups
    assert {str(p) for p in simple_library.near} in groups
    assert len(groups) == 2
    assert window.stack.currentIndex() == REVIEW
    assert window.groups.model.rowCount() == 2
    assert window.cards.model.rowCount() in (2, 3)  # the first group is shown
    assert "2 groups" in window.summary.text()
