"""Deciding a group in one key: P keeps the current copy, O keeps only it, the view goes on
to the next undecided group, Keep by Rule shows what it marks first, and no card is ever
both the kept copy and a trash copy."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QStyleOptionViewItem

from dupeviewer.core.model import Options
from dupeviewer.gui import text
from dupeviewer.gui.dialogs.files import ConfirmTrashDialog
from dupeviewer.gui.models.members import MemberRole
from dupeviewer.gui.models.review import Review
from dupeviewer.gui.settings import Settings
from dupeviewer.gui.widgets.delegates import CARD
from tests.helpers.synthetic import result
from tests.helpers.window import SCAN_TIMEOUT_MS, scan, wait_idle

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow
    from tests.helpers.libraries import Library3


class _Recorder(QPainter):
    """A painter that remembers every text it draws."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:  # type: ignore[override]
        self.texts += [a for a in args if isinstance(a, str)]
        super().drawText(*args)


def _painted(window: MainWindow, row: int) -> list[str]:
    """The texts the card of ``row`` paints."""
    view = window.cards.view
    image = QImage(CARD, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = _Recorder(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, CARD.width(), CARD.height())  # type: ignore[attr-defined]
    option.font = view.font()  # type: ignore[attr-defined]
    view.itemDelegate().paint(painter, option, window.cards.model.index(row, 0))
    painter.end()
    return painter.texts


def _show(window: MainWindow, path: Path) -> int:
    """Make the group holding ``path`` current; its Review index."""
    g = next(g for g, group in enumerate(window.review.groups)
             if any(m.path == str(path) for m in group.members))
    window.groups.select_row(window.groups.model.row_of(g))
    assert window.cards.model.group == g
    return g


def _row(window: MainWindow, path: Path) -> int:
    model = window.cards.model
    return next(r for r in range(model.rowCount())
                if model.index(r, 0).data(MemberRole.Path) == str(path))


def _go_to(qtbot: QtBot, window: MainWindow, row: int) -> None:
    """Walk to the card in ``row`` with the arrow keys, from the first card."""
    view = window.cards.view
    view.setFocus()
    for _ in range(window.cards.model.rowCount()):
        qtbot.keyClick(view, Qt.Key.Key_Left)
    for _ in range(row):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.cards.current_row() == row


def _cards(window: MainWindow) -> list[tuple[str, bool, bool]]:
    """(file name, shows KEEP, marked) for each card of the shown group."""
    model = window.cards.model
    return [(str(model.index(r, 0).data(MemberRole.Name)),
             bool(model.index(r, 0).data(MemberRole.IsKeeper)),
             bool(model.index(r, 0).data(MemberRole.Marked))) for r in range(model.rowCount())]


def _never_keep_and_trash(window: MainWindow) -> None:
    cards = _cards(window)
    assert sum(keep for _, keep, _ in cards) == 1
    for row, (_, keep, marked) in enumerate(cards):
        assert not (keep and marked)
        painted = _painted(window, row)
        assert not ("KEEP" in painted and marked)


def test_p_keeps_the_current_copy_and_premarks_the_others(
        qtbot: QtBot, qtmodeltester: ModelTester, window: MainWindow,
        simple_library: Library3) -> None:
    window.commands.next_undecided.setChecked(False)
    scan(qtbot, window, simple_library.root)
    _show(window, simple_library.exact[0])
    row = _row(window, simple_library.exact[2])
    assert not window.cards.model.index(row, 0).data(MemberRole.IsKeeper)
    _go_to(qtbot, window, row)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_P)
    cards = _cards(window)
    assert [c for c in cards if c[1]] == [("a copy.jpg", True, False)]
    assert all(marked for name, keep, marked in cards if not keep)  # exact copies: pre-set
    index = window.cards.model.index(row, 0)
    assert index.data(MemberRole.Similarity) == "Kept copy"
    assert "Keeping a copy.jpg: chosen by you" in window.cards.subtitle.text()
    painted = _painted(window, row)
    assert "KEEP" in painted
    assert "Kept: chosen by you" in painted
    _never_keep_and_trash(window)

    # In a near pair the pre-set marks leave the other copy alone; O marks it.
    _show(window, simple_library.near[0])
    small = _row(window, simple_library.near[1])
    _go_to(qtbot, window, small)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_P)
    assert _cards(window)[small] == ("b_small.jpg", True, False)
    assert window.review.marked(window.cards.model.group) == set()
    qtbot.keyClick(window.cards.view, Qt.Key.Key_O)
    assert window.review.marked(window.cards.model.group) == {1 - small}
    _never_keep_and_trash(window)
    qtmodeltester.check(window.cards.model)
    qtmodeltester.check(window.groups.model)


