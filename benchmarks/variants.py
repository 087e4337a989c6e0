"""Image transformations for the accuracy corpus: each turns one picture into one file.

Every function here is deterministic, so two corpus builds from the same sources are
identical. Pixel-preserving variants (EXIF edits, PNG conversion) really keep the decoded
pixels: JPEG EXIF is replaced at the byte level, without re-encoding.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps, PngImagePlugin

if TYPE_CHECKING:
    from pathlib import Path

JPEG_Q = 92
WEBP_Q = 90
PNG_LEVEL = 3
EXT = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def save_as(img: Image.Image, fmt: str, path: Path, *, exif: bytes | None = None,
            lossless: bool = False, quality: int | None = None) -> Path:
    """Save ``img`` at ``path`` (its suffix replaced by the format's) with our settings."""
    path = path.with_suffix(EXT[fmt])
    path.parent.mkdir(parents=True, exist_ok=True)
    kw: dict[str, object] = {}
    if exif is not None:
        kw["exif"] = exif
    if fmt == "JPEG":
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.save(path, "JPEG", quality=quality or JPEG_Q, **kw)
    elif fmt == "PNG":
        img.save(path, "PNG", compress_level=PNG_LEVEL, **kw)
    elif fmt == "WEBP":
        if lossless:
            img.save(path, "WEBP", lossless=True, quality=0, method=0, **kw)
        else:
            img.save(path, "WEBP", quality=quality or WEBP_Q, **kw)
    else:  # pragma: no cover
        raise ValueError(fmt)
    return path


def make_exif(*, date: str, orientation: int | None = None, note: str = "") -> bytes:
    """An EXIF block with a capture date, camera and software (and optional orientation)."""
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0131] = "dupeviewer-bench"  # Software
    exif[0x0132] = date  # DateTime
    if note:
        exif[0x010E] = note  # ImageDescription
    if orientation is not None:
        exif[0x0112] = orientation
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = date  # DateTimeOriginal
    ifd[0x9004] = date  # DateTimeDigitized
    return exif.tobytes()


def jpeg_with_exif(data: bytes, exif: bytes) -> bytes:
    """JPEG bytes with every EXIF APP1 segment replaced by ``exif``; scan data untouched."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    if not exif.startswith(b"Exif\x00\x00"):
        exif = b"Exif\x00\x00" + exif
    keep: list[bytes] = []
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError(f"bad JPEG marker at {pos}")
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        segment = data[pos:pos + 2 + length]
        if not (marker == 0xE1 and segment[4:10] == b"Exif\x00\x00"):
            keep.append(segment)
        pos += 2 + length
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    # APP0 (JFIF) must stay first if present; EXIF follows it.
    head = [s for s in keep if s[1] == 0xE0]
    rest = [s for s in keep if s[1] != 0xE0]
    return b"\xff\xd8" + b"".join(head) + app1 + b"".join(rest) + data[pos:]


def same_pixels_new_metadata(data: bytes, img: Image.Image, fmt: str, path: Path) -> Path:
    """Same decoded pixels as ``data``/``img``, different metadata (and so different bytes)."""
    exif = make_exif(date="2019:07:14 16:20:00", note="edited metadata")
    if fmt == "JPEG":
        path = path.with_suffix(".jpg")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(jpeg_with_exif(data, exif))
        return path
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "re-saved with different metadata")
        info.add_text("Creation Time", "2019-07-14T16:20:00")
        path = path.with_suffix(".png")
        path.parent.mkdir(parents=True, exist_ok=True)
        img.save(path, "PNG", compress_level=PNG_LEVEL, pnginfo=info, exif=exif)
        return path
    return save_as(img, "WEBP", path, exif=exif, lossless=True)


def resize(img: Image.Image, factor: float) -> Image.Image:
    w, h = img.size
    return img.resize((max(1, round(w * factor)), max(1, round(h * factor))),
                      Image.Resampling.LANCZOS)


def brighten(img: Image.Image, factor: float = 1.10) -> Image.Image:
    return ImageEnhance.Brightness(img).enhance(factor)


def crop_border(img: Image.Image, fraction_each_side: float = 0.025) -> Image.Image:
    w, h = img.size
    dx, dy = round(w * fraction_each_side), round(h * fraction_each_side)
    return img.crop((dx, dy, w - dx, h - dy))


def watermark(img: Image.Image, text: str = "\u00a9 2024 J. Doe photography") -> Image.Image:
    """A small white caption with a dark outline in the bottom-right corner."""
    out = img.convert("RGB") if img.mode not in ("RGB", "L") else img.copy()
    w, h = out.size
    size = max(10, round(h * 0.035))
    font = ImageFont.load_default(size=size)
    draw = ImageDraw.Draw(out)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font, stroke_width=2)
    margin = round(h * 0.02)
    xy = (w - (right - left) - margin, h - (bottom - top) - margin)
    fill = 255 if out.mode == "L" else (255, 255, 255)
    stroke = 0 if out.mode == "L" else (0, 0, 0)
    draw.text(xy, text, font=font, fill=fill, stroke_width=2, stroke_fill=stroke)
    return out


def oriented_copy(img: Image.Image, orientation: int = 6) -> tuple[Image.Image, bytes]:
    """Pixels stored rotated plus the EXIF Orientation tag that displays them upright."""
    inverse = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
               8: Image.Transpose.ROTATE_270}[orientation]
    stored = img.transpose(inverse)
    exif = make_exif(date="2021:05:02 09:15:00", orientation=orientation)
    return stored, exif


def check_orientation(path: Path, upright: Image.Image) -> None:
    """Assert that ``path`` displays (after exif_transpose) with ``upright``'s size."""
    with Image.open(path) as im:
        shown = ImageOps.exif_transpose(im)
        if shown.size != upright.size:
            raise AssertionError(f"{path}: displays as {shown.size}, expected {upright.size}")


def hue_rotate(img: Image.Image, degrees: float = 180.0) -> Image.Image:
    hsv = np.asarray(img.convert("RGB").convert("HSV")).copy()
    shift = round(degrees / 360.0 * 256)
    hsv[..., 0] = (hsv[..., 0].astype(np.int16) + shift) % 256
    return Image.fromarray(hsv, "HSV").convert("RGB")


def channel_swap(img: Image.Image) -> Image.Image:
    r, g, b = img.convert("RGB").split()
    return Image.merge("RGB", (b, g, r))


def halves(img: Image.Image) -> tuple[Image.Image, Image.Image]:
    w, h = img.size
    return img.crop((0, 0, w // 2, h)), img.crop((w // 2, 0, w, h))


def look_alike(a: Image.Image, b: Image.Image, limit: float = 3.0) -> bool:
    """Mean absolute RGB difference of 64x64 reductions below ``limit`` (0-255 scale)."""
    small = [np.asarray(x.convert("RGB").resize((64, 64), Image.Resampling.BOX), np.float32)
             for x in (a, b)]
    return float(np.abs(small[0] - small[1]).mean()) < limit


def colourfulness(img: Image.Image) -> float:
    """Mean HSV saturation (0..1) of a small thumbnail: ~0 for grey pictures."""
    if img.mode == "L":
        return 0.0
    small = img.convert("RGB").resize((64, 64), Image.Resampling.BILINEAR)
    return float(np.asarray(small.convert("HSV"))[..., 1].mean() / 255.0)


def detail(img: Image.Image) -> float:
    """Standard deviation of a 32x32 grey thumbnail: near 0 for flat pictures."""
    small = img.convert("L").resize((32, 32), Image.Resampling.BOX)
    return float(np.asarray(small, dtype=np.float32).std())
