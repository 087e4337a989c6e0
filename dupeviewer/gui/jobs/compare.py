"""The compare view's background work: where two copies differ, and why a copy cannot be
shown. Both run in a QThreadPool and come back as signals carrying a QImage and plain
values; the GUI thread only turns the image into a QPixmap.

The difference decodes both copies again (upright, at most :data:`DIFF_SIDE` pixels on the
longest side), scales the larger one to the smaller one's size so copies of different
sizes line up, blurs both a little so JPEG noise and resampling do not light up every edge,
and paints the pixels whose colour differs by more than :data:`NOISE` levels in a strong
colour over a dimmed picture.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from dupeviewer.core.trashdir import trash_candidates
from dupeviewer.gui.jobs.thumbnails import load_image

if TYPE_CHECKING:
    import numpy.typing as npt

log = logging.getLogger(__name__)

DIFF_SIDE = 1600
"""Longest side the difference is computed at: plenty for an overlay, fast to decode."""
NOISE = 24
"""Differences up to this many levels (of 255) are compression noise, not a change."""
FULL = 72
"""A difference of this many levels is drawn at full strength."""
COLOUR = (255, 0, 200)
"""Magenta: rare in photographs, so a change stands out on skies, skin and foliage."""
DIM = 96
"""Alpha of the dark veil over pixels that do not differ (the changes stand out)."""

Problem = Literal["trashed", "vanished", "denied", "unreadable", "damaged"]


@dataclass(frozen=True, slots=True)
class Difference:
    """An overlay (ARGB, premultiplied) and how much of the picture differs."""

    overlay: QImage
    fraction: float
    """Share of the pixels that differ by more than the noise, 0 to 1."""
    largest: int
    """The largest difference of one pixel, in levels (0 to 255)."""


def _rgb(image: QImage, width: int, height: int) -> npt.NDArray[np.float32]:
    """``image`` at ``width`` x ``height`` as a float32 array of shape (h, w, 3)."""
    if (image.width(), image.height()) != (width, height):
        image = image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, :width * 3].reshape(height, width, 3).astype(np.float32)


def _box(values: npt.NDArray[np.float32], radius: int) -> npt.NDArray[np.float32]:
    """The mean over a (2r+1)-square around each pixel (edges repeated)."""
    size = 2 * radius + 1
    padded = np.pad(values, ((radius, radius), (radius, radius), (0, 0)), mode="edge")
    summed = padded.cumsum(axis=0).cumsum(axis=1)
    summed = np.pad(summed, ((1, 0), (1, 0), (0, 0)))
    height, width = values.shape[:2]
    total: npt.NDArray[np.float32] = (
        summed[size:size + height, size:size + width] - summed[:height, size:size + width]
        - summed[size:size + height, :width] + summed[:height, :width])
    return (total / (size * size)).astype(np.float32)


def _grow(mask: npt.NDArray[np.uint8], radius: int) -> npt.NDArray[np.uint8]:
    """Each value replaced by the largest around it: a change of a few pixels stays
    visible when the picture is fitted in the window."""
    height, width = mask.shape
    padded = np.pad(mask, radius)
    grown: npt.NDArray[np.uint8] = mask.copy()
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            np.maximum(grown, padded[dy:dy + height, dx:dx + width], out=grown)
    return grown


def difference(first: QImage, second: QImage) -> Difference:
    """Where ``first`` and ``second`` differ, at the smaller one's size."""
    width = min(first.width(), second.width())
    height = min(first.height(), second.height())
    if width <= 0 or height <= 0:
        raise ValueError("an empty picture")
    radius = max(1, round(max(width, height) / 800))
    a = _box(_rgb(first, width, height), radius)
    b = _box(_rgb(second, width, height), radius)
    change = np.abs(a - b).max(axis=2)
    strength = np.clip((change - NOISE) / (FULL - NOISE), 0.0, 1.0)
    alpha = _grow((strength * 255).astype(np.uint8), radius + 1).astype(np.float32) / 255
    veil = np.full((height, width), DIM / 255, np.float32)
    total = alpha + veil * (1 - alpha)
    out = np.empty((height, width, 4), np.uint8)  # premultiplied BGRA: Format_ARGB32
    for channel, value in zip((2, 1, 0), COLOUR):
        out[..., channel] = np.round(alpha * value).astype(np.uint8)
    out[..., 3] = np.round(total * 255).astype(np.uint8)
    image = QImage(out.tobytes(), width, height, width * 4,
                   QImage.Format.Format_ARGB32_Premultiplied).copy()
    return Difference(image, float((change > NOISE).mean()), int(round(change.max())))


