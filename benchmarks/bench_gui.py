"""How responsive the window stays: the longest stalls of its event loop while it works.

    python benchmarks/bench_gui.py --dir /tmp/bench-gui [--count 20000] [--warm] [--show]

Builds (or reuses) a library of ``--count`` small photo-like JPEGs made with Pillow in
``DIR/photos`` (``DIR`` must lie outside the repository): every picture has one copy in
another folder (70% byte copies, 20% re-encoded at another quality, 10% the same pixels
with other EXIF bytes), so 20,000 files make 10,000 groups. Then it runs the real window
(offscreen unless ``--show``; private settings and cache in ``DIR``) with a probe: a
``QTimer`` firing every 10 ms that records the gap between its ticks. A gap longer than
10 ms is a stall: the window could not repaint or answer a key for that long.

Phases, in order: ``scan`` (a first scan, the cache emptied unless ``--warm``; decoding
runs in worker processes), ``results`` (the groups arrive and the first thumbnails
load, 2 s), ``scroll`` (the group list's scroll bar dragged to the bottom in 200 steps,
``scrollToBottom``/``scrollToTop``), ``keys`` (Page Down from the first group to the
last, then Down through 200 groups, End and Home: each key makes another group current
and shows its copies), ``regroup`` (a step of the similarity slider with the Right key,
until the new groups are shown, plus 1 s).

Prints, per phase: its length, the ticks seen, and the maximum and 99th-percentile stall
(gap minus the 10 ms interval) in milliseconds, with the library size and core count.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QObject

REPO = Path(__file__).resolve().parent.parent
SPEC = 1
FOLDERS = 100
SIZE = (96, 72)
TICK_MS = 10
RESULTS_SECONDS = 2.0
SETTLE_SECONDS = 1.0
SCROLL_STEPS = 200
DOWN_KEYS = 200
TIMEOUT = 3600.0


# the library ------------------------------------------------------------------------
def photo(seed: int) -> Image.Image:
    """A small photo-like picture (smooth field, shapes, noise); seeds are unrelated."""
    rng = np.random.default_rng(seed)
    width, height = SIZE
    coarse = (rng.random((5, 5, 3)) * 255).astype(np.uint8)
    base = Image.fromarray(coarse).resize(SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(7):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(width // 8, width // 2)), int(rng.integers(height // 8,
                                                                          height // 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x, y, x + w, y + h],
                                                                  fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(1))
    noise = rng.normal(0, 4, (height, width, 3))
    return Image.fromarray(np.clip(np.asarray(base) + noise, 0, 255).astype(np.uint8))


def _exif(seed: int, model: str) -> bytes:
    exif = Image.Exif()
    exif[0x0132] = f"2021:{1 + seed % 12:02d}:{1 + seed % 28:02d} 10:00:00"
    exif[0x0110] = model
    return exif.tobytes()


def _jpeg(image: Image.Image, quality: int, exif: bytes) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    part.replace(path)


def _scene(args: tuple[str, int]) -> None:
    """Picture ``n`` and its one copy: a byte copy, a re-encode or other EXIF bytes."""
    root, n = Path(args[0]), args[1]
    folder = f"f{n % FOLDERS:03d}"
    original = root / "photos" / folder / f"IMG_{n:05d}.jpg"
    copy = root / "photos" / "copies" / folder / f"IMG_{n:05d} copy.jpg"
    if original.exists() and copy.exists():
        return
    image = photo(n)
    data = _jpeg(image, 90, _exif(n, "BenchCam"))
    kind = n % 10
    if kind < 7:
        copied = data
    elif kind < 9:
        copied = _jpeg(image, 75, _exif(n, "BenchCam"))
    else:
        with Image.open(io.BytesIO(data)) as decoded:
            copied = _jpeg(decoded.convert("RGB"), 90, _exif(n + 1, "OtherCam"))
    _write(original, data)
    _write(copy, copied)


def build_library(root: Path, count: int, processes: int) -> Path:
    """``DIR/photos`` with ``count`` files (``count // 2`` pictures and a copy of each),
    reused when a complete library of this spec is there."""
    marker = root / "library.json"
    spec = {"spec": SPEC, "count": count // 2 * 2}
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == spec:
        return root / "photos"
    marker.unlink(missing_ok=True)
    photos = root / "photos"
    if photos.exists() and not marker.exists():
        shutil.rmtree(photos)  # an earlier spec or size: start again
    for folder in range(FOLDERS):
        for base in (photos, photos / "copies"):
            (base / f"f{folder:03d}").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    jobs = [(str(root), n) for n in range(count // 2)]
    with multiprocessing.Pool(processes) as pool:
        for _ in pool.imap_unordered(_scene, jobs, chunksize=64):
            pass
    marker.write_text(json.dumps(spec), encoding="utf-8")
    print(f"built {spec['count']} files in {time.perf_counter() - started:.1f} s",
          flush=True)
    return photos


# the probe --------------------------------------------------------------------------
@dataclass
class Probe:
    """Every tick of a 10 ms timer, and where each phase began (perf_counter times)."""

    ticks: list[float] = field(default_factory=list)
    phases: list[tuple[str, float]] = field(default_factory=list)

    def tick(self) -> None:
        self.ticks.append(time.perf_counter())

    def phase(self, name: str) -> None:
        self.phases.append((name, time.perf_counter()))

    def report(self) -> list[tuple[str, float, int, float, float]]:
        """Per phase: seconds, ticks, max and p99 stall (ms). A gap belongs to the phase
        in which it ends: the tick after a long slot shows the stall."""
        ticks = np.asarray(self.ticks)
        gaps = np.diff(ticks)
        ends = ticks[1:]
        rows = []
        bounds = [*self.phases, ("", float("inf"))]
        for (name, start), (_, stop) in zip(bounds, bounds[1:]):
            inside = (ends >= start) & (ends < stop)
            stalls = np.maximum(gaps[inside] * 1000 - TICK_MS, 0)
            length = (min(stop, float(ticks[-1])) - start) if len(ticks) else 0.0
            if len(stalls):
                rows.append((name, length, int(inside.sum()), float(stalls.max()),
                             float(np.percentile(stalls, 99))))
            else:
                rows.append((name, length, 0, float("nan"), float("nan")))
        return rows


# driving the window -----------------------------------------------------------------
def spin(seconds: float) -> None:
    """Run the event loop for ``seconds`` (the probe ticks meanwhile)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(max(0, round(seconds * 1000)), loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"bench_gui: timed out waiting for {what}")
        spin(0.02)


def press(widget: QObject, key: object, pause: float = 0.0) -> None:
    """A key press and release, then the event loop runs (it paints, the probe ticks)."""
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, key)
    spin(pause)


