"""Photo folders with known duplicates, written with Pillow (no binaries in the repo)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image

from tests.helpers.pictures import exif_with, photo_like

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class Library:
    root: Path
    exact: list[Path]  # an original and two byte copies (3 copies)
    near: list[Path]  # an original and a half-size copy
    pixels: list[Path]  # a JPEG and a PNG of the same pixels
    alone: Path

    @property
    def all(self) -> list[Path]:
        return [*self.exact, *self.near, *self.pixels, self.alone]


def make_library(root: Path, size: tuple[int, int] = (640, 480)) -> Library:
    """Three groups (exact x3, near x2, same pixels x2) and one unrelated picture."""
    (root / "Backup").mkdir(parents=True, exist_ok=True)
    (root / "Edited").mkdir(exist_ok=True)
    first = root / "IMG_0001.jpg"
    photo_like(1, size).save(first, quality=90, exif=exif_with("2020:01:02 10:00:00"))
    exact = [first, root / "Backup" / "IMG_0001.jpg", root / "Edited" / "IMG_0001 copy.jpg"]
    for copy in exact[1:]:
        shutil.copy2(first, copy)
    big = root / "IMG_0002.jpg"
    picture = photo_like(2, size)
    picture.save(big, quality=92, exif=exif_with("2019:05:06 08:00:00"))
    small = root / "Edited" / "IMG_0002_small.jpg"
    picture.resize((size[0] // 2, size[1] // 2), Image.Resampling.LANCZOS).save(
        small, quality=85, exif=exif_with("2021:05:06 08:00:00"))
    with Image.open(big) as decoded:
        pixels = decoded.convert("RGB")
    png = root / "Backup" / "IMG_0002.png"
    pixels.save(png)
    alone = root / "IMG_0003.jpg"
    photo_like(3, size).save(alone, quality=90)
    return Library(root, exact, [big, small], [big, png], alone)


@dataclass
class Library3:
    root: Path
    exact: list[Path]
    near: list[Path]
    alone: Path


def make_simple_library(root: Path, size: tuple[int, int] = (480, 360)) -> Library3:
    """An exact group of three, a near pair, and an unrelated picture."""
    (root / "Backup").mkdir(parents=True, exist_ok=True)
    first = root / "a.jpg"
    photo_like(1, size).save(first, quality=90, exif=exif_with("2020:01:02 10:00:00"))
    exact = [first, root / "Backup" / "a.jpg", root / "Backup" / "a copy.jpg"]
    for copy in exact[1:]:
        shutil.copy2(first, copy)
    big = root / "b.jpg"
    picture = photo_like(2, size)
    picture.save(big, quality=92)
    small = root / "Backup" / "b_small.jpg"
    picture.resize((size[0] // 2, size[1] // 2), Image.Resampling.LANCZOS).save(small,
                                                                               quality=85)
    alone = root / "c.jpg"
    photo_like(3, size).save(alone, quality=90)
    return Library3(root, exact, [big, small], alone)
