"""The compare view as a user drives it: mark, unmark and keep the copy on show (the
window's marks follow), the zoom readout, flicker in one pane, the difference overlay,
and copies that are gone or damaged."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication

from dupeviewer.gui import look
from dupeviewer.gui.dialogs.compare import CompareDialog
from dupeviewer.gui.models.members import MemberRole
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash
from tests.helpers.window import scan, wait_idle

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.dialogs.panes import Pane
    from dupeviewer.gui.main_window import MainWindow
    from tests.helpers.libraries import Library3

LOADED_MS = 10_000


def _open(qtbot: QtBot, window: MainWindow, kind: str, row: int) -> tuple[int, CompareDialog]:
    """Show the first group of ``kind`` and press Enter on its card ``row``."""
    g = next(i for i, group in enumerate(window.review.groups) if group.kind == kind)
    window.groups.select_row(window.groups.model.row_of(g))
    assert window.cards.model.group == g
    window.cards.select_row(row)
    window.cards.view.setFocus()
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Return)
    dialog = window.prompts.compare_dialog
    assert isinstance(dialog, CompareDialog)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # its keys work
    return g, dialog


def _loaded(qtbot: QtBot, dialog: CompareDialog) -> None:
    qtbot.waitUntil(lambda: all(v.showing_picture() for v in dialog.views), timeout=LOADED_MS)


def _marked_on_card(window: MainWindow, row: int) -> bool:
    return bool(window.cards.model.index(row, 0).data(MemberRole.Marked))


def test_keys_and_buttons_mark_and_unmark_the_copy_on_show(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    g, dialog = _open(qtbot, window, "near", 1)
    assert window.review.marked(g) == set()  # near copies are not marked by default
    left, right = dialog.panes
    assert right.state.text() == "Kept"
    qtbot.keyClick(dialog, Qt.Key.Key_M)  # the copy beside the keeper is the current one
    assert window.review.marked(g) == {1}
    assert _marked_on_card(window, 1)
    assert right.state.text() == "Marked for the Trash"
    assert right.mark.text() == "Unmark"
    qtbot.keyClick(dialog, Qt.Key.Key_U)
    assert window.review.marked(g) == set()
    assert not _marked_on_card(window, 1)
    qtbot.keyClick(dialog, Qt.Key.Key_Left)  # the keys now act on the left copy
    assert left.current
    qtbot.keyClick(dialog, Qt.Key.Key_M)
    assert window.review.marked(g) == {0}
    assert _marked_on_card(window, 0)
    assert left.state.text() == "Marked for the Trash"
    qtbot.mouseClick(right.view.viewport(), Qt.MouseButton.LeftButton)  # a click picks
    assert right.current
    assert not left.current
    qtbot.keyClick(dialog, Qt.Key.Key_M)  # the last kept copy cannot go too
    assert window.review.marked(g) == {0}
    assert "last kept copy" in dialog.notice.text()
    assert not right.mark.isEnabled()
    qtbot.mouseClick(left.mark, Qt.MouseButton.LeftButton)  # a pane's button: its copy
    assert window.review.marked(g) == set()
    assert left.current
    dialog.reject()


def test_keep_makes_the_copy_on_show_the_kept_one(qtbot: QtBot, window: MainWindow,
                                                  simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    g, dialog = _open(qtbot, window, "exact", 2)
    left, right = dialog.panes
    assert window.review.marked(g) == {1, 2}  # identical copies: all but the keeper
    assert right.state.text() == "Marked for the Trash"
    qtbot.keyClick(dialog, Qt.Key.Key_K)
    assert window.review.marked(g) == {0, 1}
    assert [_marked_on_card(window, r) for r in range(3)] == [True, True, False]
    assert window.commands.trash.text().startswith("&Move 2 Files")
    assert right.state.text() == "Kept"
    assert left.state.text() == "Marked for the Trash"
    qtbot.mouseClick(left.keep, Qt.MouseButton.LeftButton)  # and back, by the button
    assert window.review.marked(g) == {1, 2}
    assert left.current
    assert right.mark.isEnabled()  # the view still acts on this group
    dialog.reject()


def test_page_down_brings_in_the_next_copy_of_a_large_group(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    g, dialog = _open(qtbot, window, "exact", 1)
    left, right = dialog.panes
    assert dialog.shown == [0, 1]
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    assert dialog.shown == [0, 2]
    assert right.caption.text().startswith("C ")
    assert right.current  # the keys act on the copy just brought in
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)  # round the group, past the left copy
    assert dialog.shown == [0, 1]
    qtbot.keyClick(dialog, Qt.Key.Key_PageUp)
    assert dialog.shown == [0, 2]
    qtbot.keyClick(dialog, Qt.Key.Key_F)  # while flickering, the copy on screen changes
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    assert dialog.shown == [1, 2]
    qtbot.keyClick(dialog, Qt.Key.Key_F)
    assert right.isVisible()
    assert right.current  # still the copy brought in last
    qtbot.keyClick(dialog, Qt.Key.Key_PageUp)  # back past B (on the left) to A
    assert dialog.shown == [1, 0]
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    assert dialog.shown == [1, 2]
    qtbot.keyClick(dialog, Qt.Key.Key_D)  # the differences of the pair on show
    qtbot.waitUntil(lambda: dialog.difference_label.text() == "Identical pixels",
                    timeout=LOADED_MS)
    qtbot.keyClick(dialog, Qt.Key.Key_U)
    assert window.review.marked(g) == {1}
    dialog.reject()


def test_zoom_readout_follows_keys_wheel_and_fit(qtbot: QtBot, window: MainWindow,
                                                 simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    _, dialog = _open(qtbot, window, "near", 1)
    _loaded(qtbot, dialog)
    readout = dialog.zoom_label
    assert readout.text().startswith("Fit ")
    assert readout.text().endswith(" %")
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    assert readout.text() == "100 %"
    qtbot.keyClick(dialog, Qt.Key.Key_Plus)
    assert readout.text() == "125 %"
    qtbot.keyClick(dialog, Qt.Key.Key_Minus)
    qtbot.keyClick(dialog, Qt.Key.Key_Minus)
    assert readout.text() == "80 %"
    left, right = dialog.views
    viewport = left.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(),
                        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    left.wheelEvent(wheel)
    assert readout.text() == "100 %"
    assert right.transform().m11() == pytest.approx(left.transform().m11())
    qtbot.mouseClick(dialog.buttons["fit"], Qt.MouseButton.LeftButton)
    assert readout.text().startswith("Fit ")
    for _ in range(40):  # the closest zoom is 3200 %
        qtbot.keyClick(dialog, Qt.Key.Key_Plus)
    assert readout.text() == "3200 %"
    dialog.reject()


def test_flicker_alternates_the_copies_in_one_pane_at_the_same_zoom_and_place(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    _, dialog = _open(qtbot, window, "near", 1)
    _loaded(qtbot, dialog)
    left, right = dialog.views
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    qtbot.keyClick(dialog, Qt.Key.Key_Plus)
    bar = left.horizontalScrollBar()
    bar.setValue(bar.maximum() // 3)
    scale, spot = left.transform().m11(), left.centre()
    first, second = dialog.shown
    qtbot.keyClick(dialog, Qt.Key.Key_F)
    assert not right.isVisible()
    assert dialog.panes[0].caption.text().startswith("A ")
    qtbot.waitUntil(lambda: dialog.shown == [second, first], timeout=5000)  # the timer
    assert dialog.panes[0].caption.text().startswith("B ")
    assert left.transform().m11() == pytest.approx(scale)
    assert (left.centre() - spot).manhattanLength() < 0.01 * left.sceneRect().width()
    assert dialog.zoom_label.text() == "125 %"
    qtbot.keyClick(dialog, Qt.Key.Key_Space)  # swap by hand
    assert dialog.shown == [first, second]
    assert (left.centre() - spot).manhattanLength() < 0.01 * left.sceneRect().width()
    qtbot.keyClick(dialog, Qt.Key.Key_F)
    assert right.isVisible()
    assert right.transform().m11() == pytest.approx(scale)
    assert not dialog.timer.isActive()  # nothing alternates any more
    dialog.reject()


def test_the_panes_share_the_width_again_after_flicker(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    _, dialog = _open(qtbot, window, "near", 1)
    _loaded(qtbot, dialog)
    left, right = dialog.panes
    assert abs(left.width() - right.width()) <= 2
    qtbot.keyClick(dialog, Qt.Key.Key_F)
    qtbot.keyClick(dialog, Qt.Key.Key_F)  # both panes again, fitted
    assert right.isVisible()
    qtbot.waitUntil(lambda: abs(left.width() - right.width()) <= 2)
    for view in dialog.views:  # the fitted pictures need no scroll bars
        assert not view.horizontalScrollBar().isVisible()
        assert not view.verticalScrollBar().isVisible()
    dialog.reject()


@pytest.fixture
def dark_palette(qapp: QApplication) -> Iterator[QPalette]:
    """The application in roughly Adwaita-dark's colours; the default palette back after."""
    palette = QPalette(qapp.palette())
    for role, name in ((QPalette.ColorRole.Window, "#353535"),
                       (QPalette.ColorRole.WindowText, "#eeeeec"),
                       (QPalette.ColorRole.Base, "#2d2d2d"),
                       (QPalette.ColorRole.Text, "#eeeeec")):
        palette.setColor(role, QColor(name))
    qapp.setPalette(palette)
    yield palette
    qapp.setPalette(QPalette())


