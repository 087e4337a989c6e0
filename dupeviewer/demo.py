"""A procedurally generated demo photo library with known duplicates (Pillow + numpy, no Qt).

``make_demo_library()`` writes a few dozen photo-like JPEGs into ``Camera``, ``Backup``,
``Edited`` and ``Phone`` folders: originals plus every kind of copy dupeviewer should
recognise (byte copies, metadata-only copies, resized, re-compressed, PNG conversion, a
pixel-rotated copy, an EXIF-oriented copy, a brightened copy) and unrelated pictures.
``build_demo_library()`` does the same and also returns what it wrote and why, so tests and
benchmarks have ground truth. ``photo_like()`` is the reusable image generator.
Everything is seeded, so the library is the same on every run and platform.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import ExifTags, Image, ImageDraw, ImageEnhance

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

DEFAULT_SIZE: tuple[int, int] = (1200, 900)
JPEG_QUALITY = 90

# Category names used in DemoFile.category.
ORIGINAL = "original"
EXACT = "exact"  # byte-for-byte copy
METADATA = "metadata"  # same pixels, different EXIF DateTimeOriginal
RESIZED = "resized"  # 50 % in each dimension
QUALITY60 = "quality60"  # decoded and re-encoded as JPEG quality 60
PNG = "png"  # decoded JPEG stored losslessly as PNG (same pixels)
ROTATED = "rotated"  # turned 90 degrees clockwise in the pixels, no orientation tag
ORIENTATION = "orientation"  # pixels stored turned, EXIF Orientation=6 makes it display upright
BRIGHTNESS = "brightness"  # brightness +10 %
UNRELATED = "unrelated"  # a picture with no duplicate

CATEGORY_COUNTS: dict[str, int] = {
    ORIGINAL: 13,
    EXACT: 4,
    METADATA: 2,
    RESIZED: 2,
    QUALITY60: 2,
    PNG: 1,
    ROTATED: 1,
    ORIENTATION: 1,
    BRIGHTNESS: 1,
    UNRELATED: 15,
}
FOLDERS: tuple[str, ...] = ("Camera", "Backup", "Edited", "Phone")

_EXIF_IFD = ExifTags.IFD.Exif
_TAG_MAKE = ExifTags.Base.Make
_TAG_MODEL = ExifTags.Base.Model
_TAG_ORIENTATION = ExifTags.Base.Orientation
_TAG_DATETIME = ExifTags.Base.DateTime
_TAG_DATETIME_ORIGINAL = ExifTags.Base.DateTimeOriginal
_EXIF_DATE_FORMAT = "%Y:%m:%d %H:%M:%S"
_EPOCH = datetime(2024, 5, 4, 9, 30, 0)
_CAMERA = ("Dupe Optics", "DV-1 Mark II")
_PHONE = ("Pixelphone", "PP 8 Pro")


@dataclass(frozen=True)
class DemoFile:
    """One file of the demo library, relative to its root, and how it was made."""

    path: Path
    category: str
    source: Path | None = None  # the original this copy was made from


@dataclass(frozen=True)
class DemoLibrary:
    """Where the library was written and what it contains."""

    root: Path
    files: tuple[DemoFile, ...]

    def by_category(self) -> dict[str, list[DemoFile]]:
        """Files grouped by category, every category of CATEGORY_COUNTS present."""
        groups: dict[str, list[DemoFile]] = {name: [] for name in CATEGORY_COUNTS}
        for item in self.files:
            groups.setdefault(item.category, []).append(item)
        return groups


# --------------------------------------------------------------------------- images


def photo_like(seed: int, size: tuple[int, int] = DEFAULT_SIZE) -> Image.Image:
    """A deterministic RGB picture that perceptual hashes treat like a photograph.

    Smooth large-scale structure (a coloured gradient in a random direction plus an
    upsampled low-frequency noise field), a handful of random ellipses and polygons, and mild
    per-pixel grain. Different seeds give perceptually unrelated images.
    """
    rng = np.random.default_rng(seed)
    width, height = size
    image = Image.fromarray(_smooth_field(rng, width, height), "RGB")
    _draw_shapes(rng, image)
    return _add_grain(rng, image)


def _smooth_field(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Gradient plus low-frequency noise, computed small and upsampled (fast and smooth)."""
    small_w, small_h = max(2, width // 16), max(2, height // 16)
    ys, xs = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    angle = rng.uniform(0.0, 2.0 * np.pi)
    ramp = xs / small_w * np.cos(angle) + ys / small_h * np.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    dark, light = rng.uniform(10, 110, 3), rng.uniform(140, 250, 3)
    field = dark + ramp[..., None] * (light - dark)
    blobs = rng.uniform(-1.0, 1.0, (rng.integers(3, 6), rng.integers(3, 6), 3))
    lumpy = Image.fromarray(((blobs + 1.0) * 127.5).astype(np.uint8), "RGB")
    lumpy = lumpy.resize((small_w, small_h), Image.Resampling.BICUBIC)
    field += (np.asarray(lumpy, dtype=np.float32) - 127.5) * rng.uniform(0.35, 0.6)
    small = Image.fromarray(np.clip(field, 0, 255).astype(np.uint8), "RGB")
    return np.asarray(small.resize((width, height), Image.Resampling.BILINEAR))


def _random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    red, green, blue = (int(v) for v in rng.integers(0, 256, 3))
    return red, green, blue


def _draw_shapes(rng: np.random.Generator, image: Image.Image) -> None:
    """Draw 5-10 opaque ellipses and polygons of random size, place and colour."""
    draw = ImageDraw.Draw(image)
    width, height = image.size
    short = min(width, height)
    for _ in range(int(rng.integers(5, 11))):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(0.06, 0.3) * short
        colour = _random_colour(rng)
        if rng.random() < 0.5:
            aspect = rng.uniform(0.5, 1.6)
            box = (cx - radius * aspect, cy - radius / aspect, cx + radius * aspect,
                   cy + radius / aspect)
            draw.ellipse(box, fill=colour)
        else:
            corners = int(rng.integers(3, 7))
            angles = np.sort(rng.uniform(0, 2 * np.pi, corners))
            radii = radius * rng.uniform(0.6, 1.0, corners)
            points = [(float(cx + r * np.cos(a)), float(cy + r * np.sin(a)))
                      for a, r in zip(angles, radii, strict=True)]
            draw.polygon(points, fill=colour)


def _add_grain(rng: np.random.Generator, image: Image.Image) -> Image.Image:
    """Mild sensor-like noise; a single shared channel keeps it cheap."""
    pixels = np.asarray(image, dtype=np.int16)
    grain = rng.integers(-6, 7, size=pixels.shape[:2], dtype=np.int16)[..., None]
    return Image.fromarray(np.clip(pixels + grain, 0, 255).astype(np.uint8), "RGB")


# --------------------------------------------------------------------------- encoding


def make_exif(taken: datetime, device: tuple[str, str], orientation: int | None = None
              ) -> Image.Exif:
    """EXIF with Make, Model, DateTime and DateTimeOriginal (and Orientation if given)."""
    exif = Image.Exif()
    exif[_TAG_MAKE], exif[_TAG_MODEL] = device
    exif[_TAG_DATETIME] = taken.strftime(_EXIF_DATE_FORMAT)
    if orientation is not None:
        exif[_TAG_ORIENTATION] = orientation
    exif.get_ifd(_EXIF_IFD)[_TAG_DATETIME_ORIGINAL] = taken.strftime(_EXIF_DATE_FORMAT)
    return exif


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """JPEG bytes without metadata; add metadata with :func:`with_exif`."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def with_exif(jpeg: bytes, exif: Image.Exif) -> bytes:
    """Insert an EXIF APP1 segment after SOI/JFIF without touching the compressed pixels."""
    payload = exif.tobytes()
    if not payload.startswith(b"Exif\x00\x00"):
        payload = b"Exif\x00\x00" + payload
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    position = 2
    if jpeg[2:4] == b"\xff\xe0":  # keep the JFIF APP0 segment first, as Pillow does
        position = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:position] + segment + jpeg[position:]


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _decode(jpeg: bytes) -> Image.Image:
    with Image.open(io.BytesIO(jpeg)) as image:
        rgb: Image.Image = image.convert("RGB")
    return rgb


# --------------------------------------------------------------------------- library


class _Writer:
    """Writes files under ``root`` with a given timestamp, recording a DemoFile each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[DemoFile] = []

    def write(self, rel: str, data: bytes, taken: datetime, category: str,
              source: str | None = None) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        stamp = taken.timestamp()
        os.utime(path, (stamp, stamp))
        self._record(rel, category, source)
        return path

    def copy(self, source: str, rel: str) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.root / source, target)
        self._record(rel, EXACT, source)

    def _record(self, rel: str, category: str, source: str | None) -> None:
        self.files.append(
            DemoFile(Path(rel), category, Path(source) if source is not None else None)
        )


