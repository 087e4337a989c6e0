"""Find and filter the groups: the search box, which groups to show, their order, what a
group's label says, and the tooltips that give what a row or a card shortens."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QComboBox, QListView, QToolTip

from dupeviewer.core.model import Options, ScanResult, Stats
from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
from dupeviewer.gui.models.groupfilter import GroupFilter, Show
from dupeviewer.gui.models.groups import GroupModel, GroupRole, Sort
from dupeviewer.gui.models.review import Review
from dupeviewer.gui.widgets.views import GroupList
from tests.helpers.pictures import exif_with, photo_like
from tests.helpers.synthetic import group, result
from tests.helpers.window import scan

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow

SIZE = (400, 300)


@dataclass
class Mixed:
    root: Path
    beach: list[Path]  # a picture, its byte copy and a smaller copy: 2 identical, 1 similar
    sunset: list[Path]  # a JPEG and a PNG of its pixels: 2 same pixels
    dog: list[Path]  # a picture and a smaller copy: 2 similar


def _picture(seed: int, path: Path, date: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    photo_like(seed, SIZE).save(path, quality=92, exif=exif_with(date))
    return path


def _smaller(source: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        exif = image.getexif()
        image.resize((SIZE[0] // 2, SIZE[1] // 2)).save(path, quality=80, exif=exif)
    return path


@pytest.fixture
def mixed(tmp_path: Path) -> Mixed:
    root = tmp_path / "Pictures"
    beach = _picture(1, root / "Trip" / "beach.jpg", "2019:07:01 10:00:00")
    beach_copy = root / "Backup" / "beach.jpg"
    beach_copy.parent.mkdir(parents=True)
    shutil.copy2(beach, beach_copy)
    sunset = _picture(2, root / "Trip" / "sunset.jpg", "2021:08:01 20:00:00")
    png = root / "Exports" / "sunset.png"
    png.parent.mkdir(parents=True)
    with Image.open(sunset) as image:
        image.convert("RGB").save(png)
    dog = _picture(3, root / "Pets" / "dog.jpg", "2020:03:01 09:00:00")
    return Mixed(root, [beach, beach_copy, _smaller(beach, root / "Phone" / "beach_small.jpg")],
                 [sunset, png], [dog, _smaller(dog, root / "Phone" / "dog_small.jpg")])


@pytest.fixture
def scanned(qtbot: QtBot, window: MainWindow, mixed: Mixed) -> MainWindow:
    scan(qtbot, window, mixed.root)
    assert window.groups.view.model().rowCount() == 3
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _listed(window: MainWindow) -> list[str]:
    """The keepers' file names of the listed groups, top to bottom."""
    view = window.groups.view
    model = view.model()
    return [str(model.index(r, 0).data(GroupRole.KeeperPath)).rsplit("/", 1)[-1]
            for r in range(model.rowCount())]


def _group_of(window: MainWindow, path: Path) -> int:
    return next(g for g, grp in enumerate(window.review.groups)
                if any(m.path == str(path) for m in grp.members))


