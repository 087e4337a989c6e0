"""Generate a large photo library with known duplicates from real photographs.

    python benchmarks/library.py [--count 100000] [--dir DIR] [--dense] [--seed 1]

The pictures are crops of the KDE Plasma wallpapers that ``benchmarks/accuracy.py`` uses
(``realphotos.py`` downloads them with ``apt-get download``; nearly flat designs are left
out, as are the GNOME patterns, whose crops at different places are the same picture).
Every *scene* is one crop of one wallpaper (random place, size and aspect), scaled to a
small photo (320-720 px on the long side) and saved as JPEG (88%), PNG (7%) or WebP (5%).
Scenes come in three sorts:

* ``single``: one file.
* ``dupes``: the file plus 1-3 copies that must be found: a byte copy (``exact``), the same
  pixels with other metadata (``exif``: new EXIF, scan data untouched) or in another
  container (``png``: the decoded pixels saved lossless), and near copies: re-encoded at
  quality 60 (``jpeg60``), scaled to 50% (``resize50``), tinted (``tint``: +8% brightness
  and a warm cast), a 2.5% border cropped (``crop5``), converted to lossy WebP (``webp``);
  and copies that are found only with rotations on (``rot90``, ``mirror``).
* ``burst``: 3-8 look-alike frames, neighbouring crops of the same wallpaper (each 2-4% of
  the crop's width further on, with a slight exposure change): different pictures that
  look alike, as a camera's burst does.

``--dense`` makes a library of look-alikes only: bursts of 50 near-identical frames (shifts
of up to 1.5% and exposure changes of up to 2% within a burst), for the memory bound.

Layout: ``DIR/photos/`` (scan this), ``DIR/truth.json`` (outside the scanned folder: every
file's scene, label, kind and crop box, and which files are copies of which), and
``/work/bench-data/sources-1.2mp/`` (the wallpapers, decoded once, shared by every library).
Generation is seeded and uses every core; a folder that already holds a complete library
of the same spec is reused as it is, and an interrupted one is completed (files are
written under a temporary name and renamed).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import multiprocessing
import multiprocessing.pool
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

sys.path.insert(0, str(Path(__file__).resolve().parent))

from typing import TYPE_CHECKING

import corpus  # noqa: E402
import realphotos  # noqa: E402
import variants as V  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

log = logging.getLogger("library")

SCHEMA = 2
BENCH_DATA = Path("/work/bench-data")
MAX_MPIX = 1.2
"""Wallpapers are decoded once, scaled to this many megapixels (1460x820 at 16:9): a crop
then needs little scaling to photo size, which keeps generation at a few ms per file."""
LONG_EDGE = (320, 720)
CROP_WIDTH = (0.18, 0.65)
"""A scene's crop is this fraction of the wallpaper's width (or as much as its height
allows for the aspect)."""
ASPECTS = (4 / 3, 3 / 2, 16 / 9, 1.0, 3 / 4, 2 / 3)
OVERLAP = 0.5
"""Two crops of one wallpaper whose boxes overlap more than this (intersection over union)
show much the same view: the planner tries to avoid them, the benchmark does not count
their grouping as false."""
FORMATS = (("JPEG", 0.88), ("PNG", 0.07), ("WEBP", 0.05))
COPY_KINDS = ("exact", "exif", "png", "jpeg60", "resize50", "tint", "crop5", "webp",
              "rot90", "mirror")
COPY_WEIGHTS = (0.16, 0.12, 0.06, 0.12, 0.12, 0.1, 0.1, 0.06, 0.08, 0.08)
EXPECT = {"exact": "exact", "exif": "pixels", "png": "pixels", "jpeg60": "near",
          "resize50": "near", "tint": "near", "crop5": "near", "webp": "near",
          "rot90": "rotation", "mirror": "rotation"}
"""How the engine should match each copy to its original: ``rotation`` only with
``--rotations``."""
DENSE_BURST = 50


@dataclass
class Frame:
    """One picture of a scene: a crop box (fractions of the wallpaper) and how to save it."""

    name: str
    box: tuple[float, float, float, float]
    size: tuple[int, int]
    fmt: str
    quality: int
    exposure: float = 1.0
    copies: list[tuple[str, str]] = field(default_factory=list)
    """(kind, file name) of each planted copy of this frame."""


@dataclass
class Scene:
    index: int
    sort: str
    source: int
    frames: list[Frame]


@dataclass(frozen=True)
class Spec:
    count: int
    dense: bool
    seed: int
    sources: tuple[str, ...]
    schema: int = SCHEMA
    max_mpix: float = MAX_MPIX
    long_edge: tuple[int, int] = LONG_EDGE


def default_dir(count: int, dense: bool) -> Path:
    size = f"{count // 1000}k" if count % 1000 == 0 else str(count)
    return BENCH_DATA / (f"dense{size}" if dense else f"lib{size}")


# ---------------------------------------------------------------- sources

def pick_designs(data: Path) -> list[realphotos.Design]:
    """Plasma wallpapers (photographs and illustrations); GNOME's are patterns."""
    return [d for d in realphotos.collect(realphotos.ensure_unpacked(data))
            if d.name.startswith("plasma:")]