def _is_copy(stored: str, size: int, mtime_ns: int) -> bool:
    """Whether the file in the trash is the copy the scan saw (a move keeps both)."""
    try:
        st = os.stat(stored)
    except OSError:
        return False
    return st.st_size == size and st.st_mtime_ns == mtime_ns


def explain(path: str, error: str, size: int = -1, mtime_ns: int = -1
            ) -> tuple[Problem, str]:
    """Why ``path`` could not be shown, given the decoders' ``error``: gone to the trash
    (only if the trash holds the copy the scan saw, ``size`` and ``mtime_ns``, not an
    older file of that name), vanished, not readable, or damaged (with the decoder's
    reason). Reads the disk: call it off the GUI thread."""
    try:
        os.stat(path)
    except FileNotFoundError:
        stored = next((s for s in trash_candidates(path) if _is_copy(s, size, mtime_ns)),
                      None)
        return ("trashed", stored) if stored else ("vanished", "")
    except PermissionError:
        return "denied", ""
    except OSError as exc:
        return "unreadable", exc.strerror or os.strerror(exc.errno or errno.EIO)
    if not os.access(path, os.R_OK):
        return "denied", ""
    # the loader tried Qt, then Pillow ("qt reason; pillow reason"): Pillow's is the
    # engine's wording, the one the scan would give
    return "damaged", error.rsplit("; ", 1)[-1]


class _Run(QRunnable):
    """One difference or one explanation; it stops between stages, and says nothing, once
    the view has closed (``stopped``)."""

    def __init__(self, job: CompareJobs, kind: str, paths: tuple[str, str],
                 stat: tuple[int, int] = (-1, -1)) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job = job
        self._stopped = job.stopped
        self._kind = kind
        self._paths = paths
        self._stat = stat

    def run(self) -> None:
        if self._kind == "diff":
            self._diff()
            return
        path, error = self._paths
        try:
            problem, detail = explain(path, error, *self._stat)
        except Exception as exc:  # noqa: BLE001 - a probe that failed says so
            problem, detail = "unreadable", str(exc)
        if not self._stopped.is_set():
            self._job.explained.emit(path, problem, detail)

    def _diff(self) -> None:
        first, second = self._paths
        try:
            a = load_image(first, DIFF_SIDE)
            if self._stopped.is_set():
                return
            b = load_image(second, DIFF_SIDE)
            if self._stopped.is_set():
                return
            result = difference(a, b)
        except Exception as exc:  # noqa: BLE001 - a copy that cannot be read: no overlay
            log.info("no difference of %s and %s: %s", first, second, exc)
            if not self._stopped.is_set():
                self._job.compared.emit(first, second, QImage(), 0.0, -1, str(exc))
            return
        if not self._stopped.is_set():
            self._job.compared.emit(first, second, result.overlay, result.fraction,
                                    result.largest, "")


class CompareJobs(QObject):
    """Differences and explanations for one compare view, on its own small pool."""

    compared = Signal(str, str, QImage, float, int, str)
    """first, second, overlay, fraction differing, largest difference (-1: failed), error"""
    explained = Signal(str, str, str)
    """path, problem (:data:`Problem`), detail (the trash path or the decoder's reason)"""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stopped = threading.Event()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def compare(self, first: str, second: str) -> None:
        self._pool.start(_Run(self, "diff", (first, second)))

    def explain(self, path: str, error: str, size: int, mtime_ns: int) -> None:
        """Find out why ``path`` (``size`` bytes, modified at ``mtime_ns`` when scanned)
        failed to load with ``error``; ``explained`` follows."""
        self._pool.start(_Run(self, "explain", (path, error), (size, mtime_ns)))

    @Slot()
    def shutdown(self, milliseconds: int = 3000) -> bool:
        """Drop queued work, tell running work to stop and say nothing, and wait for it."""
        self.stopped.set()
        self._pool.clear()
        return self._pool.waitForDone(milliseconds)
