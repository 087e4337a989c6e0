"""One read and one decode per file on a first scan; rotated hashes from the one DCT.

Opens, bytes read and decodes are counted per file by patching ``open`` (which both the
engine and Pillow call to open a path) and ``ImageFile.load`` (every real decode, JPEG,
PNG or WebP, ends there); DCTs by patching the engine's ``phashes`` and imagehash's hash
functions. Work is attributed to the file opened last: with ``workers=0`` the scan
decodes and hashes one file at a time, right after opening it.
"""

from __future__ import annotations

import builtins
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageFile

from dupeviewer.core import fingerprint as fp
from dupeviewer.core.fingerprint import TRANSFORMS, byte_digest, dhashes, phashes
from dupeviewer.core.model import FileStat, ImageInfo, Options, ScanResult
from dupeviewer.core.scan import regroup, scan
from tests.helpers.pictures import exif_with, photo_like

WORKING = Image.Resampling.LANCZOS


@dataclass
class Counts:
    """What a scan did to each file of the library, by file name."""

    folder: Path
    opens: Counter[str] = field(default_factory=Counter)
    read: Counter[str] = field(default_factory=Counter)
    decodes: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    dcts: Counter[str] = field(default_factory=Counter)
    imagehash_calls: Counter[str] = field(default_factory=Counter)
    current: str = ""

    def full_decodes(self, name: str) -> int:
        with Image.open(self.folder / name) as image:
            size = image.size
        return sum(1 for n, decoded in self.decodes if n == name and decoded == size)


class _Counted:
    """A file object that adds the bytes read through it to ``counts.read``."""

    def __init__(self, handle: Any, counts: Counts, name: str) -> None:
        self._handle, self._counts, self._name = handle, counts, name

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._handle.read(size)
        self._counts.read[self._name] += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        count: int = self._handle.readinto(buffer)
        self._counts.read[self._name] += count
        return count

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


