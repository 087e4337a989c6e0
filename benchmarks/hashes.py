"""Reference perceptual hashes (ImageHash), computed independently of the engine.

They explain the engine's errors (what pHash / dHash distance separated a missed copy from
its original, or joined two different pictures) and give a naive baseline measured in the
same run: "group everything whose pHash is within t, transitively".
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
from PIL import Image, ImageOps


@dataclass(frozen=True)
class Hashes:
    phash: int
    dhash: int
    chroma: tuple[int, ...]
    """Cb then Cr of an 8x8 thumbnail (128 values), like the engine's colour signature."""
    grey: bool
    engine: tuple[int, int, bytes, bool, int, int] | None = None
    """The engine's own (pHash, dHash, colour signature, low_detail, width, height), if it
    could be asked."""


def _engine_fingerprint(path: str) -> list[object] | None:
    """The engine's own fingerprint of one file (internal API: best effort only)."""
    try:
        from dupeviewer.core.fingerprint import fingerprint
        from dupeviewer.core.model import FileStat, ImageInfo

        st = os.stat(path)
        info = fingerprint(FileStat(path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino))
        if not isinstance(info, ImageInfo):  # skipped by the engine
            return None
        return [int(info.phash), int(info.dhash), bytes(info.colour).hex(), bool(info.low_detail),
                info.width, info.height]
    except Exception:  # noqa: BLE001 - the engine's internals may change; it is optional
        return None


def engine_version() -> str:
    """Digest of the engine's fingerprint code: cached engine hashes are only reused for it."""
    try:
        import dupeviewer.core.decode as dec
        import dupeviewer.core.fingerprint as fp

        text = Path(fp.__file__).read_bytes() + Path(dec.__file__).read_bytes() + b"tuple-v2"
    except Exception:  # noqa: BLE001
        return "none"
    import hashlib

    return hashlib.blake2b(text, digest_size=8).hexdigest()


def _one(path: str) -> tuple[str, list[object] | str]:
    try:
        with Image.open(path) as im:
            im.draft("RGB", (256, 256))  # JPEG only: decode at reduced size, like the engine
            img = ImageOps.exif_transpose(im)
            img = img.convert("RGB")
        ph = int(str(imagehash.phash(img)), 16)
        dh = int(str(imagehash.dhash(img)), 16)
        ycc = np.asarray(img.resize((8, 8), Image.Resampling.BOX).convert("YCbCr"), np.int16)
        chroma = [int(v) for v in ycc[..., 1].ravel()] + [int(v) for v in ycc[..., 2].ravel()]
        grey = bool(np.abs(ycc[..., 1:] - 128).max() <= 3)
        return path, [ph, dh, chroma, grey, _engine_fingerprint(path)]
    except Exception as exc:  # noqa: BLE001 - report, never crash the benchmark
        return path, f"{type(exc).__name__}: {exc}"


def _hashes(res: list[Any]) -> Hashes:
    ph, dh, chroma, grey, eng = res
    e = None
    if isinstance(eng, list) and len(eng) == 6:
        e = (int(eng[0]), int(eng[1]), bytes.fromhex(str(eng[2])), bool(eng[3]), int(eng[4]),
             int(eng[5]))
    return Hashes(int(ph), int(dh), tuple(int(c) for c in chroma), bool(grey), e)


def compute(root: Path, rels: list[str], cache: Path | None = None,
            workers: int | None = None) -> dict[str, Hashes]:
    """Hashes of every file (relative to ``root``), cached by (size, mtime) in ``cache``."""
    saved: dict[str, list[object]] = {}
    version = engine_version()
    if cache is not None and cache.exists():
        saved = json.loads(cache.read_text())
        if saved.get("_engine") != version:  # type: ignore[comparison-overlap]
            saved = {}
    saved["_engine"] = version  # type: ignore[assignment]
    out: dict[str, Hashes] = {}
    todo = []
    for rel in rels:
        st = os.stat(root / rel)
        key = f"{rel}|{st.st_size}|{st.st_mtime_ns}"
        if key in saved:
            out[rel] = _hashes(saved[key])
        else:
            todo.append((rel, key))
    if todo:
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            results = pool.map(_one, [str(root / rel) for rel, _ in todo], chunksize=8)
            for (rel, key), (_, res) in zip(todo, results):
                if isinstance(res, str):
                    continue
                saved[key] = res
                out[rel] = _hashes(res)
        if cache is not None:
            cache.write_text(json.dumps(saved))
    return out


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def chroma_distance(a: Hashes, b: Hashes) -> float:
    """Mean absolute Cb/Cr difference of the 8x8 thumbnails (0 = same colours)."""
    return float(np.abs(np.array(a.chroma) - np.array(b.chroma)).mean())


