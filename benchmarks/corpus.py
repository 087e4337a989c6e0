"""Build the labelled accuracy corpus from real wallpapers and photographs.

Every file gets a ground-truth *label*: which original picture it is a copy of. Files with
the same label should be grouped by the engine; files with different labels must not be.

Layout: ``<work>/corpus/<kind>/<design>.<ext>`` plus ``<work>/manifest.json`` (outside the
scanned folder) listing every file's label, kind, role and family.

Roles:
  original  the master picture of a label
  positive  a copy that MUST group with its original (default options)
  rotation  rotated / mirrored pixels: same label, expected only with ``--rotations``
  negative  a hard negative with a label of its own (halves, recolourings, portrait crops,
            synthetic gradients, shipped dark variants)

Ground-truth decisions for the files the packages ship:
  * plasma ``WxH`` names that are symlinks to one file are ignored (same file, not a copy);
  * ``screenshot.*`` thumbnails are positives: ``thumb`` when the aspect matches the master,
    ``thumb-reframed`` when it differs by up to 15% (a 16:10 rendering of a 16:9 design);
  * portrait versions (aspect ~0.56 against 1.78) show a third of the design, or re-lay it
    out: hard negatives (``portrait``). The one that is the whole design turned by 90
    degrees (Shell) is a rotated copy (``portrait-rot``), expected only with --rotations;
  * ``images_dark/`` versions and GNOME ``-l``/``-d`` pairs are recolourings: own labels;
  * halves of a flat or periodic design (GNOME vnc, symbolic) look identical: not made.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import variants as V
from PIL import Image

if TYPE_CHECKING:
    from realphotos import Design

log = logging.getLogger(__name__)

SCHEMA = 7
POSITIVE_KINDS = ("copy", "exif", "resize50", "resize25", "jpeg60", "convert", "bright10",
                  "crop5", "watermark", "gray", "exif-orient", "thumb", "thumb-reframed")
ROTATION_KINDS = ("rot90", "rot180", "rot270", "mirror", "portrait-rot")
NEGATIVE_KINDS = ("half-left", "half-right", "hue180", "chswap", "dark", "dark-portrait",
                  "portrait", "gradient")
PHOTOS = {"BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow",
          "FallenLeaf", "Grey", "Kite", "OneStandsOut", "Path", "Volna", "summer_1am"}
"""Plasma wallpapers that are real photographs (the rest are illustrations)."""
SAME_ASPECT = 0.02
REFRAMED_ASPECT = math.log(1.15)
"""A shipped thumbnail whose aspect differs by up to 15% (16:10 of a 16:9 master) is still
the same picture, reframed; a portrait version of a landscape master (3x narrower) shows
only a slice of it and is a different picture."""


@dataclass(frozen=True)
class Entry:
    path: str
    """Relative to the corpus root, with forward slashes."""
    label: str
    kind: str
    role: str
    family: str
    origin: str = ""
    """Class of the source picture: photo, art, or flat (little detail)."""


def _stem(name: str) -> str:
    return name.replace(":", "-")


def _load_master(p: Path, max_mpix: float) -> tuple[Image.Image, str, bytes | None]:
    """The master picture, capped at ``max_mpix`` megapixels, as (image, format, bytes).

    ``bytes`` is the shipped file when it can be used unchanged; otherwise None and the
    caller re-encodes (lossless for WebP, so pixel-preserving variants stay possible).
    """
    with Image.open(p) as im:
        fmt = im.format or "PNG"
        im.load()
        img = im
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGBA")
            bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
            img = Image.alpha_composite(bg, img).convert("RGB")
        scale = math.sqrt(max_mpix * 1e6 / (img.width * img.height))
        unchanged = img is im and fmt in ("JPEG", "PNG") and scale >= 1
        if scale < 1:
            img = V.resize(img, scale)
        return img, fmt, (p.read_bytes() if unchanged else None)


def _origin(name: str, img: Image.Image) -> str:
    if V.detail(img) < 6.0:
        return "flat"
    return "photo" if name.split(":", 1)[1] in PHOTOS else "art"


def _rotated_version(master: Image.Image, other: Path, limit: float = 12.0) -> bool:
    """Is ``other`` the master turned by 90 degrees (and squeezed to its own aspect)?

    Plasma's portrait files are mostly centre or side crops of the landscape design; one
    (Shell) is the whole design rotated, which makes it a rotated copy, not a negative.
    """
    with Image.open(other) as im:
        small = np.asarray(im.convert("RGB").resize((45, 80)), np.float32)
    for tr in (Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270):
        turned = np.asarray(master.convert("RGB").transpose(tr).resize((45, 80)), np.float32)
        if float(np.abs(turned - small).mean()) < limit:
            return True
    return False


def _build_design(design: Design, root: Path, max_mpix: float) -> list[Entry]:
    img, fmt, data = _load_master(design.master, max_mpix)
    stem = _stem(design.name)
    origin = _origin(design.name, img)
    out: list[Entry] = []

    def add(kind: str, path: Path, role: str, label: str = design.name) -> None:
        out.append(Entry(path.relative_to(root).as_posix(), label, kind, role, design.family,
                         origin))

    def at(kind: str) -> Path:
        return root / kind / stem

    if data is None:
        orig = V.save_as(img, fmt, at("original"), lossless=True)
        data = orig.read_bytes()
        with Image.open(orig) as im:  # derive every variant from the decoded original
            img = im.convert(img.mode)
    else:
        orig = at("original").with_suffix(V.EXT[fmt])
        orig.parent.mkdir(parents=True, exist_ok=True)
        orig.write_bytes(data)
    add("original", orig, "original")

    copy = at("copy").with_suffix(orig.suffix)
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(data)
    add("copy", copy, "positive")
    add("exif", V.same_pixels_new_metadata(data, img, fmt, at("exif")), "positive")
    add("resize50", V.save_as(V.resize(img, 0.5), fmt, at("resize50")), "positive")
    add("resize25", V.save_as(V.resize(img, 0.25), fmt, at("resize25")), "positive")
    add("jpeg60", V.save_as(img, "JPEG", at("jpeg60"), quality=60), "positive")
    add("convert", V.save_as(img, "JPEG" if fmt == "PNG" else "PNG", at("convert")), "positive")
    add("bright10", V.save_as(V.brighten(img), fmt, at("bright10")), "positive")
    add("crop5", V.save_as(V.crop_border(img), fmt, at("crop5")), "positive")
    add("watermark", V.save_as(V.watermark(img), fmt, at("watermark")), "positive")
    colourful = V.colourfulness(img) >= 0.08
    if colourful:
        add("gray", V.save_as(img.convert("L"), fmt, at("gray")), "positive")
    stored, exif = V.oriented_copy(img, 6)
    p = V.save_as(stored, "JPEG", at("exif-orient"), exif=exif)
    V.check_orientation(p, img)
    add("exif-orient", p, "positive")

    for kind, tr in (("rot90", Image.Transpose.ROTATE_90), ("rot180", Image.Transpose.ROTATE_180),
                     ("rot270", Image.Transpose.ROTATE_270),
                     ("mirror", Image.Transpose.FLIP_LEFT_RIGHT)):
        add(kind, V.save_as(img.transpose(tr), fmt, at(kind)), "rotation")

    left, right = V.halves(img)
    if not V.look_alike(left, right):  # a flat or periodic tile's halves can be the very
        # same picture: then they are not a negative pair
        add("half-left", V.save_as(left, fmt, at("half-left")), "negative",
            design.name + "#left")
        add("half-right", V.save_as(right, fmt, at("half-right")), "negative",
            design.name + "#right")
    # One synthetic recolouring per picture, alternating: a hue rotation and a channel swap
    # of the same picture can coincide (orange -> azure both ways), which would make their
    # pair an ambiguous negative.
    if colourful and zlib.crc32(design.name.encode()) % 2 == 0:
        add("hue180", V.save_as(V.hue_rotate(img), fmt, at("hue180")), "negative",
            design.name + "#hue180")
    elif colourful:
        add("chswap", V.save_as(V.channel_swap(img), fmt, at("chswap")), "negative",
            design.name + "#bgr")

    aspect = img.width / img.height
    for t in design.thumbs:
        with Image.open(t) as im:
            diff = abs(math.log((im.width / im.height) / aspect))
        kind = "thumb" if diff <= SAME_ASPECT else "thumb-reframed"
        dest = at(kind).with_suffix(t.suffix.lower())
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(t, dest)
        if diff <= REFRAMED_ASPECT:
            add(kind, dest, "positive")
        else:
            add(kind, dest, "negative", design.name + "#thumb-crop")
    for i, extra in enumerate(design.portraits):
        turned = _rotated_version(img, extra)
        kind = "portrait-rot" if turned else "portrait"
        dest = (root / kind / f"{stem}-{i}").with_suffix(extra.suffix.lower())
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(extra, dest)
        if turned:  # the whole picture turned on its side: a rotated copy
            add(kind, dest, "rotation")
        else:  # a slice of the design (a third of its width) or a new layout
            add(kind, dest, "negative", f"{design.name}#portrait{i}")
    for i, extra in enumerate(design.darks):
        dimg, dfmt, ddata = _load_master(extra, max_mpix)
        portrait = dimg.height > dimg.width
        kind = "dark-portrait" if portrait else "dark"
        dest = root / kind / f"{stem}-{i}"
        if ddata is None:
            dest = V.save_as(dimg, dfmt, dest, lossless=True)
        else:
            dest = dest.with_suffix(V.EXT[dfmt])
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(ddata)
        add(kind, dest, "negative", f"{design.name}#{kind}{i}")
    return out


def _gradients(root: Path, size: tuple[int, int] = (1920, 1080)) -> list[Entry]:
    """Smooth synthetic gradients: they share low-frequency structure, nothing else."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = x / (w - 1), y / (h - 1)
    r = np.hypot(u - 0.5, (v - 0.5) * h / w) / 0.6
    diag = (u + v) / 2

    def ramp(t: np.ndarray, *stops: tuple[int, int, int]) -> np.ndarray:
        t = np.clip(t, 0, 1) * (len(stops) - 1)
        i = np.minimum(t.astype(int), len(stops) - 2)
        f = (t - i)[..., None]
        a, b = np.array(stops, np.float32)[i], np.array(stops, np.float32)[i + 1]
        return a * (1 - f) + b * f

    specs = {
        "h-blue": ramp(u, (10, 20, 80), (120, 180, 255)),
        "h-red": ramp(u, (80, 10, 10), (255, 170, 110)),
        "h-green-rev": ramp(1 - u, (5, 60, 20), (160, 240, 150)),
        "v-purple": ramp(v, (200, 150, 240), (40, 10, 70)),
        "v-grey": ramp(v, (230, 230, 230), (30, 30, 30)),
        "radial-blue": ramp(r, (170, 210, 255), (10, 20, 60)),
        "radial-amber": ramp(r, (255, 220, 140), (60, 25, 5)),
        "diag-teal": ramp(diag, (0, 80, 90), (250, 240, 120)),
        "sunset": ramp(v, (20, 20, 90), (200, 40, 120), (255, 170, 60)),
        "sunset-green": ramp(v, (5, 40, 20), (20, 150, 140), (240, 240, 90)),
    }
    rng = np.random.default_rng(1234)
    out = []
    for name, arr in specs.items():
        arr = arr + rng.normal(0, 1.5, arr.shape)  # a little sensor-like noise
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
        p = V.save_as(img, "JPEG", root / "gradient" / name)
        out.append(Entry(p.relative_to(root).as_posix(), f"gradient:{name}", "gradient",
                         "negative", "gradient", "flat"))
    return out


