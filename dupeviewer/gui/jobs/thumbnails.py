"""Thumbnails off the GUI thread: QImage in QRunnables, QPixmap LRU on the GUI thread.

Decoding uses ``QImageReader`` with ``setAutoTransform(True)`` (EXIF orientation) and
``setScaledSize`` (JPEGs decode at reduced size, which is fast), with Pillow as the
fallback for formats Qt lacks (HEIC/HEIF through pillow-heif, AVIF) and for PNG and WebP
files whose EXIF orientation Qt ignores. Animated GIF/WebP and multi-page TIFF show their
first frame, as the engine fingerprints it. Every request carries the loader's generation
id; results of an older generation are dropped, and queued work of an older generation
is cancelled, so scrolling through 10,000 groups never backs up the pool.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage, QImageReader, QPixmap

log = logging.getLogger(__name__)

Key = tuple[str, int]  # (path, longest side in pixels; 0 = full size)
FULL = 0
MAX_FULL_SIDE = 8192
"""Full-size views cap the longest side here: a 100 MP photo would need 400 MB."""


def _fit(size: QSize, side: int) -> QSize:
    if side <= 0 or (size.width() <= side and size.height() <= side):
        return size
    return size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio)


QT_IGNORES_EXIF_ORIENTATION = (b"png", b"webp")


def _exif_orientation(path: str) -> int:
    """The EXIF orientation of a PNG or WebP, read from the header without decoding."""
    from PIL import ExifTags, Image

    from dupeviewer.core.decode import open_image

    try:
        with open_image(path) as opened:
            raw = opened.info.get("exif")
            if not raw:
                return 1
            exif = Image.Exif()
            exif.load(raw)
            value = exif.get(ExifTags.Base.Orientation, 1)
    except Exception as exc:  # noqa: BLE001 - no orientation is the safe answer
        log.debug("no EXIF orientation for %s: %s", path, exc)
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def read_with_qt(path: str, side: int) -> QImage:
    reader = QImageReader(path)
    if bytes(reader.format().data()) in QT_IGNORES_EXIF_ORIENTATION \
            and _exif_orientation(path) != 1:
        raise OSError("EXIF orientation that Qt does not apply to this format")
    reader.setAutoTransform(True)
    reader.setAllocationLimit(1024)  # MB: refuse decompression bombs
    size = reader.size()
    if size.isValid():
        limit = side if side > 0 else MAX_FULL_SIDE
        scaled = _fit(size, limit)
        if scaled != size:
            reader.setScaledSize(scaled)
    image = reader.read()
    if image.isNull():
        raise OSError(reader.errorString())
    return image


def read_with_pillow(path: str, side: int) -> QImage:
    """The fallback for HEIC and friends: decoded safely by the engine's opener."""
    from PIL import ImageOps

    from dupeviewer.core.decode import open_image

    with open_image(path) as opened:
        opened.draft("RGB", (side, side) if side > 0 else (MAX_FULL_SIDE, MAX_FULL_SIDE))
        upright = ImageOps.exif_transpose(opened)
        limit = side if side > 0 else MAX_FULL_SIDE
        upright.thumbnail((limit, limit))
        rgba = upright.convert("RGBA")
    data = rgba.tobytes("raw", "RGBA")
    image = QImage(data, rgba.width, rgba.height, rgba.width * 4, QImage.Format.Format_RGBA8888)
    return image.copy()  # detach from the Python buffer


def load_image(path: str, side: int) -> QImage:
    """A QImage no larger than ``side`` (0: full size, capped), upright; raises on failure."""
    try:
        return read_with_qt(path, side)
    except Exception as first:  # noqa: BLE001 - any decoder error: try Pillow
        try:
            return read_with_pillow(path, side)
        except Exception as second:
            raise OSError(f"{first}; {second}") from second


class _Task(QRunnable):
    def __init__(self, loader: ThumbnailLoader, key: Key, generation: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._signal = loader.loaded
        self._key = key
        self._generation = generation

    def run(self) -> None:
        path, side = self._key
        try:
            image = load_image(path, side)
            error = ""
        except Exception as exc:  # noqa: BLE001 - a bad file shows a "cannot show" tile
            image, error = QImage(), str(exc) or type(exc).__name__
            log.info("no thumbnail for %s: %s", path, error)
        self._signal.emit(self._generation, path, side, image, error)


class ThumbnailLoader(QObject):
    """Asynchronous thumbnails with a bounded LRU of QPixmaps (GUI thread only)."""

    loaded = Signal(int, str, int, QImage, str)  # emitted from pool threads
    ready = Signal(str, int)  # path, side: a pixmap (or failure) is now available
    restarted = Signal()  # queued requests were dropped: views repaint to ask again

    def __init__(self, capacity: int = 400, threads: int = 0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self._pixmaps: OrderedDict[Key, QPixmap] = OrderedDict()
        self._failed: dict[Key, str] = {}
        self._pending: set[Key] = set()
        self._generation = 0
        self._pool = QThreadPool(self)
        if threads > 0:
            self._pool.setMaxThreadCount(threads)
        self.loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)

    def pixmap(self, path: str, side: int) -> QPixmap | None:
        """The cached pixmap, or None after scheduling a load (``ready`` follows)."""
        key = (path, side)
        cached = self._pixmaps.get(key)
        if cached is not None:
            self._pixmaps.move_to_end(key)
            return cached
        if key not in self._pending and key not in self._failed:
            self._pending.add(key)
            self._pool.start(_Task(self, key, self._generation))
        return None

    def error(self, path: str, side: int) -> str | None:
        return self._failed.get((path, side))

    def new_generation(self) -> None:
        """Forget queued requests (the view moved on); their results will be dropped."""
        self._generation += 1
        self._pool.clear()
        self._pending.clear()
        self.restarted.emit()

    def forget(self, path: str) -> None:
        for key in [k for k in self._pixmaps if k[0] == path]:
            del self._pixmaps[key]
        for key in [k for k in self._failed if k[0] == path]:
            del self._failed[key]

    def __len__(self) -> int:
        return len(self._pixmaps)

    def shutdown(self, milliseconds: int = 3000) -> bool:
        self._generation += 1
        self._pool.clear()
        return self._pool.waitForDone(milliseconds)

    @Slot(int, str, int, QImage, str)
    def _on_loaded(self, generation: int, path: str, side: int, image: QImage,
                   error: str) -> None:
        key = (path, side)
        if generation != self._generation:
            return  # stale: a newer request for this key (if any) is already queued
        self._pending.discard(key)
        if error or image.isNull():
            self._failed[key] = error or "cannot read this image"
        else:
            self._pixmaps[key] = QPixmap.fromImage(image)
            self._pixmaps.move_to_end(key)
            while len(self._pixmaps) > self.capacity:
                self._pixmaps.popitem(last=False)
        self.ready.emit(path, side)
