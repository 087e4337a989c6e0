"""Marking through the window: suggested plan, bulk rules, and the never-all invariant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from dupeviewer.core.model import Options
from dupeviewer.gui.main_window import MainWindow
from dupeviewer.gui.models.members import MemberRole
from dupeviewer.gui.models.review import Review
from tests.helpers.synthetic import result
from tests.helpers.window import scan

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.settings import Settings
    from tests.helpers.libraries import Library3


def _group_of(window: MainWindow, path: Path) -> int:
    return next(g for g, group in enumerate(window.review.groups)
                if any(m.path == str(path) for m in group.members))


def _marked_paths(window: MainWindow) -> set[str]:
    review = window.review
    return {review.groups[g].members[m].path for g, m in review.selection.items()}


def test_suggested_plan_marks_exact_copies_but_not_near_ones(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    exact, near = _group_of(window, simple_library.exact[0]), _group_of(window,
                                                                         simple_library.near[0])
    assert len(window.review.marked(exact)) == 2
    assert window.review.marked(near) == set()
    assert window.commands.trash.isEnabled()
    assert window.commands.trash.text().startswith("&Move 2 Files (")
    assert window.commands.trash_button.text().startswith("Move 2 Files (")


def test_setting_premarks_near_groups(qtbot: QtBot, window: MainWindow,
                                      simple_library: Library3) -> None:
    window.commands.mark_near.setChecked(True)
    scan(qtbot, window, simple_library.root)
    near = _group_of(window, simple_library.near[0])
    assert window.review.marked(near) == {1}
    assert window.settings.mark_near


def test_bulk_actions(qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    window.commands.unmark_all.trigger()
    assert window.review.selection.count == 0
    assert not window.commands.trash.isEnabled()
    window.commands.mark_all.trigger()
    assert window.review.selection.count == 3
    near = _group_of(window, simple_library.near[0])
    window.commands.keep_by["resolution"].trigger()
    _apply_rule(qtbot, window)
    kept = window.review.groups[near].members
    small = next(i for i, m in enumerate(kept) if m.path == str(simple_library.near[1]))
    assert window.review.marked(near) == {small}
    window.commands.keep_by["size"].trigger()
    _apply_rule(qtbot, window)
    assert window.review.marked(near) == {small}


def _apply_rule(qtbot: QtBot, window: MainWindow) -> None:
    """Agree to the rule's confirmation (it names the files and bytes it marks)."""
    dialog = window.prompts.rule_dialog
    assert dialog is not None
    button = dialog.findChild(QPushButton, "apply-rule")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_keep_in_a_chosen_folder(qtbot: QtBot, window: MainWindow,
                                 simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    window.review.keep_by("folder", str(simple_library.root / "Backup"))
    marked = _marked_paths(window)
    assert str(simple_library.exact[0]) in marked  # the copy outside Backup goes
    assert str(simple_library.near[0]) in marked
    assert str(simple_library.near[1]) not in marked
    window.commands.keep_in_folder.aboutToShow.emit()
    labels = [a.text() for a in window.commands.keep_in_folder.actions()]
    assert labels == ["photos"]


def test_the_last_copy_can_never_be_marked_by_clicks_or_keys(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    g = _group_of(window, simple_library.exact[0])
    window.groups.select_row(window.groups.model.row_of(g))
    model = window.cards.model
    assert model.group == g
    for row in range(model.rowCount()):
        model.setData(model.index(row, 0), Qt.CheckState.Checked,
                      Qt.ItemDataRole.CheckStateRole)
    assert len(window.review.marked(g)) == model.rowCount() - 1
    unmarked = next(r for r in range(model.rowCount())
                    if not model.index(r, 0).data(MemberRole.Marked))
    index = model.index(unmarked, 0)
    assert not index.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    # Space on the card view toggles the current copy; on the last copy it does nothing.
    window.cards.view.setFocus()
    window.cards.select_row(unmarked)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Space)
    assert len(window.review.marked(g)) == model.rowCount() - 1
    window.cards.select_row(0 if unmarked else 1)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Space)
    assert len(window.review.marked(g)) == model.rowCount() - 2


def test_clicking_the_card_check_box_toggles_the_mark(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    g = _group_of(window, simple_library.exact[0])
    window.groups.select_row(window.groups.model.row_of(g))
    view = window.cards.view
    delegate = view.itemDelegate()
    rect = view.visualRect(window.cards.model.index(1, 0))
    box = delegate.check_rect(rect)  # type: ignore[attr-defined]
    before = 1 in window.review.marked(g)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
    assert (1 in window.review.marked(g)) != before


def test_reference_copies_are_never_marked(qtbot: QtBot, window: MainWindow,
                                           simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    window.folders.add([str(simple_library.root / "Backup")])
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=30_000)
    with qtbot.waitSignal(window.review.reset, timeout=30_000):
        window.folders.set_reference(str(simple_library.root / "Backup"), True)
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=30_000)
    window.commands.mark_all.trigger()
    for g, group in enumerate(window.review.groups):
        for m, member in enumerate(group.members):
            if "/Backup/" in member.path:
                assert member.reference
                assert m not in window.review.marked(g)
                assert not window.review.can_mark(g, m)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["toggle", "set", "all", "none", "keep", "suggest"]),
                          st.integers(0, 5), st.integers(0, 4), st.booleans()),
                max_size=40))
def test_no_sequence_of_actions_marks_every_copy(actions: list[tuple[str, int, int, bool]]
                                                 ) -> None:
    review = Review()
    review.load(result(6, copies=2), Options(), mark_near=False)
    for action, g, m, flag in actions:
        m = m % len(review.groups[g].members)
        if action == "toggle":
            review.toggle(g, m)
        elif action == "set":
            review.set_mark(g, m, flag)
        elif action == "all":
            review.mark_all_but_keeper()
        elif action == "none":
            review.unmark_all()
        elif action == "keep":
            review.keep_by("newest" if flag else "oldest")
        else:
            review.suggest(flag)
        for index, group in enumerate(review.groups):
            assert len(review.marked(index)) < len(group.members)


def test_settings_survive_a_restart(qtbot: QtBot, settings: Settings,
                                    simple_library: Library3) -> None:
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.folders.add([str(simple_library.root)])
    first.commands.threshold.setValue(4)
    first.commands.rotations.setChecked(True)
    first.resize(700, 500)  # the offscreen screen is 800 x 600
    first.close()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    assert second.folders.folders() == [str(simple_library.root)]
    assert second.commands.threshold.value() == 4
    assert second.commands.rotations.isChecked()
    assert second.settings.options().threshold == 4
    assert second.size().width() == 700
    second.close()
