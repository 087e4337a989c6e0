"""Scanning through the window: groups found, progress shown, cancel keeps what was found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dupeviewer.core.cancel import ProgressEvent
from dupeviewer.gui.main_window import REVIEW, MainWindow
from dupeviewer.gui.widgets.pages import ScanPage
from tests.helpers.window import scan

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from tests.helpers.libraries import Library3


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
    assert "2 groups" in window.status.summary.text()


def test_scan_page_moves_with_the_bytes_of_one_big_file(qtbot: QtBot) -> None:
    """Two 4 GB files read in full: the bar and the counts move while the file count
    stays at 0 of 2, and the estimate counts bytes (issue 8, section 6)."""
    page = ScanPage()
    qtbot.addWidget(page)
    page.start(1)
    total = 8 * 10**9
    values, counts = [], []
    for read in (0, 10**9, 3 * 10**9, 6 * 10**9):
        page.update_progress(ProgressEvent("compare", 0, 2, "/photos/big.tif", read, total))
        values.append(page.bar.value())
        counts.append(page.counts.text())
    assert values == sorted(values)
    assert len(set(values)) == 4
    assert values[-1] == 750
    assert page.bar.maximum() == 1000
    assert counts[-1] == "0 of 2 files  \u00b7  6.0 GB of 8.0 GB read"
    assert len(set(counts)) == 4


def test_scan_page_counts_files_when_no_bytes_are_reported(qtbot: QtBot) -> None:
    page = ScanPage()
    qtbot.addWidget(page)
    page.start(1)
    page.update_progress(ProgressEvent("fingerprint", 30, 120, "/photos/a.jpg"))
    assert page.counts.text() == "30 of 120 files"
    assert page.bar.value() == 250
