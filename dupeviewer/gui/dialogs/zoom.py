"""Zoom and pan shared by the compare view's panes, and the readout that says how close.

Every picture is drawn :data:`CANVAS_WIDTH` scene units wide (a half-size copy is scaled
up), so the same detail sits at the same scene point in every pane and one transform and
one scroll position fit them all. 100 % is one picture pixel of the larger copy per
screen pixel.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QLabel, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtGui import QMouseEvent, QResizeEvent, QWheelEvent

log = logging.getLogger(__name__)

ZOOM_STEP = 1.25
CANVAS_WIDTH = 4000.0
"""Scene width every picture is scaled to, so the panes share one coordinate system."""
MAX_ZOOM = 32.0
"""The closest zoom: 3200 % (32 screen pixels per picture pixel)."""


class ZoomView(QGraphicsView):
    """A pane that zooms with the wheel (around the pointer) and pans by dragging; it
    shows a message instead when its copy cannot be shown."""

    zoomed = Signal(float)  # factor applied
    pressed = Signal()  # the user clicked in this pane
    resized = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.overlay = QGraphicsPixmapItem()
        self.overlay.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.overlay.setZValue(1)
        self.overlay.setVisible(False)
        self.scene().addItem(self.overlay)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(self.palette().dark())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.zoom_range = (1e-4, 1e4)
        """Smallest and largest scale the wheel may reach (the dialog sets it)."""
        # over the viewport, not in it: the viewport's children scroll with the picture
        self.message = QLabel(self.tr("Loading\u2026"), self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAccessibleName(self.tr("Message"))
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() + 1)
        self.message.setFont(font)
        self.badge = QLabel(self)
        """Which copy this is ("A" or "B"), in the corner: while flickering it says which
        one is on screen at a glance."""
        self.badge.setTextFormat(Qt.TextFormat.PlainText)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setStyleSheet("QLabel { background: rgba(0, 0, 0, 150); color: white; "
                                 "font-weight: bold; border-radius: 4px; padding: 2px 8px; }")
        for label in (self.message, self.badge):  # clicks and drags reach the picture
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def show_picture(self, pixmap: QPixmap, box: QRectF) -> None:
        """``pixmap`` stretched over ``box`` (scene units)."""
        self.message.setVisible(False)
        self.item.setPixmap(pixmap)
        self.item.setScale(box.width() / max(1, pixmap.width()))
        self.item.setPos(box.topLeft())

    def show_message(self, text: str) -> None:
        """No picture: ``text`` in the middle of the pane ("Loading…", why it is missing)."""
        self.item.setPixmap(QPixmap())
        self.overlay.setVisible(False)
        self.message.setText(text)
        self.message.setVisible(True)
        self._place_message()

    def showing_picture(self) -> bool:
        return not self.item.pixmap().isNull()

    def set_overlay(self, pixmap: QPixmap | None, box: QRectF) -> None:
        """The difference overlay stretched over ``box``; None hides it."""
        if pixmap is None or pixmap.isNull() or not self.showing_picture():
            self.overlay.setVisible(False)
            return
        self.overlay.setPixmap(pixmap)
        self.overlay.setTransform(QTransform.fromScale(box.width() / pixmap.width(),
                                                       box.height() / pixmap.height()))
        self.overlay.setPos(box.topLeft())
        self.overlay.setVisible(True)

    def set_badge(self, letter: str) -> None:
        self.badge.setText(letter)
        self.badge.adjustSize()

    def centre(self) -> QPointF:
        """The scene point in the middle of the pane."""
        return self.mapToScene(self.viewport().rect().center())

    def _place_message(self) -> None:
        port = self.viewport().geometry()
        self.message.setGeometry(port.adjusted(24, 24, -24, -24))
        self.badge.move(port.topLeft() + QPoint(8, 8))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_message()
        self.resized.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.pressed.emit()
        super().mousePressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
        low, high = self.zoom_range
        scale = self.transform().m11()
        factor = min(max(factor, low / scale), high / scale)
        if abs(factor - 1) < 1e-6:
            return
        self.scale(factor, factor)
        self.zoomed.emit(factor)


class SharedZoom(QObject):
    """One zoom and position for every pane: keys, buttons and the wheel in any pane move
    them all; ``changed`` after each change (the readout follows)."""

    changed = Signal()

    def __init__(self, views: Sequence[ZoomView], unit: Callable[[], float],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.views = list(views)
        self._unit = unit
        """The scale at which 100 % is shown (it depends on the copies on show)."""
        self.fitted = True
        self._syncing = False
        for view in self.views:
            view.zoomed.connect(self._follow_wheel)
            view.resized.connect(self._on_resized)
            view.horizontalScrollBar().valueChanged.connect(self._follow_scroll)
            view.verticalScrollBar().valueChanged.connect(self._follow_scroll)

    # changes ----------------------------------------------------------------------
    def zoom_by(self, factor: float) -> None:
        def zoom(view: ZoomView) -> None:
            scale = view.transform().m11()
            low, high = view.zoom_range
            step = min(max(factor, low / scale), high / scale)
            view.scale(step, step)

        self.fitted = False
        self._apply(zoom)

    def fit(self) -> None:
        self.fitted = True
        self._apply(lambda view: view.fitInView(view.scene().sceneRect(),
                                                Qt.AspectRatioMode.KeepAspectRatio))

    def actual_size(self) -> None:
        """One picture pixel per screen pixel for the larger copy."""
        self.fitted = False
        factor = self._unit()

        def actual(view: ZoomView) -> None:
            view.resetTransform()
            view.scale(factor, factor)

        self._apply(actual)

    def keep_place(self, centre: QPointF, fitted: bool) -> None:
        """After the panes changed size: fitted again, or the same point in the middle."""
        if fitted:
            self.fit()
            return
        self.views[0].centerOn(centre)
        for view in self.views[1:]:
            self.copy(self.views[0], view)
        self.changed.emit()

    def copy(self, source: ZoomView, target: ZoomView) -> None:
        """``target`` at ``source``'s zoom and position."""
        self._syncing = True
        try:
            target.setTransform(source.transform())
            target.horizontalScrollBar().setValue(source.horizontalScrollBar().value())
            target.verticalScrollBar().setValue(source.verticalScrollBar().value())
        finally:
            self._syncing = False

    # reading ----------------------------------------------------------------------
    def percent(self) -> float:
        return 100 * self.views[0].transform().m11() / self._unit()

    def readout(self) -> str:
        """``Fit 23 %``, ``100 %``, ``6.4 %``."""
        percent = self.percent()
        shown = f"{percent:.1f}" if percent < 10 else f"{round(percent)}"
        label = self.tr("Fit {percent} %") if self.fitted else self.tr("{percent} %")
        return label.format(percent=shown)

    # internals --------------------------------------------------------------------
    def _apply(self, change: Callable[[ZoomView], None]) -> None:
        """Apply ``change`` to every pane, then give them the first pane's position."""
        self._syncing = True
        try:
            for view in self.views:
                change(view)
        finally:
            self._syncing = False
        for view in self.views[1:]:
            self.copy(self.views[0], view)
        self._limit()
        self.changed.emit()

    def _limit(self) -> None:
        """The wheel stops at 3200 % and at half the fitted size."""
        unit = self._unit()
        for view in self.views:
            scene = view.scene().sceneRect()
            port = view.viewport().rect()
            fit = min(port.width() / max(1.0, scene.width()),
                      port.height() / max(1.0, scene.height()))
            view.zoom_range = (min(fit, unit) / 2, unit * MAX_ZOOM)

    def _on_resized(self) -> None:
        if self.fitted:
            self.fit()
        else:
            self._limit()

    def _follow_wheel(self, factor: float) -> None:
        self.fitted = False
        source = self.sender()
        if isinstance(source, ZoomView):
            for view in self.views:
                if view is not source:
                    self.copy(source, view)
        self._limit()
        self.changed.emit()

    def _follow_scroll(self) -> None:
        """One pane was panned: the others follow (the zoom is already shared)."""
        if self._syncing:
            return
        source = self.sender()
        origin = next((v for v in self.views if source in (v.horizontalScrollBar(),
                                                           v.verticalScrollBar())), None)
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