def test_space_on_the_keeper_moves_the_keep_badge(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    g = _show(window, simple_library.exact[0])
    keeper = window.review.groups[g].keeper
    other = next(r for r in range(3) if r != keeper)
    _go_to(qtbot, window, other)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Space)  # unmark one copy
    _go_to(qtbot, window, keeper)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Space)  # then mark the keeper
    assert keeper in window.review.marked(g)
    _never_keep_and_trash(window)
    name, keep, marked = _cards(window)[other]
    assert keep
    assert not marked
    assert "Move to Trash" in _painted(window, keeper)
    assert "KEEP" not in _painted(window, keeper)
    assert f"Keeping {name}: the copy left unmarked" in window.cards.subtitle.text()


def test_after_a_decision_the_next_undecided_group_shows(
        qtbot: QtBot, window: MainWindow, settings: Settings, simple_library: Library3,
        tmp_path: Path) -> None:
    assert window.commands.next_undecided.isChecked()  # on by default
    scan(qtbot, window, simple_library.root)
    view = window.groups.view
    first = window.groups.current()
    window.cards.view.setFocus()
    qtbot.keyClick(window.cards.view, Qt.Key.Key_P)
    second = window.groups.current()
    assert second != first
    assert window.review.decided(first)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_P)  # the last undecided group
    assert window.groups.current() == second
    assert "every group" in window.status.currentMessage()
    assert view.currentIndex().row() == window.groups.model.row_of(second)

    window.commands.next_undecided.setChecked(False)
    settings.sync()
    again = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.next_undecided is False
    window.groups.select_row(0)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_O)
    assert window.groups.view.currentIndex().row() == 0  # stays: the setting is off


def test_the_card_menu_keeps_a_copy(qtbot: QtBot, window: MainWindow,
                                    simple_library: Library3) -> None:
    window.commands.next_undecided.setChecked(False)
    scan(qtbot, window, simple_library.root)
    g = _show(window, simple_library.near[0])
    small = _row(window, simple_library.near[1])
    menu = window.cards.menu_for(small)
    labels = [a.text() for a in menu.actions()]
    assert "Keep This Copy\tP" in labels
    only = next(a for a in menu.actions() if a.text().startswith("Keep Only This Copy"))
    only.trigger()
    assert _cards(window)[small][1:] == (True, False)
    assert window.review.marked(g) == {1 - small}
    _never_keep_and_trash(window)


def _apply(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.prompts.rule_dialog
    assert dialog is not None
    button = dialog.findChild(QPushButton, "apply-rule")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_keep_by_rule_says_what_it_marks_then_moves_every_badge(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    window.commands.next_undecided.setChecked(False)
    scan(qtbot, window, simple_library.root)
    g = _show(window, simple_library.near[0])
    small = _row(window, simple_library.near[1])
    _go_to(qtbot, window, small)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_P)  # keep the small copy
    assert _cards(window)[small][1]

    window.commands.keep_by["resolution"].trigger()
    dialog = window.prompts.rule_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Keep by Rule in All Groups"
    assert dialog.text() == "Keep the copy with the highest resolution in all 2 groups?"
    sizes = [m.info.size for group in window.review.groups for m in group.members]
    big_copy = window.review.groups[g].members[1 - small].info.size
    marked = sum(sizes) - big_copy - window.review.groups[1 - g].keep.info.size
    assert dialog.informativeText().startswith(
        f"This marks 3 files ({text.data_size(marked)}) for the Trash")
    assert _cards(window)[small][1]  # nothing changed before the user agrees
    _apply(qtbot, window)

    cards = _cards(window)
    assert cards[small] == ("b_small.jpg", False, True)
    assert cards[1 - small] == ("b.jpg", True, False)
    model = window.cards.model
    assert model.index(1 - small, 0).data(MemberRole.Similarity) == "Kept copy"
    assert model.index(small, 0).data(MemberRole.Similarity) != "Kept copy"
    assert "Keeping b.jpg: highest resolution (480\u00d7360); by rule" in \
        window.cards.subtitle.text()
    assert "Kept: highest resolution (480\u00d7360)" in _painted(window, 1 - small)
    _never_keep_and_trash(window)
    assert window.review.selection.bytes == marked


def test_keep_by_rule_in_this_group_from_the_card_menu(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    window.commands.next_undecided.setChecked(False)
    scan(qtbot, window, simple_library.root)
    window.commands.unmark_all.trigger()
    g = _show(window, simple_library.near[0])
    menu = window.cards.menu_for(0)
    rules = next(a.menu() for a in menu.actions() if a.text() == "Keep by Rule in This Group")
    smallest = next(a for a in rules.actions() if a.text() == "&Newest Date Taken")
    smallest.trigger()
    dialog = window.prompts.rule_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Keep by Rule in This Group"
    assert dialog.text() == "Keep the copy with the newest date taken in this group?"
    assert dialog.informativeText().startswith("This marks 1 file (")
    _apply(qtbot, window)
    assert len(window.review.marked(g)) == 1
    assert window.review.selection.count == 1  # the other group is left alone
    _never_keep_and_trash(window)


def test_the_status_bar_reclaimable_follows_the_marks(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    before = window.status.summary.text()
    assert f"{text.data_size(window.review.selection.bytes)} reclaimable" in before
    assert "(2 files marked)" in before
    _show(window, simple_library.exact[0])
    _go_to(qtbot, window, 1)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Space)
    after = window.status.summary.text()
    assert after != before
    assert f"{text.data_size(window.review.selection.bytes)} reclaimable" in after
    assert "(1 file marked)" in after


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["toggle", "decide", "only", "rule", "all"]),
                          st.integers(0, 5), st.integers(0, 4)), max_size=40))
