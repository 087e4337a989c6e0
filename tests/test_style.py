"""The code stays ruff- and mypy-clean (both are in the test extra)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    out = _run("ruff", "check", "dupeviewer", "tests", "benchmarks", "packaging")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_finds_nothing() -> None:
    out = _run("mypy", "dupeviewer")
    assert out.returncode == 0, out.stdout + out.stderr