@pytest.fixture
def counts(library: Path, monkeypatch: pytest.MonkeyPatch) -> Counts:
    found = Counts(library)
    real_open, real_load = builtins.open, ImageFile.ImageFile.load
    real_phashes = getattr(fp, "phashes", None)

    def counted_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if isinstance(file, (str, Path)) and Path(file).parent == library:
            found.current = Path(file).name
            found.opens[found.current] += 1
            return _Counted(handle, found, found.current)
        return handle

    def counted_load(self: ImageFile.ImageFile) -> Any:
        if self.tile:  # not yet decoded: this call decodes
            found.decodes.append((found.current, self.size))
        return real_load(self)

    def counted_phashes(*args: Any) -> Any:
        found.dcts[found.current] += 1
        assert real_phashes is not None
        return real_phashes(*args)

    def counted(function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            found.imagehash_calls[found.current] += 1
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(builtins, "open", counted_open)
    monkeypatch.setattr(ImageFile.ImageFile, "load", counted_load)
    monkeypatch.setattr(fp, "phashes", counted_phashes, raising=False)
    for name in ("phash", "dhash"):
        monkeypatch.setattr(imagehash, name, counted(getattr(imagehash, name)))
    return found


def _padded_jpeg(path: Path, seed: int, size: tuple[int, int], length: int) -> None:
    """A JPEG followed by zeros up to ``length`` bytes: a different picture of the very
    same byte size as another, so the scan must tell their bytes apart."""
    photo_like(seed, size).save(path, quality=88)
    with open(path, "ab") as handle:
        handle.write(b"\0" * (length - path.stat().st_size))


@pytest.fixture
def mixed(library: Path) -> dict[str, set[str]]:
    """A small library: names of files without a twin, and the twin groups expected."""
    photo_like(1, (1200, 900)).save(library / "a.jpg", quality=90)
    shutil.copy(library / "a.jpg", library / "a-copy.jpg")
    photo_like(2, (640, 480)).save(library / "b.png")
    photo_like(3, (800, 600)).save(library / "c.webp", quality=85)
    _padded_jpeg(library / "d.jpg", 4, (720, 540), 200_000)
    _padded_jpeg(library / "e.jpg", 5, (1000, 750), 200_000)
    photo_like(6, (480, 360)).save(library / "f.jpg", quality=80)
    picture = photo_like(7, (960, 720))
    picture.save(library / "g.jpg", quality=92, exif=exif_with("2020:01:01 10:00:00"))
    picture.save(library / "g-exif.jpg", quality=92, exif=exif_with("2023:05:05 05:05:05"))
    return {"alone": {"b.png", "c.webp", "d.jpg", "e.jpg", "f.jpg"},
            "exact": {"a.jpg", "a-copy.jpg"}, "pixels": {"g.jpg", "g-exif.jpg"}}


def _first_scan(library: Path, tmp_path: Path, **options: Any) -> ScanResult:
    return scan([library], Options(cache_path=tmp_path / "cache.sqlite3", workers=0,
                                   **options))


def test_a_file_without_a_twin_is_opened_read_and_decoded_once(
        library: Path, tmp_path: Path, mixed: dict[str, set[str]], counts: Counts) -> None:
    _first_scan(library, tmp_path)
    for name in sorted(mixed["alone"]):
        size = (library / name).stat().st_size
        assert counts.opens[name] == 1, f"{name} opened {counts.opens[name]} times"
        assert counts.read[name] == size, f"{name}: {counts.read[name]} bytes read of {size}"
        assert [n for n, _ in counts.decodes].count(name) == 1, f"{name} decoded again"


def test_same_sized_files_need_no_second_read_for_their_byte_digests(
        library: Path, tmp_path: Path, mixed: dict[str, set[str]], counts: Counts) -> None:
    assert (library / "d.jpg").stat().st_size == (library / "e.jpg").stat().st_size
    result = _first_scan(library, tmp_path)
    for name in ("d.jpg", "e.jpg", "a.jpg", "a-copy.jpg"):
        assert counts.opens[name] == 1, f"{name} opened {counts.opens[name]} times"
    infos = {Path(i.path).name: i for i in result.images}
    for name, info in infos.items():  # what was digested in memory is the file's digest
        assert info.byte_digest == byte_digest(info.path), name


def test_each_file_gets_one_dct_and_twins_at_most_one_more_full_decode(
        library: Path, tmp_path: Path, mixed: dict[str, set[str]], counts: Counts) -> None:
    _first_scan(library, tmp_path, rotations=True)
    for name in sorted(p.name for p in library.iterdir()):
        assert counts.dcts[name] == 1, f"{name}: {counts.dcts[name]} DCTs, not 1"
        assert counts.imagehash_calls[name] == 0, f"{name}: imagehash called (a DCT each)"
        assert counts.full_decodes(name) <= (2 if name in mixed["pixels"] else 1), name
    assert counts.full_decodes("b.png") == counts.full_decodes("c.webp") == 1


def test_copies_and_same_pixel_files_are_still_grouped(
        library: Path, tmp_path: Path, mixed: dict[str, set[str]]) -> None:
    result = _first_scan(library, tmp_path)
    found = {g.kind: {Path(m.path).name for m in g.members} for g in result.groups}
    assert found == {"exact": mixed["exact"], "pixels": mixed["pixels"]}
    pixels = [g for g in result.groups if g.kind == "pixels"][0]
    assert [m.match for m in pixels.members] == ["keeper", "pixels"]


def test_pixel_digest_is_the_digest_of_the_packed_pixels() -> None:
    picture = photo_like(8, (333, 201))  # odd sizes: rows are not a whole number of chunks
    digest = fp.new_digest()
    digest.update(b"333x201:")
    digest.update(picture.tobytes())
    assert fp._rgb_digest(picture) == digest.hexdigest()


def _gray(seed: int) -> Image.Image:
    """The 64x64 grey every hash is computed from, of a photo-like picture."""
    picture = photo_like(seed, (int(200 + 37 * (seed % 5)), int(150 + 23 * (seed % 3))))
    return picture.convert("L").resize((64, 64), WORKING, reducing_gap=3.0)


def _bits(h: imagehash.ImageHash) -> int:
    """The bits of an imagehash hash, packed as the engine packs them."""
    return int.from_bytes(np.packbits(np.asarray(h.hash).ravel()).tobytes(), "big")


@pytest.mark.parametrize("seed", range(40))
def test_rotated_phashes_from_one_dct_are_those_of_the_turned_picture(seed: int) -> None:
    """Exactly imagehash.phash of the turned 32x32 grey (the DCT's input; the engine's DCT
    is two matrix products, scipy's an FFT: equal up to rounding far below any gap between
    a coefficient and the median). Against the
    turned 64x64 grey, which imagehash shrinks itself, two bits may differ for the four
    transforms that transpose: Pillow shrinks rows, rounds to 8 bits, then columns, so a
    transposed input is rounded in the other order and two DCT coefficients close to the
    median can swap sides. Mirrors commute with the shrink exactly."""
    gray = _gray(seed)
    small = gray.resize((32, 32), WORKING)
    derived = phashes(gray)
    assert derived[0] == _bits(imagehash.phash(gray))
    for transform, value in zip(TRANSFORMS, derived[1:]):
        assert value == _bits(imagehash.phash(small.transpose(transform))), transform
        old = _bits(imagehash.phash(gray.transpose(transform)))
        assert (value ^ old).bit_count() <= (2 if _transposes(transform) else 0), transform


@pytest.mark.parametrize("seed", range(40))
def test_rotated_dhashes_are_those_of_the_turned_grey(seed: int) -> None:
    """Exactly imagehash.dhash of the turned 64x64 grey, for all eight."""
    gray = _gray(seed)
    expected = [_bits(imagehash.dhash(g))
                for g in [gray, *(gray.transpose(t) for t in TRANSFORMS)]]
    assert dhashes(gray) == expected


def _transposes(transform: Image.Transpose) -> bool:
    return transform not in (Image.Transpose.ROTATE_180, Image.Transpose.FLIP_LEFT_RIGHT,
                             Image.Transpose.FLIP_TOP_BOTTOM)


def _info(path: Path) -> ImageInfo:
    st = path.stat()
    result = fp.fingerprint(FileStat(str(path), st.st_size, st.st_mtime_ns, st.st_dev,
                                     st.st_ino))
    assert isinstance(result, ImageInfo), result
    return result


def test_a_turned_copy_hashes_close_to_the_derived_rotation(tmp_path: Path) -> None:
    picture = photo_like(9, (900, 600))
    picture.save(tmp_path / "upright.png")
    upright = _info(tmp_path / "upright.png")
    for index, transform in enumerate(TRANSFORMS):
        picture.transpose(transform).save(tmp_path / f"turned{index}.png")
        turned = _info(tmp_path / f"turned{index}.png")
        assert (turned.phash ^ upright.rot_phash[index]).bit_count() <= 4, transform
        assert (turned.dhash ^ upright.rot_dhash[index]).bit_count() <= 4, transform


def test_ticking_rotations_regroups_without_reading_a_file(
        library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = photo_like(10, (800, 600))
    picture.save(library / "upright.jpg", quality=90)
    picture.transpose(Image.Transpose.ROTATE_90).save(library / "turned.jpg", quality=90)
    photo_like(11, (800, 600)).save(library / "other.jpg", quality=90)
    first = _first_scan(library, tmp_path)
    assert not first.groups
    real_open = builtins.open

    def no_reading(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, Path)) and Path(file).parent == library:
            raise AssertionError(f"{file} was opened by a regroup")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_reading)
    turned = regroup(first, Options(rotations=True))
    assert [{Path(m.path).name for m in g.members} for g in turned.groups] == [
        {"upright.jpg", "turned.jpg"}]
