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

_HEAD = struct.Struct("<IIQQBBhBH4h")
"""width, height, dHash, pHash, flags, orientation, quality (-1: none), rotated hashes of
each kind, colour signature length, then the lengths of format, taken, camera and
draft_digest in bytes (-1: none). The rotated pHashes, the rotated dHashes, the colour
signature and the four texts follow."""
_LOW_DETAIL, _GPS, _ANIMATED = 1, 2, 4
_ROTATED: dict[int, struct.Struct] = {}
_TEXT = ("utf-8", "surrogatepass")


def _rotated(turns: int) -> struct.Struct:
    packer = _ROTATED.get(turns)
    if packer is None:
        packer = _ROTATED[turns] = struct.Struct(f"<{2 * turns}Q")
    return packer


def _length(text: bytes | None) -> int:
    return -1 if text is None else len(text)


def pack(info: ImageInfo) -> bytes:
    """The record of ``info``; raises ``struct.error`` for a value it cannot hold."""
    turns = len(info.rot_phash)
    if len(info.rot_dhash) != turns:
        raise struct.error(f"{turns} rotated pHashes but {len(info.rot_dhash)} dHashes")
    texts = [None if t is None else t.encode(*_TEXT)
             for t in (info.format, info.taken, info.camera, info.draft_digest)]
    flags = ((_LOW_DETAIL if info.low_detail else 0) | (_GPS if info.gps else 0)
             | (_ANIMATED if info.animated else 0))
    head = _HEAD.pack(info.width, info.height, info.dhash, info.phash, flags, info.orientation,
                      -1 if info.quality is None else info.quality, turns, len(info.colour),
                      *map(_length, texts))
    return b"".join([head, _rotated(turns).pack(*info.rot_phash, *info.rot_dhash), info.colour,
                     *(t for t in texts if t is not None)])


def unpack(file: FileStat, record: bytes, byte_digest: str | None,
           pixel_digest: str | None) -> ImageInfo:
    """The fingerprint of ``file`` from its record; raises ``struct.error`` or ValueError
    for a record that is not one."""
    (width, height, dhash, phash, flags, orientation, quality, turns, colour_size,
     *lengths) = _HEAD.unpack_from(record)
    at = _HEAD.size
    hashes = _rotated(turns).unpack_from(record, at)
    at += 16 * turns
    colour = record[at:at + colour_size]
    at += colour_size
    texts: list[str | None] = []
    for length in lengths:
        if length < 0:
            texts.append(None)
        else:
            texts.append(record[at:at + length].decode(*_TEXT))
            at += length
    if at != len(record) or len(colour) != colour_size:
        raise ValueError(f"a cache record of {len(record)} bytes, expected {at}")
    image_format, taken, camera, draft_digest = texts
    if image_format is None:
        raise ValueError("a cache record without a format")
    return ImageInfo(file.path, file.size, file.mtime_ns, file.dev, file.ino, width, height,
                     image_format, dhash, phash, hashes[:turns], hashes[turns:], colour,
                     bool(flags & _LOW_DETAIL), taken, camera, orientation, bool(flags & _GPS),
                     None if quality < 0 else quality, bool(flags & _ANIMATED), byte_digest,
                     pixel_digest, draft_digest)
