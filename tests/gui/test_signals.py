"""A polite kill closes the window as its Close button does, demo library included."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path


def _demo_folder(log: Path, deadline: float) -> Path:
    pattern = re.compile(r"demo library with \d+ files written to (.+)$", re.MULTILINE)
    while time.monotonic() < deadline:  # polls another process's log file, not Qt
        if log.exists() and (found := pattern.search(log.read_text())):
            return Path(found.group(1)).parent
        time.sleep(0.1)
    raise AssertionError(f"the demo library was never logged in {log}")


def test_sigterm_closes_the_window_and_removes_the_demo(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_DATA_HOME=str(tmp_path / "data"))
    process = subprocess.Popen([sys.executable, "-m", "dupeviewer", "--demo"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        log = tmp_path / "state" / "dupeviewer" / "log" / "dupeviewer.log"
        folder = _demo_folder(log, time.monotonic() + 60)
        assert folder.is_dir()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 0, process.stderr.read() if process.stderr else ''
    assert not folder.exists()
