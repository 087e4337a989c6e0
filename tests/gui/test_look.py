"""How the window looks: the main action in view on a small window, colours readable in a
light and a dark palette, a title naming the folders, a helpful page when nothing was found,
and skipped files listed with their whole reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyle

from dupeviewer.gui import look
from dupeviewer.gui.dialogs.files import skipped_dialog
from dupeviewer.gui.models.groups import GroupRole
from tests.helpers.pictures import photo_like
from tests.helpers.window import scan

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow
    from tests.helpers.libraries import Library3


def test_move_to_trash_stays_in_view_on_a_1024_by_700_window(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    window.resize(1024, 700)
    scan(qtbot, window, simple_library.root)
    assert window.review.selection.count == 2  # the exact group's two byte copies
    qtbot.waitUntil(lambda: window.size().width() == 1024)
    button = window.commands.trash_button
    assert button.isVisible()
    assert button.text().startswith("Move 2 Files (")
    where = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
    assert window.rect().contains(where)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.prompts.confirm_dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.reject()


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette(QApplication.palette())
    for role, name in colours.items():
        palette.setColor(role, QColor(name))
    return palette


R = QPalette.ColorRole
ADWAITA_DARK = {R.Window: "#353535", R.WindowText: "#eeeeec", R.Base: "#2d2d2d",
                R.Text: "#eeeeec", R.AlternateBase: "#303030"}
"""Roughly what Qt's GTK theme gives under Adwaita-dark."""
BREEZE_DARK = {R.Window: "#202326", R.WindowText: "#fcfcfc", R.Base: "#141618",
               R.Text: "#fcfcfc", R.AlternateBase: "#1d1f22"}
WHITE = {R.Window: "#efefef", R.WindowText: "#000000", R.Base: "#ffffff", R.Text: "#000000"}
MEANINGS = ("keep", "reference", "trash", "highlight", "warning", "animated",
            "exact", "pixels", "near")


@pytest.mark.parametrize("colours", [WHITE, ADWAITA_DARK, BREEZE_DARK],
                         ids=["light", "adwaita-dark", "breeze-dark"])
def test_badges_and_coloured_labels_read_well_on_light_and_dark_palettes(
        qapp: QApplication, colours: dict[QPalette.ColorRole, str]) -> None:
    palette = _palette(colours)
    base, window = palette.color(R.Base), palette.color(R.Window)
    for meaning in MEANINGS:
        text = look.ink(meaning, palette)  # "n marked", "Move to Trash", highlights
        assert look.contrast(text, base) >= 4.5, meaning
        assert look.contrast(text, window) >= 4.5, meaning
        badge = look.badge(meaning, palette)  # KEEP, REFERENCE, the kind of a group
        assert look.contrast(badge.text, badge.fill) >= 4.5, meaning
        assert look.contrast(badge.fill, base) >= 3.0, meaning
    quiet = look.quiet(palette)  # folders, cameras, "none marked"
    assert look.contrast(quiet, base) >= 4.5
    marked = look.tint("trash", palette)  # a marked card stays a card of its palette
    assert look.contrast(look.ink("trash", palette), marked) >= 4.0
    assert look.contrast(palette.color(R.Text), marked) >= 7.0


