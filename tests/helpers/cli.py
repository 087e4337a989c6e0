"""The command line as a user runs it."""

from __future__ import annotations

import subprocess
import sys


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dupeviewer ARGS``, capturing its text output."""
    return subprocess.run([sys.executable, "-m", "dupeviewer", *args], capture_output=True,
                          text=True, errors="surrogateescape", timeout=300)
