"""The keeper is the original: among the same pixels the copy with the picture's history
wins; among near copies resolution, then quality, then history; losses are named."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from PIL import Image

from dupeviewer.core.model import Group, ImageInfo, Member, Options
from dupeviewer.core.policy import Selection, choose_keeper, lost_history
from dupeviewer.core.scan import scan
from tests.helpers.pictures import exif_with, photo_like


def _scan(folder: Path, cache: Path) -> tuple[Group, Selection]:
    result = scan([folder], Options(cache_path=cache, workers=0))
    assert len(result.groups) == 1, result.groups
    return result.groups[0], Selection(result.groups)


def _names(group: Group, indexes: set[int]) -> set[str]:
    return {Path(group.members[m].path).name for m in indexes}


def test_camera_jpeg_beats_a_larger_png_resave_of_its_pixels(library: Path,
                                                            cache_file: Path) -> None:
    """The real-folder case: a lossless PNG re-save without EXIF (the larger file) was
    kept and the camera JPEG with the date taken was marked for the trash."""
    camera = library / "IMG_1011.jpg"
    photo_like(11, (800, 600)).save(camera, quality=88,
                                    exif=exif_with("2023:07:14 09:30:00", "Pixel 7"))
    with Image.open(camera) as decoded:
        decoded.convert("RGB").save(library / "IMG_1011_png.png")
    assert (library / "IMG_1011_png.png").stat().st_size > camera.stat().st_size
    group, selection = _scan(library, cache_file)
    assert group.kind == "pixels"
    assert Path(group.keep.path).name == "IMG_1011.jpg"
    assert _names(group, selection.marked[0]) == {"IMG_1011_png.png"}
    assert group.reason == "has the date taken and camera (the other copy lacks them)"
    assert selection.losses() == {}  # the keeper holds everything the PNG holds


def test_camera_format_beats_a_conversion_when_neither_has_exif(library: Path,
                                                               cache_file: Path) -> None:
    camera = library / "shot.jpg"
    photo_like(12, (640, 480)).save(camera, quality=90)
    with Image.open(camera) as decoded:
        decoded.convert("RGB").save(library / "shot.png")
    group, selection = _scan(library, cache_file)
    assert group.kind == "pixels"
    assert Path(group.keep.path).name == "shot.jpg"
    assert group.reason == "camera's own format (JPEG)"
    assert _names(group, selection.marked[0]) == {"shot.png"}


def test_oldest_file_wins_among_resaves_without_history(library: Path,
                                                       cache_file: Path) -> None:
    picture = photo_like(13, (320, 240))
    picture.save(library / "a_copy.png")
    picture.save(library / "first.png", pnginfo=_note())  # other bytes, same pixels
    os.utime(library / "first.png", ns=(1_000_000_000, 1_000_000_000))
    group, _ = _scan(library, cache_file)
    assert group.kind == "pixels"
    assert Path(group.keep.path).name == "first.png"
    assert group.reason == "oldest file"


def _note() -> object:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "re-saved")
    return info


def test_near_copies_keep_resolution_and_warn_of_the_history_lost(
        library: Path, cache_file: Path) -> None:
    picture = photo_like(14, (1600, 1200))
    picture.save(library / "big.png")
    picture.resize((400, 300), Image.Resampling.LANCZOS).save(
        library / "small.jpg", quality=90, exif=exif_with("2022:03:04 05:06:07", "EOS R5"))
    group, selection = _scan(library, cache_file)
    assert group.kind == "near"
    assert Path(group.keep.path).name == "big.png"
    assert group.reason == "highest resolution (1600\u00d71200)"
    assert selection.losses() == {}  # near copies are not marked by default
    selection.mark_all_but_keeper()
    small = str(library / "small.jpg")
    assert selection.losses() == {small: ("taken", "camera")}
    assert lost_history(group, selection.marked[0], 1) == ("taken", "camera")
    assert lost_history(group, set(), 1) == ()  # nothing is lost while it is kept


def _info(name: str, **changes: object) -> ImageInfo:
    base = ImageInfo(path=f"/p/{name}", size=1000, mtime_ns=5, dev=1, ino=len(name),
                     width=100, height=100, format="PNG", dhash=0, phash=0,
                     pixel_digest="same")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_gps_alone_decides_among_the_same_pixels() -> None:
    plain = _info("plain.png", size=5000)
    located = _info("located_longer_name.png", gps=True)
    index, reason = choose_keeper([plain, located])
    assert index == 1
    assert reason == "has the GPS (the other copy lacks it)"


def test_camera_alone_decides_among_the_same_pixels() -> None:
    plain = _info("a.png", size=5000, mtime_ns=1)
    from_camera = _info("b.png", camera="Pixel 7")
    index, reason = choose_keeper([plain, from_camera])
    assert index == 1
    assert reason == "has the camera (the other copy lacks it)"


def test_date_taken_ranks_before_camera_and_gps() -> None:
    dated = _info("dated.png", taken="2020-01-01T10:00:00")
    located = _info("located.png", camera="X", gps=True)
    plain = _info("plain.png", size=9000)
    index, reason = choose_keeper([located, plain, dated])
    assert index == 2
    assert reason == "has the date taken (other copies lack it)"
    group = Group("pixels", (Member(dated), Member(located, match="pixels"),
                             Member(plain, match="pixels")))
    assert lost_history(group, {1, 2}, 1) == ("camera", "gps")
    assert lost_history(group, {1, 2}, 2) == ()


def test_near_quality_ranks_before_history_and_the_class_counts() -> None:
    """A PNG re-save of a JPEG (quality 70) holds quality-70 pixels, not lossless ones."""
    camera = _info("orig.jpg", format="JPEG", quality=70, taken="2020-01-01T10:00:00",
                   pixel_digest="a")
    resave = _info("orig.png", pixel_digest="a", size=9000)
    better = _info("better.jpg", format="JPEG", quality=95, pixel_digest="b")
    index, reason = choose_keeper([camera, resave, better])
    assert index == 2
    assert reason == "best quality (JPEG quality 95)"
    lossless = _info("master.tif", format="TIFF", pixel_digest="c", mtime_ns=9)
    index, reason = choose_keeper([camera, resave, lossless])
    assert index == 2
    assert reason == "best quality (lossless)"


def test_exact_copies_keep_the_oldest_file_then_the_shortest_path() -> None:
    first = _info("backup/deep/x.png", byte_digest="d", mtime_ns=1)
    later = _info("x.png", byte_digest="d", mtime_ns=2)
    assert choose_keeper([later, first]) == (1, "oldest file")
    same = dataclasses.replace(first, mtime_ns=2)
    assert choose_keeper([same, later]) == (1, "shortest path")


def test_reference_copies_still_win() -> None:
    camera = _info("a.jpg", format="JPEG", taken="2020-01-01T10:00:00", camera="X")
    resave = _info("b.png")
    assert choose_keeper([camera, resave], [False, True]) == (1, "in a reference folder")


def test_keep_by_rules_break_ties_by_history() -> None:
    """Keep-by resolution or quality in a same-pixel group keeps the camera JPEG, as the
    suggestion does; keep-by size is the user's explicit choice of the largest file."""
    camera = _info("cam.jpg", format="JPEG", quality=90, taken="2020-01-01T10:00:00")
    resave = _info("cam.png", size=9000)
    group = Group("pixels", (Member(camera), Member(resave, match="pixels")))
    selection = Selection([group])
    for rule in ("resolution", "quality"):
        selection.keep_by(rule)
        assert selection.marked[0] == {1}, rule
    selection.keep_by("size")
    assert selection.marked[0] == {0}
    assert selection.losses() == {camera.path: ("taken",)}
