"""Entry script for the PyInstaller bundle: the same as the ``dupeviewer`` console script.

Kept outside the package so PyInstaller analyses ``dupeviewer`` as an ordinary import.
"""

from __future__ import annotations

import multiprocessing
import sys


def run() -> int:
    # The scanner fingerprints in a process pool. A frozen app re-executes itself to start
    # a worker (spawn on Windows and macOS, forkserver on newer Linux Pythons); this call
    # turns those re-executions into workers instead of a second copy of the app.
    multiprocessing.freeze_support()
    from dupeviewer.cli import main

    return int(main() or 0)


if __name__ == "__main__":
    sys.exit(run())