def _engine_chroma(sig: bytes) -> np.ndarray:
    """The Cb/Cr planes of the engine's colour signature (Y, Cb, Cr of an 8x8 thumbnail)."""
    planes = np.frombuffer(sig, dtype=np.uint8).astype(np.int16)
    return planes[64:] - 128 if len(planes) == 192 else planes - 128


def describe(a: Hashes | None, b: Hashes | None) -> str:
    """Distances between two files: the engine's own hashes first, then ImageHash's."""
    if a is None or b is None:
        return "hashes unavailable"
    parts = []
    if a.engine and b.engine:
        ca, cb = _engine_chroma(a.engine[2]), _engine_chroma(b.engine[2])
        text = (f"engine pHash {hamming(a.engine[0], b.engine[0]):2d} "
                f"dHash {hamming(a.engine[1], b.engine[1]):2d} "
                f"chroma {np.abs(ca - cb).mean():5.1f} (strength {np.abs(ca).mean():.0f}/"
                f"{np.abs(cb).mean():.0f})")
        flags = [n for n, h in (("1st", a), ("2nd", b)) if h.engine and h.engine[3]]
        if flags:
            text += f" LOW-DETAIL {'+'.join(flags)}"
        parts.append(text)
    parts.append(f"ImageHash pHash {hamming(a.phash, b.phash):2d} "
                 f"dHash {hamming(a.dhash, b.dhash):2d}")
    return "; ".join(parts)


def direct_match(a: Hashes, b: Hashes, threshold: int) -> bool | None:
    """Would the engine's own pairwise rules (upright only) accept a ~ b on their own?

    False for a wrongly grouped pair means the pair was glued together through a third
    picture (a group centre both resemble), not matched directly. Asks the engine's
    internal ``similarity.near_edges`` (best effort: None if it is not there).
    """
    if not (a.engine and b.engine):
        return None
    try:
        from dupeviewer.core.model import ImageInfo
        from dupeviewer.core.similarity import near_edges
    except ImportError:
        return None

    def info(h: Hashes, n: int) -> ImageInfo:
        assert h.engine is not None
        ph, dh, colour, low, width, height = h.engine
        return ImageInfo(path=str(n), size=0, mtime_ns=0, dev=0, ino=n, width=width,
                         height=height, format="", dhash=dh, phash=ph, colour=colour,
                         low_detail=low)

    return bool(near_edges([info(a, 0), info(b, 1)], threshold, rotations=False))


def naive_groups(hashes: dict[str, Hashes], threshold: int,
                 both: bool = False) -> list[list[str]]:
    """Connected components of "pHash distance <= threshold" (and dHash too if ``both``)."""
    paths = sorted(hashes)
    ph = np.array([hashes[p].phash for p in paths], dtype=np.uint64)
    dh = np.array([hashes[p].dhash for p in paths], dtype=np.uint64)
    parent = list(range(len(paths)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(paths)):
        d = _popcount(ph[i + 1:] ^ ph[i])
        ok = d <= threshold
        if both:
            ok &= _popcount(dh[i + 1:] ^ dh[i]) <= threshold
        for j in np.nonzero(ok)[0]:
            a, b = find(i), find(i + 1 + int(j))
            if a != b:
                parent[b] = a
    comps: dict[int, list[str]] = {}
    for i, p in enumerate(paths):
        comps.setdefault(find(i), []).append(p)
    return [c for c in comps.values() if len(c) > 1]


def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    count = np.zeros(x.shape, dtype=np.int64)
    for _ in range(8):
        count += _BYTE_POP[(x & np.uint64(0xFF)).astype(np.int64)]
        x >>= np.uint64(8)
    return count


_BYTE_POP = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)
