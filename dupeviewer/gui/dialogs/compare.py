"""Two copies at full size side by side with synchronised zoom and pan, and a flick key.

Both pictures are drawn at the same on-screen width (a half-size copy is scaled up), so
the same detail sits at the same place in both panes and zoom and pan can be shared.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui import text
from dupeviewer.gui.jobs.thumbnails import FULL, ThumbnailLoader
from dupeviewer.gui.look import muted
from dupeviewer.gui.models.members import similarity

if TYPE_CHECKING:
    from dupeviewer.core.model import Member

log = logging.getLogger(__name__)

ZOOM_STEP = 1.25
CANVAS_WIDTH = 4000.0
"""Scene width every picture is scaled to, so both panes share one coordinate system."""


class ZoomView(QGraphicsView):
    """A pane that zooms with the wheel (around the pointer) and pans by dragging."""

    zoomed = Signal(float)  # factor applied

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(self.palette().dark())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.placeholder = self.scene().addText(self.tr("Loading\u2026"))

    def show_pixmap(self, pixmap: QPixmap | None, width: int, height: int) -> None:
        scale = CANVAS_WIDTH / max(1, width)
        self.scene().setSceneRect(QRectF(0, 0, CANVAS_WIDTH, height * scale))
        if pixmap is None or pixmap.isNull():
            self.item.setPixmap(QPixmap())
            self.placeholder.setVisible(True)
            self.placeholder.setScale(CANVAS_WIDTH / 400)
            self.placeholder.setPos(CANVAS_WIDTH / 2 - CANVAS_WIDTH / 8, height * scale / 2)
            return
        self.placeholder.setVisible(False)
        self.item.setPixmap(pixmap)
        self.item.setScale(CANVAS_WIDTH / max(1, pixmap.width()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
        self.scale(factor, factor)
        self.zoomed.emit(factor)


class CompareDialog(QDialog):
    """Compare two copies; Space (or X) swaps them so differences flicker in place."""

    def __init__(self, members: list[Member], first: int, second: int,
                 folders: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare Copies"))
        self.setAccessibleName(self.tr("Compare two copies"))
        self.members = members
        self.folders = folders or [text.folder_of(m.path) for m in members]
        self.shown = [first, second]
        self.loader = ThumbnailLoader(capacity=3, threads=2, parent=self)
        self.loader.ready.connect(self._on_ready)
        self.views = [ZoomView(self.tr("Left copy")), ZoomView(self.tr("Right copy"))]
        self.captions = [QLabel(), QLabel()]
        grid = QGridLayout()
        for column, (view, caption) in enumerate(zip(self.views, self.captions)):
            caption.setTextFormat(Qt.TextFormat.PlainText)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(caption, 0, column)
            grid.addWidget(view, 1, column)
            view.zoomed.connect(self._sync_zoom)
            view.horizontalScrollBar().valueChanged.connect(self._sync_scroll)
            view.verticalScrollBar().valueChanged.connect(self._sync_scroll)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        bar = QHBoxLayout()
        hint = QLabel(self.tr("Wheel or +/\u2212 to zoom, drag to pan, 0 to fit, 1 for 100 %, "
                              "Space to swap the copies"))
        muted(hint)
        bar.addWidget(hint)
        bar.addStretch()
        for label, tip, slot in (
            (self.tr("Fit"), self.tr("Fit the pictures in the window (0)"), self.fit),
            (self.tr("Swap"), self.tr("Swap the two copies (Space)"), self.flick),
            (self.tr("Close"), self.tr("Back to the group (Esc)"), self.reject),
        ):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            bar.addWidget(button)
        layout.addLayout(bar)
        for keys, slot in ((("Space", "X"), self.flick), (("+", "="), self.zoom_in),
                           (("-",), self.zoom_out), (("0",), self.fit),
                           (("1",), self.actual_size)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)
        self._syncing = False
        self.resize(1200, 760)
        self._show()

    # actions ----------------------------------------------------------------------
    def flick(self) -> None:
        self.shown.reverse()
        self._show()

    def zoom_in(self) -> None:
        for view in self.views:
            view.scale(ZOOM_STEP, ZOOM_STEP)

    def zoom_out(self) -> None:
        for view in self.views:
            view.scale(1 / ZOOM_STEP, 1 / ZOOM_STEP)

    def fit(self) -> None:
        for view in self.views:
            view.fitInView(view.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def actual_size(self) -> None:
        """One picture pixel per screen pixel for the larger copy."""
        widest = max(self.members[i].info.width for i in self.shown)
        factor = widest / CANVAS_WIDTH / self.devicePixelRatioF()
        for view in self.views:
            view.resetTransform()
            view.scale(factor, factor)

    # internals --------------------------------------------------------------------
    def _show(self) -> None:
        for view, caption, m in zip(self.views, self.captions, self.shown):
            info = self.members[m].info
            view.show_pixmap(self.loader.pixmap(info.path, FULL), info.width, info.height)
            role = similarity(self.members[m])
            caption.setText(self.tr("{name}  \u00b7  {w} \u00d7 {h}  \u00b7  {size}  \u00b7  "
                                    "{role}\n{folder}")
                            .format(name=text.name_of(info.path), w=info.width, h=info.height,
                                    size=text.data_size(info.size), role=role,
                                    folder=self.folders[m]))
            caption.setToolTip(info.path)

    def _on_ready(self, path: str, side: int) -> None:
        if any(self.members[m].info.path == path for m in self.shown):
            self._show()

    def _sync_zoom(self, factor: float) -> None:
        source = self.sender()
        for view in self.views:
            if view is not source:
                view.setTransform(source.transform())  # type: ignore[attr-defined]
        self._sync_scroll()

    def _sync_scroll(self) -> None:
        if self._syncing:
            return
        source = self.sender()
        origin = next((v for v in self.views if source in (v.horizontalScrollBar(),
                                                           v.verticalScrollBar(), v)),
                      None)
        if origin is None:
            return
        self._syncing = True
        try:
            for view in self.views:
                if view is not origin:
                    view.horizontalScrollBar().setValue(origin.horizontalScrollBar().value())
                    view.verticalScrollBar().setValue(origin.verticalScrollBar().value())
        finally:
            self._syncing = False

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.fit()

    def done(self, result: int) -> None:
        self.loader.shutdown(2000)
        super().done(result)

