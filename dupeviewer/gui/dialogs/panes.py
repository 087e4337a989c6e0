"""One side of the compare view: a zoomable picture with its caption, its state (kept,
marked, reference, gone) and the buttons that keep or mark the copy it shows."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from dupeviewer.gui import look
from dupeviewer.gui.dialogs.zoom import ZoomView

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

KEEP_COLOUR = "keep"  # the card delegate's meanings, in look.ink's colours: readable
TRASH_COLOUR = "trash"  # on a light and on a dark palette alike
REFERENCE_COLOUR = "reference"
WARNING_COLOUR = "warning"


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
        self.meaning: str | None = None
        """What the state line means (its colour): "keep", "trash"... or None."""
        look.follow_palette(self.state, self._colour_state)
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
        self.current: bool | None = None
        """Whether the keys act on this pane's copy (None until first set)."""
        self.set_current(False)

    def set_current(self, current: bool) -> None:
        """Frame the pane the keys act on (an ID selector: the children keep their look)."""
        if current == self.current:
            return
        self.current = current
        colour = "palette(highlight)" if current else "transparent"
        self.setStyleSheet(f"#{self.objectName()} {{ border: 2px solid {colour}; "
                           "border-radius: 4px; }")

    def set_state(self, text: str, meaning: str | None) -> None:
        self.state.setText(text)
        self.meaning = meaning
        self._colour_state(self.state)

    def _colour_state(self, label: QWidget) -> None:
        palette = look.fresh_palette(label)
        if self.meaning is not None:
            palette.setColor(QPalette.ColorRole.WindowText, look.ink(self.meaning, palette))
        look.set_palette(label, palette)

    def set_buttons(self, marked: bool, can_mark: bool, mark_tip: str, can_keep: bool,
                    keep_tip: str) -> None:
        self.marked = marked
        self.mark.setText(self.tr("Unmark") if marked else self.tr("Mark for Trash"))
        self.mark.setEnabled(can_mark)
        self.mark.setToolTip(mark_tip)
        self.keep.setEnabled(can_keep)
        self.keep.setToolTip(keep_tip)
