"""Dialogs: confirm the trash, list skipped files or failures, report errors."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dupeviewer.gui import text
from dupeviewer.gui.look import icon
from dupeviewer.gui.models.members import history_words
from dupeviewer.gui.text import counted, plural

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)


def _icon_label(widget: QWidget, icon: QStyle.StandardPixmap) -> QLabel:
    label = QLabel()
    label.setPixmap(widget.style().standardIcon(icon).pixmap(40, 40))
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    return label


def _bold(label: QLabel, delta: float = 2.0) -> QLabel:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() + delta)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def _file_tree(headers: Sequence[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setColumnCount(len(headers))
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep both ends of long folders
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    tree.header().setStretchLastSection(False)
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return tree


def _icon_header(dialog: QDialog,
                 pixmap: QStyle.StandardPixmap) -> tuple[QVBoxLayout, QHBoxLayout]:
    """The dialog's layout and its top row, which starts with a standard message icon."""
    layout = QVBoxLayout(dialog)
    layout.setSpacing(12)
    top = QHBoxLayout()
    top.setSpacing(14)
    top.addWidget(_icon_label(dialog, pixmap))
    return layout, top


class WrappingDelegate(QStyledItemDelegate):
    """Text that wraps to its column's width, so a row is as tall as its whole text (the
    tree asks for row heights without saying how wide the column is)."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        sized = QStyleOptionViewItem(option)
        rect: QRect = option.rect
        sized.rect = QRect(rect.left(), rect.top(),  # a valid rect, or no wrapping
                           self.tree.header().sectionSize(index.column()), max(1, rect.height()))
        sized.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        return super().sizeHint(sized, index) + QSize(0, 4)  # rows apart when they wrap


class ConfirmTrashDialog(QDialog):
    """Lists every file about to go to the Trash; the default button is Cancel.

    ``losses`` maps a file to the history (core names: "taken", "camera", "gps") that no
    kept copy of its picture records; such files are listed first, with what they hold.
    With ``folder`` the files are to move into that folder instead of the Trash."""

    def __init__(self, files: Sequence[tuple[str, int]], parent: QWidget | None = None,
                 losses: Mapping[str, Sequence[str]] | None = None,
                 folder: str | None = None) -> None:
        super().__init__(parent)
        losses = {path: lost for path, lost in (losses or {}).items() if lost}
        total = sum(size for _, size in files)
        self.setWindowTitle(self.tr("Move to Folder") if folder else self.tr("Move to Trash"))
        self.setAccessibleName(self.tr("Confirm moving files to a folder") if folder
                               else self.tr("Confirm moving files to the Trash"))
        self.resize(760 if losses else 680, 440)
        layout, top = _icon_header(self, QStyle.StandardPixmap.SP_MessageBoxQuestion)
        words = QVBoxLayout()
        count = len(files)
        question = plural(self.tr("Move %n file(s) to {folder}?", "", count), count).format(
            folder=folder) if folder else plural(self.tr("Move %n file(s) to the Trash?", "",
                                                         count), count)
        self.title = _bold(QLabel(question))
        words.addWidget(self.title)
        self.detail = QLabel(self.tr(
            "This moves {size}. Every file is checked again first: a file that changed since "
            "the scan is left alone. A name already taken in the folder gets a number: "
            "nothing is overwritten. Undo moves the files back.").format(
                size=text.data_size(total)) if folder else self.tr(
            "This frees {size}. Every file is checked again first: a file that changed since "
            "the scan is left alone. You can restore the files with Undo or from the "
            "Trash.").format(size=text.data_size(total)))
        self.detail.setWordWrap(True)
        words.addWidget(self.detail)
        self.warning = QLabel(plural(self.tr(
            "The copy you keep lacks the date taken, camera or GPS position of %n file(s) "
            "listed first: it goes with them.", "", len(losses)), len(losses)) if folder
            else plural(self.tr(
            "The copy you keep lacks the date taken, camera or GPS position of %n file(s) "
            "listed first: it goes to the Trash with them.", "", len(losses)), len(losses)))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("font-weight: bold")
        self.warning.setVisible(bool(losses))
        words.addWidget(self.warning)
        top.addLayout(words, 1)
        layout.addLayout(top)
        headers = [self.tr("File"), self.tr("Folder"), self.tr("Size")]
        if losses:
            headers.append(self.tr("Would lose"))
        self.files = _file_tree(headers)
        self.files.setAccessibleName(self.tr("Files to move") if folder
                                     else self.tr("Files to move to the Trash"))
        self.files.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        warn = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for path, size in sorted(files, key=lambda f: f[0] not in losses):
            lost = ", ".join(history_words(losses.get(path, ())))
            item = QTreeWidgetItem([text.name_of(path), text.folder_of(path),
                                    text.data_size(size), lost])
            item.setToolTip(0, path)
            item.setToolTip(1, path)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if lost:
                item.setIcon(0, warn)
                item.setToolTip(3, self.tr("Only this copy records: {lost}").format(lost=lost))
            self.files.addTopLevelItem(item)
        self.files.setColumnWidth(1, 300)
        layout.addWidget(self.files, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.trash_button = self.buttons.addButton(
            self.tr("Move to Folder") if folder else self.tr("Move to Trash"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.trash_button.setIcon(icon("folder" if folder else "user-trash"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


class ProblemsDialog(QDialog):
    """A list of files and reasons: skipped by the scan, or refused by the trash."""

    def __init__(self, title: str, message: str, problems: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(760, 420)
        layout, top = _icon_header(self, QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        top.addWidget(self.message, 1)
        layout.addLayout(top)
        self.files = _file_tree([self.tr("File"), self.tr("Reason")])
        self.files.setAccessibleName(title)
        self.files.setWordWrap(True)  # the whole reason, on as many lines as it takes
        self.files.setUniformRowHeights(False)
        self.files.setItemDelegateForColumn(1, WrappingDelegate(self.files))
        # rows are as tall as their reason at the column's width: measure again on a resize
        self.files.header().sectionResized.connect(
            lambda *_: self.files.scheduleDelayedItemsLayout())
        self.files.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.files.setColumnWidth(0, 320)
        for path, reason in problems:
            item = QTreeWidgetItem([os.path.basename(path) or path, reason])
            item.setToolTip(0, path)
            item.setToolTip(1, reason)
            for column in (0, 1):  # a name beside the first line of a long reason
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignLeft
                                      | Qt.AlignmentFlag.AlignTop)
            self.files.addTopLevelItem(item)
        layout.addWidget(self.files, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def skipped_dialog(problems: Sequence[tuple[str, str]], parent: QWidget) -> ProblemsDialog:
    title = QCoreApplication.translate("ProblemsDialog", "Skipped Files")
    message = plural(QCoreApplication.translate("ProblemsDialog",
        "%n file(s) could not be compared and were left out of the groups. They were not "
        "changed.", "", len(problems)), len(problems))
    return ProblemsDialog(title, message, problems, parent)


def failures_dialog(problems: Sequence[tuple[str, str]], moved: int,
                    parent: QWidget, folder: str | None = None) -> ProblemsDialog:
    title = QCoreApplication.translate("ProblemsDialog", "Some Files Were Not Moved")
    message = QCoreApplication.translate("ProblemsDialog",
        "{moved} moved to {folder}. {failed} stayed where they were and are still listed "
        "in their groups:") if folder else \
        QCoreApplication.translate("ProblemsDialog",
        "{moved} moved to the Trash. {failed} stayed where they were and are still listed "
        "in their groups:")
    message = message.format(
            moved=counted("ProblemsDialog", "%n file(s)", moved), folder=folder,
            failed=counted("ProblemsDialog", "%n file(s)", len(problems)))
    return ProblemsDialog(title, message, problems, parent)


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message,
                      QMessageBox.StandardButton.Close, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if details:
        box.setDetailedText(details)
    box.open()  # window-modal without a nested event loop
