"""Thumbnails: decoded off the GUI thread, EXIF-oriented, bounded, stale results dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PIL import Image
from PySide6.QtCore import QThread
from PySide6.QtGui import QImage

from dupeviewer.gui.jobs import thumbnails
from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader, load_image, read_with_pillow
from tests.helpers.pictures import exif_with, photo_like

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


@pytest.fixture
def turned(tmp_path: Path) -> Path:
    """A landscape picture stored turned on its side, with Orientation 6 to stand it up."""
    path = tmp_path / "turned.jpg"
    photo_like(4, (400, 300)).transpose(Image.Transpose.ROTATE_90).save(
        path, quality=90, exif=exif_with(orientation=6))
    return path


def test_exif_orientation_is_applied(turned: Path) -> None:
    image = load_image(str(turned), 200)
    assert (image.width(), image.height()) == (200, 150)
    fallback = read_with_pillow(str(turned), 200)
    assert (fallback.width(), fallback.height()) == (200, 150)


def test_pillow_is_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                turned: Path) -> None:
    def no_qt(path: str, side: int) -> QImage:
        raise OSError("Qt has no plugin for this format")

    monkeypatch.setattr(thumbnails, "read_with_qt", no_qt)
    image = load_image(str(turned), 100)
    assert (image.width(), image.height()) == (100, 75)
    broken = tmp_path / "broken.heic"
    broken.write_bytes(b"nothing")
    with pytest.raises(OSError, match="."):  # with a reason to show, whatever the decoder
        load_image(str(broken), 100)


def test_loader_decodes_in_the_pool_and_caches(qtbot: QtBot, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[bool] = []
    real = thumbnails.load_image
    gui_thread = QThread.currentThread()

    def spy(path: str, side: int) -> QImage:
        threads.append(QThread.currentThread() != gui_thread)
        return real(path, side)

    monkeypatch.setattr(thumbnails, "load_image", spy)
    paths = []
    for i in range(5):
        path = tmp_path / f"p{i}.jpg"
        photo_like(i, (120, 90)).save(path)
        paths.append(str(path))
    loader = ThumbnailLoader(capacity=3)
    for name in paths:
        with qtbot.waitSignal(loader.ready, timeout=10_000):
            assert loader.pixmap(name, 64) is None  # placeholder until ready
    assert threads == [True] * 5
    assert len(loader) == 3  # bounded LRU
    assert loader.pixmap(paths[-1], 64) is not None
    assert loader.pixmap(paths[0], 64) is None  # evicted, loads again
    assert loader.shutdown(5000)


def test_stale_results_are_dropped(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "p.jpg"
    photo_like(1, (120, 90)).save(path)
    loader = ThumbnailLoader()
    with qtbot.assertNotEmitted(loader.ready, wait=0):
        loader.loaded.emit(-5, str(path), 64, QImage(10, 10, QImage.Format.Format_RGB32), "")
    assert len(loader) == 0
    with qtbot.waitSignal(loader.ready, timeout=10_000):
        loader.pixmap(str(path), 64)
    assert len(loader) == 1
    loader.shutdown()


@pytest.mark.qt_log_ignore("Corrupt JPEG data", "JPEG datastream contains no image")
def test_unreadable_file_reports_an_error(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(b"\xff\xd8 broken")
    loader = ThumbnailLoader()
    with qtbot.waitSignal(loader.ready, timeout=10_000):
        loader.pixmap(str(path), 64)
    assert loader.pixmap(str(path), 64) is None
    assert loader.error(str(path), 64)
    loader.shutdown()


def test_a_new_generation_asks_views_to_request_again(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "p.jpg"
    photo_like(1, (120, 90)).save(path)
    loader = ThumbnailLoader()
    loader.pixmap(str(path), 64)
    with qtbot.waitSignal(loader.restarted):
        loader.new_generation()
    with qtbot.waitSignal(loader.ready, timeout=10_000):
        assert loader.pixmap(str(path), 64) is None  # re-queued, not lost
    assert loader.pixmap(str(path), 64) is not None
    loader.shutdown()
