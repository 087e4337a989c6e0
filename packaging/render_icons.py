#!/usr/bin/env python3
"""Render the dupeviewer SVG master icon to PNG sizes, .ico and .icns.

Usage (from the repository root)::

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py

Writes ``resources/icons/dupeviewer-{16..512}.png`` (16 and 24 px from the pixel-aligned
``resources/dupeviewer-small.svg``), ``resources/icons/dupeviewer.ico``
(Windows) and ``resources/icons/dupeviewer.icns`` (macOS), and copies the SVG and the
256 px PNG into ``dupeviewer/resources/`` so the installed package can load its icon.
Rendering uses PySide6's QtSvg (part of PySide6-Essentials); ICO/ICNS are written by Pillow.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
SVG = REPO / "resources" / "dupeviewer.svg"
SMALL_SVG = REPO / "resources" / "dupeviewer-small.svg"
SMALL_MAX = 24  # sizes up to this use the pixel-aligned SMALL_SVG when it exists
ICON_DIR = REPO / "resources" / "icons"
PACKAGE_RESOURCES = REPO / "dupeviewer" / "resources"
SIZES: tuple[int, ...] = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES: tuple[int, ...] = (16, 32, 64, 128, 256, 512, 1024)


def render_svg(renderer: QSvgRenderer, size: int) -> QImage:
    """Render the whole SVG into a transparent ``size`` x ``size`` image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        renderer.render(painter)
    finally:
        painter.end()
    return image


def to_pil(image: QImage) -> Image.Image:
    """Convert a QImage to a Pillow RGBA image (via straight-alpha RGBA8888 bytes)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())[: rgba.sizeInBytes()]
    stride = rgba.bytesPerLine()
    return Image.frombuffer("RGBA", (rgba.width(), rgba.height()), data, "raw", "RGBA", stride, 1)


def load_renderer(svg: Path) -> QSvgRenderer:
    """Parse ``svg``; raise if QtSvg cannot."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise RuntimeError(f"QSvgRenderer cannot parse {svg}")
    return renderer


def render_all(
    svg: Path, sizes: tuple[int, ...], small_svg: Path | None = None
) -> dict[int, Image.Image]:
    """Render every size from the vector; sizes <= SMALL_MAX use ``small_svg`` if given."""
    large = load_renderer(svg)
    small = load_renderer(small_svg) if small_svg is not None and small_svg.exists() else large
    return {
        size: to_pil(render_svg(small if size <= SMALL_MAX else large, size)) for size in sizes
    }


def write_outputs(images: dict[int, Image.Image], icon_dir: Path) -> list[Path]:
    """Write the PNG set plus .ico and .icns; return the written paths."""
    icon_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for size in SIZES:
        path = icon_dir / f"dupeviewer-{size}.png"
        images[size].save(path, optimize=True)
        written.append(path)
    ico = icon_dir / "dupeviewer.ico"
    images[max(ICO_SIZES)].save(
        ico, sizes=[(s, s) for s in ICO_SIZES], append_images=[images[s] for s in ICO_SIZES]
    )
    written.append(ico)
    icns = icon_dir / "dupeviewer.icns"
    images[max(ICNS_SIZES)].save(icns, append_images=[images[s] for s in ICNS_SIZES])
    written.append(icns)
    return written


def copy_package_resources(svg: Path, icon_dir: Path, dest: Path) -> list[Path]:
    """Copy the SVG and the 256 px PNG into the package's resources folder."""
    dest.mkdir(parents=True, exist_ok=True)
    targets = [
        (svg, dest / "dupeviewer.svg"),
        (icon_dir / "dupeviewer-256.png", dest / "dupeviewer-256.png"),
    ]
    for src, dst in targets:
        shutil.copyfile(src, dst)
    return [dst for _, dst in targets]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--small-svg", type=Path, default=SMALL_SVG,
                        help=f"pixel-aligned variant used for sizes <= {SMALL_MAX}")
    parser.add_argument("--out", type=Path, default=ICON_DIR)
    parser.add_argument("--no-package-copy", action="store_true",
                        help="do not copy the icon into dupeviewer/resources/")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    all_sizes = tuple(sorted(set(SIZES) | set(ICO_SIZES) | set(ICNS_SIZES)))
    images = render_all(args.svg, all_sizes, args.small_svg)
    written = write_outputs(images, args.out)
    if not args.no_package_copy:
        written += copy_package_resources(args.svg, args.out, PACKAGE_RESOURCES)
    for path in written:
        log.info("wrote %s", path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
