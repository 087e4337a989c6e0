"""Results while the scan runs (issue 11): interim groups, and one fraction done for the
whole scan that never goes back."""

from __future__ import annotations

import importlib
import shutil
import threading
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from dupeviewer.core import fingerprint
from dupeviewer.core.model import Options, ScanResult
from dupeviewer.core.scan import scan
from tests.helpers.pictures import exif_with, photo_like

if TYPE_CHECKING:
    from pathlib import Path

    from dupeviewer.core.cancel import ProgressEvent
    from dupeviewer.core.model import FileStat, ImageInfo, Skipped

scan_module = importlib.import_module("dupeviewer.core.scan")  # the package exports scan()
GATE_SECONDS = 60.0
BIG = (1600, 1200)  # big enough for a reduced decode: a same-pixel pair is confirmed


def _library(root: Path) -> Path:
    """Exact copies, a same-pixel pair (other EXIF), a near pair and single photos."""
    root.mkdir()
    photo_like(1).save(root / "a1.jpg", quality=90)
    shutil.copy2(root / "a1.jpg", root / "a2.jpg")
    shutil.copy2(root / "a1.jpg", root / "a3.jpg")
    same = photo_like(2, BIG)
    same.save(root / "b1.jpg", quality=90, exif=exif_with("2020:01:01 10:00:00"))
    same.save(root / "b2.jpg", quality=90, exif=exif_with("2021:02:03 11:00:00", "Other"))
    near = photo_like(3)
    near.save(root / "c1.jpg", quality=92)
    near.resize((320, 240)).save(root / "c2.jpg", quality=80)
    for seed in range(4, 9):
        photo_like(seed).save(root / f"single{seed}.jpg", quality=90)
    return root


def _options(tmp_path: Path, name: str) -> Options:
    return Options(workers=0, cache_path=tmp_path / f"{name}.sqlite")


def _comparable(result: ScanResult) -> ScanResult:
    return replace(result, stats=replace(result.stats, seconds=0.0))


@pytest.fixture
def every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """An interim result after every file (the scan would wait seconds between them)."""
    monkeypatch.setattr(scan_module, "INTERIM_SECONDS", 0.0)
    monkeypatch.setattr(scan_module, "INTERIM_SHARE", 0.0)


@pytest.mark.usefixtures("every_file")
def test_interim_results_arrive_and_the_final_result_is_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = _library(tmp_path / "photos")
    exact = {str(photos / f"a{n}.jpg") for n in (1, 2, 3)}
    interims: list[ScanResult] = []
    shown = threading.Event()  # an interim result holds the exact group
    real = scan_module.fingerprint

    def last_waits(file: FileStat) -> ImageInfo | Skipped:
        if file.path.endswith("single8.jpg"):  # read last: it waits for the exact group
            shown.wait(GATE_SECONDS)
        return real(file)

    def collect(result: ScanResult) -> None:
        interims.append(result)
        if any({m.path for m in g.members} == exact for g in result.groups):
            shown.set()

    monkeypatch.setattr(scan_module, "fingerprint", last_waits)
    final = scan([photos], _options(tmp_path, "with"), interim=collect)
    monkeypatch.undo()
    plain = scan([photos], _options(tmp_path, "without"))
    assert _comparable(final) == _comparable(plain)
    assert len(plain.groups) == 3
    # the exact group shows as soon as its copies are read, before the last file
    assert shown.is_set()
    first = next(i for i, r in enumerate(interims)
                 if any({m.path for m in g.members} == exact for g in r.groups))
    assert len(interims[first].images) < final.stats.images
    sizes = [len(r.images) for r in interims]
    assert sizes == sorted(sizes)
    assert sizes[0] < sizes[-1]
    assert not any(r.cancelled for r in interims)


def test_without_the_callback_no_interim_result_is_grouped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = _library(tmp_path / "photos")
    calls: list[int] = []
    real = scan_module.build_groups

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "build_groups", counted)
    monkeypatch.setattr(scan_module, "INTERIM_SECONDS", 0.0)
    scan([photos], _options(tmp_path, "plain"))
    assert len(calls) == 1


def test_the_fraction_done_never_goes_back_over_every_phase(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fingerprints, then bytes compared (no file read whole while fingerprinting), then
    same pixels confirmed: one fraction for the whole scan, never decreasing, ending at 1."""
    photos = _library(tmp_path / "photos")
    monkeypatch.setattr(fingerprint, "IN_MEMORY", 0)
    events: list[ProgressEvent] = []
    result = scan([photos], _options(tmp_path, "phases"), progress=events.append)
    assert len(result.groups) == 3
    phases = [e.phase for e in events]
    for phase in ("fingerprint", "compare", "confirm"):
        assert any(e.phase == phase and e.done > 0 for e in events), phase
    assert phases.index("compare") < phases.index("confirm")
    fractions = [e.fraction for e in events if e.phase != "discover"]
    assert fractions == sorted(fractions)
    assert fractions[0] >= 0.0
    assert fractions[-1] == pytest.approx(1.0, abs=0.02)
    # the fingerprints were not the whole scan: the later phases had their share
    last_fingerprint = max(e.fraction for e in events if e.phase == "fingerprint")
    assert last_fingerprint < 0.95
    assert max(e.fraction for e in events if e.phase == "confirm") > last_fingerprint
