"""Long use: the window survives minutes of browsing, not only the few paints of a test.

PySide6 6.12.0 took one reference from ``None`` on every Qt call that returns nothing; on
Python < 3.12 the window aborted with "Fatal Python error: none_dealloc" after some seconds
of J/K browsing, while every short test passed. These tests paint for long enough to see it,
and the start-up check refuses such a binding with words instead of a crash."""

from __future__ import annotations

import ctypes
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from dupeviewer.gui import app, main_window
from tests.helpers.pictures import photo_like
from tests.helpers.window import scan

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication
    from pytestqt.qtbot import QtBot

    from dupeviewer.gui.main_window import MainWindow

NONE_IS_MORTAL = sys.version_info < (3, 12)
MORTAL_ONLY = pytest.mark.skipif(
    not NONE_IS_MORTAL, reason="None is immortal from Python 3.12 on: its reference count "
    "does not move and a lost reference cannot free it")
LONG_USE = Path(__file__).resolve().parent.parent / "helpers" / "long_use.py"
BROWSE_SECONDS = 60
STEPS = 300
LOST_LIMIT = 200
"""References to None the in-process test lets go before it fails (and stops, long before
Python itself would abort): a sound binding loses none; 6.12.0 lost hundreds per paint."""


def make_groups(root: Path, count: int) -> None:
    """``count`` groups: each picture with a byte copy, every third also a half-size copy."""
    (root / "Backup").mkdir(parents=True)
    for i in range(count):
        picture = photo_like(100 + i, (160, 120))
        original = root / f"IMG_{i:04d}.jpg"
        picture.save(original, quality=90)
        shutil.copy2(original, root / "Backup" / original.name)
        if i % 3 == 0:
            picture.resize((80, 60), Image.Resampling.LANCZOS).save(
                root / "Backup" / f"IMG_{i:04d}_small.jpg", quality=85)


@MORTAL_ONLY
def test_painting_many_groups_keeps_every_reference_to_none(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    make_groups(tmp_path / "photos", 24)
    scan(qtbot, window, tmp_path / "photos")
    groups = window.groups.model.rowCount()
    assert groups >= 20
    view = window.cards.view
    view.setFocus()
    window.grab()  # the first paint fills font and style caches; count from the second
    before = sys.getrefcount(None)
    seen = set()
    for step in range(STEPS):
        row = step % (2 * groups - 2)  # down to the last group, back up to the first
        qtbot.keyClick(view, Qt.Key.Key_J if row < groups - 1 else Qt.Key.Key_K)
        seen.add(window.groups.current())
        if step % 2:
            window.cards.select_row(1)
            qtbot.keyClick(view, Qt.Key.Key_Space)
        window.grab()
        lost = before - sys.getrefcount(None)
        assert lost < LOST_LIMIT, (
            f"PySide6 {PySide6.__version__} lost {lost} references to None in {step + 1} "
            f"paints of the window; on Python {sys.version.split()[0]} that aborts the app")
    assert len(seen) == groups


@pytest.mark.slow
def test_the_demo_window_survives_a_minute_of_browsing(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path),
               HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    done = subprocess.run(
        [sys.executable, str(LONG_USE), "--seconds", str(BROWSE_SECONDS)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=BROWSE_SECONDS + 150)
    report = f"exit code {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, report
    assert not re.search(r"^(ERROR|CRITICAL):|Fatal Python error", done.stderr, re.M), report
    counts = re.search(r"steps=(\d+) group_changes=(\d+) toggles=(\d+) errors=0", done.stdout)
    assert counts is not None, report
    steps, changes, toggles = (int(n) for n in counts.groups())
    assert changes >= 300, report
    assert toggles >= 100, report
    assert not list(tmp_path.glob("dupeviewer-demo-*")), "the demo library was not removed"


def leak_none(count: int) -> None:
    """What a faulty binding does: take references from None and never give them back."""
    for _ in range(count):
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))


def give_back_none(count: int) -> None:
    for _ in range(count):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))


@MORTAL_ONLY
def test_the_probe_sees_a_binding_that_loses_references_to_none() -> None:
    try:
        assert app.none_lost(lambda: leak_none(1), calls=64) == 64
    finally:
        give_back_none(64 + 1)
    assert app.none_lost(lambda: None, calls=64) == 0


def test_the_installed_binding_passes_the_start_up_check() -> None:
    assert app.binding_problem() is None


@MORTAL_ONLY
@pytest.mark.logs_errors  # the refusal is logged as an error on purpose
def test_a_leaking_binding_is_refused_with_the_fix_before_the_window_opens(
        qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(app, "none_lost", lambda call, calls=app.PROBE_CALLS: calls)

    def no_window(*args: object) -> None:
        raise AssertionError("the window was built on a binding that loses references")

    monkeypatch.setattr(main_window, "MainWindow", no_window)
    with caplog.at_level(logging.ERROR, logger=app.__name__):
        code = app.run([])
    assert code != 0
    message = caplog.text
    assert f"PySide6 {PySide6.__version__}" in message
    assert "none_dealloc" in message
    assert "pip install 'PySide6-Essentials<6.12'" in message
