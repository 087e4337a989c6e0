"""Shared fixtures: photo-like images made with Pillow in temporary folders (no binaries)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def photo_like(seed: int, size: tuple[int, int] = (1600, 1200)) -> Image.Image:
    """A deterministic picture with photo-like structure: a smooth field, shapes, noise.

    Different seeds give perceptually unrelated pictures."""
    rng = np.random.default_rng(seed)
    w, h = size
    coarse = rng.random((6, 8, 3)) * 255
    base = Image.fromarray(coarse.astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(14):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        rw, rh = int(rng.integers(w // 12, w // 3)), int(rng.integers(h // 12, h // 3))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x0 + rw, y0 + rh], fill=colour)
        else:
            draw.rectangle([x0, y0, x0 + rw, y0 + rh], fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(2))
    noise = rng.normal(0, 6, (h, w, 3))
    pixels = np.clip(np.asarray(base, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dupeviewer ARGS`` as a user would, capturing its text output."""
    return subprocess.run([sys.executable, "-m", "dupeviewer", *args], capture_output=True,
                          text=True, errors="surrogateescape", timeout=300)


def exif_with(date: str = "2021:06:01 12:00:00", model: str = "TestCam",
              orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0110] = model
    exif[0x0132] = date
    exif.get_ifd(0x8769)[0x9003] = date
    if orientation is not None:
        exif[0x0112] = orientation
    return exif


@pytest.fixture
def photo() -> Callable[..., Image.Image]:
    return photo_like


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    return folder


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache.sqlite3"


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the real cache, journal, settings and trash."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _no_unexpected_errors(request: pytest.FixtureRequest) -> object:
    """Fail a test whose run logged an ERROR record it did not ask for: an error the user
    would see in the log is a bug unless the test is about it (mark it ``logs_errors``)."""
    handler = _ErrorRecords()
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    root.addHandler(handler)
    yield
    for added in [h for h in root.handlers if h not in before  # e.g. setup_logging()'s
                  and not type(h).__module__.startswith("_pytest")]:  # console on a
        root.removeHandler(added)  # captured stderr that pytest closes after the test
        if added is not handler:
            added.close()
    root.setLevel(level)
    if handler.records and request.node.get_closest_marker("logs_errors") is None:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in handler.records[:5])
        pytest.fail(f"unexpected ERROR log records:\n{lines}", pytrace=False)
