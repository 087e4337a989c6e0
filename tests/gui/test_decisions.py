"""Decisions that last, in the window (issue 12): N says the current copy is not a
duplicate, R marks the group reviewed; the group vanishes, the status bar counts what the
decisions hide and opens their list, a decision removed there brings its group back, and
Ctrl+Z takes back the last decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from dupeviewer.core.decisions import DecisionStore
from tests.helpers.window import SCAN_TIMEOUT_MS, scan, wait_idle

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow
    from tests.helpers.libraries import Library3


def _show(window: MainWindow, path: Path) -> None:
    g = next(g for g, group in enumerate(window.review.groups)
             if any(m.path == str(path) for m in group.members))
    window.groups.select_row(window.groups.model.row_of(g))
    assert window.cards.model.group == g


def _go_to(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    model = window.cards.model
    row = next(r for r in range(model.rowCount())
               if window.review.groups[model.group].members[r].path == str(path))
    view = window.cards.view
    view.setFocus()
    for _ in range(model.rowCount()):
        qtbot.keyClick(view, Qt.Key.Key_Left)
    for _ in range(row):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.cards.current_row() == row


def _grouped(window: MainWindow) -> list[set[str]]:
    return [{m.path for m in g.members} for g in window.review.groups]


def _key(qtbot: QtBot, window: MainWindow, key: Qt.Key,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        qtbot.keyClick(window.cards.view, key, modifier)
    wait_idle(qtbot, window)


def test_decide_with_keys_see_the_group_vanish_list_and_remove(
        qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow,
        simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    near = {str(p) for p in simple_library.near}
    exact = {str(p) for p in simple_library.exact}
    assert sorted(map(sorted, _grouped(window))) == sorted([sorted(exact), sorted(near)])

    _show(window, simple_library.near[1])
    _go_to(qtbot, window, simple_library.near[1])
    _key(qtbot, window, Qt.Key.Key_N)  # the small copy is another picture
    assert _grouped(window) == [exact]
    assert not window.status.decisions_button.isVisible()  # a split hides no group

    _show(window, simple_library.exact[0])
    window.cards.view.setFocus()
    _key(qtbot, window, Qt.Key.Key_R)  # reviewed, keep all
    assert _grouped(window) == []
    button = window.status.decisions_button
    assert button.isVisible()
    assert button.text() == "1 group hidden by your decisions"
    qtmodeltester.check(window.groups.model)

    with qtbot.waitSignal(window.ops.decisions_listed, timeout=SCAN_TIMEOUT_MS):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.decisions_dialog
    assert dialog is not None
    assert dialog.isVisible()
    tree = dialog.tree
    assert tree.topLevelItemCount() == 2
    assert tree.topLevelItem(0).text(1).startswith("Reviewed, keep all")  # newest first
    assert tree.topLevelItem(1).text(1) == "Not duplicates: b_small.jpg and b.jpg"
    assert "hide 1 group" in dialog.summary.text()

    tree.setCurrentItem(tree.topLevelItem(0))
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.remove, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _grouped(window) == [exact]  # the reviewed group is back
    assert tree.topLevelItemCount() == 1
    assert not button.isVisible()
    assert len(DecisionStore().all()) == 1
    qtmodeltester.check(window.groups.model)


def test_ctrl_z_takes_back_the_last_decision(qtbot: QtBot, window: MainWindow,
                                             simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    _show(window, simple_library.exact[0])
    window.cards.view.setFocus()
    _key(qtbot, window, Qt.Key.Key_R)
    assert len(window.review.groups) == 1
    assert window.commands.undo.isEnabled()
    _key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {str(p) for p in simple_library.exact} in _grouped(window)
    assert len(window.review.groups) == 2
    assert DecisionStore().all() == []
    assert "Undone: reviewed, keep all" in window.status.currentMessage()
    assert not window.commands.undo.isEnabled()  # nothing else to undo


def test_a_decision_made_in_the_window_holds_for_the_next_window(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    _show(window, simple_library.near[0])
    window.cards.view.setFocus()
    _key(qtbot, window, Qt.Key.Key_R)
    window.close()
    from dupeviewer.gui.main_window import MainWindow as Window

    again = Window(window.settings)
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.review.reset, timeout=SCAN_TIMEOUT_MS):
        again.ops.start_scan()
    wait_idle(qtbot, again)
    assert [{m.path for m in g.members} for g in again.review.groups] == [
        {str(p) for p in simple_library.exact}]
    assert again.status.decisions_button.text() == "1 group hidden by your decisions"
    again.close()


def test_a_reviewed_group_comes_back_with_its_new_copy_shown_as_new(
        qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow,
        simple_library: Library3) -> None:
    from PIL import Image

    from dupeviewer.gui.models.members import MemberRole

    scan(qtbot, window, simple_library.root)
    _show(window, simple_library.near[0])
    window.cards.view.setFocus()
    _key(qtbot, window, Qt.Key.Key_R)
    assert window.commands.undo.text() == "&Undo Decision"
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.ops.start_scan()  # a rescan with nothing new: still hidden
    wait_idle(qtbot, window)
    assert len(window.review.groups) == 1
    third = simple_library.root / "b third.jpg"
    with Image.open(simple_library.near[0]) as picture:
        picture.resize((360, 270), Image.Resampling.LANCZOS).save(third, quality=80)
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.ops.start_scan()
    wait_idle(qtbot, window)
    assert {str(third), *map(str, simple_library.near)} in _grouped(window)
    _show(window, third)
    model = window.cards.model
    labels = {model.index(r, 0).data(MemberRole.Name): model.index(r, 0).data(
        MemberRole.Similarity) for r in range(model.rowCount())}
    assert labels["b third.jpg"].startswith("New since reviewed")
    assert not any(str(v).startswith("New") for k, v in labels.items() if k != "b third.jpg")
    assert not window.status.decisions_button.isVisible()
    qtmodeltester.check(model)
