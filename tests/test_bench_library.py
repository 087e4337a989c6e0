"""The scale benchmark's library generator keeps its ground truth's promises.

Uses two synthetic "wallpapers" in a tmp folder instead of the downloaded packages, so it
needs no network: the plan is seeded, the file count is exact, byte copies have the same
bytes, same-pixel copies the same decoded pixels (and other bytes), and a second run
writes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import library  # noqa: E402


def _sources(tmp: Path) -> list[str]:
    rng = np.random.default_rng(5)
    paths = []
    for k in range(2):
        y, x = np.mgrid[0:600, 0:900].astype(np.float32)
        base = np.stack([x / 4 + 40 * k, y / 3, (x + y) / 6], axis=-1)
        noise = rng.normal(0, 25, (60, 90, 3)).repeat(10, 0).repeat(10, 1)
        arr = np.clip(base + noise, 0, 255).astype(np.uint8)
        path = tmp / f"src{k}.npy"
        np.save(path, arr)
        paths.append(str(path))
    return paths


def _build(tmp: Path, count: int, dense: bool) -> tuple[Path, dict[str, object]]:
    paths = _sources(tmp)
    spec = library.Spec(count, dense, 3, ("a", "b"))
    scenes = library.plan(spec, [(900, 600), (900, 600)])
    root = tmp / "photos"
    written = library.render((str(root), json.dumps(paths), scenes))
    assert written == count
    assert library.render((str(root), json.dumps(paths), scenes)) == 0  # reusable
    return root, library.truth_of(spec, scenes)


def test_plan_is_seeded_and_exact() -> None:
    spec = library.Spec(500, False, 9, ("a", "b"))
    first = library.plan(spec, [(1460, 820), (1000, 1000)])
    assert first == library.plan(spec, [(1460, 820), (1000, 1000)])
    assert sum(1 + len(f.copies) for s in first for f in s.frames) == 500
    assert {s.sort for s in first} == {"single", "dupes", "burst"}
    other = library.plan(library.Spec(500, False, 10, ("a", "b")), [(1460, 820), (1000, 1000)])
    assert other != first


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def test_copies_are_what_the_truth_says(tmp_path: Path) -> None:
    root, truth = _build(tmp_path, 300, dense=False)
    files = {f["path"]: f for f in truth["files"]}  # type: ignore[attr-defined]
    assert len(files) == 300
    assert all((root / p).is_file() for p in files)
    seen = set()
    for original, copies in truth["duplicates"].items():  # type: ignore[attr-defined]
        for copy in copies:
            expect = files[copy]["expect"]
            seen.add(expect)
            same_bytes = (root / original).read_bytes() == (root / copy).read_bytes()
            assert same_bytes == (expect == "exact"), (original, copy)
            if expect == "pixels":
                assert np.array_equal(_pixels(root / original), _pixels(root / copy)), copy
            elif expect == "near":
                assert not np.array_equal(_pixels(root / original), _pixels(root / copy))
    assert seen == {"exact", "pixels", "near", "rotation"}


def test_dense_library_is_bursts_of_fifty(tmp_path: Path) -> None:
    _, truth = _build(tmp_path, 150, dense=True)
    bursts: dict[object, int] = {}
    for f in truth["files"]:  # type: ignore[attr-defined]
        bursts[f["burst"]] = bursts.get(f["burst"], 0) + 1
        assert f["kind"] == "original"
    assert sorted(bursts.values()) == [50, 50, 50]


def test_every_copy_kind_of_every_format(tmp_path: Path) -> None:
    src = np.load(_sources(tmp_path)[0])
    for fmt in ("JPEG", "PNG", "WEBP"):
        frame = library.Frame("IMG_1", (0.1, 0.1, 0.6, 0.7), (300, 240), fmt, 90)
        data = library._encode(library._render_frame(src, frame), fmt, 90)
        decoded = library._decode(data)
        for kind in library.COPY_KINDS:
            copy = library._copy(kind, data, decoded, frame, "2020:01:01 10:00:00")
            expect = library.EXPECT[kind]
            assert (copy == data) == (expect == "exact"), (fmt, kind)
            same = np.array_equal(np.asarray(library._decode(copy)), np.asarray(decoded))
            assert same == (expect in ("exact", "pixels")), (fmt, kind)
