"""Settings: one typed descriptor per remembered choice, read back typed from the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from dupeviewer.core.model import DEFAULT_THRESHOLD
from dupeviewer.gui.settings import KNOWN_KEYS, THRESHOLD_MAX, Setting, Settings

if TYPE_CHECKING:
    from pathlib import Path


def _settings(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


def test_each_setting_is_one_typed_descriptor() -> None:
    table = {name: (value.key, value.kind, value.default)
             for name, value in vars(Settings).items() if isinstance(value, Setting)}
    assert table == {
        "folders": ("scan/folders", list, []),
        "references": ("scan/references", list, []),
        "threshold": ("scan/threshold", int, DEFAULT_THRESHOLD),
        "rotations": ("scan/rotations", bool, False),
        "mark_near": ("review/markNear", bool, False),
        "next_undecided": ("review/nextUndecided", bool, True),
        "move_folder": ("review/moveFolder", str, ""),
        "workers": ("scan/workers", int, None),
        "export_folder": ("export/folder", str, ""),
        "excludes": ("scan/excludes", list, []),
        "min_size": ("scan/minSize", int, 0),
        "file_timeout": ("scan/fileTimeout", float, 60.0),
        "use_cache": ("scan/useCache", bool, True),
        "cache_file": ("scan/cacheFile", str, ""),
    }
    assert {key for key, _kind, _default in table.values()} <= KNOWN_KEYS


def test_settings_come_back_typed_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    first = _settings(path)
    assert (first.folders, first.threshold, first.rotations, first.workers) == \
        ([], min(DEFAULT_THRESHOLD, THRESHOLD_MAX), False, None)
    first.folders = ["/photos"]  # one folder: INI stores it as plain text
    first.references = []
    first.threshold = 3
    first.rotations = True
    first.mark_near = True
    first.workers = 2
    first.export_folder = "/exports"
    first.sync()
    again = _settings(path)
    assert again.problem is None
    assert again.folders == ["/photos"]
    assert again.references == []
    assert again.threshold == 3
    assert again.workers == 2
    assert again.rotations is True
    assert again.mark_near is True
    assert again.export_folder == "/exports"
    again.workers = None  # back to the default: the key goes
    again.sync()
    assert "workers" not in path.read_text(encoding="utf-8")
    assert _settings(path).workers is None


def test_our_rules_apply_on_top_of_qt_s_conversion(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    path.write_text("[General]\nformat=dupeviewer-settings-1\n[scan]\nthreshold=99\n"
                    "folders=\nrotations=false\n", encoding="utf-8")
    settings = _settings(path)
    assert settings.threshold == THRESHOLD_MAX  # the loosest the slider offers
    assert settings.folders == []  # an empty entry is no folder, not the folder ""
    assert settings.rotations is False


def test_a_default_list_is_never_shared(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "settings.ini")
    settings.folders.append("/changed by a caller")
    assert settings.folders == []
    assert _settings(tmp_path / "other.ini").references == []
