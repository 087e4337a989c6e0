"""Two copies at full size side by side with synchronised zoom and pan; flicker between
them in one pane, paint where they differ, and keep or mark the copy the keys act on.

Both pictures are drawn at the same on-screen width (a half-size copy is scaled up), so
the same detail sits at the same place in both panes and zoom and pan can be shared. The
dialog changes no marks itself: it asks through :attr:`CompareDialog.mark_requested` and
:attr:`CompareDialog.keep_requested`, and shows the marks the member model then reports.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui import text
from dupeviewer.gui.dialogs.copies import Copies, letter
from dupeviewer.gui.dialogs.panes import Pane
from dupeviewer.gui.dialogs.zoom import CANVAS_WIDTH, ZOOM_STEP, SharedZoom, ZoomView
from dupeviewer.gui.jobs.compare import CompareJobs
from dupeviewer.gui.jobs.thumbnails import FULL, ThumbnailLoader
from dupeviewer.gui.look import muted
from dupeviewer.gui.models.members import similarity

if TYPE_CHECKING:
    from dupeviewer.core.model import Member
    from dupeviewer.gui.models.members import MemberModel

__all__ = ["CompareDialog", "ZoomView"]

log = logging.getLogger(__name__)

FLICKER_MS = 700
"""How long each copy stays on screen while flickering."""


class CompareDialog(QDialog):
    """Compare two copies; Space swaps them, F flickers them in one pane, D paints their
    differences, M / U / K mark, unmark or keep the current copy."""

    mark_requested = Signal(int, int, bool)  # group, member, marked
    keep_requested = Signal(int, int)  # group, member to keep (the others get marked)

    def __init__(self, members: list[Member], first: int, second: int,
                 folders: list[str] | None = None, parent: QWidget | None = None,
                 model: MemberModel | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare Copies"))
        self.setAccessibleName(self.tr("Compare two copies"))
        self.members = members
        self.folders = folders or [text.folder_of(m.path) for m in members]
        self.model = model
        self.copies = Copies(members, model, self)
        self.shown = [first, second]
        self.current = second  # the copy the keys act on (the keeper's companion)
        self.flickering = False
        self.show_difference = False
        self._differences: dict[tuple[str, str], tuple[QPixmap | None, str]] = {}
        """(overlay, words) of each pair of copies compared so far."""
        self._computing: set[tuple[str, str]] = set()
        self.problems = self.copies.problems  # path -> why it cannot be shown
        self.gone = self.copies.gone  # paths no longer on disk
        self._asked: set[str] = set()
        self.loader = ThumbnailLoader(capacity=3, threads=2, parent=self)
        self.loader.ready.connect(self._on_ready)
        self.jobs = CompareJobs(self)
        self.jobs.compared.connect(self._on_compared)
        self.jobs.explained.connect(self._on_explained)
        self.timer = QTimer(self)
        self.timer.setInterval(FLICKER_MS)
        self.timer.timeout.connect(self._alternate)
        self._build()
        if model is not None:
            model.dataChanged.connect(self._refresh)
            model.modelReset.connect(self._refresh)
        self.resize(1200, 800)
        self._refresh()

    # construction -----------------------------------------------------------------
    def _build(self) -> None:
        self.panes = [Pane(self.tr("Left copy"), "left-pane"),
                      Pane(self.tr("Right copy"), "right-pane")]
        self.views = [pane.view for pane in self.panes]
        self.zoom = SharedZoom(self.views, self._unit, self)
        self.zoom.changed.connect(self._show_zoom)
        top = QHBoxLayout()
        for side, pane in enumerate(self.panes):
            top.addWidget(pane, 1)  # halves, whatever the views' size hints after a flicker
            pane.chosen.connect(lambda s=side: self.choose(s))
            pane.keep_clicked.connect(lambda s=side: self.keep(self.shown[s]))
            pane.mark_clicked.connect(lambda marked, s=side: self.mark(marked, self.shown[s]))
            pane.keep.setVisible(self.model is not None)
            pane.mark.setVisible(self.model is not None)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        hint = QLabel(self.tr(
            "Wheel or +/\u2212 to zoom, drag to pan, 0 to fit, 1 for 100 %.  Space swaps the "
            "copies, F flickers them in one pane, D shows where they differ.  \u2190/\u2192 "
            "or a click picks a copy; M marks it for the Trash, U unmarks it, K keeps it, "
            "Page Up/Down brings in another copy of the group."))
        hint.setWordWrap(True)
        muted(hint)
        layout.addWidget(hint)
        bar = QHBoxLayout()
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName(self.tr("Zoom"))
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance(
            "Fit 3200 %") + 8)
        self.difference_label = QLabel()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for label in (self.zoom_label, self.difference_label, self.notice):
            label.setTextFormat(Qt.TextFormat.PlainText)
            bar.addWidget(label, 1 if label is self.notice else 0)
        self.buttons: dict[str, QPushButton] = {}
        for key, title, tip, slot, checkable in (
            ("fit", self.tr("Fit"), self.tr("Fit the pictures in the window (0)"), self.fit,
             False),
            ("actual", self.tr("100 %"), self.tr("One picture pixel per screen pixel (1)"),
             self.actual_size, False),
            ("swap", self.tr("Swap"), self.tr("Swap the two copies (Space)"), self.flick,
             False),
            ("flicker", self.tr("Flicker"), self.tr("Show the copies in turn in one pane (F)"),
             self.toggle_flicker, True),
            ("difference", self.tr("Differences"),
             self.tr("Paint where the copies differ (D)"), self.toggle_difference, True),
            ("close", self.tr("Close"), self.tr("Back to the group (Esc)"), self.reject,
             False),
        ):
            button = QPushButton(title)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.setCheckable(checkable)
            button.clicked.connect(lambda checked=False, s=slot: s())
            bar.addWidget(button)
            self.buttons[key] = button
        layout.addLayout(bar)
        for keys, slot in ((("Space", "X"), self.flick), (("+", "="), self.zoom_in),
                           (("-",), self.zoom_out), (("0",), self.fit),
                           (("1",), self.actual_size), (("F",), self.toggle_flicker),
                           (("D",), self.toggle_difference), (("Left",), lambda: self.choose(0)),
                           (("Right",), lambda: self.choose(1)),
                           (("M", "Delete"), lambda: self.mark(True)),
                           (("U",), lambda: self.mark(False)), (("K",), self.keep),
                           (("PgDown", "]"), lambda: self.step_copy(1)),
                           (("PgUp", "["), lambda: self.step_copy(-1))):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)

    # the copies -------------------------------------------------------------------
    def acting(self) -> int:
        """The copy the keys act on: the one on show while flickering."""
        return self.shown[0] if self.flickering else self.current

    def choose(self, side: int) -> None:
        if not self.flickering:
            self.current = self.shown[side]
            self._refresh()

    def flick(self) -> None:
        """Swap the copies (while flickering: show the other one now)."""
        self.shown.reverse()
        if self.flickering:
            self.timer.start()  # the copy just brought up gets a whole turn
        self._refresh()

    def step_copy(self, delta: int) -> None:
        """Bring the group's next (or previous) copy in, in place of the current one: a
        large group is reviewed against one copy, copy by copy."""
        count = len(self.members)
        if count <= 2:
            self._notice(self.tr("This group has no other copies."))
            return
        side = 0 if self.flickering else self.shown.index(self.current)
        other = self.shown[1 - side]
        m = self.shown[side]
        for _ in range(count):
            m = (m + delta) % count
            if m != other:
                break
        self.shown[side] = m
        if self.flickering:
            self.timer.start()
        if not self.flickering or self.current not in self.shown:
            self.current = m
        fitted = self.zoom.fitted
        self._notice("")
        self._update_difference()
        self._refresh()
        if fitted:  # the scene may have another height now
            self.fit()
        else:
            self._show_zoom()

    def toggle_flicker(self) -> None:
        """One pane showing the copies in turn, at the same zoom and place."""
        centre, fitted = self.views[0].centre(), self.zoom.fitted
        self.flickering = not self.flickering
        self.buttons["flicker"].setChecked(self.flickering)
        self.panes[1].setVisible(not self.flickering)
        if self.flickering:
            self.timer.start()
        else:
            self.timer.stop()
        self._refresh()
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the pane has its new size now
        self.zoom.keep_place(centre, fitted)

    def _alternate(self) -> None:
        self.shown.reverse()
        self._refresh()

    # marks ------------------------------------------------------------------------
    def _target(self, member: int | None) -> int:
        """The copy a key (None) or a pane's button acts on; a button picks its copy."""
        if member is None:
            return self.acting()
        if not self.flickering:
            self.current = member
        return member

    def mark(self, marked: bool, member: int | None = None) -> None:
        m = self._target(member)
        copies = self.copies
        is_marked, can_mark = copies.state(m)
        if not copies.attached():
            self._notice(copies.detached())
        elif marked and not is_marked and (not can_mark or copies.path(m) in copies.gone):
            self._notice(copies.why_not(m))
        else:
            self.mark_requested.emit(copies.group, m, marked)  # the window changes marks
            now = copies.state(m)[0]
            done = self.tr("{name} is marked for the Trash.") if now \
                else self.tr("{name} will be kept.")
            self._notice(done.format(name=copies.name(m)) if now == marked
                         else self.tr("{name} was not changed.").format(name=copies.name(m)))
        self._refresh()

    def keep(self, member: int | None = None) -> None:
        m = self._target(member)
        copies = self.copies
        if not copies.attached():
            self._notice(copies.detached())
        elif copies.path(m) in copies.problems:
            self._notice(self.tr("{name} cannot be shown, so it cannot be the copy you "
                                 "keep.").format(name=copies.name(m)))
        else:
            self.keep_requested.emit(copies.group, m)
            self._notice(text.counted("CompareDialog", "Keeping {name}; %n other file(s) "
                                      "marked for the Trash.", copies.marked_count())
                         .format(name=copies.name(m)))
        self._refresh()

    def _notice(self, message: str) -> None:
        self.notice.setText(message)

    # zoom -------------------------------------------------------------------------
    def _unit(self) -> float:
        """The scale at which one picture pixel of the larger copy is one screen pixel."""
        widest = max(self.members[i].info.width for i in self.shown)
        return widest / CANVAS_WIDTH / self.devicePixelRatioF()

    def zoom_in(self) -> None:
        self.zoom.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom.zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        self.zoom.fit()

    def actual_size(self) -> None:
        self.zoom.actual_size()

    def _show_zoom(self) -> None:
        self.zoom_label.setText(self.zoom.readout())

    # difference -------------------------------------------------------------------
    def toggle_difference(self) -> None:
        self.show_difference = not self.show_difference
        self.buttons["difference"].setChecked(self.show_difference)
        self._update_difference()
        self._refresh()

    def _pair(self) -> tuple[str, str]:
        first, second = sorted(self.members[m].path for m in self.shown)
        return first, second

    @property
    def difference(self) -> QPixmap | None:
        """The overlay of the copies on show, once it has been computed."""
        return self._differences.get(self._pair(), (None, ""))[0]

    def _update_difference(self) -> None:
        """Start the difference of the copies on show if it is wanted and not known."""
        pair = self._pair()
        if not self.show_difference:
            self.difference_label.setText("")
        elif pair in self._differences:
            self.difference_label.setText(self._differences[pair][1])
        else:
            if pair not in self._computing:
                self._computing.add(pair)
                self.jobs.compare(*pair)
            self.difference_label.setText(self.tr("Finding the differences\u2026"))

    def _on_compared(self, first: str, second: str, image: QImage, fraction: float,
                     largest: int, error: str) -> None:
        self._computing.discard((first, second))
        if error or image.isNull():
            words = self.tr("No differences to show: {error}").format(
                error=error or self.tr("a copy cannot be read"))
            self._differences[first, second] = (None, words)
        elif largest == 0:
            words = self.tr("Identical pixels")
        elif fraction < 0.0005:
            words = self.tr("No differences beyond compression noise")
        else:
            words = self.tr("Differs in {percent} % of the picture").format(
                percent=f"{100 * fraction:.1f}")
        if not error and not image.isNull():
            self._differences[first, second] = (QPixmap.fromImage(image), words)
        self._update_difference()
        self._refresh()

    # showing ----------------------------------------------------------------------
    def _boxes(self) -> tuple[float, dict[int, QRectF]]:
        """Scene height, and where each copy sits: full canvas width, centred vertically."""
        heights = {m: self.members[m].info.height * CANVAS_WIDTH
                   / max(1, self.members[m].info.width) for m in self.shown}
        tallest = max(heights.values())
        return tallest, {m: QRectF(0, (tallest - h) / 2, CANVAS_WIDTH, h)
                         for m, h in heights.items()}

    def _refresh(self) -> None:
        tallest, boxes = self._boxes()
        for pane, m in zip(self.panes, self.shown):
            view = pane.view
            view.scene().setSceneRect(QRectF(0, 0, CANVAS_WIDTH, tallest))
            self._show_copy(view, m, boxes[m])
            pane.set_current(not self.flickering and m == self.current)
            self._caption(pane, m)
            buttons = self.copies.buttons(m)
            pane.set_buttons(buttons.marked, buttons.can_mark, buttons.mark_tip,
                             buttons.can_keep, buttons.keep_tip)

    def _show_copy(self, view: ZoomView, m: int, box: QRectF) -> None:
        path = self.members[m].path
        pixmap = self.loader.pixmap(path, FULL)
        if pixmap is not None and not pixmap.isNull():
            view.show_picture(pixmap, box)
            view.set_overlay(self.difference if self.show_difference else None, box)
            return
        error = self.loader.error(path, FULL)
        if path in self.problems:
            view.show_message(self.problems[path])
        elif error is not None:
            view.show_message(self.tr("Checking this copy\u2026"))
            if path not in self._asked:
                self._asked.add(path)
                info = self.members[m].info
                self.jobs.explain(path, error, info.size, info.mtime_ns)
        else:
            view.show_message(self.tr("Loading\u2026"))

    def _caption(self, pane: Pane, m: int) -> None:
        member = self.copies.members[m]  # as the window holds it: the keeper may change
        info = member.info
        pane.caption.setText(self.tr(
            "{letter}  \u00b7  {name}  \u00b7  {w} \u00d7 {h}  \u00b7  {size}  \u00b7  "
            "{role}\n{folder}").format(
                letter=letter(m), name=text.name_of(info.path), w=info.width,
                h=info.height, size=text.data_size(info.size), role=similarity(member),
                folder=self.folders[m]))
        pane.caption.setToolTip(info.path)
        pane.view.set_badge(letter(m))
        pane.set_state(*self.copies.label(m))

    def _on_ready(self, path: str, side: int) -> None:
        if any(self.members[m].info.path == path for m in self.shown):
            self._refresh()

    def _on_explained(self, path: str, problem: str, detail: str) -> None:
        copies = self.copies
        copies.explained(path, problem, detail)
        if path in copies.gone:
            here = [m for m in self.shown if copies.path(m) not in copies.gone]
            if here and copies.path(self.current) in copies.gone:
                self.current = here[0]  # the keys act on a copy that is there
            marked = [m for m in here if copies.state(m)[0]]
            if marked:  # the Trash would refuse it (its kept copy is gone); say why now
                self._notice(self.tr("{gone} is gone and {other} is marked for the Trash: "
                                     "unmark it (U) to keep the picture.").format(
                    gone=text.name_of(path), other=copies.name(marked[0])))
        self._refresh()

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.fit()

    def done(self, result: int) -> None:
        self.timer.stop()
        self.loader.shutdown(2000)
        self.jobs.shutdown(2000)
        super().done(result)