def test_kept_and_marked_read_well_on_a_dark_palette(
        qtbot: QtBot, window: MainWindow, simple_library: Library3,
        dark_palette: QPalette) -> None:
    scan(qtbot, window, simple_library.root)
    _, dialog = _open(qtbot, window, "near", 1)
    right = dialog.panes[1]
    background = dark_palette.color(QPalette.ColorRole.Window)

    def readable() -> bool:
        colour = right.state.palette().color(QPalette.ColorRole.WindowText)
        return look.contrast(colour, background) >= 4.5

    assert right.state.text() == "Kept"
    assert readable()
    qtbot.keyClick(dialog, Qt.Key.Key_M)
    assert right.state.text() == "Marked for the Trash"
    assert readable()
    dialog.reject()


@pytest.fixture
def edited_pair(tmp_path: Path) -> Path:
    """A photo and a half-size copy with a yellow box painted on its upper right."""
    folder = tmp_path / "edited"
    folder.mkdir()
    picture = photo_like(6, (480, 360))
    picture.save(folder / "photo.jpg", quality=92)
    edited = picture.copy()
    ImageDraw.Draw(edited).rectangle((300, 60, 420, 160), fill=(250, 250, 40))
    edited.resize((240, 180), Image.Resampling.LANCZOS).save(folder / "photo_small.jpg",
                                                             quality=85)
    return folder


