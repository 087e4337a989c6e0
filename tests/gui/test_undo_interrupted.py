"""The window's Undo after the app was killed mid-trash restores the interrupted batch."""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

from dupeviewer.core.journal import default_journal_path
from dupeviewer.gui.main_window import MainWindow
from tests.core.test_undo_kills import Scene
from tests.helpers.window import wait_idle

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.settings import Settings


def test_undo_in_a_new_window_restores_the_batch_killed_after_its_first_move(
        qtbot: QtBot, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scene = Scene(tmp_path, monkeypatch, default_journal_path())
    child = scene.run("after", 1)
    child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL
    (moved,) = scene.check_after_kill()
    window = MainWindow(settings)  # the app opened again after the kill
    qtbot.addWidget(window)
    window.show()
    assert window.commands.undo.isEnabled()
    assert "1 file" in window.commands.undo.statusTip()
    window.commands.undo.trigger()
    wait_idle(qtbot, window)
    assert os.path.exists(moved)
    assert not any(os.path.exists(p) for p in scene.first), "restored the batch before"
    assert "Restored 1 file" in window.prompts.problems_dialog.text()  # type: ignore[union-attr]
    window.close()
