"""Real photographs and wallpapers for the accuracy benchmark, fetched at run time.

The pictures come from two Debian packages (never committed to the repository):

* ``plasma-workspace-wallpapers``: KDE wallpapers, about a dozen of them real photographs,
  the rest illustrations. Each ships ``contents/images/WxH.ext``. In the Debian 12 package
  the many old ``WxH`` names are *symlinks* to one file; the genuinely different files are a
  landscape master, sometimes a portrait version (a different crop or layout of the design,
  aspect 0.5-0.56 against 1.78), sometimes an ``images_dark/`` recolouring, and a small
  ``contents/screenshot.{jpg,png}`` thumbnail.
* ``gnome-backgrounds``: abstract 4096x4096 WebP designs, each as a light (``-l``) and a dark
  (``-d``) recolouring. SVGs are skipped.

:func:`ensure_unpacked` downloads with ``apt-get download`` into a cache folder and unpacks
with ``dpkg -x``, reusing whatever is already there. :func:`collect` turns the unpacked tree
into :class:`Design` records: one per wallpaper or GNOME design, listing its files by role.
"""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

PACKAGES = ("plasma-workspace-wallpapers", "gnome-backgrounds")
PHOTO_EXTS = {".jpg", ".jpeg", ".png", ".webp"}
DEFAULT_DATA = Path.home() / ".cache" / "dupeviewer-bench"


@dataclass(frozen=True)
class Design:
    """One wallpaper (plasma) or one GNOME design, and the real files that ship it."""

    name: str
    """``plasma:Autumn``, ``gnome:wood-l``."""
    master: Path
    """The largest landscape (or square) file: the picture the synthetic copies derive from."""
    thumbs: tuple[Path, ...] = ()
    """Smaller shipped renderings of the same picture (plasma ``screenshot.*``)."""
    portraits: tuple[Path, ...] = ()
    """Portrait versions: a different crop or layout of the design."""
    darks: tuple[Path, ...] = ()
    """Recoloured (dark) versions of the design, landscape and portrait."""
    family: str = ""
    """Designs with the same family are recolourings of each other (GNOME light/dark)."""
    extra: dict[str, str] = field(default_factory=dict)


def ensure_unpacked(data: Path = DEFAULT_DATA) -> Path:
    """Download (if needed) and unpack (if needed) the packages; return the unpacked root."""
    debs = data / "debs"
    root = data / "root"
    debs.mkdir(parents=True, exist_ok=True)
    for pkg in PACKAGES:
        found = sorted(debs.glob(f"{pkg}_*.deb"))
        if not found:
            log.info("downloading %s into %s", pkg, debs)
            subprocess.run(["apt-get", "download", pkg], cwd=debs, check=True,
                           stdout=subprocess.DEVNULL)
            found = sorted(debs.glob(f"{pkg}_*.deb"))
            if not found:
                raise RuntimeError(f"apt-get download {pkg} produced no .deb in {debs}")
        stamp = root / f".unpacked-{found[-1].name}"
        if not stamp.exists():
            log.info("unpacking %s", found[-1].name)
            root.mkdir(parents=True, exist_ok=True)
            subprocess.run(["dpkg", "-x", str(found[-1]), str(root)], check=True)
            stamp.touch()
    return root


def _size_from_name(p: Path) -> tuple[int, int] | None:
    w, sep, h = p.stem.partition("x")
    if sep and w.isdigit() and h.isdigit():
        return int(w), int(h)
    return None


def _real_images(folder: Path) -> list[Path]:
    """Regular image files (not symlinks, not SVG) in ``folder``, largest area first."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir()
             if p.suffix.lower() in PHOTO_EXTS and p.is_file() and not p.is_symlink()]
    return sorted(files, key=lambda p: -((_size_from_name(p) or (0, 0))[0]
                                         * (_size_from_name(p) or (0, 0))[1]))


def _is_portrait(p: Path) -> bool:
    wh = _size_from_name(p)
    return wh is not None and wh[1] > wh[0]


def _plasma(root: Path) -> list[Design]:
    out: list[Design] = []
    base = root / "usr/share/wallpapers"
    if not base.is_dir():
        return out
    for wp in sorted(base.iterdir()):
        contents = wp / "contents"
        images = _real_images(contents / "images")
        landscapes = [p for p in images if not _is_portrait(p)]
        if not landscapes:
            continue
        thumbs = tuple(p for p in sorted(contents.glob("screenshot.*"))
                       if p.suffix.lower() in PHOTO_EXTS and not p.is_symlink())
        out.append(Design(
            name=f"plasma:{wp.name}",
            master=landscapes[0],
            thumbs=thumbs,
            portraits=tuple(p for p in images if _is_portrait(p)),
            darks=tuple(_real_images(contents / "images_dark")),
            family=f"plasma:{wp.name}",
        ))
    return out


def _gnome(root: Path) -> list[Design]:
    base = root / "usr/share/backgrounds/gnome"
    if not base.is_dir():
        return []
    out = []
    for p in sorted(base.iterdir()):
        if p.suffix.lower() not in PHOTO_EXTS or p.is_symlink():
            continue
        stem = p.stem
        family = stem[:-2] if stem.endswith(("-l", "-d")) else stem
        out.append(Design(name=f"gnome:{stem}", master=p, family=f"gnome:{family}"))
    return out


def collect(root: Path) -> list[Design]:
    """All designs in an unpacked tree, plasma first, each sorted by name."""
    return _plasma(root) + _gnome(root)


def main() -> None:  # pragma: no cover - manual inspection helper
    import argparse

    ap = argparse.ArgumentParser(description="Fetch and list the benchmark's real photos.")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for d in collect(ensure_unpacked(args.data)):
        rel = os.path.relpath(d.master, args.data / "root")
        print(f"{d.name:28} {rel}  thumbs={len(d.thumbs)} portraits={len(d.portraits)} "
              f"darks={len(d.darks)}")


if __name__ == "__main__":  # pragma: no cover
    main()