def _prepare_one(args: tuple[str, str]) -> tuple[str, bool]:
    master, dest = args
    img, _, _ = corpus._load_master(Path(master), MAX_MPIX)
    rgb = img.convert("RGB")
    flat = V.detail(rgb) < 6.0  # the accuracy corpus's "flat": hashes say nothing
    tmp = dest + ".tmp.npy"
    np.save(tmp, np.asarray(rgb, dtype=np.uint8))
    os.replace(tmp, dest)
    return dest, flat


def prepare_sources(designs: list[realphotos.Design], folder: Path,
                    pool: multiprocessing.pool.Pool) -> list[tuple[str, Path]]:
    """Decode every wallpaper once into ``folder/<name>.npy``; return the usable ones."""
    folder.mkdir(parents=True, exist_ok=True)
    flags = folder / "flat.json"
    known: dict[str, bool] = json.loads(flags.read_text()) if flags.exists() else {}
    jobs = []
    for d in designs:
        dest = folder / f"{corpus._stem(d.name)}.npy"
        if d.name not in known or not dest.exists():
            jobs.append((str(d.master), str(dest)))
    by_dest = {str(folder / f"{corpus._stem(d.name)}.npy"): d.name for d in designs}
    for dest, flat in pool.imap_unordered(_prepare_one, jobs):
        known[by_dest[dest]] = flat
    flags.write_text(json.dumps(known, indent=1, sort_keys=True))
    return [(d.name, folder / f"{corpus._stem(d.name)}.npy") for d in designs
            if not known[d.name]]


# ---------------------------------------------------------------- planning