def _task(args: tuple[Design, str, float]) -> list[Entry]:
    design, root, max_mpix = args
    return _build_design(design, Path(root), max_mpix)


def build(designs: list[Design], work: Path, *, max_mpix: float = 4.1,
          workers: int | None = None, gradients: bool = True) -> list[Entry]:
    """Create ``work/corpus`` and ``work/manifest.json``; reuse them if already built."""
    root = work / "corpus"
    manifest = work / "manifest.json"
    params = {"schema": SCHEMA, "designs": [d.name for d in designs], "max_mpix": max_mpix,
              "gradients": gradients}
    if manifest.exists():
        saved = json.loads(manifest.read_text())
        if saved.get("params") == params:
            return [Entry(**e) for e in saved["entries"]]
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    entries: list[Entry] = []
    jobs = [(d, str(root), max_mpix) for d in designs]
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        for done in pool.map(_task, jobs):
            entries.extend(done)
    if gradients:
        entries.extend(_gradients(root))
    entries.sort(key=lambda e: e.path)
    manifest.write_text(json.dumps({"params": params,
                                    "entries": [asdict(e) for e in entries]}, indent=1))
    return entries


def load(work: Path) -> list[Entry]:
    return [Entry(**e) for e in json.loads((work / "manifest.json").read_text())["entries"]]
