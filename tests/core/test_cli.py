"""The headless command: exit codes, the JSON contract, CSV, and odd file names."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from dupeviewer.cli import main
from tests.helpers.cli import run_cli
from tests.helpers.pictures import photo_like

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def pair(library: Path) -> Path:
    photo_like(11, (640, 480)).save(library / "a.jpg", quality=90)
    shutil.copy(library / "a.jpg", library / "b.jpg")
    photo_like(12, (640, 480)).save(library / "alone.jpg", quality=90)
    return library


def test_json_document_follows_the_documented_schema(pair: Path, cache_file: Path) -> None:
    out = run_cli("scan", str(pair), "--json", "--cache", str(cache_file), "--workers", "1")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["version"] == 1
    assert set(doc["stats"]) >= {"files", "images", "groups", "reclaimable_bytes", "seconds",
                                 "cache_hits"}
    assert doc["stats"]["files"] == 3
    assert doc["stats"]["groups"] == 1
    (group,) = doc["groups"]
    assert group["kind"] == "exact"
    assert group["keep"] in {str(pair / "a.jpg"),
                                                          str(pair / "b.jpg")}
    assert group["reason"]
    for entry in group["files"]:
        assert set(entry) >= {"path", "size", "width", "height", "format", "taken", "distance"}
        assert (entry["width"], entry["height"], entry["format"]) == (640, 480, "JPEG")
    assert doc["skipped"] == []
    assert out.stderr == ""  # no progress when stderr is not a terminal


def test_missing_folder_and_bad_option_exit_2_with_one_line(tmp_path: Path) -> None:
    missing = run_cli("scan", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0
    assert "not a folder" in missing.stderr
    bad = run_cli("scan", str(tmp_path), "--threshold", "99")
    assert bad.returncode == 2
    assert "threshold" in bad.stderr
    assert run_cli("scan", str(tmp_path), "--frobnicate").returncode == 2


def test_version_and_help() -> None:
    version = run_cli("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("dupeviewer ")
    helptext = run_cli("scan", "--help")
    assert helptext.returncode == 0
    assert "--threshold" in helptext.stdout
    assert "examples:" in helptext.stdout


def test_non_utf8_names_round_trip_through_json(library: Path, cache_file: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    raw = os.fsencode(str(library)) + b"/caf\xe9-\xff.jpg"
    photo_like(13, (320, 240)).save(library / "plain.jpg", quality=90)
    shutil.copy(library / "plain.jpg", raw)
    assert main(["scan", str(library), "--json", "--cache", str(cache_file),
                 "--workers", "0"]) == 0
    doc = json.loads(capsys.readouterr().out)
    paths = {os.fsencode(f["path"]) for f in doc["groups"][0]["files"]}
    assert raw in paths


def test_csv_and_text_formats(pair: Path, cache_file: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(pair), "--format", "csv", "--cache", str(cache_file)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 2
    assert {r["keep"] for r in rows} == {"yes", "no"}
    assert main(["scan", str(pair), "--cache", str(cache_file), "-o",
                 str(pair.parent / "out.txt")]) == 0
    text = (pair.parent / "out.txt").read_text()
    assert "Group 1: 2 exact copies" in text
    assert "from cache" in text


def test_scan_never_deletes_anything(pair: Path, cache_file: Path) -> None:
    before = sorted(p.name for p in pair.iterdir())
    assert run_cli("scan", str(pair), "--json", "--cache", str(cache_file)).returncode == 0
    assert sorted(p.name for p in pair.iterdir()) == before


def test_exclude_min_size_and_reference(library: Path, cache_file: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (library / "Backup").mkdir()
    (library / "Keep").mkdir()
    photo_like(14, (640, 480)).save(library / "a.jpg", quality=90)
    for folder in ("Backup", "Keep"):
        shutil.copy(library / "a.jpg", library / folder / "a.jpg")
    photo_like(15, (32, 24)).save(library / "tiny.png")
    shutil.copy(library / "tiny.png", library / "tiny2.png")

    def scan_json(*extra: str) -> dict[str, object]:
        assert main(["scan", str(library), "--json", "--cache", str(cache_file),
                     "--workers", "0", *extra]) == 0
        return json.loads(capsys.readouterr().out)

    doc = scan_json()
    assert len(doc["groups"]) == 2  # type: ignore[arg-type]
    doc = scan_json("--exclude", "Backup", "--min-size", "10KB")
    (group,) = doc["groups"]  # type: ignore[misc]
    assert {os.path.relpath(f["path"], library) for f in group["files"]} == {
        "a.jpg", os.path.join("Keep", "a.jpg")}
    assert doc["stats"]["files"] == 2  # type: ignore[index]
    doc = scan_json("--reference", str(library / "Keep"), "--min-size", "10KB")
    (group,) = doc["groups"]  # type: ignore[misc]
    assert group["keep"] == str(library / "Keep" / "a.jpg")
    assert group["reason"] == "in a reference folder"
    flags = {os.path.relpath(f["path"], library): f["reference"] for f in group["files"]}
    assert flags[os.path.join("Keep", "a.jpg")] is True
    assert flags["a.jpg"] is False


def test_window_without_a_display_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "dupeviewer", str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "no display" in out.stderr
    assert "dupeviewer scan" in out.stderr


def test_terminal_progress_shows_bytes_read_of_big_files(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """On a terminal the bar says how much of a big file is read, not only 0 of 2 files."""
    from dupeviewer.cli import StderrProgress
    from dupeviewer.core.cancel import ProgressEvent

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = StderrProgress(enabled=True)
    bar(ProgressEvent("compare", 0, 2, "/photos/big.tif", 3 * 10**9, 8 * 10**9))
    bar.close()
    assert "3.0 GB of 8.0 GB read" in capsys.readouterr().err