def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one box with each of ``boxes`` (x0, y0, x1, y1)."""
    if not len(boxes):
        return np.zeros(0)
    w = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = w * h
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return np.asarray(inter / (area + areas - inter))


class Planner:
    """Deterministic scene plan: every random choice comes from one seeded generator."""

    def __init__(self, seed: int, shapes: list[tuple[int, int]]) -> None:
        self.rng = np.random.default_rng(seed)
        self.shapes = shapes  # (width, height) of each prepared wallpaper
        self.boxes: list[list[tuple[float, float, float, float]]] = [[] for _ in shapes]
        self.arrays: list[np.ndarray] = [np.zeros((0, 4)) for _ in shapes]
        self.names = 0

    def name(self) -> str:
        self.names += 1
        return f"IMG_{self.names:06d}"

    def _box(self, source: int, width: tuple[float, float], margin: float,
             tries: int = 8) -> tuple[float, float, float, float]:
        """A crop box of one wallpaper, in fractions, overlapping earlier ones least."""
        sw, sh = self.shapes[source]
        best, best_iou = None, 2.0
        for _ in range(tries):
            aspect = float(ASPECTS[self.rng.integers(len(ASPECTS))])
            w = float(self.rng.uniform(*width))
            h = w * sw / sh / aspect
            if h > 0.95:  # as tall as the wallpaper allows
                h = 0.95
                w = h * sh * aspect / sw
            x0 = float(self.rng.uniform(0, max(1e-6, 1 - w * (1 + margin))))
            y0 = float(self.rng.uniform(0, max(1e-6, 1 - h)))
            box = (x0, y0, x0 + w, y0 + h)
            worst = float(_iou(np.array(box), self.arrays[source]).max(initial=0.0))
            if worst < best_iou:
                best, best_iou = box, worst
            if worst <= OVERLAP * 0.6:
                break
        assert best is not None
        return best

    def _keep(self, source: int, box: tuple[float, float, float, float]) -> None:
        self.boxes[source].append(box)
        if len(self.boxes[source]) % 64 == 0 or len(self.boxes[source]) < 64:
            self.arrays[source] = np.array(self.boxes[source])

    def _size(self, source: int, box: tuple[float, float, float, float]) -> tuple[int, int]:
        sw, sh = self.shapes[source]
        cw, ch = (box[2] - box[0]) * sw, (box[3] - box[1]) * sh
        long_edge = min(float(self.rng.integers(*LONG_EDGE)), max(cw, ch))
        scale = long_edge / max(cw, ch)
        return max(16, round(cw * scale)), max(16, round(ch * scale))

    def _format(self) -> tuple[str, int]:
        r = float(self.rng.random())
        fmt = "JPEG" if r < FORMATS[0][1] else "PNG" if r < FORMATS[0][1] + FORMATS[1][1] \
            else "WEBP"
        return fmt, int(self.rng.integers(80, 96))

    def scene(self, index: int, sort: str, frames: int = 1) -> Scene:
        source = int(self.rng.integers(len(self.shapes)))
        if sort == "burst":
            step = float(self.rng.uniform(0.02, 0.04))
            dense = frames == DENSE_BURST
            if dense:
                step = 0.0
            box = self._box(source, CROP_WIDTH, margin=0 if dense else step * frames)
            self._keep(source, box)
            size = self._size(source, box)
            fmt, quality = self._format()
            out = []
            w = box[2] - box[0]
            for k in range(frames):
                if dense:
                    dx, dy = (float(v) * w for v in self.rng.uniform(-0.015, 0.015, 2))
                    exposure = float(self.rng.uniform(0.98, 1.02))
                    q = int(self.rng.integers(85, 93))
                else:
                    dx, dy = k * step * w, float(self.rng.uniform(-0.01, 0.01)) * w
                    exposure = float(self.rng.uniform(0.96, 1.04))
                    q = quality
                fbox = _clamp((box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy))
                out.append(Frame(self.name(), fbox, size, fmt if not dense else "JPEG", q,
                                 exposure))
            return Scene(index, sort, source, out)
        box = self._box(source, CROP_WIDTH, margin=0)
        self._keep(source, box)
        fmt, quality = self._format()
        frame = Frame(self.name(), box, self._size(source, box), fmt, quality)
        if sort == "dupes":
            n = int(self.rng.choice([1, 1, 1, 2, 2, 3]))
            kinds = self.rng.choice(len(COPY_KINDS), n, replace=False, p=COPY_WEIGHTS)
            frame.copies = [(COPY_KINDS[int(k)], self.name()) for k in kinds]
        return Scene(index, sort, source, [frame])


def _clamp(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    dx = -x0 if x0 < 0 else (1 - x1 if x1 > 1 else 0.0)
    dy = -y0 if y0 < 0 else (1 - y1 if y1 > 1 else 0.0)
    return (x0 + dx, y0 + dy, x1 + dx, y1 + dy)


def plan(spec: Spec, shapes: list[tuple[int, int]]) -> list[Scene]:
    """Scenes until ``spec.count`` files: in the normal library about 35% of the files are
    singles, 30% originals and copies, 35% burst frames."""
    planner = Planner(spec.seed, shapes)
    scenes: list[Scene] = []
    files = 0
    while files < spec.count:
        left = spec.count - files
        if spec.dense:
            scene = planner.scene(len(scenes), "burst", min(DENSE_BURST, left))
            if len(scene.frames) < DENSE_BURST:
                scene.sort = "burst-short"
        else:
            r = float(planner.rng.random())
            sort = "single" if r < 0.55 else "dupes" if r < 0.86 else "burst"
            frames = int(planner.rng.integers(3, 9)) if sort == "burst" else 1
            scene = planner.scene(len(scenes), sort, frames)
            if sort == "burst" and len(scene.frames) > left:
                scene.frames = scene.frames[:left]
            if sort == "dupes":
                scene.frames[0].copies = scene.frames[0].copies[:max(0, left - 1)]
        scenes.append(scene)
        files += sum(1 + len(f.copies) for f in scene.frames)
    return scenes


# ---------------------------------------------------------------- file names

def folder_of(scene: Scene) -> str:
    """Year/month folders: 192 of them, about 500 files each at 100k."""
    year = 2008 + scene.index % 16
    month = 1 + (scene.index // 16) % 12
    return f"{year}/{month:02d}"


def copy_folder(scene: Scene, kind: str) -> str:
    """Byte copies land in a backup tree, edits in an export tree, the rest beside."""
    base = folder_of(scene)
    if kind == "exact":
        return f"backup/{base}"
    if kind in ("png", "webp", "resize50", "jpeg60"):
        return f"export/{base[:4]}"
    return base


def ext_for(kind: str, fmt: str) -> str:
    if kind == "png":
        return ".png"
    if kind == "webp":
        return ".webp"
    if kind in ("jpeg60",):
        return ".jpg"
    return V.EXT[fmt]


def _copy_name(frame: Frame, kind: str, name: str) -> str:
    suffix = {"exact": "", "exif": "_meta", "png": "", "jpeg60": "_small", "resize50": "_half",
              "tint": "_warm", "crop5": "_crop", "webp": "", "rot90": "_rot",
              "mirror": "_flip"}[kind]
    return f"{frame.name}{suffix}" if kind in ("exact", "png", "webp") else name + suffix


def paths_of(scene: Scene) -> Iterator[tuple[Frame, str | None, str]]:
    """(frame, copy kind or None, path relative to ``photos/``) of every file of a scene."""
    for frame in scene.frames:
        yield frame, None, f"{folder_of(scene)}/{frame.name}{V.EXT[frame.fmt]}"
        for kind, name in frame.copies:
            fmt = "JPEG" if kind == "jpeg60" else frame.fmt
            ext = ext_for(kind, fmt)
            yield frame, kind, f"{copy_folder(scene, kind)}/{_copy_name(frame, kind, name)}{ext}"


# ---------------------------------------------------------------- rendering

_SOURCES: dict[str, np.ndarray] = {}


def _source(path: str) -> np.ndarray:
    if path not in _SOURCES:
        _SOURCES[path] = np.load(path, mmap_mode="r")
    return _SOURCES[path]


def _encode(img: Image.Image, fmt: str, quality: int, exif: bytes | None = None) -> bytes:
    out = BytesIO()
    kw: dict[str, object] = {"exif": exif} if exif else {}
    if fmt == "JPEG":
        img.save(out, "JPEG", quality=quality, **kw)
    elif fmt == "PNG":
        img.save(out, "PNG", compress_level=V.PNG_LEVEL, **kw)
    else:
        img.save(out, "WEBP", quality=quality, method=2, **kw)
    return out.getvalue()


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _tint(img: Image.Image) -> Image.Image:
    warm = np.asarray(ImageEnhance.Brightness(img).enhance(1.08), dtype=np.float32)
    warm = warm * np.array([1.04, 1.0, 0.94], dtype=np.float32)
    return Image.fromarray(np.clip(warm, 0, 255).astype(np.uint8), "RGB")


def _copy(kind: str, data: bytes, decoded: Image.Image, frame: Frame, date: str) -> bytes:
    """The bytes of one planted copy of a frame whose file is ``data`` (``decoded``)."""
    fmt, q = frame.fmt, frame.quality
    if kind == "exact":
        return data
    if kind == "exif":  # same pixels, other metadata (JPEG: scan data untouched)
        exif = V.make_exif(date=date, note="edited metadata")
        if fmt == "JPEG":
            return V.jpeg_with_exif(data, exif)
        if fmt == "PNG":
            return _encode(decoded, "PNG", q, exif)
        out = BytesIO()
        decoded.save(out, "WEBP", lossless=True, quality=0, method=0, exif=exif)
        return out.getvalue()
    if kind == "png":  # another compression level: a PNG original's bytes change too
        out = BytesIO()
        decoded.save(out, "PNG", compress_level=6)
        return out.getvalue()
    if kind == "jpeg60":
        return _encode(decoded, "JPEG", 60)
    if kind == "resize50":
        return _encode(V.resize(decoded, 0.5), fmt, q)
    if kind == "tint":
        return _encode(_tint(decoded), fmt, q)
    if kind == "crop5":
        return _encode(V.crop_border(decoded), fmt, q)
    if kind == "webp":
        return _encode(decoded, "WEBP", 80)
    if kind == "rot90":
        return _encode(decoded.transpose(Image.Transpose.ROTATE_90), fmt, q)
    if kind == "mirror":
        return _encode(decoded.transpose(Image.Transpose.FLIP_LEFT_RIGHT), fmt, q)
    raise ValueError(kind)


def _decode(data: bytes) -> Image.Image:
    """The pixels a viewer shows for ``data``: copies derive from these, not from the
    picture before encoding, so same-pixel copies really have the same pixels."""
    with Image.open(BytesIO(data)) as im:
        return im.convert("RGB")


def _render_frame(src: np.ndarray, frame: Frame) -> Image.Image:
    h, w = src.shape[:2]
    x0, y0, x1, y1 = frame.box
    crop = np.ascontiguousarray(src[round(y0 * h):round(y1 * h), round(x0 * w):round(x1 * w)])
    # a box reduction to within 2x, then bilinear: 3x faster than Lanczos, as smooth
    img = Image.fromarray(crop, "RGB").resize(frame.size, Image.Resampling.BILINEAR,
                                              reducing_gap=2.0)
    if frame.exposure != 1.0:
        img = ImageEnhance.Brightness(img).enhance(frame.exposure)
    return img


def render(job: tuple[str, str, list[Scene]]) -> int:
    """Write every file of some scenes that is not there yet; return files written."""
    root, sources_json, scenes = job
    sources = json.loads(sources_json)
    written = 0
    for scene in scenes:
        todo = [(f, k, rel) for f, k, rel in paths_of(scene) if not (Path(root) / rel).exists()]
        if not todo:
            continue
        src = _source(sources[scene.source])
        date = f"{2008 + scene.index % 16}:{1 + scene.index % 12:02d}:14 10:00:00"
        for frame in scene.frames:
            files = [(k, rel) for f, k, rel in paths_of(scene) if f is frame]
            if not any(t[0] is frame for t in todo):
                continue
            data = _encode(_render_frame(src, frame), frame.fmt, frame.quality,
                           V.make_exif(date=date) if frame.fmt == "JPEG" else None)
            decoded = _decode(data) if frame.copies else None
            for kind, rel in files:
                if (Path(root) / rel).exists():
                    continue
                if kind is None:
                    _write(Path(root), rel, data)
                else:
                    assert decoded is not None
                    _write(Path(root), rel, _copy(kind, data, decoded, frame, date))
                written += 1
    return written


# ---------------------------------------------------------------- truth and the driver

def truth_of(spec: Spec, scenes: list[Scene]) -> dict[str, object]:
    """Every file's facts, and the planted copies of every original."""
    files = []
    duplicates: dict[str, list[str]] = {}
    for scene in scenes:
        burst = scene.index if scene.sort.startswith("burst") else None
        original = ""
        for frame, kind, rel in paths_of(scene):
            if kind is None:
                original = rel
            else:
                duplicates.setdefault(original, []).append(rel)
            files.append({"path": rel, "label": frame.name, "scene": scene.index,
                          "sort": scene.sort, "kind": kind or "original",
                          "expect": EXPECT[kind] if kind else None,
                          "source": spec.sources[scene.source], "burst": burst,
                          "box": [round(v, 5) for v in frame.box]})
    return {"spec": asdict(spec), "folder": "photos", "files": files,
            "duplicates": duplicates, "overlap": OVERLAP}


