"""First-scan CPU per file against the floor of reading and decoding it, in the same run.

    python benchmarks/bench_cpu.py [--limit 18] [--small 300] [--repeat 3]
                                   [--old DIR] [--digests]

The floor is what no scan can avoid: read each file once and decode it at the reduced size
hashing needs (JPEG ``draft`` to at least 128 px; PNG and WebP have no reduced decode and
are decoded in full). Against it, in one process (``workers=0``), ``time.process_time`` of

* ``fingerprint``: the per-file work of the scan's workers, file by file;
* ``first scan``: a whole ``dupeviewer.core.scan`` with a new cache, which adds discovery,
  the cache, the byte comparison of same-sized files, full decodes for pixel digests, and
  grouping; ``less grouping`` is the same less the CPU of ``build_groups`` (a cost of the
  library's size, not of reading and decoding files).

Two folders: (a) the mixed real-photo folder that ``benchmarks/accuracy.py`` builds from the
KDE/GNOME wallpaper packages (``--limit`` designs: JPEG, PNG, WebP, with copies, conversions
and resizes), and (b) 640x480 JPEGs cropped from the same photographs. Every figure is the
best of ``--repeat`` interleaved rounds (the machine is shared; the ratio is what counts).
Target: both ratios within 1.5x.

``--old DIR`` also measures an older engine in a subprocess: DIR holds its ``dupeviewer``
package, e.g. ``git archive <commit> dupeviewer | tar -x -C DIR``. ``--digests`` prints the
speed of hashlib's digests (and xxhash's, if installed) on 36 MiB.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

DATA = Path.home() / ".cache" / "dupeviewer-bench"
REDUCED = 128
SMALL = (640, 480)


def mixed_folder(data: Path, limit: int) -> Path:
    """The accuracy corpus of ``limit`` designs (built once, then reused)."""
    import accuracy
    import corpus
    import realphotos

    designs = accuracy.select(realphotos.collect(realphotos.ensure_unpacked(data)), limit)
    work = data / f"cpu-mixed-{limit}"
    corpus.build(designs, work)
    return work / "corpus"


def small_folder(data: Path, count: int) -> Path:
    """``count`` 640x480 JPEGs, random crops of the real photographs (built once)."""
    import realphotos

    folder = data / f"cpu-small-{count}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    masters = [d.master for d in realphotos.collect(realphotos.ensure_unpacked(data))]
    rng = np.random.default_rng(20240601)
    per = -(-count // len(masters))
    index = 0
    for master in masters:
        with Image.open(master) as image:
            picture = image.convert("RGB")
        picture.thumbnail((2000, 2000))
        for _ in range(per):
            if index == count:
                break
            scale = rng.uniform(0.35, 0.9)
            w = int(picture.width * scale)
            h = min(picture.height, int(w * 3 / 4))
            x = int(rng.integers(0, picture.width - w + 1))
            y = int(rng.integers(0, picture.height - h + 1))
            crop = picture.crop((x, y, x + w, y + h)).resize(SMALL, Image.Resampling.LANCZOS)
            crop.save(folder / f"small{index:04d}.jpg", quality=int(rng.integers(75, 95)))
            index += 1
    marker.touch()
    return folder


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def floor(paths: list[Path]) -> None:
    """Read each file once and decode it at the size hashing needs."""
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as image:
            if image.format == "JPEG":
                image.draft("RGB", (REDUCED, REDUCED))
            image.load()


def fingerprints(paths: list[Path]) -> None:
    from dupeviewer.core.fingerprint import fingerprint
    from dupeviewer.core.model import FileStat

    for path in paths:
        st = path.stat()
        fingerprint(FileStat(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino))


def first_scan(folder: Path) -> float:
    """Run a first scan; return the CPU seconds of its grouping (``build_groups``), which
    grows with the library, not with the files' size, so it is reported apart as well."""
    import importlib

    from dupeviewer.core import Options, scan

    module = importlib.import_module("dupeviewer.core.scan")
    real = getattr(module, "build_groups")  # noqa: B009  (patched below, then restored)
    grouping = 0.0

    def timed(*args: object, **kwargs: object) -> object:
        nonlocal grouping
        started = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            grouping += time.process_time() - started

    setattr(module, "build_groups", timed)  # noqa: B010
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scan([folder], Options(cache_path=Path(tmp) / "cache.sqlite3", workers=0))
    finally:
        setattr(module, "build_groups", real)  # noqa: B010
    return grouping


