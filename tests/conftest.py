"""Fixtures for every test: private HOME/XDG folders, a photo folder, a cache path, and a
check that fails a test on unexpected ERROR log records. Shared functions live in
:mod:`tests.helpers`; nothing imports this file."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

import pytest

from tests.helpers.pictures import photo_like

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PIL import Image

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