def _quiet_offscreen_noise() -> None:
    """The offscreen platform warns on every top-level size-limit change; keep the rest."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def run(photos: Path, root: Path, warm: bool) -> tuple[Probe, int, int]:
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtWidgets import QAbstractSlider

    from dupeviewer.gui.app import application
    from dupeviewer.gui.main_window import MainWindow
    from dupeviewer.gui.settings import Settings

    _quiet_offscreen_noise()
    app = application()
    settings_file = root / "settings.ini"
    settings_file.unlink(missing_ok=True)
    settings = Settings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    cache = root / "cache.sqlite"
    if not warm:
        for stale in root.glob("cache.sqlite*"):
            stale.unlink()
    settings.cache_file = str(cache)
    window = MainWindow(settings)
    window.show()
    spin(0.5)

    probe = Probe()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(probe.tick)
    timer.start()
    spin(0.1)
    arrived: list[float] = []
    window.ops.scanned.connect(lambda *args: arrived.append(time.perf_counter()))

    probe.phase("scan")
    window.add_folders([str(photos)])
    wait_for(lambda: bool(arrived), "the scan")
    probe.phases.append(("results", arrived[0]))
    wait_for(lambda: not window.ops.busy, "the end of the scan")
    spin(RESULTS_SECONDS)
    result = window.review.result
    files = result.stats.images if result is not None else 0
    groups = len(window.review)

    probe.phase("scroll")
    view = window.groups.view
    bar = view.verticalScrollBar()
    for step in range(1, SCROLL_STEPS + 1):
        bar.setValue(bar.maximum() * step // SCROLL_STEPS)
        spin(0)
    view.scrollToTop()
    spin(0.05)
    view.scrollToBottom()
    spin(0.05)
    view.scrollToTop()
    spin(0.05)

    probe.phase("keys")
    view.setFocus()
    press(view, Qt.Key.Key_Home)
    last = window.groups.model.rowCount() - 1
    while (row := view.currentIndex().row()) < last:
        press(view, Qt.Key.Key_PageDown)
        if view.currentIndex().row() == row:
            raise SystemExit(f"bench_gui: Page Down stuck at group {row} of {last + 1}")
    press(view, Qt.Key.Key_Home)
    for _ in range(DOWN_KEYS):
        press(view, Qt.Key.Key_Down)
    press(view, Qt.Key.Key_End)
    press(view, Qt.Key.Key_Home)
    spin(SETTLE_SECONDS)

    probe.phase("regroup")
    slider = window.commands.threshold
    resets: list[float] = []
    window.review.reset.connect(lambda: resets.append(time.perf_counter()))
    slider.setFocus()
    if slider.value() == slider.maximum():
        slider.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepSub)
    else:
        press(slider, Qt.Key.Key_Right)
    wait_for(lambda: bool(resets) and not window.ops.busy, "the regroup")
    spin(SETTLE_SECONDS)
    probe.phase("end")
    timer.stop()
    window.close()
    app.processEvents()
    return probe, files, groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True,
                        help="where the library, settings and cache go (outside the repo)")
    parser.add_argument("--count", type=int, default=20_000, help="files (default 20000)")
    parser.add_argument("--warm", action="store_true",
                        help="keep the fingerprint cache of an earlier run (a rescan)")
    parser.add_argument("--show", action="store_true",
                        help="use the display instead of the offscreen platform")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="processes that build the library")
    args = parser.parse_args(argv)
    root = args.dir.expanduser().resolve()
    if root == REPO or REPO in root.parents:
        parser.error(f"--dir {root} is inside the repository; choose a folder outside it")
    root.mkdir(parents=True, exist_ok=True)
    if not args.show:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    photos = build_library(root, args.count, args.processes)
    probe, files, groups = run(photos, root, args.warm)
    platform = os.environ.get("QT_QPA_PLATFORM", "display")
    print(f"bench_gui: {files} images, {groups} groups, {os.cpu_count()} cores, "
          f"platform {platform}, {'warm' if args.warm else 'cold'} cache; "
          f"stall = gap between {TICK_MS} ms ticks minus {TICK_MS} ms")
    print(f"{'phase':<9}{'seconds':>9}{'ticks':>8}{'max ms':>9}{'p99 ms':>9}")
    for name, seconds, ticks, worst, p99 in probe.report()[:-1]:
        print(f"{name:<9}{seconds:>9.1f}{ticks:>8}{worst:>9.0f}{p99:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