@dataclass(frozen=True)
class _Original:
    """A generated original, kept in memory so copies need no re-decode of the source."""

    rel: str
    pixels: Image.Image
    jpeg: bytes  # without EXIF
    taken: datetime

    def exif(self, orientation: int | None = None) -> Image.Exif:
        return make_exif(self.taken, _CAMERA, orientation)


def _taken(index: int) -> datetime:
    """A plausible, deterministic capture time for picture number ``index``."""
    return _EPOCH + timedelta(days=index * 3, hours=(index * 7) % 11, minutes=(index * 13) % 60)


def _size_for(seed: int) -> tuple[int, int]:
    width, height = DEFAULT_SIZE
    return (height, width) if seed % 4 == 3 else (width, height)


def _write_original(writer: _Writer, number: int, seed: int) -> _Original:
    pixels = photo_like(seed, _size_for(seed))
    original = _Original(f"Camera/IMG_{number}.jpg", pixels, encode_jpeg(pixels),
                         _taken(seed))
    writer.write(original.rel, with_exif(original.jpeg, original.exif()), original.taken,
                 ORIGINAL)
    return original


def _exact_copies(writer: _Writer, originals: list[_Original]) -> None:
    for original in originals:
        writer.copy(original.rel, original.rel.replace("Camera/", "Backup/"))
    writer.copy(originals[-1].rel, originals[-1].rel.replace("Camera/", "Phone/"))


