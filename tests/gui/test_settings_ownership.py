"""The window writes only to a settings file of its own (issue 8, section 2): a photo or
any other file where the settings live is left byte-identical and the run uses defaults."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings

from dupeviewer.gui.main_window import MainWindow
from dupeviewer.gui.settings import APPLICATION, FORMAT, ORGANIZATION, Settings
from tests.helpers.pictures import photo_like
from tests.helpers.window import scan

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pytestqt.qtbot import QtBot

    from tests.helpers.libraries import Library3


@pytest.fixture
def default_settings_file(tmp_path: Path) -> Iterator[Path]:
    """Where ``Settings()`` (``QSettings("dupeviewer", "dupeviewer")``) keeps its file, moved
    into tmp_path: Qt reads XDG_CONFIG_HOME once per process, so tests/conftest.py's private
    one only holds for the first test to open settings."""
    formats = (QSettings.Format.NativeFormat, QSettings.Format.IniFormat)
    previous = Path(QSettings(ORGANIZATION, APPLICATION).fileName()).parent.parent
    for fmt in formats:
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))
    path = Path(QSettings(ORGANIZATION, APPLICATION).fileName())
    assert path == tmp_path / "config" / "dupeviewer" / "dupeviewer.conf"
    yield path
    for fmt in formats:
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(previous))


def _photo(path: Path) -> Path:
    photo_like(5, (200, 150)).save(path, format="JPEG", quality=90)
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 16)
    return path


def _text(path: Path) -> Path:
    path.write_text("Things to do\nbackup = Tuesday\n", encoding="utf-8")
    return path


def _symlink_to_photo(path: Path) -> Path:
    photo = _photo(path.parent / "IMG_0001.jpg")
    path.symlink_to(photo)
    return photo


def _directory(path: Path) -> Path:
    path.mkdir()
    (path / "inside.txt").write_text("mine", encoding="utf-8")
    return path / "inside.txt"


FOREIGN: dict[str, Callable[[Path], Path]] = {
    "photo": _photo, "garbage": _garbage, "text": _text,
    "symlink-to-photo": _symlink_to_photo, "directory": _directory}


def _state(path: Path) -> tuple[bytes, int, int]:
    st = os.lstat(path)
    return path.read_bytes(), st.st_mtime_ns, st.st_ino


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_foreign_settings_file_is_never_written(
        kind: str, qtbot: QtBot, default_settings_file: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    path = default_settings_file
    path.parent.mkdir(parents=True)
    kept = FOREIGN[kind](path)
    before = _state(kept), sorted(path.parent.iterdir())
    caplog.set_level(logging.WARNING, logger="dupeviewer.gui.settings")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.settings.threshold = 3  # the user changes something: kept for this run only
    assert window.settings.threshold == 3
    label = window.status.settings_label  # the user is told, not only the log
    assert label.isVisible()
    assert "not saved" in label.text()
    assert str(path) in label.toolTip()
    assert "not a dupeviewer settings file" in label.toolTip()
    window.close()
    window.settings.sync()
    assert (_state(kept), sorted(path.parent.iterdir())) == before
    assert os.path.islink(path) == (kind == "symlink-to-photo")
    warnings = [r for r in caplog.records if r.name == "dupeviewer.gui.settings"]
    assert len(warnings) == 1
    assert str(path) in warnings[0].getMessage()
    assert "not a dupeviewer settings file" in warnings[0].getMessage()


def test_foreign_file_given_as_the_store_is_left_alone(tmp_path: Path) -> None:
    path = _photo(tmp_path / "settings.ini")
    before = _state(path)
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.folders = ["/somewhere"]
    settings.sync()
    assert settings.folders == ["/somewhere"]
    assert settings.problem
    assert _state(path) == before


def test_own_settings_file_shows_no_warning(qtbot: QtBot, settings: Settings) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    assert settings.problem is None
    assert not window.status.settings_label.isVisible()


def test_new_settings_file_carries_the_format_marker(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.threshold = 4
    settings.sync()
    assert settings.problem is None
    assert f"format={FORMAT}" in path.read_text(encoding="utf-8")
    again = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert again.threshold == 4
    assert again.problem is None


def test_settings_of_an_earlier_release_are_kept_and_marked(tmp_path: Path) -> None:
    """Before the marker, the file held only the keys dupeviewer wrote."""
    path = tmp_path / "settings.ini"
    path.write_text("[scan]\nthreshold=7\nfolders=/photos\nrotations=true\n\n"
                    "[review]\nmarkNear=true\n", encoding="utf-8")
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert settings.problem is None
    assert (settings.threshold, settings.folders, settings.rotations, settings.mark_near) == \
        (7, ["/photos"], True, True)
    settings.sync()
    text = path.read_text(encoding="utf-8")
    assert f"format={FORMAT}" in text
    assert "threshold=7" in text


def test_an_empty_settings_file_is_ours(tmp_path: Path) -> None:
    """Qt leaves an empty file when the last key is removed."""
    path = tmp_path / "settings.ini"
    path.touch()
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.threshold = 9
    settings.sync()
    assert settings.problem is None
    assert "threshold=9" in path.read_text(encoding="utf-8")


def test_window_scans_without_a_cache_when_its_cache_file_is_not_ours(
        window: MainWindow, qtbot: QtBot, simple_library: Library3,
        caplog: pytest.LogCaptureFixture) -> None:
    """Something other than our cache where the cache lives: the scan still runs, the file
    is left as it was, and the user is told in the status bar and the log."""
    from dupeviewer.core.cache import default_cache_path

    stray = default_cache_path()
    stray.parent.mkdir(parents=True, exist_ok=True)
    _photo(stray)
    before = _state(stray)
    caplog.set_level(logging.WARNING)
    scan(qtbot, window, simple_library.root)
    assert window.review.result is not None
    assert len(window.review.result.groups) == 2
    assert _state(stray) == before
    assert not [s for s in ("-wal", "-shm", "-journal") if os.path.lexists(f"{stray}{s}")]
    assert any("not a dupeviewer cache" in r.getMessage() for r in caplog.records
               if r.name == "dupeviewer.gui.jobs.operations")
    assert "not a dupeviewer cache" in window.statusBar().currentMessage()
