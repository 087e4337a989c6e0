"""The demo library: right files in the right categories, each a valid picture (no Qt)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING

import imagehash
import pytest
from PIL import Image, ImageOps

from dupeviewer import demo

if TYPE_CHECKING:
    from pathlib import Path

EXPECTED_COUNTS = {
    "original": 13,
    "exact": 4,
    "metadata": 2,
    "resized": 2,
    "quality60": 2,
    "png": 1,
    "rotated": 1,
    "orientation": 1,
    "brightness": 1,
    "unrelated": 15,
}
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
MODEL = 0x0110
ORIENTATION = 0x0112


@pytest.fixture(scope="module")
def demo_lib(tmp_path_factory: pytest.TempPathFactory) -> demo.DemoLibrary:
    return demo.build_demo_library(tmp_path_factory.mktemp("demo") / "library")


def upright(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def date_taken(path: Path) -> str | None:
    with Image.open(path) as image:
        value = image.getexif().get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL)
    return None if value is None else str(value)


def files_of(library: demo.DemoLibrary, category: str) -> list[demo.DemoFile]:
    return library.by_category()[category]


def test_category_counts(demo_lib: demo.DemoLibrary) -> None:
    counts = {name: len(items) for name, items in demo_lib.by_category().items()}
    assert counts == EXPECTED_COUNTS
    assert demo.CATEGORY_COUNTS == EXPECTED_COUNTS


def test_files_on_disk_match_the_manifest(demo_lib: demo.DemoLibrary) -> None:
    on_disk = {p.relative_to(demo_lib.root) for p in demo_lib.root.rglob("*") if p.is_file()}
    assert on_disk == {item.path for item in demo_lib.files}
    assert len(on_disk) == sum(EXPECTED_COUNTS.values())
    folders = Counter(path.parts[0] for path in on_disk)
    assert set(folders) == set(demo.FOLDERS)
    assert all(count >= 3 for count in folders.values())


def test_every_image_opens_with_pillow(demo_lib: demo.DemoLibrary) -> None:
    for item in demo_lib.files:
        with Image.open(demo_lib.root / item.path) as image:
            image.load()
            assert image.format == ("PNG" if item.path.suffix == ".png" else "JPEG")
            assert min(image.size) >= 400


def test_jpegs_carry_date_taken_and_camera(demo_lib: demo.DemoLibrary) -> None:
    for item in demo_lib.files:
        if item.path.suffix != ".jpg":
            continue
        with Image.open(demo_lib.root / item.path) as image:
            exif = image.getexif()
        assert exif.get(MODEL), item.path
        assert date_taken(demo_lib.root / item.path), item.path


def test_copies_point_at_originals(demo_lib: demo.DemoLibrary) -> None:
    originals = {item.path for item in files_of(demo_lib, "original")}
    for item in demo_lib.files:
        if item.category in ("original", "unrelated"):
            assert item.source is None
        else:
            assert item.source in originals, item


def test_exact_copies_are_byte_identical(demo_lib: demo.DemoLibrary) -> None:
    for item in files_of(demo_lib, "exact"):
        assert item.source is not None
        copy_bytes = (demo_lib.root / item.path).read_bytes()
        assert copy_bytes == (demo_lib.root / item.source).read_bytes()


def test_metadata_copies_have_same_pixels_and_another_date(demo_lib: demo.DemoLibrary) -> None:
    for item in files_of(demo_lib, "metadata"):
        assert item.source is not None
        copy, source = demo_lib.root / item.path, demo_lib.root / item.source
        assert copy.read_bytes() != source.read_bytes()
        assert upright(copy).tobytes() == upright(source).tobytes()
        assert date_taken(copy) != date_taken(source)


def test_png_conversion_has_same_pixels(demo_lib: demo.DemoLibrary) -> None:
    (item,) = files_of(demo_lib, "png")
    assert item.source is not None
    converted = upright(demo_lib.root / item.path)
    assert converted.tobytes() == upright(demo_lib.root / item.source).tobytes()


def test_resized_copies_are_half_size(demo_lib: demo.DemoLibrary) -> None:
    for item in files_of(demo_lib, "resized"):
        assert item.source is not None
        small, full = upright(demo_lib.root / item.path), upright(demo_lib.root / item.source)
        assert small.size == (full.width // 2, full.height // 2)


def test_rotated_copies(demo_lib: demo.DemoLibrary) -> None:
    (turned,) = files_of(demo_lib, "rotated")
    (tagged,) = files_of(demo_lib, "orientation")
    assert turned.source is not None
    assert tagged.source is not None
    source = upright(demo_lib.root / turned.source)
    assert upright(demo_lib.root / turned.path).size == (source.height, source.width)

    with Image.open(demo_lib.root / tagged.path) as raw:
        assert raw.getexif().get(ORIENTATION) == 6
        stored_size = raw.size
    shown, source = upright(demo_lib.root / tagged.path), upright(demo_lib.root / tagged.source)
    assert stored_size == (source.height, source.width)
    assert shown.size == source.size
    assert imagehash.phash(shown) - imagehash.phash(source) <= 4


def test_near_copies_hash_close_to_their_source(demo_lib: demo.DemoLibrary) -> None:
    for category in ("resized", "quality60", "brightness"):
        for item in files_of(demo_lib, category):
            assert item.source is not None
            copy, source = upright(demo_lib.root / item.path), upright(demo_lib.root / item.source)
            assert copy.tobytes() != source.tobytes()
            assert imagehash.phash(copy) - imagehash.phash(source) <= 6, item


def test_default_destination_is_a_fresh_temp_folder() -> None:
    root = demo.make_demo_library()
    try:
        assert root.name.startswith("dupeviewer-demo-")
        assert sum(1 for p in root.rglob("*") if p.is_file()) == sum(EXPECTED_COUNTS.values())
    finally:
        shutil.rmtree(root)


def test_refuses_a_non_empty_destination(tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "keep.txt").write_text("user data")
    with pytest.raises(FileExistsError):
        demo.make_demo_library(dest)
    assert [p.name for p in dest.iterdir()] == ["keep.txt"]


def test_photo_like_is_deterministic_and_sized() -> None:
    first, second = demo.photo_like(7, (320, 240)), demo.photo_like(7, (320, 240))
    assert first.mode == "RGB"
    assert first.size == (320, 240)
    assert first.tobytes() == second.tobytes()


def test_photo_like_seeds_are_perceptually_different() -> None:
    hashes = [imagehash.phash(demo.photo_like(seed, (320, 240))) for seed in range(24)]
    distances = [a - b for a, b in itertools.combinations(hashes, 2)]
    assert min(distances) > 10
    assert sum(distances) / len(distances) > 24


def test_demo_module_does_not_import_qt() -> None:
    code = (
        "import sys, dupeviewer.demo\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
