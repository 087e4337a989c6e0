"""Scan speed against a naive baseline, measured in the same run.

    python benchmarks/bench_scan.py [--files 1000] [--size 3000x2000] [--corpus DIR]

Prints: images/second of a first scan (all cores) and the ratio against a naive baseline
(full-resolution decode + imagehash.dhash per file in one process, then all-pairs
comparison); the time of a cached rescan; and grouping time for 100,000 random 64-bit
hashes with the multi-index search against all-pairs numpy.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

from dupeviewer.core import ImageInfo, Options, scan
from dupeviewer.core.grouping import build_groups
from dupeviewer.core.neighbours import pairs_all, pairs_within


def _picture(seed: int, size: tuple[int, int]) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    image = Image.fromarray((rng.random((5, 7, 3)) * 255).astype(np.uint8)).resize(
        (w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        box = [x, y, x + int(rng.integers(w // 12, w // 3)), y + int(rng.integers(h // 12, h // 3))]
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    grain = Image.effect_noise((w, h), 12).convert("RGB")
    return Image.blend(image, grain, 0.08)


def _make_one(args: tuple[Path, int, tuple[int, int], bool]) -> None:
    folder, index, size, variant = args
    if variant:  # a near duplicate of the picture before it: resized, re-encoded, brighter
        base = _picture(index - 1, size)
        kind = index % 3
        if kind == 0:
            base = base.resize((size[0] // 2, size[1] // 2), Image.Resampling.LANCZOS)
        elif kind == 1:
            base = ImageEnhance.Brightness(base).enhance(1.1)
        base.save(folder / f"img{index:05d}_v.jpg", quality=70 if kind == 2 else 88)
    else:
        _picture(index, size).save(folder / f"img{index:05d}.jpg", quality=90)


def make_corpus(folder: Path, count: int, size: tuple[int, int]) -> None:
    marker = folder / f".complete-{count}-{size[0]}x{size[1]}"
    if marker.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(folder, i, size, i % 5 == 4) for i in range(count)]  # 20% near duplicates
    with multiprocessing.get_context("spawn").Pool() as pool:
        pool.map(_make_one, jobs, chunksize=8)
    marker.touch()


def naive(folder: Path, threshold: int) -> tuple[float, int]:
    """Full decode + imagehash.dhash per file in one process, then all pairs."""
    started = time.perf_counter()
    hashes = []
    for path in sorted(folder.glob("*.jpg")):
        with Image.open(path) as image:
            hashes.append(imagehash.dhash(image))
    pairs = sum(1 for i in range(len(hashes)) for j in range(i + 1, len(hashes))
                if hashes[i] - hashes[j] <= threshold)
    return time.perf_counter() - started, pairs


def grouping(n: int, threshold: int) -> tuple[float, float, int, int]:
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    planted = rng.integers(0, n, n // 100)
    flips = np.uint64(1) << rng.integers(0, 64, len(planted)).astype(np.uint64)
    hashes = np.concatenate([hashes, hashes[planted] ^ flips])  # 1% near copies
    started = time.perf_counter()
    q, k, _ = pairs_within(hashes, hashes, threshold)
    fast = len({(a, b) for a, b in zip(q.tolist(), k.tolist()) if a < b})
    fast_seconds = time.perf_counter() - started
    started = time.perf_counter()
    infos = [ImageInfo(path=f"/bench/{n}.jpg", size=1000 + n, mtime_ns=0, dev=1, ino=n,
                       width=4000, height=3000, format="JPEG", dhash=int(h), phash=int(h))
             for n, h in enumerate(hashes.tolist())]
    groups = build_groups(infos, Options(threshold=threshold))
    print(f"build_groups over {len(infos)} images (search, confirm, cluster): "
          f"{time.perf_counter() - started:.2f} s, {len(groups)} groups")
    started = time.perf_counter()
    i, _, _ = pairs_all(hashes, threshold)
    slow_seconds = time.perf_counter() - started
    return fast_seconds, slow_seconds, fast, len(i)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--size", default="3000x2000")
    parser.add_argument("--corpus", type=Path,
                        default=Path.home() / ".cache" / "dupeviewer-bench" / "scan-corpus")
    parser.add_argument("--hashes", type=int, default=100_000)
    parser.add_argument("--threshold", type=int, default=10)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    folder = args.corpus / f"{args.files}-{args.size}"
    print(f"corpus: {folder} ({args.files} JPEGs at {args.size}, 20% near duplicates); "
          f"{os.cpu_count()} cores")
    started = time.perf_counter()
    make_corpus(folder, args.files, size)  # type: ignore[arg-type]
    print(f"corpus ready in {time.perf_counter() - started:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache.sqlite3"
        first = scan([folder], Options(cache_path=cache, threshold=args.threshold))
        rescan = scan([folder], Options(cache_path=cache, threshold=args.threshold))
    rate = first.stats.images / first.stats.seconds
    print(f"first scan:   {first.stats.seconds:7.2f} s  {rate:7.1f} images/s  "
          f"{first.stats.groups} groups, {len(first.skipped)} skipped")
    print(f"cached rescan:{rescan.stats.seconds:7.2f} s  ({rescan.stats.cache_hits} cache hits)")
    if not args.skip_naive:
        naive_seconds, naive_pairs = naive(folder, args.threshold)
        print(f"naive:        {naive_seconds:7.2f} s  {args.files / naive_seconds:7.1f} images/s "
              f"({naive_pairs} pairs)")
        print(f"first scan speed-up over naive: {naive_seconds / first.stats.seconds:.2f}x")
    fast, slow, found_fast, found_slow = grouping(args.hashes, args.threshold)
    print(f"grouping {args.hashes + args.hashes // 100} hashes at threshold {args.threshold}: "
          f"multi-index {fast:.2f} s ({found_fast} pairs), all-pairs numpy {slow:.2f} s "
          f"({found_slow} pairs), speed-up {slow / fast:.1f}x")
    return 0 if found_fast == found_slow else 1


if __name__ == "__main__":
    sys.exit(main())
