"""Groups while the scan runs (issue 11): they show before the scan ends, the user's
current group, current copy and marks survive each update, and the Trash waits for the
end of the scan (the window says so)."""

from __future__ import annotations

import importlib
import shutil
import threading
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from dupeviewer.gui.main_window import REVIEW, SCANNING, MainWindow
from tests.helpers.pictures import photo_like
from tests.helpers.window import SCAN_TIMEOUT_MS, wait_idle

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.core.model import FileStat, ImageInfo, Skipped

scan_module = importlib.import_module("dupeviewer.core.scan")  # the package exports scan()
GATE_SECONDS = 60.0


def _library(root: Path) -> Path:
    """a1/a2 exact and b1/b2 near, read first; z1 (a copy of a1) and z2 (a copy of b1)
    come last, each held back until the test lets it through."""
    root.mkdir()
    photo_like(1).save(root / "a1.jpg", quality=90)
    shutil.copy2(root / "a1.jpg", root / "a2.jpg")
    picture = photo_like(2)
    picture.save(root / "b1.jpg", quality=92)
    picture.resize((320, 240)).save(root / "b2.jpg", quality=80)
    shutil.copy2(root / "a1.jpg", root / "z1.jpg")
    shutil.copy2(root / "b1.jpg", root / "z2.jpg")
    return root


@pytest.fixture
def gates(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, threading.Event]]:
    """Fingerprinting z1.jpg and z2.jpg waits for their gate; an interim result after
    every file (the scan would wait seconds between them)."""
    held = {"z1.jpg": threading.Event(), "z2.jpg": threading.Event()}
    real: Callable[[FileStat], ImageInfo | Skipped] = scan_module.fingerprint

    def gated(file: FileStat) -> ImageInfo | Skipped:
        for name, gate in held.items():
            if file.path.endswith(name):
                gate.wait(GATE_SECONDS)
        return real(file)

    monkeypatch.setattr(scan_module, "fingerprint", gated)
    monkeypatch.setattr(scan_module, "INTERIM_SECONDS", 0.0)
    monkeypatch.setattr(scan_module, "INTERIM_SHARE", 0.0)
    yield held
    for gate in held.values():  # never leave the scan's thread waiting
        gate.set()


def _group_of(window: MainWindow, name: str) -> int:
    return next(g for g, group in enumerate(window.review.groups)
                if any(m.path.endswith(name) for m in group.members))


def _current_copy(window: MainWindow) -> str:
    return window.cards.current_path() or ""


def _click_group(qtbot: QtBot, window: MainWindow, g: int) -> None:
    view = window.groups.view
    index = window.groups.proxy.index(window.groups.proxy.row_of(g), 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())


def test_groups_show_while_scanning_and_marks_survive_each_update(
        qtbot: QtBot, window: MainWindow, gates: dict[str, threading.Event],
        tmp_path: Path) -> None:
    photos = _library(tmp_path / "photos")
    window.add_folders([str(photos)])
    # the two groups read so far show while z1.jpg is still waiting
    qtbot.waitUntil(lambda: len(window.review) == 2, timeout=SCAN_TIMEOUT_MS)
    assert window.ops.scanning
    assert window.stack.currentIndex() == REVIEW
    assert window.scan_banner.isVisible()
    assert "Trash is available when the scan has finished" in window.scan_banner.note.text()

    # the user picks the near pair, goes to its small copy and marks it
    _click_group(qtbot, window, _group_of(window, "b2.jpg"))
    view = window.groups.view
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert _current_copy(window).endswith("b2.jpg")
    qtbot.keyClick(view, Qt.Key.Key_Space)
    b = _group_of(window, "b2.jpg")
    small = next(m for m, member in enumerate(window.review.groups[b].members)
                 if member.path.endswith("b2.jpg"))
    assert small in window.review.marked(b)
    # the Trash waits for the end of the scan: disabled, and Delete opens nothing
    trash = window.commands.trash
    assert not trash.isEnabled()
    assert "Trash is available when the scan has finished" in trash.toolTip()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert getattr(window.prompts, "confirm_dialog", None) is None

    # z1.jpg is read: the exact group grows in an interim update, the scan goes on
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        gates["z1.jpg"].set()
    qtbot.waitUntil(lambda: len(window.review.groups[_group_of(window, "a1.jpg")].members)
                    == 3, timeout=SCAN_TIMEOUT_MS)
    assert window.ops.scanning
    b = _group_of(window, "b2.jpg")
    assert window.groups.current() == b
    assert _current_copy(window).endswith("b2.jpg")
    marked = {window.review.groups[b].members[m].path for m in window.review.marked(b)}
    assert {p.rsplit("/", 1)[-1] for p in marked} == {"b2.jpg"}
    assert not trash.isEnabled()

    # the scan ends: the same group, copy and mark; now the Trash can be asked for
    gates["z2.jpg"].set()
    wait_idle(qtbot, window)
    assert not window.scan_banner.isVisible()
    b = _group_of(window, "b2.jpg")
    assert len(window.review.groups[b].members) == 3
    assert window.groups.current() == b
    assert _current_copy(window).endswith("b2.jpg")
    marked = {window.review.groups[b].members[m].path for m in window.review.marked(b)}
    assert any(p.endswith("b2.jpg") for p in marked)
    assert trash.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    dialog = window.prompts.confirm_dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.reject()


