"""The fingerprint of one file as the cache stores it: a packed record, cheap to read back.

A rescan reads one record per file, so reading one is on the path of every rescan: the JSON
with hex strings stored before cost 17 us a row here (``json.loads``, 16 ``int(h, 16)``,
``bytes.fromhex``), a fifth of a second per 10,000 files before any work was done; this
record is one ``struct`` unpack for the numbers, one for the rotated hashes and a few slices,
and the :class:`ImageInfo` is built from positional arguments (keywords cost 2 us more).

The record holds every field of :class:`ImageInfo` but the cache key (path, size, mtime,
identity: the row's own columns), the two digests learnt after fingerprinting (their own
columns, updated in place) and ``links`` (they depend on the scan, not the file)."""

from __future__ import annotations

import struct

from dupeviewer.core.model import FileStat, ImageInfo

KEY_FIELDS = ("path", "size", "mtime_ns", "dev", "ino")
COLUMN_FIELDS = ("byte_digest", "pixel_digest")
SCAN_FIELDS = ("links",)
RECORD_FIELDS = ("width", "height", "format", "dhash", "phash", "rot_phash", "rot_dhash",
                 "colour", "low_detail", "taken", "camera", "orientation", "gps", "quality",
                 "animated", "draft_digest")
"""What :func:`pack` stores; with the three lists above, every field of ImageInfo (a test
checks it, so a new field cannot be silently dropped from the cache)."""

_LAYOUT = "<BIIQQBBhH{}Q"
"""The numbers of a record: rotations, width, height, dHash, pHash, flags, orientation,
quality (-1: none), colour signature length, then the rotated pHashes and dHashes (as many
of each as the first byte says). The colour signature follows, then format, taken, camera
and draft_digest in UTF-8, separated by NUL."""
_LOW_DETAIL, _GPS, _ANIMATED, _NO_TAKEN, _NO_CAMERA, _NO_DRAFT = 1, 2, 4, 8, 16, 32
_LAYOUTS: dict[int, struct.Struct] = {}
_TEXT = ("utf-8", "surrogatepass")


def _layout(turns: int) -> struct.Struct:
    layout = _LAYOUTS.get(turns)
    if layout is None:
        layout = _LAYOUTS[turns] = struct.Struct(_LAYOUT.format(2 * turns))
    return layout


def pack(info: ImageInfo) -> bytes:
    """The record of ``info``; raises ``struct.error`` for a value it cannot hold."""
    turns = len(info.rot_phash)
    if len(info.rot_dhash) != turns:
        raise struct.error(f"{turns} rotated pHashes but {len(info.rot_dhash)} dHashes")
    texts = [info.format, info.taken or "", info.camera or "", info.draft_digest or ""]
    if any("\0" in text for text in texts):
        raise struct.error("a text with a NUL character")
    flags = ((_LOW_DETAIL if info.low_detail else 0) | (_GPS if info.gps else 0)
             | (_ANIMATED if info.animated else 0) | (_NO_TAKEN if info.taken is None else 0)
             | (_NO_CAMERA if info.camera is None else 0)
             | (_NO_DRAFT if info.draft_digest is None else 0))
    numbers = _layout(turns).pack(
        turns, info.width, info.height, info.dhash, info.phash, flags, info.orientation,
        -1 if info.quality is None else info.quality, len(info.colour), *info.rot_phash,
        *info.rot_dhash)
    return numbers + info.colour + "\0".join(texts).encode(*_TEXT)


def unpack(file: FileStat, record: bytes, byte_digest: str | None,
           pixel_digest: str | None) -> ImageInfo:
    """The fingerprint of ``file`` from its record; raises ``struct.error`` or ValueError
    for a record that is not one."""
    layout = _LAYOUTS.get(record[0]) or _layout(record[0])
    numbers = layout.unpack_from(record)
    turns, width, height, dhash, phash, flags, orientation, quality, colour_size = numbers[:9]
    at = layout.size + colour_size
    colour = record[layout.size:at]
    texts = record[at:].decode(*_TEXT).split("\0")
    if len(texts) != 4 or len(colour) != colour_size:
        raise ValueError(f"a cache record of {len(record)} bytes that is not one")
    image_format, taken, camera, draft_digest = texts
    return ImageInfo(file.path, file.size, file.mtime_ns, file.dev, file.ino, width, height,
                     image_format, dhash, phash, numbers[9:9 + turns], numbers[9 + turns:],
                     colour, bool(flags & _LOW_DETAIL), None if flags & _NO_TAKEN else taken,
                     None if flags & _NO_CAMERA else camera, orientation, bool(flags & _GPS),
                     None if quality < 0 else quality, bool(flags & _ANIMATED), byte_digest,
                     pixel_digest, None if flags & _NO_DRAFT else draft_digest)
