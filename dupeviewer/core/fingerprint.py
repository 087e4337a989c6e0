"""One file -> ImageInfo or Skipped: one read, one decode, every hash and digest from it.

The worker reads a file once into memory, hashes those bytes and decodes from them, so the
byte comparison of same-sized files needs no second read; the pixel digest of a full decode
is taken from that decode; and the eight rotated/mirrored pHashes come from one DCT."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Protocol

import numpy as np
from PIL import Image

from dupeviewer.core.decode import DecodeError, normalise, open_image, read_metadata
from dupeviewer.core.discover import cause_of, reason_for
from dupeviewer.core.model import FileStat, ImageInfo, Skipped

if TYPE_CHECKING:
    from collections.abc import Callable

    from dupeviewer.core.cancel import CancelToken

log = logging.getLogger(__name__)

HASH_SIZE = 8  # 64-bit hashes
DCT_SIZE = 4 * HASH_SIZE  # imagehash.phash: DCT of a 32x32 grey (highfreq_factor 4)
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
PIXEL_CHUNK = 256 << 10
"""Bytes of packed pixels hashed at a time: the pixel buffer is never copied whole."""
SAMPLE = 64 << 10
"""Bytes read at the head, the middle and the tail of a file for its sample digest."""
SAMPLED = 3 * SAMPLE
"""Files up to this size are read whole: their sample would be the whole file."""
IN_MEMORY = 64 << 20
"""Files up to this size are read into memory once, digested and decoded from there.
Bigger ones are decoded from the disk and left to the scan's staged, cancellable byte
comparison (a worker holds at most this much file, and a huge file does not time out)."""
DIGEST = "sha256"
"""hashlib's fastest collision-resistant digest here (SHA-NI: 0.84 GB/s on 36 MiB against
0.43 for blake2b); a pixel-group trash relies on digest equality, so no weaker hash."""


class Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def new_digest() -> Digest:
    """The digest of every byte and pixel digest. Changing it changes every stored value:
    the cache's schema version must change with it (and undo must still read old journals)."""
    return hashlib.new(DIGEST)


def _blake2b_160() -> Digest:
    return hashlib.blake2b(digest_size=20)


EARLIER_DIGESTS: dict[int, Callable[[], Digest]] = {40: _blake2b_160}
"""Hex length -> the digest that earlier releases wrote (blake2b-160 until 2026-12): a
journal written by them still names its files by it."""


def digest_like(recorded: str) -> Callable[[], Digest]:
    """The digest that produced ``recorded``: today's, or an earlier release's by length."""
    return EARLIER_DIGESTS.get(len(recorded), new_digest)


def _bits(masks: np.ndarray) -> list[int]:
    """Each 8x8 boolean matrix of ``masks`` (n, 8, 8) as an unsigned 64-bit int, row-major,
    first bit highest (as ``imagehash.ImageHash`` packs it)."""
    packed = np.packbits(masks.reshape(len(masks), -1), axis=1)
    return [int(v) for v in packed.view(">u8").ravel()]


def is_low_detail(gray: Image.Image) -> bool:
    """Flat, near-flat or two-tone pictures: their hashes say nothing about content."""
    small = np.asarray(gray)
    if small.std() < 6.0:
        return True
    hist = np.bincount((small >> 4).ravel(), minlength=16)
    first, second = np.argsort(hist)[-2:]
    # two tones far apart cover the picture (a subtle texture in two neighbouring
    # shades is not two-tone: its hashes still describe it)
    return bool(hist[first] + hist[second] >= 0.92 * small.size and abs(first - second) > 1)


def colour_signature(rgb: Image.Image) -> bytes:
    """Y, Cb and Cr of an 8x8 thumbnail (192 bytes, plane after plane): tells recoloured,
    darkened and lightened variants apart, and compares flat pictures."""
    small = rgb.resize((8, 8), Image.Resampling.BOX).convert("YCbCr")
    planes: bytes = np.frombuffer(small.tobytes(), np.uint8).reshape(64, 3).T.tobytes()
    return planes


