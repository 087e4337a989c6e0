"""Each kind of copy lands in the right group; unrelated pictures never do."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageEnhance

from dupeviewer.core import Options, ScanResult, scan
from tests.helpers.pictures import exif_with, photo_like

UNRELATED = 22


def _build(folder: Path) -> None:
    original = photo_like(1)
    original.save(folder / "original.jpg", quality=92, exif=exif_with("2020:01:01 10:00:00"))
    shutil.copy(folder / "original.jpg", folder / "byte_copy.jpg")
    original.save(folder / "other_exif.jpg", quality=92, exif=exif_with("2023:05:05 05:05:05"))
    for name, scale in (("half.jpg", 2), ("quarter.jpg", 4)):
        original.resize((1600 // scale, 1200 // scale), Image.Resampling.LANCZOS).save(
            folder / name, quality=90)
    original.save(folder / "q60.jpg", quality=60)
    with Image.open(folder / "original.jpg") as decoded:
        decoded.save(folder / "converted.png")  # a lossless conversion of the JPEG
    ImageEnhance.Brightness(original).enhance(1.10).save(folder / "brighter.jpg", quality=90)
    original.crop((40, 30, 1560, 1170)).save(folder / "crop5.jpg", quality=90)
    marked = original.copy()
    ImageDraw.Draw(marked).text((1400, 1150), "(c) dupeviewer", fill=(255, 255, 255))
    marked.save(folder / "watermark.jpg", quality=90)
    original.transpose(Image.Transpose.ROTATE_90).save(folder / "rot90.jpg", quality=90)
    original.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(folder / "mirror.jpg", quality=90)
    # a PNG and its re-save with different metadata chunks: same pixels, different bytes
    second = photo_like(2)
    second.save(folder / "second.png")
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "exported again")
    second.save(folder / "second_meta.png", pnginfo=info)
    for seed in range(100, 100 + UNRELATED):
        photo_like(seed).save(folder / f"unrelated_{seed}.jpg", quality=88)
    for n, colour in enumerate([(200, 30, 30), (30, 200, 30), (250, 250, 250), (5, 5, 5)]):
        Image.new("RGB", (1600, 1200), colour).save(folder / f"flat_{n}.png")
    for n, split in enumerate((800, 700, 900)):
        two = Image.new("RGB", (1600, 1200), (0, 0, 0))
        ImageDraw.Draw(two).rectangle([split, 0, 1600, 1200], fill=(255, 255, 255))
        two.save(folder / f"twotone_{n}.png")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    _build(folder)
    return folder


def _groups(result: ScanResult) -> dict[frozenset[str], str]:
    return {frozenset(Path(m.path).name for m in g.members): g.kind for g in result.groups}


def _group_of(result: ScanResult, name: str) -> frozenset[str] | None:
    for members in _groups(result):
        if name in members:
            return members
    return None


ORIGINAL_FAMILY = {"original.jpg", "byte_copy.jpg", "other_exif.jpg", "half.jpg",
                   "quarter.jpg", "q60.jpg", "converted.png", "brighter.jpg", "crop5.jpg",
                   "watermark.jpg"}


@pytest.fixture(scope="module")
def default_scan(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    cache = tmp_path_factory.mktemp("cache") / "c.sqlite3"
    return scan([corpus], Options(cache_path=cache, workers=2))


def test_every_variant_joins_the_original(default_scan: ScanResult) -> None:
    assert _group_of(default_scan, "original.jpg") == ORIGINAL_FAMILY
    assert default_scan.stats.images == len(list(default_scan.images))
    assert not default_scan.skipped


def test_match_kinds_explain_each_copy(default_scan: ScanResult) -> None:
    group = next(g for g in default_scan.groups if "original.jpg" in
                 {Path(m.path).name for m in g.members})
    assert group.kind == "near"
    keep = Path(group.keep.path).name
    assert keep in {"original.jpg", "byte_copy.jpg", "other_exif.jpg", "converted.png"}
    assert "resolution" in group.reason or "largest" in group.reason
    by_name = {Path(m.path).name: m for m in group.members}
    assert by_name["quarter.jpg"].match == "near"
    assert by_name["quarter.jpg"].distance <= 10
    # the PNG conversion holds the JPEG's decoded pixels: shown as the same picture
    assert {by_name["converted.png"].match, by_name["original.jpg"].match} <= {"keeper",
                                                                               "pixels"}
    assert by_name["brighter.jpg"].match == "near"
    assert all(m.distance <= 10 for m in group.members)


def test_same_pixels_with_other_metadata_is_its_own_kind(default_scan: ScanResult) -> None:
    assert _groups(default_scan)[frozenset({"second.png", "second_meta.png"})] == "pixels"


def test_unrelated_flat_and_two_tone_pictures_are_never_grouped(
        default_scan: ScanResult) -> None:
    grouped = {name for members in _groups(default_scan) for name in members}
    assert not {n for n in grouped if n.startswith(("unrelated", "flat", "twotone"))}
    assert "rot90.jpg" not in grouped
    assert "mirror.jpg" not in grouped


def test_rotations_option_finds_rotated_and_mirrored(corpus: Path, tmp_path: Path) -> None:
    result = scan([corpus], Options(rotations=True, cache_path=tmp_path / "c", workers=0))
    assert _group_of(result, "original.jpg") == ORIGINAL_FAMILY | {"rot90.jpg", "mirror.jpg"}
    grouped = {name for members in _groups(result) for name in members}
    assert not {n for n in grouped if n.startswith(("unrelated", "flat", "twotone"))}


def test_exact_copies_alone_form_an_exact_group(library: Path, cache_file: Path) -> None:
    photo_like(7, (640, 480)).save(library / "a.jpg", quality=90)
    shutil.copy(library / "a.jpg", library / "b.jpg")
    photo_like(8, (640, 480)).save(library / "c.jpg", quality=90)
    result = scan([library], Options(cache_path=cache_file, workers=0))
    assert _groups(result) == {frozenset({"a.jpg", "b.jpg"}): "exact"}
    group = result.groups[0]
    assert [m.match for m in group.members] == ["keeper", "exact"]
    assert result.stats.reclaimable_bytes == (library / "b.jpg").stat().st_size


def test_second_scan_is_served_from_the_cache(corpus: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "c.sqlite3"
    first = scan([corpus], Options(cache_path=cache, workers=2))
    assert first.stats.cache_hits == 0

    def no_decoding(*args: object) -> None:
        raise AssertionError("a cached file was decoded again")

    module = sys.modules["dupeviewer.core.scan"]
    for name in ("fingerprint", "pixel_digest", "byte_digest"):
        monkeypatch.setattr(module, name, no_decoding)
    second = scan([corpus], Options(cache_path=cache, workers=0))
    assert second.stats.cache_hits == second.stats.files == first.stats.files
    assert _groups(second) == _groups(first)


def test_changed_file_is_fingerprinted_again(library: Path, cache_file: Path) -> None:
    photo_like(3, (320, 240)).save(library / "a.png")
    scan([library], Options(cache_path=cache_file, workers=0))
    photo_like(4, (400, 300)).save(library / "a.png")
    result = scan([library], Options(cache_path=cache_file, workers=0))
    assert result.stats.cache_hits == 0
    assert result.images[0].width == 400


def test_corrupt_cache_is_rebuilt_with_a_warning(library: Path, cache_file: Path) -> None:
    photo_like(3, (320, 240)).save(library / "a.png")
    scan([library], Options(cache_path=cache_file, workers=0))
    data = cache_file.read_bytes()  # our own cache: its header is kept, its pages garbled
    cache_file.write_bytes(data[:100] + b"this is not a database" * 100)
    result = scan([library], Options(cache_path=cache_file, workers=0))
    assert result.stats.images == 1
    assert any("rebuilt" in w for w in result.warnings)
    again = scan([library], Options(cache_path=cache_file, workers=0))
    assert again.stats.cache_hits == 1
    assert not again.warnings


def test_exif_orientation_gives_upright_size_and_matches(library: Path,
                                                          cache_file: Path) -> None:
    picture = photo_like(5, (800, 600))
    picture.save(library / "upright.jpg", quality=92)
    stored = picture.transpose(Image.Transpose.ROTATE_90)  # pixels turned, tag turns back
    stored.save(library / "tagged.jpg", quality=92, exif=exif_with(orientation=6))
    result = scan([library], Options(cache_path=cache_file, workers=0))
    info = {Path(i.path).name: i for i in result.images}
    assert (info["tagged.jpg"].width, info["tagged.jpg"].height) == (800, 600)
    assert info["tagged.jpg"].orientation == 6
    assert _group_of(result, "tagged.jpg") == frozenset({"upright.jpg", "tagged.jpg"})


def test_metadata_is_read(library: Path, cache_file: Path) -> None:
    photo_like(6, (400, 300)).save(library / "a.jpg", quality=75,
                                   exif=exif_with("2019:02:03 04:05:06", "PhoneCam X"))
    info = scan([library], Options(cache_path=cache_file, workers=0)).images[0]
    assert info.taken == "2019-02-03T04:05:06"
    assert info.camera == "PhoneCam X"
    assert info.format == "JPEG"
    assert info.quality is not None
    assert 70 <= info.quality <= 80


def test_threshold_zero_keeps_only_identical_hashes(corpus: Path, tmp_path: Path) -> None:
    strict = scan([corpus], Options(threshold=0, cache_path=tmp_path / "c", workers=0))
    family = _group_of(strict, "original.jpg") or frozenset()
    assert {"original.jpg", "byte_copy.jpg", "other_exif.jpg"} <= family
    assert "crop5.jpg" not in family


def test_keeper_prefers_resolution_then_size(library: Path, cache_file: Path) -> None:
    picture = photo_like(9, (1200, 900))
    picture.save(library / "big.jpg", quality=70)
    picture.resize((600, 450)).save(library / "small_but_heavy.png")
    result = scan([library], Options(cache_path=cache_file, workers=0))
    group = result.groups[0]
    assert Path(group.keep.path).name == "big.jpg"
    assert group.reason.startswith("highest resolution")
