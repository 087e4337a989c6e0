"""Soak: 20,000 small photos, mostly copies, with 5% injected faults; scan, trash, check.

Usage::

    python benchmarks/soak.py                      # 20,000 files, 5% faults, 2 workers
    python benchmarks/soak.py --files 2000         # a quick run
    python benchmarks/soak.py --no-trash --keep    # scan only; keep the tree for a look

The tree is made in a temporary folder: 64x64 photo-like pictures, each saved as a JPEG
and copied many times (byte copies, copies with other EXIF bytes, PNG conversions) into
200 folders. Then 5% of the files are faults:

* unreadable: files and whole folders with mode 000 (run as root, the script re-runs itself
  under ``setpriv`` without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH so the modes apply);
* vanishing: files deleted while the scan is running (from its progress callback, once
  fingerprinting has started; they sit in the folder walked last);
* corrupt: truncated JPEGs, random bytes, zero-byte files and HTML named .jpg.

The scan must not crash and must report every fault with a fitting reason. Then every
suggested copy is trashed into a temporary freedesktop trash, and every picture must still
have a copy at an original path (files lost = 0). A second scan reuses the cache and must
not see the trash. Peak RSS of this process and of its largest child (the decoder
workers) comes from ``resource.getrusage``. Exit status 0 only if every check passed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

if TYPE_CHECKING:
    from dupeviewer.core.cancel import ProgressEvent

REEXEC = "DUPEVIEWER_SOAK_NO_DAC"
FAULT_REASONS = {
    "unreadable": r"^permission denied$",
    "locked-folder": r"^cannot read folder: permission denied$",
    "vanished": r"^vanished during the scan$",
    "truncated": r"^damaged or truncated image",
    "garbage": r"^not a supported image",
    "zero-byte": r"^not a supported image",
    "html": r"^not a supported image",
}


def drop_root_file_override() -> None:
    """As root, file modes do not apply; re-run without the capabilities that skip them."""
    if os.geteuid() != 0 or os.environ.get(REEXEC) or shutil.which("setpriv") is None:
        return
    os.environ[REEXEC] = "1"
    command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--",
               sys.executable, *sys.argv]
    try:
        os.execvp("setpriv", command)
    except OSError as exc:
        print(f"note: could not drop CAP_DAC_OVERRIDE ({exc}); unreadable files will be "
              "readable", file=sys.stderr)


def photo(seed: int, size: int = 64) -> Image.Image:
    """A small photo-like picture (smooth field, shapes, noise); seeds are unrelated."""
    rng = np.random.default_rng(seed)
    coarse = (rng.random((5, 5, 3)) * 255).astype(np.uint8)
    base = Image.fromarray(coarse).resize((size, size), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(6):
        x, y = (int(v) for v in rng.integers(0, size, 2))
        w, h = (int(v) for v in rng.integers(size // 8, size // 2, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x, y, x + w, y + h],
                                                                  fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(1))
    noise = rng.normal(0, 5, (size, size, 3))
    return Image.fromarray(np.clip(np.asarray(base) + noise, 0, 255).astype(np.uint8))


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def exif_bytes(seed: int) -> bytes:
    exif = Image.Exif()
    exif[0x0132] = f"2020:01:{1 + seed % 28:02d} 10:00:00"
    exif[0x0110] = "SoakCam"
    return exif.tobytes()


@dataclass
class Tree:
    base: Path
    library: Path
    good: dict[str, int] = field(default_factory=dict)
    """Path -> picture number, for every file that should be fingerprinted."""
    faults: dict[str, str] = field(default_factory=dict)
    """Path -> fault kind."""
    vanish: list[str] = field(default_factory=list)
    locked: list[Path] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)


def digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()


def build(base: Path, files: int, fault_rate: float, seed: int) -> Tree:
    rng = random.Random(seed)
    library = base / "library"
    tree = Tree(base, library)
    folders = [library / f"d{i:03d}" for i in range(200)]
    folders += [library / "d007" / "nested" / "deeper", library / "d150" / "sub"]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    faults = int(round(files * fault_rate))
    good = files - faults
    pictures = max(1, good // 10)
    variants: dict[int, list[bytes]] = {}
    for p in range(pictures):
        image = photo(seed * 100_000 + p)
        variants[p] = [encode(image, "JPEG", quality=90),
                       encode(image, "JPEG", quality=90, exif=exif_bytes(p)),
                       encode(image, "PNG", compress_level=1)]
    for n in range(good):
        p = n if n < pictures else rng.randrange(pictures)  # every picture at least once
        roll = rng.random()
        kind = 0 if roll < 0.85 else 1 if roll < 0.95 else 2
        path = rng.choice(folders) / f"img{n:05d}{'.png' if kind == 2 else '.jpg'}"
        path.write_bytes(variants[p][kind])
        tree.good[str(path)] = p

    plan = {"unreadable": 0.30, "locked-folder": 0.10, "vanished": 0.30, "truncated": 0.10,
            "garbage": 0.10, "zero-byte": 0.05}
    counts = {k: int(faults * share) for k, share in plan.items()}
    counts["html"] = faults - sum(counts.values())
    made = 0

    def fault_path(folder: Path, ext: str = ".jpg") -> Path:
        nonlocal made
        made += 1
        return folder / f"fault{made:05d}{ext}"

    sample = variants[0][0]
    for _ in range(counts["unreadable"]):
        path = fault_path(rng.choice(folders))
        path.write_bytes(variants[rng.randrange(pictures)][0])
        tree.faults[str(path)] = "unreadable"
    per_folder = 10
    for i in range(0, counts["locked-folder"], per_folder):
        folder = library / f"locked-{i // per_folder:02d}"
        folder.mkdir()
        for _ in range(min(per_folder, counts["locked-folder"] - i)):
            path = fault_path(folder)
            path.write_bytes(sample)
            tree.faults[str(path)] = "locked-folder"
        tree.locked.append(folder)
    vanish_folder = library / "zz-vanishing"  # walked last: still there when discovered
    vanish_folder.mkdir()
    for _ in range(counts["vanished"]):
        path = fault_path(vanish_folder)
        path.write_bytes(variants[rng.randrange(pictures)][0])
        tree.faults[str(path)] = "vanished"
        tree.vanish.append(str(path))
    for _ in range(counts["truncated"]):
        data = variants[rng.randrange(pictures)][0]
        path = fault_path(rng.choice(folders))
        path.write_bytes(data[: rng.randrange(len(data) // 4, len(data) * 3 // 4)])
        tree.faults[str(path)] = "truncated"
    for _ in range(counts["garbage"]):
        path = fault_path(rng.choice(folders), rng.choice([".jpg", ".png", ".webp"]))
        path.write_bytes(rng.randbytes(rng.randrange(1, 5000)))
        tree.faults[str(path)] = "garbage"
    for _ in range(counts["zero-byte"]):
        path = fault_path(rng.choice(folders), rng.choice([".jpg", ".png"]))
        path.write_bytes(b"")
        tree.faults[str(path)] = "zero-byte"
    for _ in range(counts["html"]):
        path = fault_path(rng.choice(folders))
        path.write_bytes(b"<!DOCTYPE html><html><head><title>404</title></head></html>\n")
        tree.faults[str(path)] = "html"

    tree.digests = {p: digest(p) for p in tree.good}
    for fault, fault_kind in tree.faults.items():
        if fault_kind == "unreadable":
            os.chmod(fault, 0o000)
    for folder in tree.locked:
        os.chmod(folder, 0o000)
    return tree


def modes_apply(tree: Tree) -> bool:
    probe = next((p for p, k in tree.faults.items() if k == "unreadable"), None)
    if probe is None:
        return True
    try:
        with open(probe, "rb"):
            return False
    except PermissionError:
        return True


def check_faults(tree: Tree, result: object, enforced: bool) -> list[str]:
    """Every fault reported with a fitting reason, never fingerprinted."""
    skipped = {s.path: s.reason for s in result.skipped}  # type: ignore[attr-defined]
    images = {i.path for i in result.images}  # type: ignore[attr-defined]
    problems = []
    for path, kind in tree.faults.items():
        if kind == "unreadable" and not enforced:
            continue
        reported = skipped.get(path)
        if reported is None and kind == "locked-folder":
            reported = skipped.get(os.path.dirname(path))
        if path in images:
            problems.append(f"{kind} fault fingerprinted: {path}")
        elif reported is None:
            problems.append(f"{kind} fault not reported: {path}")
        elif not re.search(FAULT_REASONS[kind], reported):
            problems.append(f"{kind} fault with reason {reported!r}: {path}")
    missing = [p for p in tree.good if p not in images]
    problems += [f"good file not fingerprinted: {p} ({skipped.get(p)})" for p in missing[:20]]
    unexpected = set(skipped) - set(tree.faults) - {str(f) for f in tree.locked}
    problems += [f"unexpected skip: {p}: {skipped[p]}" for p in sorted(unexpected)[:20]]
    return problems


def rss_mib() -> tuple[float, float]:
    scale = 1024.0 if sys.platform != "darwin" else 1024.0 * 1024.0  # KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return own, children


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="where to build the tree (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the tree afterwards")
    parser.add_argument("--no-trash", action="store_true", help="scan only")
    args = parser.parse_args()
    drop_root_file_override()

    base = Path(tempfile.mkdtemp(prefix="dupeviewer-soak-", dir=args.dir))
    home = base / "home"
    home.mkdir()
    os.environ["HOME"] = str(home)  # before send2trash is imported: it reads these once
    os.environ["XDG_DATA_HOME"] = str(home / ".local" / "share")
    os.environ["XDG_CACHE_HOME"] = str(home / ".cache")
    from dupeviewer.core import Options, scan
    from dupeviewer.core.journal import Journal
    from dupeviewer.core.policy import Selection
    from dupeviewer.core.trash import plan, trash

    failures: list[str] = []
    lines: list[str] = []
    try:
        started = time.monotonic()
        tree = build(base, args.files, args.fault_rate, args.seed)
        made = time.monotonic() - started
        enforced = modes_apply(tree)
        kinds = Counter(tree.faults.values())
        lines.append(f"tree: {len(tree.good) + len(tree.faults)} files "
                     f"({len(tree.good)} good, {len(set(tree.good.values()))} pictures; "
                     f"{len(tree.faults)} faults: "
                     + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
                     + f") made in {made:.1f} s")
        if not enforced:
            lines.append("note: file modes do not apply to this user (root without setpriv): "
                         f"{kinds['unreadable']} unreadable files are readable and not checked")

        vanished_at: list[int] = []

        def progress(event: ProgressEvent) -> None:
            if event.phase == "fingerprint" and not vanished_at:
                for path in tree.vanish:
                    os.unlink(path)
                vanished_at.append(event.done)

        options = Options(workers=args.workers, cache_path=base / "cache.sqlite3")
        started = time.monotonic()
        result = scan([tree.library], options, progress)
        scanned = time.monotonic() - started
        lines.append(f"scan: {result.stats.files} files, {len(result.images)} images, "
                     f"{len(result.groups)} groups, {len(result.skipped)} skipped, "
                     f"{scanned:.1f} s with {args.workers} workers "
                     f"({len(tree.vanish)} files deleted after {vanished_at[:1]} of "
                     f"{len(tree.good) + len(tree.faults) - kinds['locked-folder']} "
                     "were fingerprinted)")
        reasons = Counter(re.sub(r" \(.*", "", s.reason) for s in result.skipped)
        lines += [f"  skipped {n:5d} x {reason}" for reason, n in reasons.most_common()]
        problems = check_faults(tree, result, enforced)
        checked = sum(1 for k in tree.faults.values() if enforced or k != "unreadable")
        lines.append(f"faults reported: {checked - len([p for p in problems if 'fault' in p])}"
                     f"/{checked}")
        failures += problems
        if result.warnings:
            lines += [f"  warning: {w}" for w in result.warnings]

        if not args.no_trash:
            selection = Selection(result.groups)
            requests = plan(result.groups, selection.marked)
            started = time.monotonic()
            report = trash(requests, journal=Journal(base / "journal.jsonl"))
            trashed = time.monotonic() - started
            gone = {p for p in tree.good if not os.path.lexists(p)}
            lines.append(f"trash: {len(requests)} requested, {len(report.trashed)} trashed, "
                         f"{len(report.failed)} refused, {trashed:.1f} s")
            if len(report.trashed) != len(gone):
                failures.append(f"reported {len(report.trashed)} trashed, {len(gone)} left")
            for outcome in report.failed[:10]:
                failures.append(f"refused: {outcome.path}: {outcome.reason}")
            survivors: dict[int, int] = defaultdict(int)
            for path, picture in tree.good.items():
                if os.path.lexists(path) and digest(path) == tree.digests[path]:
                    survivors[picture] += 1
            lost = set(tree.good.values()) - set(survivors)
            lines.append(f"files lost: {len(lost)} (pictures with no copy left at an "
                         f"original path, of {len(set(tree.good.values()))})")
            failures += [f"picture {p} lost" for p in sorted(lost)[:10]]

            started = time.monotonic()
            again = scan([tree.library], options)
            rescanned = time.monotonic() - started
            in_trash = [i.path for i in again.images if "/Trash/" in i.path]
            lines.append(f"rescan: {len(again.images)} images, {len(again.groups)} groups, "
                         f"{again.stats.cache_hits} cache hits, {rescanned:.1f} s")
            if in_trash or len(again.images) != len(result.images) - len(report.trashed):
                failures.append(f"rescan saw {len(again.images)} images "
                                f"({len(in_trash)} in the trash)")
    except Exception as exc:  # noqa: BLE001  a crash is a result too: report it, then fail
        import traceback

        traceback.print_exc()
        failures.append(f"crashed: {type(exc).__name__}: {exc}")
    finally:
        own, children = rss_mib()
        lines.append(f"peak RSS: {own:.0f} MiB this process, {children:.0f} MiB largest "
                     "child (decoder workers)")
        if not args.keep:
            for walked, _, _ in os.walk(base):
                os.chmod(walked, 0o755)
            for locked in base.glob("library/locked-*"):
                os.chmod(locked, 0o755)
            for fault in base.rglob("fault*"):
                os.chmod(fault, 0o644)
            shutil.rmtree(base, ignore_errors=True)
        else:
            lines.append(f"kept: {base}")
    print("\n".join(lines))
    if failures:
        print(f"FAILED ({len(failures)} problems):")
        print("\n".join(f"  {f}" for f in failures[:40]))
        return 1
    print("OK: no crash, every fault reported, nothing lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
