"""The dialogs the window opens for its work: confirm the trash, the files it refused, the
undo summary, errors, and the compare view.

:class:`Prompts` holds the dialog it opened last of each kind (the window and the tests
reach them there) and tells the window what the user chose through a signal; it runs no
work of its own.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from dupeviewer.gui import text
from dupeviewer.gui.dialogs.files import ConfirmTrashDialog, failures_dialog, show_error
from dupeviewer.gui.models.members import MemberModel, MemberRole
from dupeviewer.gui.text import plural, rule_words

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from dupeviewer.core.rekey import Preview
    from dupeviewer.core.trash import TrashReport, UndoReport

log = logging.getLogger(__name__)


class Prompts(QObject):
    """Opens the work's dialogs over ``parent``; ``trash_confirmed`` when the user agrees,
    ``mark_requested`` and ``keep_requested`` when the user marks or keeps a copy in the
    compare view."""

    trash_confirmed = Signal()
    move_confirmed = Signal(str)  # the folder to move the marked files into
    rule_confirmed = Signal(str, object, object)  # rule, folder or None, groups or None
    mark_requested = Signal(int, int, bool)  # group, member, marked
    keep_requested = Signal(int, int)  # group, member to keep (the others get marked)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.confirm_dialog: ConfirmTrashDialog | None = None
        self.problems_dialog: QObject | None = None
        self.compare_dialog: QObject | None = None
        self.rule_dialog: QMessageBox | None = None

    def confirm_trash(self, files: Sequence[tuple[str, int]],
                      losses: Mapping[str, Sequence[str]], folder: str | None = None) -> None:
        """Ask before trashing ``files`` (or moving them into ``folder``); Cancel is the
        default."""
        if not files:
            return
        dialog = ConfirmTrashDialog(files, self._parent, losses, folder)
        if folder:
            dialog.accepted.connect(lambda: self._on_move_confirmed(folder))
        else:
            dialog.accepted.connect(self._on_confirmed)
        dialog.finished.connect(dialog.deleteLater)
        self.confirm_dialog = dialog
        dialog.open()

    def confirm_rule(self, rule: str, folder: str | None, groups: list[int] | None,
                     total: int, preview: Preview) -> None:
        """Say what a keep-by rule will mark, in one group or in all ``total``, and ask;
        ``rule_confirmed`` when the user agrees (Cancel is the default)."""
        words = rule_words(self.tr, rule, folder)
        one = groups is not None and len(groups) == 1
        title = self.tr("Keep by Rule in This Group") if one \
            else self.tr("Keep by Rule in All Groups")
        if one:
            question = self.tr("Keep {words} in this group?").format(words=words)
        elif preview.groups < total:
            question = plural(self.tr("Keep {words} in the %n group(s) that have one?", "",
                                      preview.groups), preview.groups).format(words=words)
        else:
            question = plural(self.tr("Keep {words} in all %n group(s)?", "", total),
                              total).format(words=words)
        box = QMessageBox(QMessageBox.Icon.Question, title, question,
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setInformativeText(plural(self.tr(
            "This marks %n file(s) ({size}) for the Trash and unmarks the other copies of "
            "those groups. Nothing moves until you choose Move to Trash.", "",
            preview.files), preview.files).format(size=text.data_size(preview.bytes)))
        apply = box.addButton(self.tr("Mark"), QMessageBox.ButtonRole.AcceptRole)
        apply.setObjectName("apply-rule")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        apply.clicked.connect(lambda: self.rule_confirmed.emit(rule, folder, groups))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.rule_dialog = box
        box.open()

    def _on_confirmed(self) -> None:
        self.confirm_dialog = None
        self.trash_confirmed.emit()

    def _on_move_confirmed(self, folder: str) -> None:
        self.confirm_dialog = None
        self.move_confirmed.emit(folder)

    def trash_refused(self, report: TrashReport, folder: str | None = None) -> None:
        """List the files the trash (or the move into ``folder``) left where they were, and
        why (nothing if none)."""
        if not report.failed:
            return
        dialog = failures_dialog([(o.path, o.reason) for o in report.failed],
                                 len(report.trashed), self._parent, folder)
        self.problems_dialog = dialog
        dialog.open()

    def undo_summary(self, report: UndoReport, summary: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information if report.ok else
                          QMessageBox.Icon.Warning, self.tr("Undo Last Trash"), summary,
                          QMessageBox.StandardButton.Ok, self._parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.problems_dialog = box
        box.open()

    def error(self, title: str, message: str) -> None:
        show_error(self._parent, title, message)

    def notice(self, title: str, message: str) -> None:
        """Tell something the user asked for and may want to copy (a folder's path): a
        status message is lost as soon as the pointer passes over the toolbar."""
        box = QMessageBox(QMessageBox.Icon.Information, title, message,
                          QMessageBox.StandardButton.Ok, self._parent)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.problems_dialog = box
        box.open()

    def compare(self, model: MemberModel, row: int) -> None:
        """The copy in ``row`` of the shown group beside its kept copy (or, for the kept
        copy, beside the next one)."""
        from dupeviewer.gui.dialogs.compare import CompareDialog

        g = model.group
        if g < 0:
            return
        group = model.review.groups[g]
        members = list(group.members)
        if len(members) < 2:
            return
        keeper = group.keeper
        other = row if row != keeper else (keeper + 1) % len(members)
        folders = [str(model.index(r, 0).data(MemberRole.Folder)) for r in range(len(members))]
        dialog = CompareDialog(members, keeper, other, folders, self._parent, model)
        dialog.mark_requested.connect(self.mark_requested)
        dialog.keep_requested.connect(self.keep_requested)
        dialog.finished.connect(dialog.deleteLater)
        self.compare_dialog = dialog
        dialog.open()
