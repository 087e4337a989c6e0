"""One file -> ImageInfo or Skipped: bounded decode, orientation, perceptual hashes, digests."""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from collections.abc import Callable
from typing import BinaryIO

import imagehash
import numpy as np
from PIL import Image

from dupeviewer.core.cancel import CancelToken
from dupeviewer.core.decode import DecodeError, normalise, open_image, read_metadata
from dupeviewer.core.discover import reason_for
from dupeviewer.core.model import FileStat, ImageInfo, Skipped

log = logging.getLogger(__name__)

HASH_SIZE = 8  # 64-bit hashes
REDUCED = 128  # JPEGs are decoded at 1/2..1/8 scale, at least this big, for hashing
WORKING = 64  # every hash is computed from one 64x64 grey reduction of the picture
TRANSFORMS = (
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_270,
    Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.TRANSPOSE,
    Image.Transpose.TRANSVERSE,
)
"""The 7 non-identity rotations/mirrors, in the order of ``ImageInfo.rot_phash``."""
CHUNK = 1 << 20
"""Bytes read at a time when a file is read in full (between two checks of cancel)."""
SAMPLE = 64 << 10
"""Bytes read at the head, the middle and the tail of a file for its sample digest."""
SAMPLED = 3 * SAMPLE
"""Files up to this size are read whole: their sample would be the whole file."""


def hash_int(h: imagehash.ImageHash) -> int:
    bits = np.packbits(np.asarray(h.hash, dtype=bool).ravel())
    return int.from_bytes(bits.tobytes(), "big")


