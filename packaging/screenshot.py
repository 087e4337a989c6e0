#!/usr/bin/env python3
"""Take the AppStream screenshot: the main window after scanning the demo library.

Usage (from the repository root; no display needed)::

    python packaging/screenshot.py resources/screenshots/main.png

Runs the real window offscreen with private settings, cache and trash folders, scans a
fresh demo library (``dupeviewer.demo``) in a folder called ``Pictures``, waits for the scan
and the thumbnails, and saves ``QWidget.grab()`` of the window.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

SCAN_TIMEOUT_S = 120.0
THUMBNAIL_WAIT_S = 4.0


def _private_environment(home: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    for name, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"),
                      ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        os.environ[name] = str(home / sub)


def take(output: Path, width: int, height: int) -> None:
    from PySide6.QtCore import QEventLoop

    from dupeviewer.demo import make_demo_library
    from dupeviewer.gui.app import application
    from dupeviewer.gui.main_window import MainWindow

    app = application()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.01)

    with tempfile.TemporaryDirectory(prefix="dupeviewer-shot-") as tmp:
        library = make_demo_library(Path(tmp) / "Pictures")
        window = MainWindow()
        window.resize(width, height)
        window.show()
        window.add_folders([str(library)], scan=False)
        window.ops.start_scan()
        deadline = time.monotonic() + SCAN_TIMEOUT_S
        pump(0.5)
        while window.ops.busy and time.monotonic() < deadline:
            pump(0.2)
        if window.ops.busy:
            raise TimeoutError("the scan did not finish")
        pump(THUMBNAIL_WAIT_S)
        output.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(output)):
            raise OSError(f"could not write {output}")
        window.close()
        pump(0.5)
    log.info("wrote %s (%dx%d)", output, width, height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="dupeviewer-shot-home-") as home:
        _private_environment(Path(home))
        take(args.output.resolve(), width, height)
    return 0


if __name__ == "__main__":  # the scanner's spawned workers import this module too
    sys.exit(main())