def _wcag(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio, worked out here so that the test does not trust look."""
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())
    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def system_palette(qapp: QApplication) -> Iterator[None]:
    """Whatever palette a test gives the application, the default one back after."""
    yield
    qapp.setPalette(QPalette())


@pytest.mark.usefixtures("system_palette")
@pytest.mark.parametrize("colours", [WHITE, ADWAITA_DARK], ids=["light", "adwaita-dark"])
def test_n_marked_in_the_group_list_reads_well_on_a_light_and_a_dark_theme(
        qtbot: QtBot, qapp: QApplication, window: MainWindow, simple_library: Library3,
        colours: dict[QPalette.ColorRole, str]) -> None:
    palette = _palette(colours)
    qapp.setPalette(palette)
    view = window.groups.view
    qtbot.waitUntil(lambda: view.palette().color(R.Base) == palette.color(R.Base))
    scan(qtbot, window, simple_library.root)
    shown = view.model()  # the rows as listed (through the search filter)
    marked = next(row for row in range(shown.rowCount())
                  if shown.index(row, 0).data(GroupRole.MarkedCount))
    view.setCurrentIndex(shown.index(1 - marked, 0))  # not selected: drawn in its own colour
    rect = view.visualRect(shown.index(marked, 0))
    image = view.viewport().grab(rect).toImage()
    base = palette.color(R.Base)
    ratio = image.devicePixelRatio()
    # "2 marked" is at the bottom right of the row, right-aligned, clear of the file name
    xs = range(int((rect.width() - 64) * ratio), int((rect.width() - 8) * ratio))
    ys = range(int(rect.height() * 0.55 * ratio), int((rect.height() - 8) * ratio))
    strongest = max(_wcag(image.pixelColor(x, y), base) for x in xs for y in ys)
    assert strongest >= 4.5


@pytest.fixture
def scheme(qapp: QApplication) -> Iterator[None]:
    """The system colour scheme followed for one test; the light palette back after."""
    follower = look.follow_scheme(qapp)
    yield
    qapp.styleHints().colorSchemeChanged.disconnect(follower.apply)  # type: ignore[attr-defined]
    follower.setParent(None)
    qapp.setPalette(QPalette())
    follower.deleteLater()


@pytest.mark.usefixtures("scheme")
def test_the_window_follows_the_system_into_a_dark_scheme_and_back(
        qtbot: QtBot, qapp: QApplication, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    light_window = qapp.palette().color(R.Window)
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert look.is_dark(qapp.palette())
    dark_window = qapp.palette().color(R.Window)
    qtbot.waitUntil(lambda: window.palette().color(R.Window) == dark_window)  # propagated
    captions = [label for label in window.findChildren(QLabel)
                if label.text() in ("strict", "loose")]
    assert len(captions) == 2
    for label in captions:  # muted, and readable on the dark window
        palette = label.palette()
        assert look.contrast(palette.color(R.WindowText), palette.color(R.Window)) >= 4.5
        assert palette.color(R.Window) == dark_window
    cards = window.cards.view.palette()
    assert cards.color(R.Base) == dark_window  # a dark gallery
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not look.is_dark(qapp.palette())
    qtbot.waitUntil(lambda: window.cards.view.palette().color(R.Base) == light_window)


def test_the_title_names_the_folders(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    pictures, backup = tmp_path / "Pictures", tmp_path / "Backup"
    for folder in (pictures, backup):
        folder.mkdir()
    window.add_folders([str(pictures)], scan=False)
    assert window.windowTitle() == "Pictures \u2014 dupeviewer"
    scan(qtbot, window, backup)
    assert window.windowTitle() == "Pictures, Backup \u2014 dupeviewer"


def test_no_duplicates_says_what_was_checked_and_offers_a_looser_similarity(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "Holiday"
    folder.mkdir()
    for seed in (11, 12, 13):
        photo_like(seed, (320, 240)).save(folder / f"IMG_{seed}.jpg", quality=90)
    window.settings.threshold = 4
    window.commands.threshold.setValue(4)
    scan(qtbot, window, folder)
    assert len(window.review) == 0
    page = window.stack.currentWidget()
    words = " ".join(label.text() for label in page.findChildren(QLabel)
                     if label.isVisibleTo(page))
    assert "No duplicates found" in words
    assert "3 photos" in words
    assert "Holiday" in words
    assert "loosen the similarity" in words.lower()
    qtbot.mouseClick(window.nothing.loosen_button, Qt.MouseButton.LeftButton)
    assert window.commands.threshold.value() == 6


LONG_REASON = ("damaged: the file ends before the picture does (image file is truncated: "
               "2,048 of 1,310,720 bytes of scan data missing); it may still be copying, or a "
               "card reader lost its end")


def test_skipped_files_show_their_whole_reason(qtbot: QtBot, window: MainWindow) -> None:
    problems = [("/photos/2019/IMG_0001.jpg", LONG_REASON),
                ("/photos/2019/IMG_0002.jpg", "unreadable: permission denied")]
    dialog = skipped_dialog(problems, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.files
    margin = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1
    metrics = QFontMetrics(tree.font())
    for row, (_, reason) in enumerate(problems):
        rect = tree.visualRect(tree.model().index(row, 1))
        assert rect.width() < metrics.horizontalAdvance(LONG_REASON)  # it has to wrap
        needed = metrics.boundingRect(QRect(0, 0, rect.width() - 2 * margin, 10_000),
                                      Qt.TextFlag.TextWordWrap, reason)
        assert needed.height() <= rect.height(), reason
        assert tree.topLevelItem(row).toolTip(1) == reason
