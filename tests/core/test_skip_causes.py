"""Every skipped file says why in words (``reason``) and in a type (``cause``) that code
branches on; the cause survives the cache and reaches the JSON output."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from dupeviewer import report
from dupeviewer.core import Options, scan
from tests.helpers.pictures import photo_like


def _jpeg() -> bytes:
    out = io.BytesIO()
    photo_like(4, (64, 48)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def odd_files(library: Path) -> dict[str, str]:
    """File name -> the cause its skip must carry."""
    jpeg = _jpeg()
    (library / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    (library / "notes.jpg").write_text("shopping list\n" * 20)
    (library / "photo.nef").write_bytes(b"raw")
    (library / "gone.jpg").symlink_to(library / "nowhere.jpg")
    (library / "locked.jpg").write_bytes(jpeg)
    os.chmod(library / "locked.jpg", 0)
    causes = {"truncated.jpg": "damaged", "notes.jpg": "unsupported",
              "photo.nef": "unsupported", "gone.jpg": "vanished"}
    if os.geteuid() != 0:  # root reads a chmod 000 file anyway
        causes["locked.jpg"] = "unreadable"
    return causes


def _causes(library: Path, cache: Path) -> dict[str, str]:
    result = scan([library], Options(workers=0, cache_path=cache))
    return {Path(s.path).name: s.cause for s in result.skipped}


def test_each_kind_of_bad_file_has_its_cause_and_keeps_it_from_the_cache(
        library: Path, cache_file: Path, odd_files: dict[str, str]) -> None:
    first = _causes(library, cache_file)
    assert {name: first.get(name) for name in odd_files} == odd_files
    again = _causes(library, cache_file)  # from the cache this time
    assert {name: again.get(name) for name in odd_files} == odd_files


def test_a_decompression_bomb_is_too_big(library: Path, cache_file: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    photo_like(5, (400, 300)).save(library / "big.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 400x300 is over twice this
    assert _causes(library, cache_file) == {"big.png": "too_big"}


def test_json_names_the_cause(library: Path, cache_file: Path,
                              odd_files: dict[str, str]) -> None:
    result = scan([library], Options(workers=0, cache_path=cache_file))
    skipped = json.loads(report.to_json(result))["skipped"]
    by_name = {Path(s["path"]).name: s for s in skipped}
    assert by_name["truncated.jpg"]["cause"] == "damaged"
    assert by_name["truncated.jpg"]["reason"].startswith("damaged or truncated image")
