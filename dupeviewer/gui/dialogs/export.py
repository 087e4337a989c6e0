"""File > Export: the results as JSON or CSV (``dupeviewer.report``, the schema of
``dupeviewer scan --json``) and the marked files as a plain list of paths.

An :class:`Exporter` reads the review state and remembers the folder in the settings; it
says what it saved through its ``status`` signal and shows its errors over ``parent``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from dupeviewer import report
from dupeviewer.core.remaining import as_it_stands
from dupeviewer.gui.dialogs.files import show_error
from dupeviewer.gui.text import counted

if TYPE_CHECKING:
    from dupeviewer.core.model import ScanResult
    from dupeviewer.gui.models.review import Review
    from dupeviewer.gui.settings import Settings

log = logging.getLogger(__name__)


def _tr(source: str) -> str:
    return QCoreApplication.translate("Export", source)


def current_result(review: Review) -> ScanResult | None:
    """The scan as the window shows it now: trashed copies and emptied groups are gone."""
    result = review.result
    return None if result is None else as_it_stands(result, review.groups)


def write_results(path: Path, result: ScanResult, kind: str) -> None:
    render = {"json": report.to_json, "csv": report.to_csv}[kind]
    content = render(result)
    path.write_text(content if content.endswith("\n") else content + "\n", encoding="utf-8",
                    errors="surrogateescape", newline="")


def write_paths(path: Path, paths: list[str], nul: bool) -> None:
    path.write_bytes(report.path_list(paths, nul=nul))


LINES_FILTER = "Text, one path per line (*.txt)"
NUL_FILTER = "NUL-separated paths, for xargs -0 (*.lst)"


class Exporter(QObject):
    """Asks where, writes the file, and reports: ``status(text, timeout)`` on success."""

    status = Signal(str, int)

    def __init__(self, review: Review, settings: Settings, parent: QWidget) -> None:
        super().__init__(parent)
        self.review = review
        self.settings = settings
        self._parent = parent

    def _start_folder(self) -> str:
        folder = self.settings.export_folder
        if folder and os.path.isdir(folder):
            return folder
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or os.path.expanduser("~")

    def _ask(self, title: str, name: str, filters: list[str]) -> tuple[str, str]:
        start = os.path.join(self._start_folder(), name)
        path, chosen = QFileDialog.getSaveFileName(self._parent, title, start,
                                                   ";;".join(filters), filters[0])
        if path:
            self.settings.export_folder = os.path.dirname(path)
        return path, chosen or filters[0]

    def export_results(self, kind: str) -> bool:
        """Ask where, then save every group as JSON or CSV. True if a file was written."""
        result = current_result(self.review)
        if result is None:
            return False
        if kind == "json":
            title, filters = _tr("Export Results as JSON"), [_tr("JSON files (*.json)")]
        else:
            title, filters = _tr("Export Results as CSV"), [_tr("CSV files (*.csv)")]
        path, _ = self._ask(title, f"dupeviewer-results.{kind}", filters)
        if not path:
            return False
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(f".{kind}")
        try:
            write_results(target, result, kind)
        except OSError as exc:
            show_error(self._parent, _tr("Could not export"), f"{target}: {exc.strerror or exc}")
            return False
        self.status.emit(counted("Export", "Saved %n group(s) to {path}",
                                 len(result.groups)).format(path=target), 8000)
        return True

    def export_marked_paths(self) -> bool:
        """Ask where, then save the paths of the marked files: one per line, or NUL-ended."""
        paths = [path for path, _size in self.review.marked_files()]
        if not paths:
            self.status.emit(_tr("No file is marked: nothing to export."), 5000)
            return False
        lines, nul = _tr(LINES_FILTER), _tr(NUL_FILTER)
        path, chosen = self._ask(_tr("Export Marked Files as a Path List"),
                                 "dupeviewer-marked.txt", [lines, nul])
        if not path:
            return False
        use_nul = chosen == nul
        target = Path(path)
        try:
            write_paths(target, paths, use_nul)
        except ValueError as exc:
            show_error(self._parent, _tr("Could not export"), _tr(
                "The name of {path} contains a line break or another character that text "
                "readers end a line at, so a list with one path per line would be ambiguous. "
                "Choose \u201cNUL-separated paths\u201d instead.").format(
                    path=report.printable(str(exc))))
            return False
        except OSError as exc:
            show_error(self._parent, _tr("Could not export"), f"{target}: {exc.strerror or exc}")
            return False
        self.status.emit(counted("Export", "Saved the paths of %n marked file(s) to {path}",
                                 len(paths)).format(path=target), 8000)
        return True
