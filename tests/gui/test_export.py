"""File > Export: results as JSON and CSV (the ``--json`` schema) and the marked files as a
plain path list, one per line or NUL-separated."""

from __future__ import annotations

import csv
import io
import json
import shutil
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from dupeviewer import report
from dupeviewer.gui.dialogs import export
from tests.helpers.pictures import exif_with, photo_like
from tests.helpers.window import scan

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow
    from tests.helpers.libraries import Library3


def _save_as(monkeypatch: pytest.MonkeyPatch, path: Path, chosen: str = "") -> list[str]:
    """Answer the next save dialogs with ``path`` and the filter ``chosen``."""
    filters: list[str] = []

    def ask(parent: object, title: str, start: str, names: str, selected: str) -> tuple:
        filters.extend(names.split(";;"))
        return str(path), chosen or selected

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    return filters


def _marked(window: MainWindow) -> list[str]:
    return [path for path, _size in window.review.marked_files()]


def test_results_export_as_json_with_the_command_line_schema(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert not window.commands.export_json.isEnabled()  # nothing scanned yet
    scan(qtbot, window, simple_library.root)
    assert window.commands.export_json.isEnabled()
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "groups"  # no suffix: .json is added
    _save_as(monkeypatch, target)
    window.commands.export_json.trigger()
    data = json.loads((tmp_path / "out" / "groups.json").read_text(encoding="utf-8"))
    result = window.review.result
    assert result is not None
    assert data == json.loads(report.to_json(result))  # exactly what --json writes
    assert data["version"] == 1
    assert len(data["groups"]) == 2
    files = {f["path"] for g in data["groups"] for f in g["files"]}
    assert files == {str(p) for p in [*simple_library.exact, *simple_library.near]}
    assert window.settings.export_folder == str(tmp_path / "out")
    assert "Saved 2 groups" in window.statusBar().currentMessage()


def test_results_export_as_csv_one_row_per_copy(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scan(qtbot, window, simple_library.root)
    _save_as(monkeypatch, tmp_path / "groups.csv")
    window.commands.export_csv.trigger()
    content = (tmp_path / "groups.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == report.CSV_FIELDS
    assert len(rows) == 5  # 3 exact copies + a near pair
    assert sum(r["keep"] == "yes" for r in rows) == 2
    assert {r["camera"] for r in rows if r["path"].endswith("a.jpg")} == {"TestCam"}
    assert all(r["quality"].isdigit() for r in rows)


def test_export_follows_the_groups_after_trashing(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    window.review.remove_paths([str(simple_library.exact[1]), str(simple_library.exact[2])])
    current = export.current_result(window.review)
    assert current is not None
    assert len(current.groups) == 1
    assert current.stats.groups == 1
    assert current.stats.reclaimable_bytes == current.groups[0].reclaimable


def test_marked_files_export_one_path_per_line(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scan(qtbot, window, simple_library.root)
    marked = _marked(window)
    assert len(marked) == 2
    assert window.commands.export_paths.isEnabled()
    filters = _save_as(monkeypatch, tmp_path / "marked.txt")
    window.commands.export_paths.trigger()
    assert filters == [export.LINES_FILTER, export.NUL_FILTER]
    data = (tmp_path / "marked.txt").read_bytes()
    assert data.endswith(b"\n")
    assert b"'" not in data
    assert b'"' not in data
    assert data.decode().splitlines() == marked  # plain paths, no quoting
    window.review.unmark_all()
    assert not window.commands.export_paths.isEnabled()


def test_marked_files_export_nul_separated(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, simple_library: Library3,
        monkeypatch: pytest.MonkeyPatch) -> None:
    odd = simple_library.root / "line\nbreak.jpg"  # legal on POSIX, breaks a line list
    shutil.copy2(simple_library.exact[0], odd)
    scan(qtbot, window, simple_library.root)
    g = next(g for g, group in enumerate(window.review.groups)
             if any(m.path == str(odd) for m in group.members))
    m = next(m for m, member in enumerate(window.review.groups[g].members)
             if member.path == str(odd))
    if window.review.groups[g].keeper == m:
        window.review.keep_by("size")  # any rule that keeps another copy
    window.review.set_mark(g, m, True)
    marked = _marked(window)
    assert str(odd) in marked

    _save_as(monkeypatch, tmp_path / "refused.txt", export.LINES_FILTER)
    assert window.exporter.export_marked_paths() is False
    assert not (tmp_path / "refused.txt").exists()  # a line list would be ambiguous

    _save_as(monkeypatch, tmp_path / "marked.lst", export.NUL_FILTER)
    assert window.exporter.export_marked_paths() is True
    data = (tmp_path / "marked.lst").read_bytes()
    assert data.endswith(b"\0")
    assert data[:-1].split(b"\0") == [p.encode() for p in marked]


def test_path_list_keeps_undecodable_bytes() -> None:
    name = b"/photos/caf\xe9.jpg".decode("utf-8", "surrogateescape")
    assert report.path_list([name, "/a b.jpg"]) == b"/photos/caf\xe9.jpg\n/a b.jpg\n"
    with pytest.raises(ValueError, match="/a"):
        report.path_list(["/a\nb.jpg"])
    assert report.path_list(["/a\nb.jpg"], nul=True) == b"/a\nb.jpg\0"


def test_results_export_as_csv_keeps_hostile_text_out_of_formulas(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    camera = '=HYPERLINK("http://evil.example/","Click")'
    first = simple_library.root / "=1+1.jpg"
    photo_like(30, (480, 360)).save(first, quality=90, exif=exif_with(model=camera))
    shutil.copy2(first, simple_library.root / "@SUM(A1).jpg")
    scan(qtbot, window, simple_library.root)
    _save_as(monkeypatch, tmp_path / "groups.csv")
    window.commands.export_csv.trigger()
    content = (tmp_path / "groups.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    hostile = [r for r in rows if r["path"].startswith(str(simple_library.root / "=")) or
               r["path"].startswith(str(simple_library.root / "@"))]
    assert len(hostile) == 2
    assert all(r["camera"] == "'" + camera for r in hostile)  # text, not a live formula
    strict = csv.reader(io.StringIO(content), quoting=csv.QUOTE_NONNUMERIC)
    header = next(strict)
    assert all(isinstance(row[header.index("size")], float) for row in strict)


def test_marked_files_export_refuses_every_line_separator(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, simple_library: Library3,
        monkeypatch: pytest.MonkeyPatch) -> None:
    keeper = simple_library.exact[0]
    odd = [simple_library.root / f"x{sep}" / str(keeper).lstrip("/") for sep in
           ("\u2028", "\x85", "\v")]  # split by str.splitlines, each line 2 is the keeper
    for path in odd:
        path.parent.mkdir(parents=True)
        shutil.copy2(keeper, path)
        assert str(path).splitlines()[1] == str(keeper)
    scan(qtbot, window, simple_library.root)
    window.review.mark_all_but_keeper()
    marked = _marked(window)
    assert {str(p) for p in odd} <= set(marked)
    assert str(keeper) not in marked

    _save_as(monkeypatch, tmp_path / "refused.txt", export.LINES_FILTER)
    assert window.exporter.export_marked_paths() is False
    assert not (tmp_path / "refused.txt").exists()
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert "line break" in box.text()
    assert any(report.printable(str(p)) in box.text() for p in odd)  # names the file
    assert not any(str(p) in box.text() for p in odd)  # escaped, on one line
    box.close()

    _save_as(monkeypatch, tmp_path / "marked.lst", export.NUL_FILTER)
    assert window.exporter.export_marked_paths() is True
    data = (tmp_path / "marked.lst").read_bytes()
    assert data[:-1].split(b"\0") == [p.encode() for p in marked]
