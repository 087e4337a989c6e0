"""Use the real app for a while, as a person browsing the demo library would.

Starts ``dupeviewer --demo`` through the command line's own entry point, waits for the scan,
then, on a timer, moves to the next or previous group (J/K, turning at either end of the list),
toggles the mark of a copy (Right, Space) every other step, and paints the whole window after
each step. After ``--seconds`` it closes the window as its Close button does and exits with
the app's exit code; it prints one line, ``steps=... group_changes=... toggles=... errors=...``.

Run by ``tests/gui/test_long_use.py``, or by hand on any installed copy::

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/helpers/long_use.py --seconds 60

It never trashes anything. ``--no-self-check`` skips the start-up check of the Qt binding, to
see what a broken binding does to a window that is used (it dies).
"""

from __future__ import annotations

import argparse
import sys
import time

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dupeviewer.cli import main as cli_main
from dupeviewer.gui import app as gui_app
from dupeviewer.gui.main_window import MainWindow

SCAN_DEADLINE_S = 120.0


class Driver(QObject):
    """One step per tick once the demo scan is shown; closes the window when time is up."""

    def __init__(self, seconds: float, interval_ms: int) -> None:
        super().__init__()
        self.seconds = seconds
        self.started = time.monotonic()
        self.browsing_since: float | None = None
        self.steps = self.group_changes = self.toggles = self.errors = 0
        self.direction = 1
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def window(self) -> MainWindow | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                return widget
        return None

    def tick(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:  # an error dialog: count it and get it out of the way
            self.errors += 1
            print(f"unexpected dialog: {modal.windowTitle()!r}", file=sys.stderr)
            modal.close()
            return
        window = self.window()
        if window is None:
            return
        if self.browsing_since is None:
            if window.review.result is None or window.ops.busy:
                if time.monotonic() - self.started > SCAN_DEADLINE_S:
                    self.errors += 1
                    print("the demo scan did not finish", file=sys.stderr)
                    self.finish(window)
                return
            if window.groups.model.rowCount() < 2:
                self.errors += 1
                print("the demo scan found fewer than two groups", file=sys.stderr)
                self.finish(window)
                return
            self.browsing_since = time.monotonic()
        if time.monotonic() - self.browsing_since >= self.seconds:
            self.finish(window)
            return
        self.step(window)

    def step(self, window: MainWindow) -> None:
        view = window.cards.view
        row = window.groups.view.currentIndex().row()
        last = window.groups.model.rowCount() - 1
        if (row >= last and self.direction > 0) or (row <= 0 and self.direction < 0):
            self.direction = -self.direction
        before = window.groups.current()
        QTest.keyClick(view, Qt.Key.Key_J if self.direction > 0 else Qt.Key.Key_K)
        self.group_changes += window.groups.current() != before
        if self.steps % 2:
            QTest.keyClick(view, Qt.Key.Key_Right)
            group = window.groups.current()
            marked = set(window.review.marked(group))
            QTest.keyClick(view, Qt.Key.Key_Space)
            self.toggles += set(window.review.marked(group)) != marked
        window.grab()  # paint every card, the group list and the status bar now
        self.steps += 1

    def finish(self, window: MainWindow) -> None:
        self.timer.stop()
        window.close()

    def summary(self) -> str:
        return (f"steps={self.steps} group_changes={self.group_changes} "
                f"toggles={self.toggles} errors={self.errors}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to browse")
    parser.add_argument("--interval", type=int, default=50, help="milliseconds between steps")
    parser.add_argument("--no-self-check", action="store_true",
                        help="skip the start-up check of the Qt binding")
    args = parser.parse_args()
    if args.no_self_check:
        gui_app.binding_problem = lambda: None
    gui_app.application()  # the app's own QApplication, so the driver's timer can exist
    driver = Driver(args.seconds, args.interval)
    code = cli_main(["--demo"])
    print(driver.summary(), flush=True)
    return code if driver.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
