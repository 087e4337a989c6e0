"""Thumbnails for every photo format people have: generated here, decoded by the loader.

Each file is written so that it *displays* as the same upright 480x360 picture (through an
EXIF orientation where the case says so); the thumbnail must be 200x150 and look like that
picture, not like it turned or mirrored, and an animation or multi-page file shows its first
frame."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, features

import dupeviewer.core.decode  # noqa: F401 - registers the HEIF/AVIF openers
from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
from tests.helpers.pictures import exif_with, photo_like

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from pytestqt.qtbot import QtBot

SIZE = (480, 360)
SIDE = 200
Writer = Callable[[Path, Image.Image, list[Image.Image]], None]


def _turned(picture: Image.Image) -> Image.Image:
    """The pixels as a camera held sideways stores them; Orientation 6 stands them up."""
    return picture.transpose(Image.Transpose.ROTATE_90)


CASES: dict[str, Writer] = {
    "photo.jpg": lambda p, pic, more: pic.save(p, quality=92),
    "turned.jpg": lambda p, pic, more: _turned(pic).save(p, quality=92,
                                                         exif=exif_with(orientation=6)),
    "photo.png": lambda p, pic, more: pic.save(p),
    "turned.png": lambda p, pic, more: _turned(pic).save(p, exif=exif_with(orientation=6)),
    "photo.bmp": lambda p, pic, more: pic.save(p),
    "animated.gif": lambda p, pic, more: pic.save(p, save_all=True, append_images=more,
                                                  duration=100, loop=0),
    "pages.tiff": lambda p, pic, more: pic.save(p, save_all=True, append_images=more),
    "turned.tiff": lambda p, pic, more: _turned(pic).save(p, exif=exif_with(orientation=6)),
    "photo.webp": lambda p, pic, more: pic.save(p, quality=92),
    "animated.webp": lambda p, pic, more: pic.save(p, save_all=True, append_images=more,
                                                   quality=92, duration=100),
    "turned.webp": lambda p, pic, more: _turned(pic).save(p, quality=92,
                                                          exif=exif_with(orientation=6)),
    "photo.heic": lambda p, pic, more: pic.save(p, quality=92),
    "photo.avif": lambda p, pic, more: pic.save(p, quality=92),
}


def _difference(image: QImage, picture: Image.Image) -> float:
    """Mean absolute RGB difference over a grid of samples."""
    small = picture.resize((image.width(), image.height()), Image.Resampling.BILINEAR)
    total, count = 0, 0
    for y in range(5, image.height(), 10):
        for x in range(5, image.width(), 10):
            colour = image.pixelColor(x, y)
            r, g, b = small.getpixel((x, y))  # type: ignore[misc]
            total += abs(colour.red() - r) + abs(colour.green() - g) + abs(colour.blue() - b)
            count += 3
    return total / count


@pytest.mark.parametrize("name", list(CASES))
def test_a_thumbnail_of_the_right_size_and_orientation_arrives(
        qtbot: QtBot, tmp_path: Path, name: str) -> None:
    if name.endswith(".avif") and not features.check("avif"):
        pytest.skip("this Pillow has no AVIF support")
    picture = photo_like(70, SIZE)
    later = [photo_like(71, SIZE), photo_like(72, SIZE)]  # other frames: clearly different
    path = tmp_path / name
    CASES[name](path, picture, later)
    loader = ThumbnailLoader(threads=1)
    with qtbot.waitSignal(loader.ready, timeout=20_000) as ready:
        assert loader.pixmap(str(path), SIDE) is None  # decoded in the pool
    assert ready.args == [str(path), SIDE]
    assert loader.error(str(path), SIDE) is None
    pixmap = loader.pixmap(str(path), SIDE)
    assert pixmap is not None
    image = pixmap.toImage()
    assert (image.width(), image.height()) == (SIDE, SIDE * 3 // 4), name
    upright = _difference(image, picture)
    assert upright < 20, f"{name}: does not look like the picture ({upright:.1f})"
    for wrong in (picture.transpose(Image.Transpose.ROTATE_180),
                  picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT), later[0]):
        assert _difference(image, wrong) > 2 * upright, name
    loader.shutdown()
