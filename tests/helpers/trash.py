"""A real freedesktop trash under a temporary folder, for tests that trash files."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def use_temporary_trash(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Point send2trash (which reads XDG_DATA_HOME at import time) at ``home``'s trash.

    Files on the same device as ``home`` land in ``home/.local/share/Trash``."""
    from send2trash import plat_other

    data_home = home / ".local" / "share"
    data_home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data_home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(data_home / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data_home / "Trash"))
    import send2trash

    monkeypatch.setattr(send2trash, "send2trash", plat_other.send2trash)
    return data_home / "Trash"
