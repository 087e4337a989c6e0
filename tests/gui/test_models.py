"""The group and copy models: qtmodeltester, granular signals, and 10,000 groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from dupeviewer.core.highlights import highlights
from dupeviewer.core.model import Options
from dupeviewer.gui.models.groups import GroupModel, GroupRole, Sort
from dupeviewer.gui.models.members import MemberModel, MemberRole
from dupeviewer.gui.models.review import Review
from tests.helpers.synthetic import group, result

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot


@pytest.fixture
def review(qtbot: QtBot) -> Review:
    state = Review()
    state.load(result(12), Options(), mark_near=False)
    return state


def test_group_model_passes_the_model_tester(qtmodeltester: ModelTester,
                                             review: Review) -> None:
    model = GroupModel(review)
    qtmodeltester.check(model, force_py=True)
    review.toggle(0, 1)
    review.mark_all_but_keeper()
    model.set_sort(Sort.Copies)
    review.remove_paths([m.path for m in review.groups[3].members[1:]])
    review.remove_paths([review.groups[0].members[1].path])
    review.load(result(5), Options(), mark_near=True)
    qtmodeltester.check(model, force_py=True)


def test_member_model_passes_the_model_tester(qtmodeltester: ModelTester,
                                              review: Review) -> None:
    model = MemberModel(review)
    model.show_group(1)
    qtmodeltester.check(model, force_py=True)
    model.setData(model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    review.unmark_all()
    review.remove_paths([review.groups[1].members[-1].path])
    model.show_group(-1)
    model.show_group(2)
    qtmodeltester.check(model, force_py=True)


def test_marks_change_rows_not_the_whole_model(qtbot: QtBot, review: Review) -> None:
    model = GroupModel(review)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged) as sig:
        review.toggle(4, 1)
    first, last = sig.args[0], sig.args[1]
    assert first.row() == last.row() == model.row_of(4)


def test_removing_a_group_removes_its_row(qtbot: QtBot, review: Review) -> None:
    model = GroupModel(review)
    doomed = review.groups[2]
    row = model.row_of(2)
    with qtbot.assertNotEmitted(model.modelReset), \
            qtbot.waitSignal(model.rowsRemoved) as sig:
        review.remove_paths([m.path for m in doomed.members[1:]])
    assert sig.args[1] == sig.args[2] == row
    assert model.rowCount() == 11
    keepers = {model.index(r, 0).data(GroupRole.KeeperPath) for r in range(11)}
    assert doomed.keep.path not in keepers


def test_sorting_by_space_reclaimable(review: Review) -> None:
    model = GroupModel(review)
    model.set_sort(Sort.Reclaimable)
    sizes = [model.index(r, 0).data(GroupRole.Reclaimable) for r in range(model.rowCount())]
    assert sizes == sorted(sizes, reverse=True)
    model.set_sort(Sort.Copies)
    counts = [model.index(r, 0).data(GroupRole.Count) for r in range(model.rowCount())]
    assert counts == sorted(counts, reverse=True)


def test_sorting_keeps_the_current_row_on_its_group(qtbot: QtBot, review: Review) -> None:
    from PySide6.QtWidgets import QListView

    model = GroupModel(review)
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setCurrentIndex(model.index(5, 0))
    keeper = model.index(5, 0).data(GroupRole.KeeperPath)
    model.set_sort(Sort.Name)
    assert view.currentIndex().data(GroupRole.KeeperPath) == keeper


def test_highlights_mark_what_stands_out() -> None:
    near = group(0, copies=3, kind="near")
    marks = highlights(near)
    assert "resolution" in marks[0]
    assert "resolution" not in marks[1]
    assert "size" in marks[0]
    assert "date" in marks[0]
    assert "date" not in marks[2]
    same = group(0, copies=2, kind="exact")
    assert "resolution" not in highlights(same)[0]


def test_member_roles_describe_the_copy(review: Review) -> None:
    model = MemberModel(review)
    model.show_group(0)
    keeper, copy = model.index(0, 0), model.index(1, 0)
    assert keeper.data(MemberRole.IsKeeper)
    assert not copy.data(MemberRole.IsKeeper)
    assert keeper.data(MemberRole.KeeperReason) == "highest resolution"
    assert keeper.data(MemberRole.Dimensions) == "640 \u00d7 480"
    assert copy.data(MemberRole.Name) == "copy1.jpg"
    assert copy.data(MemberRole.Folder) == "photos/g0"
    assert copy.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert keeper.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked


def test_ten_thousand_groups_paint_only_what_is_visible(qtbot: QtBot) -> None:
    """Loading, sorting, scrolling and toggling 10,000 groups paints the rows on screen,
    never all of them (the work, counted; the time is in benchmarks/)."""
    from PySide6.QtWidgets import QApplication, QListView

    from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
    from dupeviewer.gui.widgets.delegates import GroupDelegate

    review = Review()
    big = result(10_000)
    model = GroupModel(review)
    loader = ThumbnailLoader()
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    painted: list[int] = []

    class Counting(GroupDelegate):
        def paint(self, painter: Any, option: Any, index: Any) -> None:
            painted.append(index.row())
            super().paint(painter, option, index)

    view.setItemDelegate(Counting(loader, view))
    view.setUniformItemSizes(True)
    view.resize(360, 800)
    view.show()
    qtbot.waitExposed(view)
    review.load(big, Options(), mark_near=False)
    model.set_sort(Sort.Copies)
    model.set_sort(Sort.Reclaimable)
    view.scrollToBottom()
    QApplication.processEvents()  # layout and paint as the event loop would
    view.scrollTo(model.index(5000, 0))
    QApplication.processEvents()
    review.toggle(9000, 1)
    QApplication.processEvents()
    loader.new_generation()
    assert loader.shutdown(5000)
    assert model.rowCount(QModelIndex()) == 10_000
    visible = view.viewport().height() // max(1, view.sizeHintForRow(0)) + 2
    assert painted
    assert len(painted) <= 6 * visible
    assert max(painted) >= 5000  # the scrolled-to rows were painted