def test_no_sequence_of_decisions_marks_a_keeper(actions: list[tuple[str, int, int]]) -> None:
    review = Review()
    review.load(result(6, copies=2), Options(), mark_near=False)
    for action, g, m in actions:
        m = m % len(review.groups[g].members)
        if action == "toggle":
            review.toggle(g, m)
        elif action in ("decide", "only"):
            review.decide(g, m, rest=action == "only")
        elif action == "rule":
            review.keep_by("newest" if m % 2 else "size", groups=[g] if m > 1 else None)
        else:
            review.mark_all_but_keeper()
        for index, group in enumerate(review.groups):
            assert group.keeper not in review.marked(index)
            assert len(review.marked(index)) < len(group.members)


def _pick_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """The folder dialog answers ``folder``; the folders it started in."""
    asked: list[str] = []

    def answer(parent: object, caption: str, start: str) -> str:
        asked.append(start)
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", answer)
    return asked


def test_move_the_marked_copies_to_a_folder_then_undo(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scan(qtbot, window, simple_library.root)
    aside = tmp_path / "Set aside"
    aside.mkdir()
    (aside / "a.jpg").write_bytes(b"not a photo of ours")
    marked = sorted(path for path, _ in window.review.marked_files())
    assert len(marked) == 2
    asked = _pick_folder(monkeypatch, aside)
    window.commands.move_to_folder.trigger()
    dialog = window.prompts.confirm_dialog
    assert isinstance(dialog, ConfirmTrashDialog)
    assert dialog.windowTitle() == "Move to Folder"
    assert dialog.title.text() == f"Move 2 files to {aside}?"
    qtbot.mouseClick(dialog.trash_button, Qt.MouseButton.LeftButton)
    assert window.ops.kind == "move"
    wait_idle(qtbot, window)

    assert all(not os.path.lexists(p) for p in marked)
    names = sorted(p.name for p in aside.iterdir())
    assert (aside / "a.jpg").read_bytes() == b"not a photo of ours"  # never overwritten
    assert len(names) == 3
    assert "a (2).jpg" in names
    assert len(window.review) == 1  # the exact group is done
    assert window.status.currentMessage().startswith(f"Moved 2 files to {aside}")
    assert window.settings.move_folder == str(aside)

    assert window.commands.undo.isEnabled()
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):  # rescan after undo
        window.commands.undo.trigger()
    wait_idle(qtbot, window)
    assert all(os.path.exists(p) for p in marked)
    assert sorted(p.name for p in aside.iterdir()) == ["a.jpg"]
    assert len(window.review) == 2

    window.commands.move_to_folder.trigger()  # the dialog starts where the last move went
    assert asked == [os.path.expanduser("~"), str(aside)]


def test_moving_into_a_scanned_folder_is_refused(
        qtbot: QtBot, window: MainWindow, simple_library: Library3,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scan(qtbot, window, simple_library.root)
    inside = simple_library.root / "Backup"
    _pick_folder(monkeypatch, inside)
    window.commands.move_to_folder.trigger()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert "a folder being scanned" in boxes[0].text()
    assert window.prompts.confirm_dialog is None
    assert all(p.exists() for p in simple_library.exact)


def test_the_chosen_keeper_survives_a_regroup_and_a_move(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window.commands.next_undecided.setChecked(False)
    scan(qtbot, window, simple_library.root)
    _show(window, simple_library.near[0])
    _go_to(qtbot, window, _row(window, simple_library.near[1]))
    qtbot.keyClick(window.cards.view, Qt.Key.Key_P)
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
        window.commands.threshold.setValue(window.commands.threshold.value() - 1)
    wait_idle(qtbot, window)
    g = _show(window, simple_library.near[0])
    assert window.review.groups[g].keep.path == str(simple_library.near[1])
    assert window.review.decided(g)

    g = _show(window, simple_library.exact[0])
    chosen = _row(window, simple_library.exact[2])
    _go_to(qtbot, window, chosen)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_P)
    other = next(r for r in range(3) if r != chosen and
                 window.cards.model.index(r, 0).data(MemberRole.Path) ==
                 str(simple_library.exact[0]))
    _go_to(qtbot, window, other)
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Space)  # keep a.jpg as well
    aside = tmp_path / "aside"
    aside.mkdir()
    _pick_folder(monkeypatch, aside)
    window.commands.move_to_folder.trigger()
    dialog = window.prompts.confirm_dialog
    assert isinstance(dialog, ConfirmTrashDialog)
    qtbot.mouseClick(dialog.trash_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    g = _show(window, simple_library.exact[0])
    assert len(window.review.groups[g].members) == 2
    assert window.review.groups[g].keep.path == str(simple_library.exact[2])
    _never_keep_and_trash(window)