def _warm(paths: list[Path]) -> None:
    """Pay the imports (the engine's, scipy's for imagehash, Pillow's plugins) before any
    timing, as a worker pays them once for thousands of files."""
    import imagehash
    import scipy.fftpack  # noqa: F401  (imagehash.phash imports it on first use)

    import dupeviewer.core.scan  # noqa: F401

    imagehash.phash(Image.new("L", (8, 8)))
    fingerprints(paths[:1])


def cpu(func: Callable[[], object]) -> float:
    started = time.process_time()
    func()
    return time.process_time() - started


def scan_cpu(folder: Path) -> tuple[float, float]:
    """CPU seconds of a whole first scan, and of the same less its grouping."""
    started = time.process_time()
    grouping = first_scan(folder)
    total = time.process_time() - started
    return total, total - grouping


def measure(folder: Path, repeat: int, old: Path | None) -> dict[str, float]:
    """Best CPU seconds per file of each measure, rounds interleaved."""
    paths = files_of(folder)
    floor(paths)  # warm the page cache: every measure then reads from memory
    _warm(paths)
    runs: dict[str, Callable[[], tuple[float, ...]]] = {
        "floor": lambda: (cpu(lambda: floor(paths)),),
        "fingerprint": lambda: (cpu(lambda: fingerprints(paths)),),
        "first scan": lambda: scan_cpu(folder),
    }
    if old is not None:
        runs["old fingerprint"] = lambda: _old(old, folder, "fingerprint")
        runs["old first scan"] = lambda: _old(old, folder, "first scan")
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            values = run()
            names = [name, f"{name} less grouping"][:len(values)]
            for key, seconds in zip(names, values):
                best[key] = min(best.get(key, float("inf")), seconds / len(paths))
    return best


def _old(old: Path, folder: Path, what: str) -> tuple[float, ...]:
    """CPU seconds of one measure by the engine in ``old`` (a subprocess)."""
    done = subprocess.run([sys.executable, __file__, "--child", str(old), str(folder), what],
                          capture_output=True, text=True, check=True)
    return tuple(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def _child(old: Path, folder: Path, what: str) -> None:
    """Import ``dupeviewer`` from ``old``, not the installed (maybe editable) package."""
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, str(old))
    import dupeviewer

    assert Path(dupeviewer.__file__).is_relative_to(old), dupeviewer.__file__
    paths = files_of(folder)
    _warm(paths)
    seconds = (cpu(lambda: fingerprints(paths)),) if what == "fingerprint" else \
        scan_cpu(folder)
    print(json.dumps({"seconds": seconds}))


def digests() -> None:
    data = memoryview(os.urandom(36 << 20))
    makers: dict[str, Callable[[], object]] = {
        name: partial(hashlib.new, name)
        for name in ("sha1", "sha256", "blake2b", "blake2s", "md5", "sha512")}
    try:
        import xxhash  # not a dependency: measured when installed

        makers["xxh3_128 (xxhash)"] = xxhash.xxh3_128
    except ImportError:
        print("xxhash not installed: not measured")
    print("digest speed on 36 MiB, 1 MiB updates, best of 5:")
    for name, make in makers.items():
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            digest = make()
            for begin in range(0, len(data), 1 << 20):
                digest.update(data[begin:begin + (1 << 20)])  # type: ignore[attr-defined]
            best = min(best, time.perf_counter() - started)
        print(f"  {name:18s} {len(data) / best / 1e9:6.2f} GB/s  {best * 1000:7.1f} ms")


def report(label: str, folder: Path, best: dict[str, float]) -> None:
    paths = files_of(folder)
    kinds: dict[str, int] = {}
    for path in paths:
        kinds[path.suffix.lower()] = kinds.get(path.suffix.lower(), 0) + 1
    mib = sum(p.stat().st_size for p in paths) / (1 << 20)
    mix = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"{label}: {folder} ({len(paths)} files: {mix}; {mib:.0f} MiB)")
    base = best["floor"]
    for name, seconds in best.items():
        ratio = "" if name == "floor" else f"  {seconds / base:5.2f}x floor"
        print(f"  {name:16s} {seconds * 1000:8.2f} ms/file{ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=18, help="designs in the mixed folder")
    parser.add_argument("--small", type=int, default=300, help="640x480 JPEGs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", type=Path, help="folder holding an older dupeviewer package")
    parser.add_argument("--digests", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(Path(args.child[0]).resolve(), Path(args.child[1]), args.child[2])
        return 0
    if args.digests:
        digests()
    old = args.old.resolve() if args.old else None
    for label, folder in (("mixed real photos", mixed_folder(args.data, args.limit)),
                          ("small JPEGs 640x480", small_folder(args.data, args.small))):
        report(label, folder, measure(folder, args.repeat, old))
    return 0


if __name__ == "__main__":
    sys.exit(main())
