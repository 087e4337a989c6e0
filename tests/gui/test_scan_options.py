"""File > Scan Options: every option of ``dupeviewer scan`` is set from the window,
remembered, and used by the next scan as the command line uses it."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from dupeviewer.gui.settings import Settings
from tests.helpers.pictures import photo_like
from tests.helpers.window import scan, wait_idle

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.dialogs.scan_options import ScanOptionsDialog
    from dupeviewer.gui.main_window import MainWindow


def _library(root: Path) -> Path:
    """A photo with copies in Backup/ and Excluded/, and a tiny picture with a copy."""
    for folder in ("Backup", "Excluded"):
        (root / folder).mkdir(parents=True)
    photo_like(1, (480, 360)).save(root / "a.jpg", quality=90)
    shutil.copy2(root / "a.jpg", root / "Backup" / "a.jpg")
    shutil.copy2(root / "a.jpg", root / "Excluded" / "a.jpg")
    photo_like(2, (40, 30)).save(root / "tiny.jpg", quality=90)
    shutil.copy2(root / "tiny.jpg", root / "tiny copy.jpg")
    assert (root / "tiny.jpg").stat().st_size < 10_000 < (root / "a.jpg").stat().st_size
    return root


def _paths(window: MainWindow) -> set[str]:
    return {m.path for g in window.review.groups for m in g.members}


def _open(qtbot: QtBot, window: MainWindow) -> ScanOptionsDialog:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.scan_options_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _type(qtbot: QtBot, widget: object, text: str) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def _ok(qtbot: QtBot, dialog: ScanOptionsDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def test_the_scan_options_change_what_the_next_scan_finds_and_are_remembered(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    root = _library(tmp_path / "photos")
    scan(qtbot, window, root, root / "Backup")
    found = _paths(window)
    assert str(root / "Excluded" / "a.jpg") in found
    assert str(root / "tiny.jpg") in found

    dialog = _open(qtbot, window)
    qtbot.keyClicks(dialog.excludes, "*/Excluded/*")
    _type(qtbot, dialog.min_size, "10")
    _type(qtbot, dialog.threshold, "32")
    qtbot.mouseClick(dialog.rotations, Qt.MouseButton.LeftButton)
    _type(qtbot, dialog.timeout, "20")
    _type(qtbot, dialog.workers, "1")
    qtbot.mouseClick(dialog.use_cache, Qt.MouseButton.LeftButton)
    references = dialog.reference_list
    assert [references.item(i).text() for i in range(references.count())] == \
        ["photos", "Backup"]
    references.setFocus()
    qtbot.keyClick(references, Qt.Key.Key_Home)
    qtbot.keyClick(references, Qt.Key.Key_Down)
    qtbot.keyClick(references, Qt.Key.Key_Space)  # Backup is a reference folder
    with qtbot.waitSignal(window.review.reset, timeout=60_000):
        _ok(qtbot, dialog)  # the files to read changed: a new scan
    wait_idle(qtbot, window)

    found = _paths(window)
    assert not any("Excluded" in path for path in found)
    assert not any("tiny" in path for path in found)
    options = window.review.options
    assert (options.threshold, options.rotations, options.excludes, options.min_size,
            options.workers, options.file_timeout, options.use_cache) == \
        (32, True, ("*/Excluded/*",), 10_000, 1, 20.0, False)
    assert options.references == (str(root / "Backup"),)
    (group,) = window.review.groups
    assert group.keep.path == str(root / "Backup" / "a.jpg")  # the reference copy is kept
    assert window.folders.references() == [str(root / "Backup")]
    assert window.commands.threshold.value() == 32  # the slider shows it too
    assert window.commands.threshold_label.text() == "32"
    assert window.commands.rotations.isChecked()

    window.close()
    again = Settings(QSettings(window.settings.file, QSettings.Format.IniFormat))
    assert (again.threshold, again.rotations, again.excludes, again.min_size, again.workers,
            again.file_timeout, again.use_cache, again.references) == \
        (32, True, ["*/Excluded/*"], 10_000, 1, 20.0, False, [str(root / "Backup")])


def test_the_cache_file_of_the_options_is_the_one_the_scan_writes(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    root = _library(tmp_path / "photos")
    cache = tmp_path / "my cache.sqlite"
    dialog = _open(qtbot, window)
    qtbot.keyClicks(dialog.cache_file, str(cache))
    _ok(qtbot, dialog)
    assert not dialog.isVisible()
    scan(qtbot, window, root)
    assert cache.is_file()
    assert window.review.options.cache_path == cache


def test_the_slider_reaches_the_loosest_threshold_the_command_line_accepts(
        qtbot: QtBot, window: MainWindow) -> None:
    slider = window.commands.threshold
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert slider.value() == 32
    assert window.settings.threshold == 32
    assert window.options().threshold == 32


@pytest.mark.parametrize("close", ["cancel", "escape"])
def test_cancel_changes_nothing(qtbot: QtBot, window: MainWindow, close: str) -> None:
    dialog = _open(qtbot, window)
    qtbot.keyClicks(dialog.excludes, "*.png")
    _type(qtbot, dialog.threshold, "30")
    if close == "cancel":
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                         Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.settings.excludes == []
    assert window.settings.threshold == window.commands.threshold.value() != 30


def test_restore_defaults_puts_back_the_command_line_s_defaults(
        qtbot: QtBot, window: MainWindow) -> None:
    window.settings.excludes = ["*/Backup/*"]
    window.settings.min_size = 50_000
    window.settings.threshold = 25
    dialog = _open(qtbot, window)
    assert dialog.excludes.toPlainText() == "*/Backup/*"
    assert dialog.min_size.value() == 50
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults),
                     Qt.MouseButton.LeftButton)
    _ok(qtbot, dialog)
    s = window.settings
    assert (s.excludes, s.min_size, s.file_timeout, s.use_cache, s.workers) == \
        ([], 0, 60.0, True, None)
    assert window.options() == type(window.options())(references=())
