"""Pictures for tests, made with Pillow in memory: the demo library's photo-like generator
(one generator for the demo and the tests), and EXIF blocks with named tags."""

from __future__ import annotations

from PIL import ExifTags, Image

from dupeviewer import demo

TEST_SIZE = (1600, 1200)


def photo_like(seed: int, size: tuple[int, int] = TEST_SIZE) -> Image.Image:
    """A deterministic picture with photo-like structure; different seeds give perceptually
    unrelated pictures (see :func:`dupeviewer.demo.photo_like`)."""
    return demo.photo_like(seed, size)


def exif_with(date: str = "2021:06:01 12:00:00", model: str = "TestCam",
              orientation: int | None = None) -> Image.Exif:
    """EXIF with a camera model, a date (also as date taken) and an optional orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = model
    exif[ExifTags.Base.DateTime] = date
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = date
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    return exif