def _working_grey(rgb: Image.Image) -> Image.Image:
    """The 64x64 grey every hash comes from. Kept exactly as it was (grey first, then
    Lanczos with ``reducing_gap=3``): averaging a big picture once for both this and the
    colour thumbnail halves their cost, but rounds differently, which moved the pHashes of
    18% of the accuracy corpus and lowered its recall (0.9737 -> 0.9681)."""
    return rgb.convert("L").resize((WORKING, WORKING), Image.Resampling.LANCZOS,
                                   reducing_gap=3.0)


_ODD = np.where(np.arange(HASH_SIZE) % 2 == 1, -1.0, 1.0)
_ROWS, _COLS = _ODD[:, None], _ODD[None, :]


_TURNS = ((False, True, True), (True, True, False), (True, False, True), (False, True, False),
          (True, False, False), (False, False, True), (True, True, True))
"""Each of :data:`TRANSFORMS` as (reverse rows, reverse columns, then transpose)."""


def _turned_dcts(low: np.ndarray) -> np.ndarray:
    """The low-frequency DCT of the picture and of each of :data:`TRANSFORMS` of it, from
    the picture's own: reversing the columns (rows) of a square picture flips the sign of
    its odd horizontal (vertical) frequencies, since cos(pi*k*(2(N-1-n)+1)/2N) = (-1)^k
    cos(pi*k*(2n+1)/2N); transposing it transposes them."""
    out = [low]
    for rows, cols, transpose in _TURNS:
        turned = low * (_ROWS if rows else 1.0) * (_COLS if cols else 1.0)
        out.append(turned.T if transpose else turned)
    return np.stack(out)


def phashes(gray: Image.Image) -> list[int]:
    """``imagehash.phash`` of the picture and of its 7 rotations/mirrors (in
    :data:`TRANSFORMS` order) from one DCT: the same 32x32 grey, the same scipy DCT, the
    8x8 low corner above its median; each variant is thresholded at its own median. (Two
    small matrix products would be faster, but round differently: a flat picture, whose
    coefficients are all near zero, then gets another pHash than imagehash gives it.)"""
    import scipy.fftpack  # here, not at the top: only workers hash, and it costs ~0.24 s

    small = np.asarray(gray.resize((DCT_SIZE, DCT_SIZE), Image.Resampling.LANCZOS))
    dct = scipy.fftpack.dct(scipy.fftpack.dct(small, axis=0), axis=1)
    turned = _turned_dcts(dct[:HASH_SIZE, :HASH_SIZE])
    medians = np.median(turned.reshape(len(turned), -1), axis=1)
    return _bits(turned > medians[:, None, None])


def dhashes(gray: Image.Image) -> list[int]:
    """``imagehash.dhash`` of the picture and of its 7 rotations/mirrors (9x8 greys, each
    compared along its rows), exactly, from two reductions of the one small grey: of it and
    of its transpose. Every other turn is a mirror of one of these, and mirroring commutes
    exactly with Pillow's symmetric filters (a transpose does not: Pillow rounds between
    its horizontal and vertical passes)."""
    size = (HASH_SIZE + 1, HASH_SIZE)
    wide = np.asarray(gray.resize(size, Image.Resampling.LANCZOS))
    tall = np.asarray(gray.transpose(Image.Transpose.TRANSPOSE).resize(
        size, Image.Resampling.LANCZOS))
    turned = [wide, tall[::-1, :], wide[::-1, ::-1], tall[:, ::-1], wide[:, ::-1],
              wide[::-1, :], tall, tall[::-1, ::-1]]  # upright, then TRANSFORMS
    stacked = np.stack(turned)
    return _bits(stacked[:, :, 1:] > stacked[:, :, :-1])


@dataclass(frozen=True, slots=True)
class Hashes:
    """What one picture's pixels give for grouping (the fields of :class:`ImageInfo`)."""

    phash: int
    dhash: int
    rot_phash: tuple[int, ...]
    rot_dhash: tuple[int, ...]
    colour: bytes
    low_detail: bool