def test_difference_overlay_shows_where_the_copies_differ(
        qtbot: QtBot, window: MainWindow, edited_pair: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dupeviewer.gui.jobs import compare as jobs

    scan(qtbot, window, edited_pair)
    threads: list[bool] = []
    decode = jobs.load_image

    def counted(path: str, side: int) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return decode(path, side)

    monkeypatch.setattr(jobs, "load_image", counted)
    _, dialog = _open(qtbot, window, "near", 1)
    _loaded(qtbot, dialog)
    left, right = dialog.views
    assert not left.overlay.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: right.overlay.isVisible(), timeout=LOADED_MS)
    assert left.overlay.isVisible()
    assert threads == [False, False]  # both copies decoded off the GUI thread
    assert dialog.difference_label.text().startswith("Differs in ")
    overlay = right.overlay.pixmap().toImage()
    assert (overlay.width(), overlay.height()) == (240, 180)  # the smaller copy's size
    painted = overlay.pixelColor(180, 55)  # the middle of the box, at half size
    untouched = overlay.pixelColor(40, 140)
    assert painted.alpha() > 200
    assert untouched.alpha() < 120  # only the dark veil
    box = right.overlay.sceneBoundingRect()  # stretched over the picture, as in the pane
    assert box.width() == pytest.approx(right.item.sceneBoundingRect().width())
    qtbot.keyClick(dialog, Qt.Key.Key_D)
    assert not left.overlay.isVisible()
    assert not right.overlay.isVisible()
    dialog.reject()


def _pane_of(dialog: CompareDialog, m: int) -> Pane:
    """The pane showing copy ``m`` (which side the window puts it on is its choice)."""
    return dialog.panes[dialog.shown.index(m)]


def _message(qtbot: QtBot, dialog: CompareDialog, words: str, m: int = 1) -> str:
    message = _pane_of(dialog, m).view.message
    qtbot.waitUntil(lambda: words in message.text(), timeout=LOADED_MS)
    assert message.isVisible()
    return message.text()


