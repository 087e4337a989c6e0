"""Every photo format people have is read, and copies across formats are found."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, features

from dupeviewer.core import Options, scan
from tests.helpers.pictures import exif_with, photo_like

SIZE = (480, 360)


def _frames() -> list[Image.Image]:
    return [photo_like(50 + i, SIZE) for i in range(3)]


def _save_all(folder: Path) -> dict[str, tuple[str, bool]]:
    """Write the first picture in every format; returns name -> (format, animated)."""
    frames = _frames()
    first = frames[0]
    made = {
        "a.jpg": ("JPEG", False), "b.png": ("PNG", False), "c.bmp": ("BMP", False),
        "d.tiff": ("TIFF", True), "e.gif": ("GIF", True), "f.webp": ("WEBP", True),
        "g.heic": ("HEIF", False),
    }
    first.save(folder / "a.jpg", quality=95, exif=exif_with("2022:02:02 02:02:02", "Cam"))
    first.save(folder / "b.png")
    first.save(folder / "c.bmp")
    first.save(folder / "d.tiff", save_all=True, append_images=frames[1:])
    first.save(folder / "e.gif", save_all=True, append_images=frames[1:], duration=100)
    first.save(folder / "f.webp", save_all=True, append_images=frames[1:], quality=90)
    first.save(folder / "g.heic", quality=90)
    if features.check("avif"):
        first.save(folder / "h.avif", quality=90)
        made["h.avif"] = ("AVIF", False)
    return made


def test_every_format_is_fingerprinted_and_grouped(library: Path, cache_file: Path) -> None:
    made = _save_all(library)
    (library / "IMG_0001.CR2").write_bytes(b"II*\x00" + b"\x00" * 100)
    (library / "UPPER.JPG").write_bytes((library / "a.jpg").read_bytes())
    result = scan([library], Options(cache_path=cache_file, workers=0))
    infos = {Path(i.path).name: i for i in result.images}
    for name, (fmt, animated) in made.items():
        assert infos[name].format == fmt, name
        assert (infos[name].width, infos[name].height) == SIZE, name
        assert infos[name].animated is animated, name
    assert [s.reason for s in result.skipped] == ["RAW not supported"]
    # the first frame/page of every file is the same picture: one group holds them all
    (group,) = result.groups
    assert {Path(m.path).name for m in group.members} == set(made) | {"UPPER.JPG"}
    by_name = {Path(m.path).name: m for m in group.members}
    assert by_name["b.png"].match in ("keeper", "pixels")
    assert infos["a.jpg"].taken == "2022-02-02T02:02:02"
    assert infos["a.jpg"].camera == "Cam"


@pytest.mark.parametrize("quality", [50, 75, 95])
def test_jpeg_quality_estimate_tracks_the_encoder(library: Path, cache_file: Path,
                                                  quality: int) -> None:
    photo_like(60, SIZE).save(library / "q.jpg", quality=quality)
    info = scan([library], Options(cache_path=cache_file, workers=0)).images[0]
    assert info.quality is not None
    assert abs(info.quality - quality) <= 3


def test_gps_flag(library: Path, cache_file: Path) -> None:
    exif = exif_with()
    exif.get_ifd(0x8825)[1] = "N"
    exif.get_ifd(0x8825)[2] = (52.0, 31.0, 0.0)
    photo_like(61, SIZE).save(library / "gps.jpg", exif=exif)
    photo_like(62, SIZE).save(library / "nogps.jpg", exif=exif_with())
    infos = {Path(i.path).name: i for i in
             scan([library], Options(cache_path=cache_file, workers=0)).images}
    assert infos["gps.jpg"].gps is True
    assert infos["nogps.jpg"].gps is False


def test_tiff_orientation_is_applied_once(library: Path, cache_file: Path) -> None:
    upright = photo_like(63, SIZE)
    upright.transpose(Image.Transpose.ROTATE_90).save(library / "turned.tif",
                                                      exif=exif_with(orientation=6))
    upright.save(library / "upright.png")
    result = scan([library], Options(cache_path=cache_file, workers=0))
    infos = {Path(i.path).name: i for i in result.images}
    assert (infos["turned.tif"].width, infos["turned.tif"].height) == SIZE
    (group,) = result.groups
    assert group.kind == "pixels"


def test_quality_rule_ranks_lossless_then_jpeg_quality_then_unknown(
        library: Path, cache_file: Path) -> None:
    from dupeviewer.core.policy import Selection

    picture = photo_like(64, SIZE)
    picture.save(library / "a_q70.jpg", quality=70)
    picture.save(library / "b_q95.jpg", quality=95)
    picture.save(library / "c.webp", quality=60)
    result = scan([library], Options(cache_path=cache_file, workers=0))
    selection = Selection(result.groups)
    selection.keep_by("quality")
    (group,) = result.groups
    kept = [m.path for i, m in enumerate(group.members) if i not in selection.marked[0]]
    assert [Path(p).name for p in kept] == ["b_q95.jpg"]
    picture.save(library / "d.png")
    result = scan([library], Options(cache_path=cache_file, workers=0))
    selection = Selection(result.groups)
    selection.keep_by("quality")
    group = result.groups[0]
    kept = [m.path for i, m in enumerate(group.members) if i not in selection.marked[0]]
    assert [Path(p).name for p in kept] == ["d.png"]
