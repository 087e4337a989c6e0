"""File > Scan Options: every option of ``dupeviewer scan`` in one dialog.

The similarity threshold over the engine's whole range (0-32) and rotated copies, the
files to leave out (exclude patterns, a minimum size), the reference folders, and how the
scan runs (decoding processes, the per-file time limit, the fingerprint cache). OK writes
them to :class:`Settings`, which turns them into the scan's ``Options`` exactly as the
command line does; the window then regroups or scans again as the change needs.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.core.model import DEFAULT_THRESHOLD
from dupeviewer.gui.look import muted
from dupeviewer.gui.settings import FILE_TIMEOUT, THRESHOLD_MAX

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dupeviewer.gui.settings import Settings

log = logging.getLogger(__name__)

KB = 1000
MAX_WORKERS = 256


class ScanOptionsDialog(QDialog):
    """The scan options of ``settings``, and the reference flags of ``folders``.

    After OK, :attr:`rescan` says whether the files found will differ (the folders must
    be read again) and :meth:`references` which folders are reference folders; the
    threshold, rotations and references need only a regroup."""

    def __init__(self, settings: Settings, folders: Sequence[str], references: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.rescan = False
        self.setObjectName("scan-options")
        self.setWindowTitle(self.tr("Scan Options"))
        layout = QVBoxLayout(self)
        layout.addWidget(self._matching())
        layout.addWidget(self._files())
        layout.addWidget(self._reference_box(folders, references))
        layout.addWidget(self._running())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.clicked.connect(self._on_clicked)
        layout.addWidget(self.buttons)
        self._load()

    # building ---------------------------------------------------------------------
    def _matching(self) -> QGroupBox:
        box = QGroupBox(self.tr("Matching"))
        form = QFormLayout(box)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, THRESHOLD_MAX)
        self.threshold.setAccessibleName(self.tr("Near-duplicate threshold"))
        self.threshold.setToolTip(self.tr(
            "How many of the 64 bits of the picture's fingerprint may differ: 0 matches only "
            "the same picture, {max} the loosest. Above 20 unrelated pictures start to "
            "match.").format(max=THRESHOLD_MAX))
        form.addRow(self.tr("Near-duplicate &threshold (0 strict \u2026 {max} loose):").format(
            max=THRESHOLD_MAX), self.threshold)
        self.rotations = QCheckBox(self.tr("Match &rotated and mirrored copies"))
        form.addRow(self.rotations)
        return box

    def _files(self) -> QGroupBox:
        box = QGroupBox(self.tr("Files to leave out"))
        form = QFormLayout(box)
        self.excludes = QPlainTextEdit()
        self.excludes.setTabChangesFocus(True)
        self.excludes.setAccessibleName(self.tr("Exclude patterns"))
        self.excludes.setPlaceholderText("*/Backup/*\n*.png")
        self.excludes.setToolTip(self.tr(
            "One pattern a line: a file or folder whose name or path matches is skipped "
            "(* any text, ? one character)"))
        self.excludes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow(self.tr("&Exclude (one pattern a line):"), self.excludes)
        self.min_size = QSpinBox()
        self.min_size.setRange(0, 10_000_000)
        self.min_size.setSuffix(self.tr(" KB"))
        self.min_size.setSpecialValueText(self.tr("No minimum"))
        self.min_size.setAccessibleName(self.tr("Minimum file size in kilobytes"))
        self.min_size.setToolTip(self.tr("Ignore files smaller than this (thumbnails, icons)"))
        form.addRow(self.tr("Ignore files smaller than:"), self.min_size)
        return box

    def _reference_box(self, folders: Sequence[str], references: Sequence[str]) -> QGroupBox:
        box = QGroupBox(self.tr("Reference folders"))
        layout = QVBoxLayout(box)
        layout.addWidget(muted(QLabel(self.tr(
            "Files in a reference folder are always kept, never marked for the Trash."))))
        self.reference_list = QListWidget()
        self.reference_list.setAccessibleName(self.tr("Reference folders"))
        refs = set(references)
        for folder in folders:
            item = QListWidgetItem(os.path.basename(folder.rstrip(os.sep)) or folder)
            item.setToolTip(folder)
            item.setData(Qt.ItemDataRole.UserRole, folder)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if folder in refs
                               else Qt.CheckState.Unchecked)
            self.reference_list.addItem(item)
        rows = max(1, min(len(folders), 5))
        self.reference_list.setFixedHeight(self.reference_list.sizeHintForRow(0) * rows + 8
                                           if folders else 30)
        if not folders:
            self.reference_list.setEnabled(False)
            layout.addWidget(muted(QLabel(self.tr("Add a folder to scan first."))))
        layout.addWidget(self.reference_list)
        return box

    def _running(self) -> QGroupBox:
        box = QGroupBox(self.tr("How the scan runs"))
        form = QFormLayout(box)
        self.workers = QSpinBox()
        self.workers.setRange(-1, MAX_WORKERS)
        self.workers.setSpecialValueText(self.tr("All cores"))
        self.workers.setAccessibleName(self.tr("Decoding processes"))
        self.workers.setToolTip(self.tr("How many processes decode photos at once "
                                        "(0: in this window's own process)"))
        form.addRow(self.tr("&Decoding processes:"), self.workers)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 3600)
        self.timeout.setDecimals(0)
        self.timeout.setSuffix(self.tr(" s"))
        self.timeout.setAccessibleName(self.tr("Time limit per file in seconds"))
        self.timeout.setToolTip(self.tr("Skip a file whose decoding takes longer than this"))
        form.addRow(self.tr("Time &limit per file:"), self.timeout)
        self.use_cache = QCheckBox(self.tr("Keep &fingerprints in a cache (a rescan reads only "
                                           "changed files)"))
        form.addRow(self.use_cache)
        self.cache_file = QLineEdit()
        self.cache_file.setPlaceholderText(self.tr("the default cache folder"))
        self.cache_file.setAccessibleName(self.tr("Cache file"))
        self.cache_file.setToolTip(self.tr("Where the fingerprint cache lives; a file that is "
                                           "not a dupeviewer cache is never written to"))
        self.use_cache.toggled.connect(self.cache_file.setEnabled)
        form.addRow(self.tr("&Cache file:"), self.cache_file)
        return box

    # values -----------------------------------------------------------------------
    def _load(self) -> None:
        s = self.settings
        self.threshold.setValue(s.threshold)
        self.rotations.setChecked(s.rotations)
        self.excludes.setPlainText("\n".join(s.excludes))
        self.min_size.setValue(round(s.min_size / KB))
        self.workers.setValue(-1 if s.workers is None else s.workers)
        self.timeout.setValue(s.file_timeout)
        self.use_cache.setChecked(s.use_cache)
        self.cache_file.setText(s.cache_file)
        self.cache_file.setEnabled(s.use_cache)

    def _defaults(self) -> None:
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.rotations.setChecked(False)
        self.excludes.setPlainText("")
        self.min_size.setValue(0)
        self.workers.setValue(-1)
        self.timeout.setValue(FILE_TIMEOUT)
        self.use_cache.setChecked(True)
        self.cache_file.setText("")
        for item in self._items():
            item.setCheckState(Qt.CheckState.Unchecked)

    def _on_clicked(self, button: QAbstractButton) -> None:
        if self.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.ResetRole:
            self._defaults()

    def _items(self) -> list[QListWidgetItem]:
        items = (self.reference_list.item(i) for i in range(self.reference_list.count()))
        return [item for item in items if item is not None]

    def references(self) -> list[str]:
        """The folders ticked as reference folders."""
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in self._items()
                if item.checkState() == Qt.CheckState.Checked]

    def excludes_text(self) -> list[str]:
        return [line.strip() for line in self.excludes.toPlainText().splitlines()
                if line.strip()]

    def accept(self) -> None:
        """Write the options; a change to what the scan finds asks for a new scan."""
        s = self.settings
        before = (s.excludes, s.min_size, s.file_timeout)
        s.threshold = self.threshold.value()
        s.rotations = self.rotations.isChecked()
        s.excludes = self.excludes_text()
        s.min_size = self.min_size.value() * KB if self.min_size.value() != round(
            s.min_size / KB) else s.min_size  # an exact --min-size from elsewhere stays
        s.workers = None if self.workers.value() < 0 else self.workers.value()
        s.file_timeout = self.timeout.value() if self.timeout.value() != round(
            s.file_timeout) else s.file_timeout
        s.use_cache = self.use_cache.isChecked()
        s.cache_file = self.cache_file.text().strip() or None
        self.rescan = (s.excludes, s.min_size, s.file_timeout) != before
        super().accept()
