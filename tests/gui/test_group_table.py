"""A large group opens as a compact table: sortable by its headers, marked by Space or a
click on the box, and switched to cards and back with the Table button."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from dupeviewer.core.model import Options
from dupeviewer.gui.models.columns import Column, MemberColumns
from dupeviewer.gui.models.members import MemberModel
from dupeviewer.gui.models.review import Review
from dupeviewer.gui.widgets.table import CopyTable
from tests.helpers.pictures import photo_like
from tests.helpers.synthetic import result
from tests.helpers.window import scan

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow

COPIES = 40


def _library(root: Path) -> Path:
    """40 sizes of one picture (a near group of 40) and three byte copies of another."""
    (root / "sizes").mkdir(parents=True)
    picture = photo_like(7, (640, 480))
    for i in range(COPIES):
        width = 200 + 7 * ((i * 17) % COPIES)  # sizes in no order of the names
        picture.resize((width, width * 3 // 4), Image.Resampling.LANCZOS).save(
            root / "sizes" / f"copy {i:02d}.jpg", quality=90)
    photo_like(8, (480, 360)).save(root / "small.jpg", quality=90)
    for name in ("small copy.jpg", "small copy 2.jpg"):
        shutil.copy2(root / "small.jpg", root / name)
    return root


@pytest.fixture
def scanned(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    scan(qtbot, window, _library(tmp_path / "photos"))
    assert sorted(len(g.members) for g in window.review.groups) == [3, COPIES]
    return window


def _go_to_group(qtbot: QtBot, window: MainWindow, copies: int) -> None:
    """Press Down in the group list until the current group has ``copies`` copies."""
    window.groups.view.setFocus()
    qtbot.keyClick(window.groups.view, Qt.Key.Key_Home)
    for _ in range(len(window.review)):
        if len(window.review.groups[window.groups.current()].members) == copies:
            return
        qtbot.keyClick(window.groups.view, Qt.Key.Key_Down)
    pytest.fail(f"no group of {copies} copies")


def _column(table: CopyTable, column: Column) -> list[str]:
    model = table.model()
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def _widths(table: CopyTable) -> list[int]:
    return [int(cell.split()[0]) for cell in _column(table, Column.Resolution)]


def _click_header(qtbot: QtBot, table: CopyTable, column: Column) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def _click_cell(qtbot: QtBot, table: CopyTable, row: int, column: Column) -> None:
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _click_box(qtbot: QtBot, table: CopyTable, row: int) -> None:
    index = table.model().index(row, Column.Mark)
    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.rect = table.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
    option.text = str(index.data())
    box = table.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator,
                                       option, table)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=box.center())


def test_a_large_group_opens_as_a_table_sorted_by_a_click_on_a_header(
        qtbot: QtBot, scanned: MainWindow) -> None:
    cards = scanned.cards
    _go_to_group(qtbot, scanned, COPIES)
    qtbot.waitUntil(lambda: cards.table.isVisible())
    assert not cards.view.isVisible()
    table = cards.table
    assert table.model().rowCount() == COPIES  # one row a copy
    assert _column(table, Column.Match)[0] == "Kept copy"  # the group's order: keeper first
    assert len(set(_column(table, Column.Name))) == COPIES

    _click_header(qtbot, table, Column.Resolution)
    widths = _widths(table)
    assert widths == sorted(widths)
    assert widths != _widths_unsorted(scanned)
    _click_header(qtbot, table, Column.Resolution)
    assert _widths(table) == sorted(widths, reverse=True)
    _click_header(qtbot, table, Column.Name)
    names = _column(table, Column.Name)
    assert names == sorted(names)
    assert names[0] == "copy 00.jpg"

    _go_to_group(qtbot, scanned, 3)  # another group and back: still sorted by name
    _go_to_group(qtbot, scanned, COPIES)
    assert _column(table, Column.Name) == names


def _widths_unsorted(window: MainWindow) -> list[int]:
    group = window.review.groups[window.groups.current()]
    return [m.info.width for m in group.members]


def test_space_and_a_click_on_the_box_mark_copies_in_the_table(
        qtbot: QtBot, scanned: MainWindow) -> None:
    _go_to_group(qtbot, scanned, COPIES)
    table = scanned.cards.table
    qtbot.waitUntil(table.isVisible)
    g = scanned.groups.current()
    group = scanned.review.groups[g]
    _click_header(qtbot, table, Column.Name)  # marks follow the copy, whatever the order
    _click_cell(qtbot, table, 5, Column.Name)
    copy = table.member_row()
    assert group.members[copy].path.endswith(_column(table, Column.Name)[5])
    assert copy not in scanned.review.marked(g)

    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert scanned.review.marked(g) == {copy}
    assert _column(table, Column.Mark)[5] == "Trash"
    assert "1 marked" in scanned.cards.subtitle.text()
    assert scanned.commands.trash.isEnabled()

    qtbot.keyClick(table, Qt.Key.Key_Down)  # the arrows move along the rows
    below = table.member_row()
    assert group.members[below].path.endswith(_column(table, Column.Name)[6])
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert scanned.review.marked(g) == {copy, below}
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert scanned.review.marked(g) == {copy}

    _click_box(qtbot, table, 9)
    ninth = table.model().index(9, Column.Mark)
    assert len(scanned.review.marked(g)) == 2
    assert ninth.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    _click_box(qtbot, table, 9)
    assert scanned.review.marked(g) == {copy}

    keeper_row = _column(table, Column.Match).index("Kept copy")
    _click_box(qtbot, table, keeper_row)  # the keeper has no box: nothing changes
    _click_cell(qtbot, table, keeper_row, Column.Name)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert scanned.review.marked(g) == {copy}


def test_the_table_button_switches_between_table_and_cards(
        qtbot: QtBot, scanned: MainWindow) -> None:
    cards = scanned.cards
    _go_to_group(qtbot, scanned, 3)
    qtbot.waitUntil(cards.view.isVisible)  # a small group: cards
    assert not cards.table.isVisible()
    assert not cards.table_button.isChecked()
    qtbot.mouseClick(cards.table_button, Qt.MouseButton.LeftButton)
    assert cards.table.isVisible()
    assert cards.table.model().rowCount() == 3

    _go_to_group(qtbot, scanned, COPIES)
    qtbot.waitUntil(cards.table.isVisible)
    qtbot.keyClick(cards.table, Qt.Key.Key_Down)
    qtbot.keyClick(cards.table, Qt.Key.Key_Down)
    current = cards.current_row()
    qtbot.mouseClick(cards.table_button, Qt.MouseButton.LeftButton)
    assert cards.view.isVisible()
    assert not cards.table.isVisible()
    assert cards.view.currentIndex().row() == current  # the same copy stays current
    qtbot.mouseClick(cards.table_button, Qt.MouseButton.LeftButton)
    assert cards.table.isVisible()
    assert cards.current_row() == current


def test_the_key_hint_below_the_table_names_its_keys(
        qtbot: QtBot, scanned: MainWindow) -> None:
    cards = scanned.cards
    _go_to_group(qtbot, scanned, 3)
    qtbot.waitUntil(cards.view.isVisible)
    assert "\u2191 \u2193 groups" in cards.keys.text()  # on the cards the arrows step groups
    qtbot.mouseClick(cards.table_button, Qt.MouseButton.LeftButton)
    assert cards.table.isVisible()
    hint = cards.keys.text()
    assert "\u2191 \u2193 copies" in hint  # in the table they move along its rows...
    assert "J K groups" in hint  # ...and J and K step through the groups
    qtbot.keyClick(cards.table, Qt.Key.Key_Down)  # as the hint says
    assert cards.current_row() == 1
    qtbot.mouseClick(cards.table_button, Qt.MouseButton.LeftButton)
    assert "\u2191 \u2193 groups" in cards.keys.text()


def test_a_narrow_table_shows_the_names_whole_and_cuts_folders_in_the_middle(
        qtbot: QtBot, scanned: MainWindow) -> None:
    cards = scanned.cards
    _go_to_group(qtbot, scanned, COPIES)
    qtbot.waitUntil(cards.table.isVisible)
    table = cards.table
    table.resize(560, table.height())  # about its width in a 1024-pixel window
    metrics = table.fontMetrics()
    room = table.columnWidth(Column.Name) - 8  # the cell's margins
    for name in _column(table, Column.Name):  # "copy 00.jpg" ... "copy 39.jpg"
        assert metrics.horizontalAdvance(name) <= room, name
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle  # "ph…/2015/08"
    names = _column(table, Column.Name)
    assert len(set(names)) == len(names)


def _exercise(review: Review, members: MemberModel, columns: MemberColumns) -> None:
    review.unmark_all()
    columns.setData(columns.index(1, Column.Mark), Qt.CheckState.Checked,
                    Qt.ItemDataRole.CheckStateRole)
    assert review.marked(1) == {1}
    review.mark_all_but_keeper()
    columns.set_active(False)  # hidden: no rows, and changes meanwhile are not forwarded
    review.unmark_all()
    members.show_group(3)
    columns.set_active(True)
    members.show_group(1)
    review.mark_all_but_keeper()
    review.remove_paths([review.groups[1].members[-1].path])
    members.show_group(-1)
    members.show_group(2)


@pytest.fixture
def parts(qtbot: QtBot) -> Iterator[tuple[Review, MemberModel, CopyTable]]:
    """A review of synthetic groups and a table over its member model (torn down after
    the model tester that watches it)."""
    review = Review()
    review.load(result(6, copies=4), Options(), mark_near=False)
    members = MemberModel(review)
    table = CopyTable(members)
    yield review, members, table
    table.deleteLater()


@pytest.mark.parametrize("sorted_view", [False, True], ids=["columns", "sort proxy"])
def test_the_table_models_pass_the_model_tester(
        parts: tuple[Review, MemberModel, CopyTable], qtmodeltester: ModelTester,
        sorted_view: bool) -> None:
    review, members, table = parts
    members.show_group(1)
    table.sortByColumn(Column.Size, Qt.SortOrder.DescendingOrder)
    model = table.proxy if sorted_view else table.columns
    qtmodeltester.check(model, force_py=True)
    _exercise(review, members, table.columns)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 4
