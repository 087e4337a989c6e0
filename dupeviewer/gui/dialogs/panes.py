"""One side of the compare view: a zoomable picture with its caption, its state (kept,
marked, reference) and the buttons that keep or mark the copy it shows.

Every picture is drawn :data:`CANVAS_WIDTH` scene units wide (a half-size copy is scaled
up), so the same detail sits at the same scene point in both panes and one transform and
one scroll position fit both.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPixmap, QTransform
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QMouseEvent, QResizeEvent, QWheelEvent

log = logging.getLogger(__name__)

ZOOM_STEP = 1.25
CANVAS_WIDTH = 4000.0
"""Scene width every picture is scaled to, so both panes share one coordinate system."""
KEEP_COLOUR = QColor("#2e7d32")  # the card delegate's colours, for the same meanings
TRASH_COLOUR = QColor("#c62828")
REFERENCE_COLOUR = QColor("#1565c0")


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
        self.message = QLabel(self.tr("Loading\u2026"), self.viewport())
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAccessibleName(self.tr("Message"))
        palette = self.message.palette()
        palette.setColor(QPalette.ColorRole.WindowText, self.palette().color(
            QPalette.ColorRole.BrightText))
        self.message.setPalette(palette)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() + 1)
        self.message.setFont(font)

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

    def centre(self) -> QPointF:
        """The scene point in the middle of the pane."""
        return self.mapToScene(self.viewport().rect().center())

    def _place_message(self) -> None:
        self.message.setGeometry(self.viewport().rect().adjusted(24, 24, -24, -24))

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


class Pane(QFrame):
    """A caption, a :class:`ZoomView` and the copy's Keep and Mark buttons; the current
    pane (the one the keys act on) is framed."""

    chosen = Signal()  # the user clicked in the pane
    keep_clicked = Signal()
    mark_clicked = Signal(bool)  # True: mark for the trash; False: unmark

    def __init__(self, name: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state = QLabel()
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bold = self.state.font()
        bold.setBold(True)
        self.state.setFont(bold)
        self.view = ZoomView(name)
        self.view.pressed.connect(self.chosen)
        self.keep = QPushButton(self.tr("Keep This Copy"))
        self.keep.setAutoDefault(False)
        self.keep.clicked.connect(self.keep_clicked)
        self.marked = False
        self.mark = QPushButton(self.tr("Mark for Trash"))
        self.mark.setAutoDefault(False)
        self.mark.clicked.connect(lambda: self.mark_clicked.emit(not self.marked))
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.keep)
        buttons.addWidget(self.mark)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.caption)
        layout.addWidget(self.state)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.set_current(False)

    def set_current(self, current: bool) -> None:
        """Frame the pane the keys act on (an ID selector: the children keep their look)."""
        self.current = current
        colour = "palette(highlight)" if current else "transparent"
        self.setStyleSheet(f"#{self.objectName()} {{ border: 2px solid {colour}; "
                           "border-radius: 4px; }")

    def set_state(self, text: str, colour: QColor | None) -> None:
        self.state.setText(text)
        palette = self.caption.palette()
        if colour is not None:
            palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.state.setPalette(palette)

    def set_buttons(self, marked: bool, can_mark: bool, mark_tip: str, can_keep: bool,
                    keep_tip: str) -> None:
        self.marked = marked
        self.mark.setText(self.tr("Unmark") if marked else self.tr("Mark for Trash"))
        self.mark.setEnabled(can_mark)
        self.mark.setToolTip(mark_tip)
        self.keep.setEnabled(can_keep)
        self.keep.setToolTip(keep_tip)
