"""The window as a user drives it: empty state, cancel, skipped files, keys, threshold."""

from __future__ import annotations

import importlib
import sys
import time
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from dupeviewer.gui.main_window import EMPTY, REVIEW, SCANNING, MainWindow
from tests.helpers.pictures import photo_like
from tests.helpers.window import SCAN_TIMEOUT_MS, scan, wait_idle

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.core.cancel import ProgressEvent
    from dupeviewer.core.model import FileStat, ImageInfo, Skipped
    from dupeviewer.gui.settings import Settings
    from tests.helpers.libraries import Library3

core_scan = importlib.import_module("dupeviewer.core.scan")  # the package exports scan()


def test_empty_state_invites_adding_a_folder(qtbot: QtBot, window: MainWindow,
                                              monkeypatch: pytest.MonkeyPatch,
                                              simple_library: Library3) -> None:
    assert window.stack.currentIndex() == EMPTY
    assert not window.sidebar.isVisible()
    assert window.empty.add_button.isVisible()
    assert not window.commands.scan.isEnabled()
    asked: list[str] = []

    def choose(*args: object) -> str:
        asked.append("asked")
        return str(simple_library.root)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        qtbot.mouseClick(window.empty.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert asked
    assert window.folders.folders() == [str(simple_library.root)]
    assert window.stack.currentIndex() == REVIEW
    assert window.sidebar.isVisible()


def test_ctrl_o_adds_a_folder(qtbot: QtBot, window: MainWindow,
                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "nothing here"
    empty.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(empty))
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert window.folders.folders() == [str(empty)]
    assert window.cards.title.text() == "No duplicates found"


def test_dropping_a_folder_scans_it(qtbot: QtBot, window: MainWindow,
                                    simple_library: Library3) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(simple_library.root))])
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.dropEvent(drop)
    wait_idle(qtbot, window)
    assert len(window.review) == 2


def test_a_scan_with_the_process_pool(qtbot: QtBot, window: MainWindow,
                                      simple_library: Library3) -> None:
    window.settings.workers = None  # the default: one process per core
    scan(qtbot, window, simple_library.root)
    assert window.review.result is not None
    assert len(window.review) == 2
    assert window.review.result.stats.images == 6


FINGERPRINTED: list[str] = []
"""Files the slow library's fingerprinting has started on, in order (one process)."""