def test_the_scan_page_shows_until_a_group_is_found(
        qtbot: QtBot, window: MainWindow, gates: dict[str, threading.Event],
        tmp_path: Path) -> None:
    """Nothing found yet: the progress page, not an empty review."""
    photos = tmp_path / "photos"
    photos.mkdir()
    photo_like(5).save(photos / "alone.jpg", quality=90)
    photo_like(1).save(photos / "y1.jpg", quality=90)
    shutil.copy2(photos / "y1.jpg", photos / "z1.jpg")
    window.add_folders([str(photos)])
    qtbot.waitUntil(lambda: window.review.result is not None, timeout=SCAN_TIMEOUT_MS)
    assert window.ops.scanning
    assert len(window.review) == 0
    assert window.stack.currentIndex() == SCANNING
    assert not window.scan_banner.isVisible()
    gates["z1.jpg"].set()
    wait_idle(qtbot, window)
    assert window.stack.currentIndex() == REVIEW
    assert len(window.review) == 1


def test_the_bar_is_the_whole_scan_and_does_not_restart_with_each_phase(
        qtbot: QtBot) -> None:
    """Fingerprints done, confirming begins: the bar stays where the whole scan is (not at
    0 of the new phase) and the time left is for the whole scan."""
    from dupeviewer.core.cancel import ProgressEvent
    from dupeviewer.gui.widgets.pages import ScanPage

    page = ScanPage()
    qtbot.addWidget(page)
    page.start(1)
    values = []
    for event in (ProgressEvent("fingerprint", 0, 10, "", fraction=0.0),
                  ProgressEvent("fingerprint", 10, 10, "/p/j.jpg", fraction=0.6),
                  ProgressEvent("confirm", 0, 4, "", fraction=0.6),
                  ProgressEvent("confirm", 2, 4, "/p/b.jpg", fraction=0.8)):
        page.update_progress(event)
        values.append(page.bar.value())
    assert values == [0, 600, 600, 800]
    assert page.counts.text() == "2 of 4 files"


def test_the_current_group_keeps_its_place_in_the_list_over_an_update(
        qtbot: QtBot, window: MainWindow, gates: dict[str, threading.Event],
        tmp_path: Path) -> None:
    """Scrolled down a long list: an update that moves a group from below the current one
    to the top leaves the current group current, at the same height in the list."""
    photos = tmp_path / "photos"
    photos.mkdir()
    for n in range(24):  # p05 the smallest pair: last in the list, first with a third copy
        photo_like(100 + n, (240, 180)).save(photos / f"p{n:02d}a.jpg",
                                             quality=84 if n == 5 else 90)
        shutil.copy2(photos / f"p{n:02d}a.jpg", photos / f"p{n:02d}b.jpg")
    shutil.copy2(photos / "p05a.jpg", photos / "z1.jpg")
    shutil.copy2(photos / "p06a.jpg", photos / "z2.jpg")
    window.add_folders([str(photos)])
    qtbot.waitUntil(lambda: len(window.review) == 24, timeout=SCAN_TIMEOUT_MS)
    view, proxy = window.groups.view, window.groups.proxy
    assert proxy.row_of(_group_of(window, "p05a.jpg")) == 23
    _click_group(qtbot, window, _group_of(window, "p00a.jpg"))
    qtbot.keyClick(view, Qt.Key.Key_End)
    for _ in range(11):
        qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 12
    bar = view.verticalScrollBar()
    assert 0 < bar.value() < bar.maximum()  # scrolled, and room to scroll on
    keeper = window.review.groups[window.groups.current()].keep.path
    offset = view.visualRect(view.currentIndex()).top()

    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        gates["z1.jpg"].set()  # p05 gets a third copy: it moves to the top
    qtbot.waitUntil(lambda: len(window.review.groups[_group_of(window, "p05a.jpg")].members)
                    == 3, timeout=SCAN_TIMEOUT_MS)
    assert window.ops.scanning
    assert proxy.row_of(_group_of(window, "p05a.jpg")) == 0
    assert window.review.groups[window.groups.current()].keep.path == keeper
    assert view.currentIndex().row() == 13  # one row further down the list ...
    assert view.visualRect(view.currentIndex()).top() == offset  # ... where it was
    gates["z2.jpg"].set()
    wait_idle(qtbot, window)
    assert window.review.groups[window.groups.current()].keep.path == keeper