def is_low_detail(gray: Image.Image) -> bool:
    """Flat, near-flat or two-tone pictures: their hashes say nothing about content."""
    small = np.asarray(gray, dtype=np.float64)
    if small.std() < 6.0:
        return True
    hist = np.bincount((small // 16).astype(np.int64).ravel(), minlength=16)
    first, second = np.argsort(hist)[-2:]
    # two tones far apart cover the picture (a subtle texture in two neighbouring
    # shades is not two-tone: its hashes still describe it)
    return bool(hist[first] + hist[second] >= 0.92 * small.size and abs(first - second) > 1)


def colour_signature(rgb: Image.Image) -> bytes:
    """Y, Cb and Cr of an 8x8 thumbnail (192 bytes): tells recoloured, darkened and
    lightened variants apart, and compares flat pictures."""
    small = rgb.resize((8, 8), Image.Resampling.BOX).convert("YCbCr")
    return b"".join(band.tobytes() for band in small.split())


def hashes(rgb: Image.Image) -> dict[str, object]:
    """Perceptual hashes of the upright picture and of its 7 rotations/mirrors."""
    gray = rgb.convert("L").resize((WORKING, WORKING), Image.Resampling.LANCZOS,
                                   reducing_gap=3.0)
    rot_p, rot_d = [], []
    for transform in TRANSFORMS:
        turned = gray.transpose(transform)
        rot_p.append(hash_int(imagehash.phash(turned, HASH_SIZE)))
        rot_d.append(hash_int(imagehash.dhash(turned, HASH_SIZE)))
    return {
        "phash": hash_int(imagehash.phash(gray, HASH_SIZE)),
        "dhash": hash_int(imagehash.dhash(gray, HASH_SIZE)),
        "rot_phash": tuple(rot_p),
        "rot_dhash": tuple(rot_d),
        "colour": colour_signature(rgb),
        "low_detail": is_low_detail(gray),
    }


def fingerprint(file: FileStat) -> ImageInfo | Skipped:
    """Fingerprint one file; every failure becomes a Skipped with a reason."""
    try:
        with open_image(file.path) as image:
            meta = read_metadata(image)
            if image.format == "JPEG":
                image.draft("RGB", (REDUCED, REDUCED))
            rgb = normalise(image, meta.orientation)
        values = hashes(rgb)
        digest = _rgb_digest(rgb)
    except DecodeError as exc:
        return Skipped(file.path, str(exc))
    except (OSError, EOFError) as exc:
        text = str(exc)
        if (isinstance(exc, EOFError) or "truncated" in text.lower() or "image file is" in text
                or "cannot load this image" in text):  # header, but no picture data
            return Skipped(file.path, f"damaged or truncated image ({text})")
        return Skipped(file.path, reason_for(exc) if exc.errno else f"cannot decode: {text}")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return Skipped(file.path, f"too many pixels (decompression bomb): {exc}")
    except MemoryError:
        return Skipped(file.path, "not enough memory to decode")
    except Exception as exc:  # any decoder bug on a hostile file costs one file only
        return Skipped(file.path, f"cannot decode: {type(exc).__name__}: {exc}")
    return ImageInfo(
        path=file.path, size=file.size, mtime_ns=file.mtime_ns, dev=file.dev, ino=file.ino,
        width=meta.width, height=meta.height, format=meta.format, taken=meta.taken,
        camera=meta.camera, orientation=meta.orientation, gps=meta.gps, quality=meta.quality,
        animated=meta.animated, **values,  # type: ignore[arg-type]
        pixel_digest=digest if rgb.size == (meta.width, meta.height) else None,
        draft_digest=None if rgb.size == (meta.width, meta.height) else digest,
    )


def _rgb_digest(rgb: Image.Image) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{rgb.width}x{rgb.height}:".encode())
    digest.update(rgb.tobytes())
    return digest.hexdigest()


def pixel_digest(path: str) -> str:
    """Digest of the fully decoded, upright, 8-bit RGB pixels (metadata ignored)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with open_image(path) as image:
            meta = read_metadata(image)
            rgb = normalise(image, meta.orientation)
    return _rgb_digest(rgb)


def byte_digest(path: str, chunk: int = CHUNK, cancel: CancelToken | None = None,
                on_bytes: Callable[[int], None] | None = None) -> str:
    """Streamed digest of the file's bytes. ``cancel`` is checked before every chunk (a
    4 GiB file stops within one chunk) and ``on_bytes`` told the size of each chunk read."""
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb", buffering=0) as handle:
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            block = handle.read(chunk)
            if not block:
                break
            digest.update(block)
            if on_bytes is not None:
                on_bytes(len(block))
    return digest.hexdigest()


def _read_at(handle: BinaryIO, offset: int, length: int) -> bytes:
    handle.seek(offset)
    parts = []
    while length > 0 and (block := handle.read(length)):
        parts.append(block)
        length -= len(block)
    return b"".join(parts)


def _samples(handle: BinaryIO, size: int) -> list[bytes]:
    """Head, middle and tail of a file bigger than ``SAMPLED``."""
    return [_read_at(handle, offset, SAMPLE)
            for offset in (0, (size - SAMPLE) // 2, size - SAMPLE)]


def sample_digest(path: str) -> str:
    """The first stage of a byte comparison (as in jdupes and rmlint): a digest of the
    size and of the head, middle and tail, equal for files with the same bytes. Two
    same-sized photos almost always differ there, so only files whose samples collide
    need reading in full. A file up to ``SAMPLED`` bytes is read whole."""
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb", buffering=0) as handle:
        size = os.fstat(handle.fileno()).st_size
        digest.update(f"{size}:".encode())
        for block in _samples(handle, size) if size > SAMPLED else [_read_at(handle, 0, size)]:
            digest.update(block)
    return digest.hexdigest()


def same_bytes(a: str, b: str, chunk: int = CHUNK, cancel: CancelToken | None = None) -> bool:
    """Compare two files byte by byte, streamed (never a shallow stat comparison): sizes,
    then head, middle and tail, then everything, checking ``cancel`` between chunks."""
    with open(a, "rb", buffering=0) as fa, open(b, "rb", buffering=0) as fb:
        size = os.fstat(fa.fileno()).st_size
        if size != os.fstat(fb.fileno()).st_size:
            return False
        if size > SAMPLED and _samples(fa, size) != _samples(fb, size):
            return False
        fa.seek(0)
        fb.seek(0)
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            block_a, block_b = fa.read(chunk), fb.read(chunk)
            if block_a != block_b:
                return False
            if not block_a:
                return True
