"""Trashing through the window into a real freedesktop trash, refusals, and undo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from dupeviewer.gui.dialogs.files import ConfirmTrashDialog, ProblemsDialog
from tests.helpers.trash import use_temporary_trash
from tests.helpers.window import SCAN_TIMEOUT_MS, scan, wait_idle

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow
    from tests.helpers.libraries import Library3


@pytest.fixture
def trash_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_temporary_trash(monkeypatch, tmp_path / "home")


def _confirm(qtbot: QtBot, window: MainWindow) -> ConfirmTrashDialog:
    """Press Delete in the window and return the confirmation it opens."""
    window.cards.view.setFocus()
    qtbot.keyClick(window.cards.view, Qt.Key.Key_Delete)
    dialog = window.prompts.confirm_dialog
    assert isinstance(dialog, ConfirmTrashDialog)
    assert dialog.isVisible()
    return dialog


def _accept(qtbot: QtBot, window: MainWindow, dialog: ConfirmTrashDialog) -> None:
    qtbot.mouseClick(dialog.trash_button, Qt.MouseButton.LeftButton)
    assert window.ops.kind == "trash"  # started at once, in a worker
    wait_idle(qtbot, window)


def _in_trash(trash_dir: Path, name: str) -> bool:
    stem = Path(name).stem
    infos = list((trash_dir / "info").glob(f"{stem}*.trashinfo"))
    files = list((trash_dir / "files").glob(f"{stem}*"))
    return bool(infos) and bool(files)


def test_trash_moves_the_marked_files_to_the_trash(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, trash_dir: Path) -> None:
    scan(qtbot, window, simple_library.root)
    marked = {window.review.groups[g].members[m].path for g, m in window.review.selection.items()}
    assert len(marked) == 2
    dialog = _confirm(qtbot, window)
    assert dialog.files.topLevelItemCount() == 2
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).isDefault()
    _accept(qtbot, window, dialog)
    for path in marked:
        assert not os.path.exists(path), path
    kept = set(map(str, [*simple_library.exact, *simple_library.near, simple_library.alone]))
    kept -= marked
    for path in kept:
        assert os.path.exists(path), path
    assert len(list((trash_dir / "info").glob("*.trashinfo"))) == 2
    assert len(list((trash_dir / "files").iterdir())) == 2
    for info in (trash_dir / "info").glob("*.trashinfo"):
        assert any(quote(Path(p).name) in info.read_text() for p in marked)
    # the exact group lost two of three copies: it is gone; the near pair stays
    assert len(window.review) == 1
    assert window.groups.model.rowCount() == 1
    assert {m.path for m in window.review.groups[0].members} == set(map(str,
                                                                        simple_library.near))
    assert "Moved 2 files to the Trash" in window.statusBar().currentMessage()


def test_cancel_in_the_confirmation_trashes_nothing(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, trash_dir: Path) -> None:
    scan(qtbot, window, simple_library.root)
    dialog = _confirm(qtbot, window)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert all(p.exists() for p in simple_library.exact)
    assert window.ops.job is None


def test_a_file_changed_after_the_scan_is_refused_and_kept(
        qtbot: QtBot, window: MainWindow, simple_library: Library3, trash_dir: Path) -> None:
    scan(qtbot, window, simple_library.root)
    marked = sorted(window.review.groups[g].members[m].path
                    for g, m in window.review.selection.items())
    changed, other = marked
    with open(changed, "ab") as handle:
        handle.write(b"edited after the scan")
    _accept(qtbot, window, _confirm(qtbot, window))
    assert os.path.exists(changed)
    assert not os.path.exists(other)
    assert _in_trash(trash_dir, Path(other).name)
    problems = window.prompts.problems_dialog
    assert isinstance(problems, ProblemsDialog)
    assert problems.isVisible()
    assert problems.files.topLevelItemCount() == 1
    item = problems.files.topLevelItem(0)
    assert item is not None
    assert "modified since the scan" in item.text(1)
    # the refused file stays listed in its group (with its keeper), still marked
    groups = [{m.path for m in g.members} for g in window.review.groups]
    assert any(changed in paths for paths in groups)
    assert window.review.selection.count == 1


def test_undo_restores_the_last_trash(qtbot: QtBot, window: MainWindow,
                                      simple_library: Library3, trash_dir: Path) -> None:
    assert not window.commands.undo.isEnabled()  # a fresh profile: nothing to undo
    scan(qtbot, window, simple_library.root)
    assert not window.commands.undo.isEnabled()
    marked = [window.review.groups[g].members[m].path for g, m in window.review.selection.items()]
    _accept(qtbot, window, _confirm(qtbot, window))
    assert not any(os.path.exists(p) for p in marked)
    assert window.commands.undo.isEnabled()
    assert "2 files" in window.commands.undo.statusTip()
    with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):  # rescan after undo
        window.commands.undo.trigger()
    wait_idle(qtbot, window)
    assert all(os.path.exists(p) for p in marked)
    assert list((trash_dir / "files").iterdir()) == []
    assert "Restored 2 files" in window.prompts.problems_dialog.text()  # type: ignore[union-attr]
    assert len(window.review) == 2  # the restored copies are back in their groups
    assert not window.commands.undo.isEnabled()  # undone: nothing left to undo


def _rows(dialog: ConfirmTrashDialog) -> list[tuple[str, str]]:
    """Each listed file's name and what it would lose."""
    items = [dialog.files.topLevelItem(r) for r in range(dialog.files.topLevelItemCount())]
    return [(item.text(0), item.text(3)) for item in items if item is not None]


def test_confirmation_lists_the_history_a_marked_copy_would_take(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, trash_dir: Path) -> None:
    """The real-folder case marks only the PNG re-save (nothing lost); a marked near copy
    holding the date taken and camera the kept copy lacks is listed with them, first."""
    from PIL import Image

    from tests.helpers.pictures import exif_with, photo_like

    folder = tmp_path / "photos"
    folder.mkdir()
    camera = folder / "IMG_1011.jpg"
    photo_like(21, (480, 360)).save(camera, quality=88,
                                    exif=exif_with("2023:07:14 09:30:00", "Pixel 7"))
    with Image.open(camera) as decoded:
        decoded.convert("RGB").save(folder / "IMG_1011_png.png")
    picture = photo_like(22, (1200, 900))
    picture.save(folder / "big.png")
    picture.resize((300, 225), Image.Resampling.LANCZOS).save(
        folder / "small.jpg", quality=90, exif=exif_with("2022:03:04 05:06:07", "EOS R5"))
    scan(qtbot, window, folder)
    dialog = _confirm(qtbot, window)
    assert _rows(dialog) == [("IMG_1011_png.png", "")]
    assert dialog.files.columnCount() == 3
    assert not dialog.warning.isVisible()
    dialog.reject()
    window.review.mark_all_but_keeper()
    dialog = _confirm(qtbot, window)
    assert _rows(dialog) == [("small.jpg", "date taken, camera"), ("IMG_1011_png.png", "")]
    assert dialog.files.headerItem().text(3) == "Would lose"
    assert dialog.warning.isVisible()
    assert "position of 1 file listed" in dialog.warning.text()
    dialog.reject()
    assert (folder / "small.jpg").exists()
