"""A marked copy that holds history the kept copy lacks says so on its card."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from dupeviewer.core.highlights import highlights
from dupeviewer.core.model import Group, Member, ScanResult, Stats
from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
from dupeviewer.gui.models.members import MemberModel, MemberRole
from dupeviewer.gui.models.review import Review
from dupeviewer.gui.widgets.delegates import CARD, CardDelegate
from tests.helpers.synthetic import info

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _near_pair() -> Group:
    """A 4000px PNG without EXIF, kept, and a 1000px camera JPEG with date and camera."""
    big = dataclasses.replace(info("/p/big.png", size=9_000_000, width=4000, height=3000,
                                   taken=None), format="PNG")
    small = dataclasses.replace(info("/p/small.jpg", size=400_000, width=1000, height=750,
                                     taken="2022-03-04T05:06:07"), camera="EOS R5",
                                quality=90)
    return Group("near", (Member(big), Member(small, distance=2, match="near")), 0,
                 "highest resolution (4000\u00d73000)")


def _review(group: Group, mark_near: bool) -> Review:
    review = Review()
    review.load(ScanResult((group,), (), Stats(groups=1), roots=("/p",)), review.options,
                mark_near=mark_near)
    return review


def test_marked_copy_with_history_the_keeper_lacks_carries_a_warning(qtbot: QtBot) -> None:
    review = _review(_near_pair(), mark_near=True)
    model = MemberModel(review)
    model.show_group(0)
    keeper, small = model.index(0, 0), model.index(1, 0)
    assert small.data(MemberRole.Marked)
    assert small.data(MemberRole.Lost) == ["date taken", "camera"]
    assert keeper.data(MemberRole.Lost) == []
    spoken = small.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Has the date taken and camera the kept copy lacks" in spoken
    with qtbot.waitSignal(model.dataChanged):
        review.set_mark(0, 1, False)  # kept after all: nothing is lost
    assert small.data(MemberRole.Lost) == []


class _Recorder(QPainter):
    """A painter that remembers every text it draws."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:  # type: ignore[override]
        self.texts += [a for a in args if isinstance(a, str)]
        super().drawText(*args)


def _paint(qtbot: QtBot, model: MemberModel, row: int) -> list[str]:
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = CardDelegate(ThumbnailLoader(), view)
    image = QImage(CARD, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = _Recorder(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, CARD.width(), CARD.height())  # type: ignore[attr-defined]
    option.font = view.font()  # type: ignore[attr-defined]
    delegate.paint(painter, option, model.index(row, 0))
    painter.end()
    return painter.texts


def test_the_card_paints_the_warning_inside_the_card(qtbot: QtBot) -> None:
    review = _review(_near_pair(), mark_near=True)
    model = MemberModel(review)
    model.show_group(0)
    marked = _paint(qtbot, model, 1)
    assert "\u26a0 Has the date taken and camera the kept copy lacks" in marked
    kept = _paint(qtbot, model, 0)
    assert not any("kept copy lacks" in t for t in kept)
    assert any(t.startswith("Kept: highest resolution") for t in kept)


def test_size_is_no_highlight_among_the_same_pixels() -> None:
    camera = dataclasses.replace(info("/p/IMG_1011.jpg", size=1_200_000), camera="Pixel 7",
                                 gps=True, quality=90)
    resave = dataclasses.replace(info("/p/IMG_1011_png.png", size=3_400_000, taken=None),
                                 format="PNG")
    group = Group("pixels", (Member(camera), Member(resave, match="pixels")))
    assert [sorted(h) for h in highlights(group)] == [["camera", "date", "gps"], []]