def _metadata_copies(writer: _Writer, originals: list[_Original]) -> None:
    for folder, original in zip(("Backup", "Phone"), originals, strict=True):
        shifted = original.taken + timedelta(hours=1)  # camera clock on the wrong time zone
        data = with_exif(original.jpeg, make_exif(shifted, _CAMERA))
        writer.write(original.rel.replace("Camera", folder), data, shifted, METADATA,
                     original.rel)


def _resized_copies(writer: _Writer, originals: list[_Original]) -> None:
    for folder, original in zip(("Edited", "Phone"), originals, strict=True):
        width, height = original.pixels.size
        small = original.pixels.resize((width // 2, height // 2), Image.Resampling.LANCZOS)
        rel = original.rel.replace("Camera", folder).replace(".jpg", "_small.jpg")
        writer.write(rel, with_exif(encode_jpeg(small), original.exif()), original.taken,
                     RESIZED, original.rel)


def _quality60_copies(writer: _Writer, originals: list[_Original]) -> None:
    targets = (("Phone", ".jpg"), ("Backup", "_q60.jpg"))
    for (folder, suffix), original in zip(targets, originals, strict=True):
        recompressed = encode_jpeg(_decode(original.jpeg), quality=60)
        rel = original.rel.replace("Camera", folder).replace(".jpg", suffix)
        writer.write(rel, with_exif(recompressed, original.exif()), original.taken, QUALITY60,
                     original.rel)


def _single_edits(writer: _Writer, png: _Original, rotated: _Original,
                  oriented: _Original, brighter: _Original) -> None:
    def edited(original: _Original, suffix: str) -> str:
        return original.rel.replace("Camera", "Edited").replace(".jpg", suffix)

    writer.write(edited(png, ".png"), _png_bytes(_decode(png.jpeg)), png.taken, PNG, png.rel)
    turned = rotated.pixels.transpose(Image.Transpose.ROTATE_270)  # 90 degrees clockwise
    writer.write(edited(rotated, "_rotated.jpg"),
                 with_exif(encode_jpeg(turned), rotated.exif()), rotated.taken, ROTATED,
                 rotated.rel)
    stored = oriented.pixels.transpose(Image.Transpose.ROTATE_90)  # counter-clockwise ...
    writer.write(oriented.rel.replace("Camera", "Phone"),  # ... and Orientation 6 undoes it
                 with_exif(encode_jpeg(stored), oriented.exif(orientation=6)), oriented.taken,
                 ORIENTATION, oriented.rel)
    bright = ImageEnhance.Brightness(brighter.pixels).enhance(1.10)
    writer.write(edited(brighter, "_bright.jpg"),
                 with_exif(encode_jpeg(bright), brighter.exif()), brighter.taken, BRIGHTNESS,
                 brighter.rel)


def _unrelated(writer: _Writer, count: int) -> None:
    layout = ["Camera"] * 8 + ["Phone"] * 4 + ["Backup"] * 2 + ["Edited"]
    for index in range(count):
        seed = 100 + index
        folder = layout[index % len(layout)]
        device = _PHONE if folder == "Phone" else _CAMERA
        name = f"PXL_{2000 + index}.jpg" if folder == "Phone" else f"IMG_{2000 + index}.jpg"
        pixels = photo_like(seed, _size_for(seed))
        taken = _taken(seed)
        writer.write(f"{folder}/{name}", with_exif(encode_jpeg(pixels), make_exif(taken, device)),
                     taken, UNRELATED)


def _prepare_root(dest: Path | None) -> Path:
    if dest is None:
        return Path(tempfile.mkdtemp(prefix="dupeviewer-demo-"))
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise FileExistsError(f"refusing to write the demo library into non-empty {dest}")
    return dest


def build_demo_library(dest: Path | None = None) -> DemoLibrary:
    """Write the demo library (into a fresh temporary folder when ``dest`` is None).

    ``dest`` must be empty or not exist yet, so no user file is ever overwritten.
    """
    root = _prepare_root(dest)
    writer = _Writer(root)
    originals = [_write_original(writer, 1001 + i, seed=1 + i)
                 for i in range(CATEGORY_COUNTS[ORIGINAL])]
    steps: list[tuple[Callable[[_Writer, list[_Original]], None], int]] = [
        (_exact_copies, 3), (_metadata_copies, 2), (_resized_copies, 2), (_quality60_copies, 2),
    ]
    start = 0
    for step, used in steps:
        step(writer, originals[start:start + used])
        start += used
    _single_edits(writer, *originals[start:start + 4])
    _unrelated(writer, CATEGORY_COUNTS[UNRELATED])
    log.info("demo library with %d files written to %s", len(writer.files), root)
    return DemoLibrary(root, tuple(writer.files))


def make_demo_library(dest: Path | None = None) -> Path:
    """Write the demo library and return its root folder."""
    return build_demo_library(dest).root
