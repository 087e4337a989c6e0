"""The empty state (nothing to review yet), the scan-in-progress page, and the banner over
the groups found while the scan goes on."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui import text
from dupeviewer.gui.look import icon, muted
from dupeviewer.gui.text import plural

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from dupeviewer.core.cancel import ProgressEvent

log = logging.getLogger(__name__)


def _headline(label: QLabel, delta: float) -> QLabel:
    font = QFont(label.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() + delta))
    font.setBold(True)
    label.setFont(font)
    return label


class EmptyPage(QWidget):
    """Nothing scanned yet: a clear call to add a folder, by button or by dropping it."""

    add_folder = Signal()
    scan = Signal()

    def __init__(self, app_icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Start"))
        layout = QVBoxLayout(self)
        layout.addStretch(3)
        picture = QLabel()
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if not app_icon.isNull():
            picture.setPixmap(app_icon.pixmap(112, 112))
        layout.addWidget(picture)
        layout.addSpacing(16)
        self.title = _headline(QLabel(self.tr("Find duplicate photos")), 7)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        layout.addSpacing(6)
        self.hint = QLabel(self.tr(
            "Add the folders to look in, or drop them onto this window.\n"
            "dupeviewer compares every photo, shows the copies side by side,\n"
            "and moves only the copies you choose to the Trash."))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.hint)
        layout.addSpacing(20)
        row = QHBoxLayout()
        row.addStretch()
        self.add_button = QPushButton(icon("folder-new"), self.tr("Add Folder\u2026"))
        self.add_button.setDefault(True)
        self.add_button.setMinimumHeight(36)
        self.add_button.setMinimumWidth(160)
        self.add_button.setToolTip(self.tr("Choose a folder of photos to scan (Ctrl+O)"))
        self.add_button.clicked.connect(self.add_folder)
        row.addWidget(self.add_button)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.setMinimumHeight(36)
        self.scan_button.setMinimumWidth(120)
        self.scan_button.setToolTip(self.tr("Scan the folders in the list"))
        self.scan_button.clicked.connect(self.scan)
        self.scan_button.hide()
        row.addWidget(self.scan_button)
        row.addStretch()
        layout.addLayout(row)
        layout.addStretch(4)

    def set_ready(self, folders: int) -> None:
        """With folders listed, offer to scan them as well."""
        self.scan_button.setVisible(folders > 0)
        if folders:
            self.title.setText(plural(self.tr("Ready to scan %n folder(s)", "", folders), folders))
        else:
            self.title.setText(self.tr("Find duplicate photos"))


class NothingFoundPage(QWidget):
    """A scan that found no duplicates: how many photos were checked, and what to try."""

    loosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("No duplicates found"))
        outer = QVBoxLayout(self)
        outer.addStretch(3)
        box = QWidget()
        box.setMaximumWidth(560)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(box)
        self.title = _headline(QLabel(self.tr("No duplicates found")), 5)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        self.detail = QLabel()
        layout.addWidget(self.detail)
        layout.addSpacing(4)
        self.hint = muted(QLabel())
        layout.addWidget(self.hint)
        for label in (self.title, self.detail, self.hint):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        layout.addSpacing(16)
        row = QHBoxLayout()
        row.addStretch()
        self.loosen_button = QPushButton(self.tr("Loosen Similarity"))
        self.loosen_button.setMinimumHeight(32)
        self.loosen_button.setToolTip(self.tr("Move the Similarity slider towards loose: the "
                                              "photos are grouped again without reading them"))
        self.loosen_button.clicked.connect(self.loosen)
        row.addWidget(self.loosen_button)
        row.addStretch()
        layout.addLayout(row)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(box, 6)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(4)

    def show_checked(self, photos: int, folders: Sequence[str], threshold: int,
                     loosest: int, cancelled: bool = False) -> None:
        """Say what was compared (``photos`` in ``folders``) and suggest a looser
        similarity unless the slider is already at ``loosest``."""
        names = text.folder_names(folders)
        checked = plural(self.tr("%n photo(s)", "", photos), photos)
        if cancelled:
            detail = self.tr("The scan was cancelled after checking {photos} in {folders}: "
                             "no two of them are copies of each other.")
        else:
            detail = self.tr("dupeviewer checked {photos} in {folders}: no two of them are "
                             "copies of each other.")
        self.detail.setText(detail.format(photos=checked, folders=names))
        if threshold < loosest:
            self.hint.setText(self.tr(
                "Looking for edited or resized copies? Loosen the similarity (now {value} of "
                "{loosest}) to count less alike pictures as near duplicates; the photos are "
                "grouped again at once, without reading them.").format(
                    value=threshold, loosest=loosest))
        else:
            self.hint.setText(self.tr(
                "The similarity is already at its loosest. Try Rotated copies, or add the "
                "folders that hold the other copies."))
        self.loosen_button.setVisible(threshold < loosest)


PHASES = {
    "discover": "Looking for photos\u2026",
    "fingerprint": "Reading photos\u2026",
    "compare": "Comparing file contents\u2026",
    "confirm": "Confirming identical pictures\u2026",
    "group": "Grouping\u2026",
}


class ScanClock:
    """What a scan's progress says in words and as a bar, from its events: the phase, the
    files of the phase done, and the time left of the whole scan, from the fraction the
    engine reports for the whole scan (phases included; it never goes back)."""

    def __init__(self, tr: Callable[[str], str]) -> None:
        self.tr = tr
        self.start()

    def start(self) -> None:
        self.started = time.monotonic()
        self.phase = ""
        self._phase_started = self.started
        self._phase_done = 0
        self._since: tuple[float, float] | None = None  # time and fraction work began

    def read(self, event: ProgressEvent) -> tuple[str, int, str, str]:
        """The phase's words, the bar in per mille (-1: busy, not counted), the counts and
        the times."""
        now = time.monotonic()
        done, total = _measure(event)
        if event.phase != self.phase:
            self.phase, self._phase_started, self._phase_done = event.phase, now, done
        if self._since is None and event.fraction >= 0 and event.phase != "discover":
            self._since = (now, event.fraction)
        if event.fraction >= 0 and event.phase != "discover":
            bar = min(1000, int(event.fraction * 1000))
        elif total > 0:  # per mille: byte counts pass the int range of QProgressBar
            bar = min(1000, done * 1000 // total)
        else:
            bar = -1
        if total > 0:
            counts = self.tr("{done} of {total} files").format(
                done=text.number(event.done), total=text.number(event.total))
            if event.bytes_total > 0:  # big files read in full: show the bytes move
                counts += "  \u00b7  " + self.tr("{done} of {total} read").format(
                    done=text.data_size(event.bytes_done),
                    total=text.data_size(event.bytes_total))
        elif event.phase == "discover":
            counts = self.tr("{found} files found").format(found=text.number(event.done))
        else:
            counts = ""
        return self.tr(PHASES.get(event.phase, "Working\u2026")), bar, counts, \
            self._times(now, event, done, total)

    def _times(self, now: float, event: ProgressEvent, done: int, total: int) -> str:
        elapsed = self.tr("Elapsed {time}").format(time=text.duration(now - self.started))
        if event.fraction >= 0 and event.phase != "discover":
            begun, base = self._since or (now, 0.0)
            finished = event.fraction >= 1.0
            progressed, spent = event.fraction - base, now - begun
            left_share = 1.0 - event.fraction
        else:
            finished = total <= 0 or done >= total
            progressed, spent = done - self._phase_done, now - self._phase_started
            left_share = total - done
        if finished:
            return elapsed
        if progressed <= 0 or spent < 1.0:
            return self.tr("{elapsed}  \u00b7  estimating time left").format(elapsed=elapsed)
        left = spent / progressed * left_share
        return self.tr("{elapsed}  \u00b7  about {left} left").format(
            elapsed=elapsed, left=text.duration(left))


class ScanPage(QWidget):
    """Progress of a running scan: phase, files done/total, current file, times, Cancel."""

    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Scan progress"))
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        box = QWidget()
        box.setMaximumWidth(640)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(box)
        layout.setSpacing(10)
        self.phase = _headline(QLabel(), 4)
        layout.addWidget(self.phase)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMinimumHeight(12)
        self.bar.setAccessibleName(self.tr("Scan progress"))
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        self.counts = QLabel()
        self.times = QLabel()
        self.times.setAlignment(Qt.AlignmentFlag.AlignRight)
        row.addWidget(self.counts)
        row.addStretch()
        row.addWidget(self.times)
        layout.addLayout(row)
        self.current = QLabel()
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.current.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        muted(self.current)
        layout.addWidget(self.current)
        layout.addSpacing(8)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop scanning and review what was found so far "
                                              "(Esc)"))
        self.cancel_button.setMinimumWidth(110)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        centre = QHBoxLayout()
        centre.addStretch()
        centre.addWidget(box, 4)
        centre.addStretch()
        outer.addLayout(centre)
        outer.addStretch(3)
        self.clock = ScanClock(self.tr)

    def start(self, folders: int) -> None:
        self.clock.start()
        self.phase.setText(plural(self.tr("Scanning %n folder(s)\u2026", "", folders), folders))
        self.bar.setRange(0, 0)
        self.counts.setText(self.tr("Looking for photos\u2026"))
        self.times.setText("")
        self.current.setText("")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancelling\u2026"))

    def update_progress(self, event: ProgressEvent) -> None:
        phase, bar, counts, times = self.clock.read(event)
        self.phase.setText(phase)
        _show_bar(self.bar, bar)
        self.counts.setText(counts)
        if event.current:
            metrics = self.current.fontMetrics()
            self.current.setText(metrics.elidedText(
                event.current, Qt.TextElideMode.ElideMiddle, max(100, self.current.width())))
        self.times.setText(times)


class ScanBanner(QFrame):
    """Above the groups while the scan that found them runs: its progress, that the groups
    may still change, that the Trash waits for the end of the scan, and Cancel."""

    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scan-banner")
        self.setAccessibleName(self.tr("Scan progress"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.phase = QLabel()
        font = QFont(self.phase.font())
        font.setBold(True)
        self.phase.setFont(font)
        top.addWidget(self.phase)
        self.counts = QLabel()
        top.addWidget(self.counts)
        top.addStretch()
        self.times = QLabel()
        top.addWidget(self.times)
        self.cancel_button = QPushButton(self.tr("Cancel Scan"))
        self.cancel_button.setToolTip(self.tr("Stop scanning and review what was found so far "
                                              "(Esc)"))
        self.cancel_button.clicked.connect(self.cancel)
        top.addWidget(self.cancel_button)
        layout.addLayout(top)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.bar.setAccessibleName(self.tr("Scan progress"))
        layout.addWidget(self.bar)
        self.note = muted(QLabel(self.tr(
            "The groups found so far: they change as more photos are read. "
            "Trash is available when the scan has finished.")))
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.clock = ScanClock(self.tr)

    def start(self, folders: int) -> None:
        self.clock.start()
        self.phase.setText(plural(self.tr("Scanning %n folder(s)\u2026", "", folders), folders))
        self.counts.setText("")
        self.times.setText("")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel Scan"))

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancelling\u2026"))

    def update_progress(self, event: ProgressEvent) -> None:
        phase, bar, counts, times = self.clock.read(event)
        self.phase.setText(phase)
        _show_bar(self.bar, bar)
        self.counts.setText(counts)
        self.times.setText(times)


def _show_bar(bar: QProgressBar, value: int) -> None:
    if value < 0:
        bar.setRange(0, 0)
    else:
        bar.setRange(0, 1000)
        bar.setValue(value)


def _measure(event: ProgressEvent) -> tuple[int, int]:
    """How far the phase is, in its finest unit: bytes while files are read in full (one
    4 GiB file moves the bar between two files), else files."""
    if event.bytes_total > 0:
        return event.bytes_done, event.bytes_total
    return event.done, event.total