def hashes(rgb: Image.Image) -> Hashes:
    """Perceptual hashes of the upright picture and of its 7 rotations/mirrors."""
    gray = _working_grey(rgb)
    phash, *rot_p = phashes(gray)
    dhash, *rot_d = dhashes(gray)
    return Hashes(phash, dhash, tuple(rot_p), tuple(rot_d), colour_signature(rgb),
                  is_low_detail(gray))


def _read_whole(path: str) -> bytes | None:
    """The file's bytes, read once; None if it is bigger than :data:`IN_MEMORY`."""
    with open(path, "rb", buffering=0) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > IN_MEMORY:
            return None
        return _read_at(handle, 0, size + 1)  # one byte more tells a file that grew


def fingerprint(file: FileStat) -> ImageInfo | Skipped:
    """Fingerprint one file; every failure becomes a Skipped with a reason."""
    try:
        data = _read_whole(file.path)
        with open_image(file.path if data is None else io.BytesIO(data)) as image:
            meta = read_metadata(image)
            if image.format == "JPEG":
                image.draft("RGB", (REDUCED, REDUCED))
            rgb = normalise(image, meta.orientation)
        values = hashes(rgb)
        digest = _rgb_digest(rgb)
    except DecodeError as exc:
        return Skipped(file.path, str(exc), exc.cause)
    except (OSError, EOFError) as exc:
        if isinstance(exc, OSError) and exc.errno:  # the disk or the file system said no
            return Skipped(file.path, reason_for(exc), cause_of(exc))
        # Pillow's decoders raise errno-less OSError (and EOFError) on data that stops or
        # breaks after a valid header: the file is damaged, whatever the wording
        return Skipped(file.path, f"damaged or truncated image ({exc})", "damaged")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return Skipped(file.path, f"too many pixels (decompression bomb): {exc}", "too_big")
    except MemoryError:
        return Skipped(file.path, "not enough memory to decode", "too_big")
    except Exception as exc:  # noqa: BLE001  a decoder bug on a hostile file costs one file
        return Skipped(file.path, f"cannot decode: {type(exc).__name__}: {exc}", "damaged")
    full = rgb.size == (meta.width, meta.height)
    return ImageInfo(
        path=file.path, size=file.size, mtime_ns=file.mtime_ns, dev=file.dev, ino=file.ino,
        width=meta.width, height=meta.height, format=meta.format, taken=meta.taken,
        camera=meta.camera, orientation=meta.orientation, gps=meta.gps, quality=meta.quality,
        animated=meta.animated, phash=values.phash, dhash=values.dhash,
        rot_phash=values.rot_phash, rot_dhash=values.rot_dhash, colour=values.colour,
        low_detail=values.low_detail,
        byte_digest=_bytes_digest(data, file.size),
        pixel_digest=digest if full else None,
        draft_digest=None if full else digest,
    )


def _bytes_digest(data: bytes | None, size: int) -> str | None:
    """The byte digest of what was read, if it is the file that was discovered (a file
    rewritten since has another size; its digest is left to the byte comparison)."""
    if data is None or len(data) != size:
        return None
    digest = new_digest()
    digest.update(data)
    return digest.hexdigest()


def _rgb_digest(rgb: Image.Image) -> str:
    """Digest of the size and the packed 8-bit RGB rows, equal to hashing ``tobytes()``
    but packed and hashed a slice at a time, so no copy of the whole buffer is made."""
    digest = new_digest()
    digest.update(f"{rgb.width}x{rgb.height}:".encode())
    encoder = Image._getencoder(rgb.mode, "raw", rgb.mode)
    encoder.setimage(rgb.im, (0, 0, *rgb.size))
    status = 0
    while not status:
        _, status, chunk = encoder.encode(PIXEL_CHUNK)
        digest.update(chunk)
    if status < 0:
        raise OSError(f"cannot pack the pixels (encoder error {status})")
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
                on_bytes: Callable[[int], None] | None = None,
                new: Callable[[], Digest] = new_digest) -> str:
    """Streamed digest of the file's bytes. ``cancel`` is checked before every chunk (a
    4 GiB file stops within one chunk) and ``on_bytes`` told the size of each chunk read."""
    digest = new()
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
    digest = new_digest()
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