def _chunks(scenes: list[Scene], size: int) -> Iterator[list[Scene]]:
    for start in range(0, len(scenes), size):
        yield scenes[start:start + size]


def generate(count: int, folder: Path, *, dense: bool = False, seed: int = 1,
             workers: int | None = None, data: Path = realphotos.DEFAULT_DATA,
             sources_dir: Path = BENCH_DATA / f"sources-{MAX_MPIX}mp") -> Path:
    """Build (or reuse, or complete) the library; return the path of its truth.json.

    Holds an exclusive lock on the folder meanwhile: a second generator of the same
    library (a benchmark started while the first still writes) waits, then reuses it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _generate(count, folder, dense, seed, workers, data, sources_dir)


def _generate(count: int, folder: Path, dense: bool, seed: int, workers: int | None,
              data: Path, sources_dir: Path) -> Path:
    truth_path = folder / "truth.json"
    spec_path = folder / "spec.json"
    if any(folder.iterdir()) and not spec_path.exists():
        raise SystemExit(f"{folder} holds files but no spec.json: not a library of ours, "
                         "refusing to write into it")
    designs = pick_designs(data)
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ctx.Pool(workers or os.cpu_count() or 1) as pool:
        sources = prepare_sources(designs, sources_dir, pool)
        spec = Spec(count, dense, seed, tuple(name for name, _ in sources))
        wanted = json.loads(json.dumps(asdict(spec)))  # tuples as lists, as read back
        saved = json.loads(spec_path.read_text()) if spec_path.exists() else None
        if truth_path.exists() and saved == wanted:
            log.info("%s already holds this library", folder)
            return truth_path
        if saved is not None and saved != wanted:
            log.info("%s holds another spec: rebuilding", folder)
            shutil.rmtree(folder / "photos", ignore_errors=True)
            truth_path.unlink(missing_ok=True)
        spec_path.write_text(json.dumps(asdict(spec), indent=1))
        shapes = []
        for _, path in sources:
            h, w = np.load(path, mmap_mode="r").shape[:2]
            shapes.append((w, h))
        scenes = plan(spec, shapes)
        root = str(folder / "photos")
        paths = json.dumps([str(p) for _, p in sources])
        jobs = [(root, paths, chunk) for chunk in _chunks(scenes, 64)]
        done = 0
        started = time.monotonic()
        for n in pool.imap_unordered(render, jobs):
            done += n
            if done and done % 5000 < n:
                log.info("%d files written (%.0f files/s)", done,
                         done / (time.monotonic() - started))
    truth = truth_of(spec, scenes)
    tmp = truth_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(truth, separators=(",", ":")))
    os.replace(tmp, truth_path)
    return truth_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000, help="files (default %(default)s)")
    ap.add_argument("--dir", type=Path, default=None,
                    help="library folder (default /work/bench-data/lib100k, dense100k, ...)")
    ap.add_argument("--dense", action="store_true", help="look-alike bursts of 50 only")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="default: every core")
    ap.add_argument("--data", type=Path, default=realphotos.DEFAULT_DATA,
                    help="download/unpack cache of the wallpaper packages")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    folder = args.dir or default_dir(args.count, args.dense)
    started = time.monotonic()
    truth = generate(args.count, folder, dense=args.dense, seed=args.seed,
                     workers=args.workers, data=args.data)
    doc = json.loads(truth.read_text())
    files = doc["files"]
    sizes = sum((folder / "photos" / f["path"]).stat().st_size for f in files)
    sorts: dict[str, int] = {}
    for f in files:
        key = f["kind"] if f["kind"] != "original" else f"{f['sort']}"
        sorts[key] = sorts.get(key, 0) + 1
    print(f"{folder}/photos: {len(files):,} files, {sizes / 2**30:.2f} GiB, "
          f"{len(doc['spec']['sources'])} wallpapers, ready in "
          f"{time.monotonic() - started:.0f} s")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(sorts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
