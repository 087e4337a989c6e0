"""Open untrusted image files safely and normalise them to 8-bit, upright RGB."""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

if TYPE_CHECKING:
    from dupeviewer.core.model import Cause

log = logging.getLogger(__name__)

try:  # HEIC/HEIF (iPhone photos), and AVIF where the plugin provides it
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except Exception as exc:  # noqa: BLE001  # pragma: no cover - depends on the wheels
    log.warning("HEIC support unavailable: %s", exc)
    HEIF = False

MAX_PIXELS = 250_000_000
"""Larger images are refused as decompression bombs (a 100 MP photo is fine)."""
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

FORMATS = ["JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "MPO", "DIB"]
if HEIF:
    FORMATS += ["HEIF", "AVIF"]
if "AVIF" in Image.registered_extensions().values() and "AVIF" not in FORMATS:
    FORMATS.append("AVIF")
Image.init()
# Only formats Pillow can open by name: an unregistered one ("MPO" is opened by the JPEG
# plugin, not under its own name) makes Image.open raise KeyError for every file that is
# not an image, which would hide the real reason ("not a supported image").
FORMATS = [f for f in FORMATS if f in Image.OPEN]

BACKGROUND = (255, 255, 255)
"""Transparent pixels are composited onto this before hashing."""

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_IJG_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
], dtype=np.float64)


class DecodeError(Exception):
    """A file that cannot be used as an image; the message is the user-facing reason."""

    def __init__(self, message: str, cause: Cause) -> None:
        super().__init__(message)
        self.cause: Cause = cause


@dataclass(frozen=True, slots=True)
class Metadata:
    format: str
    width: int
    height: int
    orientation: int = 1
    taken: str | None = None
    camera: str | None = None
    gps: bool = False
    quality: int | None = None
    animated: bool = False


def open_image(path: str | BinaryIO) -> Image.Image:
    """Open a file (by path, or bytes already read into a file object) lazily; refuse
    bombs and formats we do not support."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(path, formats=FORMATS)
        except Image.DecompressionBombError as exc:
            raise DecodeError(f"too many pixels (decompression bomb): {exc}", "too_big") from exc
        except Image.DecompressionBombWarning as exc:
            raise DecodeError(f"too many pixels (decompression bomb): {exc}", "too_big") from exc
        except UnidentifiedImageError as exc:
            raise DecodeError("not a supported image (unrecognised or corrupt data)",
                              "unsupported") from exc


def _clean_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "").strip()
    return text[:100] or None


def _taken(raw: object) -> str | None:
    text = _clean_text(raw)
    match = _EXIF_DATE.match(text or "")
    if not match or match.group(1) == "0000":
        return None
    y, mo, d, h, mi, s = match.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def jpeg_quality(image: Image.Image) -> int | None:
    """Estimate the IJG quality (1-100) from the luminance quantisation table."""
    tables = getattr(image, "quantization", None)
    if not tables or 0 not in tables or len(tables[0]) != 64:
        return None
    table = np.asarray(tables[0], dtype=np.float64)
    scale = float(np.mean(table * 100.0 / _IJG_LUMA))
    quality = (200.0 - scale) / 2.0 if scale <= 100.0 else 5000.0 / scale
    return int(round(min(100.0, max(1.0, quality))))


def read_metadata(image: Image.Image) -> Metadata:
    """Format, upright size and EXIF facts; malformed EXIF is ignored, not fatal."""
    orientation, taken, camera, gps = 1, None, None, False
    if image.format == "TIFF":
        # Pillow turns TIFFs upright itself while loading and then drops the tag; load
        # first so the orientation is not applied twice.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    try:
        exif = image.getexif()
        value = exif.get(ExifTags.Base.Orientation, 1)
        orientation = value if isinstance(value, int) and 1 <= value <= 8 else 1
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        taken = _taken(sub.get(ExifTags.Base.DateTimeOriginal)) or _taken(
            exif.get(ExifTags.Base.DateTime))
        camera = _clean_text(exif.get(ExifTags.Base.Model))
        gps = bool(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception as exc:  # noqa: BLE001  malformed EXIF must never cost the picture
        log.debug("ignoring malformed EXIF: %s", exc)
    width, height = image.size
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    quality = jpeg_quality(image) if image.format in ("JPEG", "MPO") else None
    return Metadata(
        format=str(image.format or "unknown"),
        width=width,
        height=height,
        orientation=orientation,
        taken=taken,
        camera=camera,
        gps=gps,
        quality=quality,
        animated=bool(getattr(image, "is_animated", False)),
    )


def _to_8bit(image: Image.Image) -> Image.Image:
    """Scale 16/32-bit and float images to 8 bits instead of clipping them."""
    array = np.asarray(image)
    if image.mode == "F":
        low, high = float(np.nanmin(array)), float(np.nanmax(array))
        span = high - low or 1.0
        array = (array - low) * (255.0 / span)
    elif array.max(initial=0) > 255:
        array = array / 257.0
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8), "L")


def normalise(image: Image.Image, orientation: int) -> Image.Image:
    """Load, composite transparency onto :data:`BACKGROUND`, 8-bit RGB, upright."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image.load()
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        image = _to_8bit(image)
    elif mode == "P" and "transparency" in image.info or mode in ("LA", "La", "PA", "RGBa"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        background = Image.new("RGBA", image.size, BACKGROUND + (255,))
        image = Image.alpha_composite(background, image)
    if image.mode != "RGB":
        image = image.convert("RGB")
    if orientation in _TRANSPOSE:
        image = image.transpose(_TRANSPOSE[orientation])
    return image
