"""Logging set-up for the entry points: warnings on stderr, everything to a rotating file."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

LOG_NAME = "dupeviewer.log"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("dupeviewer", "dupeviewer"))


def setup_logging(verbose: bool = False) -> Path | None:
    """Configure the root logger once; returns the log file, or None if it cannot be written."""
    root = logging.getLogger()
    if getattr(root, "_dupeviewer_configured", False):
        return None
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(console)
    path: Path | None = log_dir() / LOG_NAME
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8", errors="replace")
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError as exc:
        root.warning("cannot write the log file %s: %s", path, exc)
        path = None
    root._dupeviewer_configured = True  # type: ignore[attr-defined]
    return path