def test_a_copy_moved_to_the_trash_says_so(qtbot: QtBot, window: MainWindow,
                                           simple_library: Library3, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    scan(qtbot, window, simple_library.root)
    use_temporary_trash(monkeypatch, tmp_path / "home")
    import send2trash

    small = simple_library.near[1]
    send2trash.send2trash(str(small))
    assert not small.exists()
    g, dialog = _open(qtbot, window, "near", 1)
    text = _message(qtbot, dialog, "moved to the Trash")
    assert str(small.parent) in text
    gone, here = _pane_of(dialog, 1), _pane_of(dialog, 0)
    assert gone.state.text() == "In the Trash"
    assert not gone.keep.isEnabled()  # never keep a copy that is not there
    assert not gone.mark.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_M)  # the keys act on the copy still there...
    assert window.review.marked(g) == set()  # ...the only one left: never marked
    assert "only copy of this group left" in dialog.notice.text()
    assert not here.mark.isEnabled()
    dialog.reject()


def test_a_copy_that_vanished_says_where_it_was(qtbot: QtBot, window: MainWindow,
                                                 simple_library: Library3, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    use_temporary_trash(monkeypatch, tmp_path / "home")
    import send2trash

    small = simple_library.near[1]
    picture = small.read_bytes()
    small.write_bytes(picture[: len(picture) // 2])  # an older file of that name...
    send2trash.send2trash(str(small))  # ...went to the Trash before this scan
    small.write_bytes(picture)
    scan(qtbot, window, simple_library.root)
    g = next(i for i, group in enumerate(window.review.groups) if group.kind == "near")
    assert window.review.set_mark(g, 0, True)  # the big copy goes; the small one is kept
    os.remove(small)
    _, dialog = _open(qtbot, window, "near", 1)
    text = _message(qtbot, dialog, "no longer at")
    assert f"no longer at {small.parent}" in text
    assert "Trash" not in text  # deleted, not trashed: the Trash holds another file
    assert _pane_of(dialog, 1).state.text() == "No longer on disk"  # not "Kept"
    assert "unmark it (U)" in dialog.notice.text()
    qtbot.keyClick(dialog, Qt.Key.Key_U)  # the keys act on the copy that is still there
    assert window.review.marked(g) == set()
    assert not _marked_on_card(window, 0)
    qtbot.mouseClick(_pane_of(dialog, 1).keep, Qt.MouseButton.LeftButton)  # disabled
    assert window.review.marked(g) == set()
    dialog.reject()


def test_a_damaged_copy_says_why(qtbot: QtBot, window: MainWindow,
                                 simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    small = simple_library.near[1]
    small.write_bytes(b"not a picture any more" * 40)
    g, dialog = _open(qtbot, window, "near", 1)
    text = _message(qtbot, dialog, "not a supported image")
    assert text.startswith("This copy cannot be shown: ")
    qtbot.keyClick(dialog, Qt.Key.Key_Delete)  # a damaged copy may still be marked
    assert window.review.marked(g) == {1}
    assert not window.ops.busy  # Delete marks in the view; it trashes nothing
    dialog.reject()


def test_a_regroup_landing_under_the_view_stops_its_marks(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    _, dialog = _open(qtbot, window, "near", 1)
    right = dialog.panes[1]
    # the slider moved just before the view opened: its regroup lands under the view...
    with qtbot.waitSignal(window.review.reset, timeout=LOADED_MS):
        window.commands.threshold.setValue(window.commands.threshold.value() - 1)
    wait_idle(qtbot, window)
    assert right.state.text() == "Kept"  # ...with the same copies: the view still acts
    assert right.mark.isEnabled()
    # ...or the window shows another group: the view's copy numbers mean nothing there
    other = next(i for i, group in enumerate(window.review.groups) if group.kind == "exact")
    window.groups.select_row(window.groups.model.row_of(other))
    assert right.state.text() == "The groups changed"
    assert not right.mark.isEnabled()
    before = [set(m) for m in window.review.selection.marked]
    qtbot.keyClick(dialog, Qt.Key.Key_M)
    qtbot.keyClick(dialog, Qt.Key.Key_K)
    assert [set(m) for m in window.review.selection.marked] == before
    assert "groups changed" in dialog.notice.text()
    dialog.reject()

