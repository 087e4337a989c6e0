"""The window's status bar: messages on the left; on the right a warning when settings are
not saved, the demo folder, the groups and space reclaimable, the trash's progress and the
skipped files."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from dupeviewer.gui import text
from dupeviewer.gui.text import plural

log = logging.getLogger(__name__)


def _note() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setContentsMargins(0, 0, 16, 0)
    label.hide()
    return label


class StatusBar(QStatusBar):
    """What the window shows at its foot; ``skipped_button.clicked`` asks for the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings_label = _note()
        self.settings_label.setObjectName("settings-problem")
        self.addPermanentWidget(self.settings_label)
        self.demo_label = _note()
        self.addPermanentWidget(self.demo_label)
        self.summary = QLabel()
        self.addPermanentWidget(self.summary)
        self.busy = QProgressBar()
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.addPermanentWidget(self.busy)
        self.skipped_button = QToolButton()
        self.skipped_button.setAutoRaise(True)
        self.skipped_button.setToolTip(self.tr("Show the files the scan skipped, and why"))
        self.skipped_button.hide()
        self.skipped_button.setAccessibleName(self.tr("Skipped files"))
        self.addPermanentWidget(self.skipped_button)
        self.decisions_button = QToolButton()
        self.decisions_button.setObjectName("decisions-count")
        self.decisions_button.setAutoRaise(True)
        self.decisions_button.setToolTip(self.tr("Show your decisions ('not duplicates', "
                                                 "'reviewed'); each can be removed"))
        self.decisions_button.setAccessibleName(self.tr("Groups hidden by your decisions"))
        self.decisions_button.hide()
        self.addPermanentWidget(self.decisions_button)

    def warn_settings(self, file: str, why: str) -> None:
        """A file that is not ours sits where the settings live: say they are not saved."""
        self.settings_label.setText(self.tr("\u26a0 Settings are not saved"))
        self.settings_label.setToolTip(self.tr(
            "{file} is not a dupeviewer settings file ({why}). It is left untouched: "
            "this run uses default settings and saves none. Move the file away to "
            "keep settings again.").format(file=file, why=why))
        self.settings_label.show()

    def show_demo(self, folder: str) -> None:
        self.demo_label.setText(self.tr("Demo library in {folder}").format(folder=folder))
        self.demo_label.setToolTip(self.tr(
            "A generated demo library in a temporary folder. It is removed when dupeviewer "
            "quits, unless you moved some of its files to the Trash (Undo can then still put "
            "them back)."))
        self.demo_label.show()

    def show_summary(self, groups: int | None, reclaimable: int, marked: int = 0) -> None:
        """``3 groups · 12 MB reclaimable (4 files marked)``: what trashing the ``marked``
        files would free; nothing before a scan (``groups`` None)."""
        if groups is None:
            self.summary.setText("")
            return
        self.summary.setText(plural(self.tr("%n group(s)", "", groups), groups) +
                             "  \u00b7  " + self.tr("{size} reclaimable").format(
                                 size=text.data_size(reclaimable)) + " " +
                             plural(self.tr("(%n file(s) marked)", "", marked), marked))

    def show_skipped(self, count: int) -> None:
        self.skipped_button.setText(plural(self.tr("%n skipped", "", count), count))
        self.skipped_button.setVisible(count > 0)

    def show_hidden(self, count: int) -> None:
        """``14 groups hidden by your decisions``; nothing when none are."""
        self.decisions_button.setText(plural(self.tr("%n group(s) hidden by your decisions",
                                                     "", count), count))
        self.decisions_button.setVisible(count > 0)

    def show_progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, total)  # 0, 0: a busy indicator until the count is known
        self.busy.setValue(done)
        self.busy.show()

    def hide_progress(self) -> None:
        self.busy.hide()