@pytest.fixture
def slow_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sixty small pictures whose fingerprinting takes 50 ms each (3 s in all)."""
    root = tmp_path / "slow"
    root.mkdir()
    picture = photo_like(5, (96, 72))
    for i in range(60):
        picture.save(root / f"same_{i:02d}.png")
    real = core_scan.fingerprint
    FINGERPRINTED.clear()

    def slow(file: FileStat) -> ImageInfo | Skipped:
        FINGERPRINTED.append(file.path)
        time.sleep(0.05)  # a slow disk, not a synchronisation: the test waits on signals
        return real(file)

    monkeypatch.setattr(core_scan, "fingerprint", slow)
    return root


def test_cancel_stops_the_scan_at_the_next_file_and_keeps_results(
        qtbot: QtBot, window: MainWindow, slow_library: Path) -> None:
    window.add_folders([str(slow_library)], scan=False)
    window.ops.start_scan()
    job = window.ops.job
    assert job is not None
    assert window.stack.currentIndex() == SCANNING
    assert window.commands.cancel.isEnabled()

    def reading(event: ProgressEvent) -> bool:
        return event.phase == "fingerprint" and event.done >= 5

    with qtbot.waitSignal(job.progress, check_params_cb=reading, timeout=SCAN_TIMEOUT_MS):
        pass
    assert job.running  # on its own thread
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        qtbot.mouseClick(window.scan_page.cancel_button, Qt.MouseButton.LeftButton)
        started = len(FINGERPRINTED)
        assert not window.scan_page.cancel_button.isEnabled()
    assert len(FINGERPRINTED) - started <= 1  # at most the file it was on when cancelled
    wait_idle(qtbot, window)
    result = window.review.result
    assert result is not None
    assert result.cancelled
    assert 5 <= result.stats.images < 60
    assert len(window.review) == 1  # what was read so far is one exact group
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.stack.currentIndex() == REVIEW


def test_the_window_stays_responsive_while_scanning(qtbot: QtBot, window: MainWindow,
                                                    slow_library: Path) -> None:
    window.add_folders([str(slow_library)])
    job = window.ops.job
    assert job is not None
    with qtbot.waitSignal(job.progress, check_params_cb=lambda e: e.phase == "fingerprint"
                          and e.done >= 3,
                          timeout=SCAN_TIMEOUT_MS):
        pass
    handled: list[str] = []  # the event loop runs timers while the scan goes on
    QTimer.singleShot(0, lambda: handled.append("timer"))
    window.resize(700, 500)
    QApplication.processEvents()
    window.scan_page.repaint()
    assert handled == ["timer"]
    assert window.ops.busy
    assert job.running
    assert window.scan_page.counts.text().endswith("of 60 files")
    assert "Elapsed" in window.scan_page.times.text()
    assert window.scan_page.current.text()
    before = len(FINGERPRINTED)
    window.close()  # closing mid-scan cancels and waits for the worker
    assert not job.running
    assert len(FINGERPRINTED) - before <= 1
    assert len(FINGERPRINTED) < 60


def test_skipped_files_are_counted_and_listed(qtbot: QtBot, window: MainWindow,
                                              simple_library: Library3) -> None:
    (simple_library.root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    scan(qtbot, window, simple_library.root)
    assert window.status.skipped_button.isVisible()
    assert window.status.skipped_button.text() == "1 skipped"
    qtbot.mouseClick(window.status.skipped_button, Qt.MouseButton.LeftButton)
    dialog = window.skipped_dialog
    assert dialog.isVisible()
    assert dialog.files.topLevelItemCount() == 1
    item = dialog.files.topLevelItem(0)
    assert item is not None
    assert item.text(0) == "broken.jpg"
    assert item.text(1)
    dialog.reject()


def test_keys_move_between_groups_and_copies(qtbot: QtBot, window: MainWindow,
                                             simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    window.groups.select_row(0)
    view = window.cards.view
    view.setFocus()
    first = window.groups.current()
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert window.groups.current() != first
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert window.groups.current() == first
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.groups.current() != first
    qtbot.keyClick(window.groups.view, Qt.Key.Key_Up)
    assert window.groups.current() == first
    assert window.cards.current_row() == 0
    qtbot.keyClick(window.groups.view, Qt.Key.Key_Right)
    assert window.cards.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert window.cards.current_row() == 0
    marked = set(window.review.marked(first))
    window.cards.select_row(1)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert window.review.marked(first) == marked ^ {1}


def test_enter_opens_the_compare_view(qtbot: QtBot, window: MainWindow,
                                      simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    window.cards.select_row(1)
    window.cards.view.setFocus()
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Return)
    dialog = window.prompts.compare_dialog
    assert dialog is not None
    assert dialog.isVisible()
    left, right = dialog.views  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not left.item.pixmap().isNull()
                    and not right.item.pixmap().isNull(), timeout=10_000)
    shown = list(dialog.shown)  # type: ignore[attr-defined]
    qtbot.keyClick(dialog, Qt.Key.Key_Space)  # type: ignore[arg-type]
    assert dialog.shown == shown[::-1]  # type: ignore[attr-defined]
    dialog.zoom_in()  # type: ignore[attr-defined]
    assert left.transform().m11() == pytest.approx(right.transform().m11())
    left.horizontalScrollBar().setValue(left.horizontalScrollBar().maximum() // 2)
    assert right.horizontalScrollBar().value() == left.horizontalScrollBar().value()
    dialog.reject()  # type: ignore[attr-defined]


def test_threshold_regroups_without_reading_files_again(
        qtbot: QtBot, window: MainWindow, simple_library: Library3,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scan(qtbot, window, simple_library.root)
    assert len(window.review) == 2

    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("regrouping must not scan")

    monkeypatch.setattr(core_scan, "scan", no_scan)
    monkeypatch.setattr(core_scan, "fingerprint", no_scan)
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.commands.threshold.setValue(0)
    wait_idle(qtbot, window)
    assert window.review.options.threshold == 0
    assert window.settings.threshold == 0
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.commands.rotations.setChecked(True)
    wait_idle(qtbot, window)
    assert window.review.options.rotations


def test_removing_the_last_folder_returns_to_the_empty_state(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    item = window.folders.tree.topLevelItem(0)
    assert item is not None
    window.folders.tree.setCurrentItem(item)
    qtbot.mouseClick(window.folders.remove_button, Qt.MouseButton.LeftButton)
    assert window.folders.folders() == []
    assert len(window.review) == 0
    assert window.stack.currentIndex() == EMPTY
    assert window.settings.folders == []


def test_run_opens_the_window_and_scans_the_folders(qtbot: QtBot, settings: Settings,
                                                    simple_library: Library3,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from dupeviewer.gui import app as gui_app
    from dupeviewer.gui import main_window

    made: list[MainWindow] = []

    class Window(main_window.MainWindow):
        def __init__(self) -> None:
            super().__init__(settings)
            made.append(self)

    monkeypatch.setattr(main_window, "MainWindow", Window)
    monkeypatch.setattr(QApplication, "exec", lambda *a: 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    assert gui_app.run([str(simple_library.root)], demo=False) == 0
    window = made[0]
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.review.result is not None, timeout=SCAN_TIMEOUT_MS)
    wait_idle(qtbot, window)
    assert len(window.review) == 2
    assert QApplication.applicationName() == "dupeviewer"
    assert QApplication.organizationName() == "dupeviewer"
    window.close()


def test_card_context_menu(qtbot: QtBot, window: MainWindow, simple_library: Library3,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    from dupeviewer.gui import desktop

    scan(qtbot, window, simple_library.root)
    opened: list[tuple[str, str]] = []
    monkeypatch.setattr(desktop, "open_file", lambda p: opened.append(("open", p)))
    monkeypatch.setattr(desktop, "show_in_folder", lambda p: opened.append(("show", p)))
    menu = window.cards.menu_for(1)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions)[:3] == ["Open", "Show in Folder", "Copy Path"]
    path = window.review.groups[window.cards.model.group].members[1].path
    actions["Open"].trigger()
    actions["Show in Folder"].trigger()
    actions["Copy Path"].trigger()
    assert opened == [("open", path), ("show", path)]
    assert QApplication.clipboard().text() == path
    marked = 1 in window.review.marked(window.cards.model.group)
    toggle = actions["Unmark" if marked else "Mark for the Trash"]
    toggle.trigger()
    assert (1 in window.review.marked(window.cards.model.group)) != marked


def test_a_failed_scan_is_reported_not_raised(qtbot: QtBot, window: MainWindow,
                                              tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    gone = tmp_path / "gone"
    gone.mkdir()
    window.add_folders([str(gone)], scan=False)
    gone.rmdir()
    window.ops.start_scan()
    wait_idle(qtbot, window)
    assert "The scan failed" in window.statusBar().currentMessage()
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes
    assert "no folder to scan" in boxes[0].text()
    boxes[0].close()
    assert window.stack.currentIndex() == EMPTY


def test_regrouping_keeps_the_users_marks(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    review = window.review
    g = next(g for g in range(len(review)) if review.selection.marked[g])
    m = min(review.selection.marked[g])
    path = review.groups[g].members[m].path
    assert review.set_mark(g, m, False)  # the user decides to keep this copy
    with qtbot.waitSignal(review.reset, timeout=SCAN_TIMEOUT_MS):
        window.commands.threshold.setValue(window.commands.threshold.value() - 2)
    wait_idle(qtbot, window)
    marked = {review.groups[g].members[m].path for g, m in review.selection.items()}
    assert path not in marked
    assert marked  # the other suggested marks are still there