def _search(qtbot: QtBot, window: MainWindow, typed: str, rows: int) -> None:
    """Type into the search box (Ctrl+F first) and wait until ``rows`` groups are listed."""
    qtbot.keyClick(window.cards.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.groups.bar.search
    assert search.hasFocus()
    qtbot.keyClicks(search, typed)
    qtbot.waitUntil(lambda: window.groups.view.model().rowCount() == rows)


def _choose(qtbot: QtBot, combo: QComboBox, label: str) -> None:
    """Pick ``label`` with the keyboard: Home, then Down until it shows."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == label:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == label


def test_typing_finds_groups_by_any_copys_name_or_folder(qtbot: QtBot, scanned: MainWindow,
                                                        mixed: Mixed) -> None:
    window = scanned
    _search(qtbot, window, "BEACH", 1)
    assert _listed(window) == ["beach.jpg"]
    assert window.groups.title.text() == "<b>1 of 3 groups</b>"
    assert window.cards.model.group == _group_of(window, mixed.beach[0])
    qtbot.keyClick(window.groups.bar.search, Qt.Key.Key_Escape)  # Esc clears at once
    assert window.groups.bar.search.text() == ""
    assert window.groups.view.model().rowCount() == 3
    assert window.groups.title.text() == "<b>3 groups</b>"
    _search(qtbot, window, "exports", 1)  # the folder of a copy that is not kept
    assert window.cards.model.group == _group_of(window, mixed.sunset[0])
    qtbot.keyClick(window.groups.bar.search, Qt.Key.Key_Escape)
    _search(qtbot, window, "phone small", 2)  # every word, in the same group
    assert sorted(_listed(window)) == ["beach.jpg", "dog.jpg"]


def test_the_current_group_stays_current_while_it_matches(qtbot: QtBot, scanned: MainWindow,
                                                          mixed: Mixed) -> None:
    window = scanned
    dog = _group_of(window, mixed.dog[0])
    window.groups.select_group_of(str(mixed.dog[0]))
    window.cards.select_row(1)
    with qtbot.assertNotEmitted(window.cards.model.modelReset):
        _search(qtbot, window, "Phone", 2)  # the dog group still matches
    assert window.groups.current() == dog
    assert window.groups.view.selectionModel().isSelected(window.groups.view.currentIndex())
    assert window.cards.current_row() == 1
    qtbot.keyClicks(window.groups.bar.search, "zzz")
    qtbot.waitUntil(lambda: window.groups.view.model().rowCount() == 0)
    assert window.groups.title.text() == "<b>No groups match</b>"
    assert window.cards.title.text() == "No groups match"
    assert "No groups match" in window.groups.view.placeholder
    for _ in range(3):
        qtbot.keyClick(window.groups.bar.search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.groups.view.model().rowCount() == 2)
    assert window.groups.current() == dog  # back where the user was


def test_show_only_one_kind_or_the_marked_groups(qtbot: QtBot, scanned: MainWindow,
                                                mixed: Mixed) -> None:
    window = scanned
    show = window.groups.bar.show_kind
    _choose(qtbot, show, "With identical files")
    assert _listed(window) == ["beach.jpg"]
    _choose(qtbot, show, "With similar copies")  # the beach group holds a similar copy too
    assert sorted(_listed(window)) == ["beach.jpg", "dog.jpg"]
    _choose(qtbot, show, "With same pixels")
    assert _listed(window) == ["sunset.jpg"]
    _choose(qtbot, show, "With marks")  # similar copies are not marked by default
    assert sorted(_listed(window)) == ["beach.jpg", "sunset.jpg"]
    # unmarking the current group's copies does not hide it under the user's hands
    beach = _group_of(window, mixed.beach[0])
    window.groups.select_group_of(str(mixed.beach[0]))
    view = window.cards.view
    view.setFocus()
    for row in sorted(window.review.marked(beach)):
        window.cards.select_row(row)
        qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not window.review.marked(beach)
    assert window.groups.current() == beach
    assert sorted(_listed(window)) == ["beach.jpg", "sunset.jpg"]
    _choose(qtbot, show, "All groups")
    assert window.groups.view.model().rowCount() == 3
    assert window.groups.current() == beach


def test_the_keys_step_through_the_listed_groups_only(qtbot: QtBot, scanned: MainWindow,
                                                     mixed: Mixed) -> None:
    window = scanned
    _choose(qtbot, window.groups.bar.show_kind, "With marks")
    listed = [_group_of(window, mixed.beach[0]), _group_of(window, mixed.sunset[0])]
    window.groups.select_row(0)
    view = window.cards.view
    view.setFocus()
    seen = [window.groups.current()]
    for key in (Qt.Key.Key_J, Qt.Key.Key_J, Qt.Key.Key_K, Qt.Key.Key_Down):
        qtbot.keyClick(view, key)
        seen.append(window.groups.current())
    first, second = window.groups.proxy.group_index(0), window.groups.proxy.group_index(1)
    assert sorted([first, second]) == sorted(listed)
    assert seen == [first, second, second, first, second]


def test_sort_by_folder_and_by_date_taken(qtbot: QtBot, scanned: MainWindow) -> None:
    window = scanned
    sort = window.groups.bar.sort
    _choose(qtbot, sort, "Date taken")
    assert _listed(window) == ["sunset.jpg", "dog.jpg", "beach.jpg"]  # 2021, 2020, 2019
    _choose(qtbot, sort, "Folder")
    model = window.groups.view.model()
    folders = [str(model.index(r, 0).data(GroupRole.KeeperPath)).rsplit("/", 2)[-2]
               for r in range(model.rowCount())]
    assert folders == sorted(folders, key=str.casefold)
    _search(qtbot, window, "trip", 2)  # a filter keeps the order
    _choose(qtbot, sort, "Date taken")
    assert _listed(window) == ["sunset.jpg", "beach.jpg"]


def test_a_groups_label_says_what_is_in_it(qtbot: QtBot, scanned: MainWindow,
                                          mixed: Mixed) -> None:
    window = scanned
    labels = {}
    model = window.groups.view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        name = str(index.data(GroupRole.KeeperPath)).rsplit("/", 1)[-1]
        labels[name] = str(index.data(Qt.ItemDataRole.AccessibleTextRole))
    assert labels["beach.jpg"].startswith("2 identical, 1 similar: 3 copies of beach.jpg")
    assert labels["sunset.jpg"].startswith("2 same pixels: 2 copies")
    assert labels["dog.jpg"].startswith("2 similar: 2 copies")
    window.groups.select_group_of(str(mixed.beach[0]))
    assert window.cards.title.text() == "3 copies of beach.jpg \u2014 2 identical, 1 similar"


def _tooltips(qtbot: QtBot, view: QListView, rect_of: object) -> list[str]:
    """Hover down the middle of an item, top to bottom: the tooltips shown on the way."""
    rect = view.visualRect(rect_of)  # type: ignore[arg-type]
    tips: list[str] = []
    viewport = view.viewport()
    for y in range(rect.top() + 2, rect.bottom(), 3):
        QToolTip.hideText()
        point = QPoint(rect.left() + 30, y)
        event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
        QApplication.sendEvent(viewport, event)
        if QToolTip.isVisible() and QToolTip.text() not in tips:
            tips.append(QToolTip.text())
    QToolTip.hideText()
    return tips


@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")
def test_tooltips_give_what_a_row_or_a_card_shortens(qtbot: QtBot, scanned: MainWindow,
                                                    mixed: Mixed) -> None:
    window = scanned
    window.groups.select_group_of(str(mixed.beach[0]))
    groups = window.groups.view
    row_tips = _tooltips(qtbot, groups, groups.currentIndex())
    assert row_tips
    for path in mixed.beach:  # the row names one copy; its tooltip gives every path
        assert all(str(path) in tip for tip in row_tips)
    cards = window.cards.view
    window.cards.select_row(1)
    copy = str(window.cards.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole))
    folder = copy.rsplit("/", 1)[0]
    card_tips = _tooltips(qtbot, cards, cards.currentIndex())
    assert copy in card_tips  # over the file name
    assert folder in card_tips  # over the folder, which the card shows from the scan root
    assert str(window.cards.model.index(1, 0).data(Qt.ItemDataRole.DisplayRole))


# the models ---------------------------------------------------------------------------


@pytest.fixture
def review(qtbot: QtBot) -> Review:
    state = Review()
    groups = (*result(12).groups, group(12, 3, "exact", reference=2),
              group(13, 2, "near", reference=1))
    state.load(ScanResult(groups, (), Stats(groups=len(groups)), roots=("/photos",)),
               Options(), mark_near=False)
    return state


@pytest.fixture
def group_list(qtbot: QtBot, review: Review) -> Iterator[GroupList]:
    loader = ThumbnailLoader()
    widget = GroupList(review, loader)
    qtbot.addWidget(widget)
    widget.resize(360, 700)
    widget.show()
    yield widget
    loader.new_generation()
    assert loader.shutdown(5000)


def test_the_filter_passes_the_model_tester(qtmodeltester: ModelTester,
                                            review: Review) -> None:
    model = GroupModel(review)
    proxy = GroupFilter(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_filter("g1", Show.All)
    proxy.set_filter("", Show.Marked)
    proxy.pin(proxy.group_index(0))
    review.unmark_all()
    review.toggle(4, 1)
    model.set_sort(Sort.Taken)
    model.set_sort(Sort.Folder)
    proxy.set_filter("copy", Show.Exact)
    review.remove_paths([m.path for m in review.groups[3].members[1:]])
    review.load(result(5), Options(), mark_near=True)
    qtmodeltester.check(proxy, force_py=True)


def test_the_group_model_sorted_by_folder_and_date_passes_the_model_tester(
        qtmodeltester: ModelTester, review: Review) -> None:
    model = GroupModel(review)
    model.set_sort(Sort.Taken)
    qtmodeltester.check(model, force_py=True)
    model.set_sort(Sort.Folder)
    review.remove_paths([m.path for m in review.groups[3].members[1:]])
    review.load(result(5), Options(), mark_near=True)
    qtmodeltester.check(model, force_py=True)


def test_show_the_groups_with_reference_copies(qtbot: QtBot, group_list: GroupList,
                                               review: Review) -> None:
    _choose(qtbot, group_list.bar.show_kind, "With reference copies")
    proxy = group_list.proxy
    shown = sorted(proxy.group_index(r) for r in range(proxy.rowCount()))
    assert shown == [g for g, grp in enumerate(review.groups)
                     if any(m.reference for m in grp.members)]
    assert len(shown) == 2
    assert group_list.title.text() == "<b>2 of 14 groups</b>"


def test_typing_filters_ten_thousand_groups_once_per_pause(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each key does not filter 10,000 groups again: the search waits for typing to
    pause, then tests each group once (counted; the time is not asserted)."""
    review = Review()
    review.load(result(10_000), Options(), mark_near=False)
    loader = ThumbnailLoader()
    widget = GroupList(review, loader)
    qtbot.addWidget(widget)
    widget.show()
    tested: list[int] = []
    accepts = GroupFilter.accepts

    def counting(self: GroupFilter, g: int) -> bool:
        tested.append(g)
        return accepts(self, g)

    monkeypatch.setattr(GroupFilter, "accepts", counting)
    widget.select_row(widget.proxy.row_of(1234))
    qtbot.keyClicks(widget.bar.search, "G1234/")
    qtbot.waitUntil(lambda: widget.proxy.rowCount() == 1)
    assert widget.current() == 1234  # the matching group stayed current
    assert len(tested) <= 10_000 + 10  # one pass (and the current group's own checks)
    loader.new_generation()
    assert loader.shutdown(5000)
