"""A very deep folder tree is walked in time linear in its folders, without recursion."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from dupeviewer.core.discover import discover, resolve_roots

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

DEPTH = 1500
"""Deeper than Python's recursion limit; with one-letter names the bottom stays under PATH_MAX."""


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


def build_chain(top: Path, depth: int, bottom: str, data: bytes) -> str:
    """Create ``top/d/d/.../d/bottom`` (``depth`` folders) through directory fds."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        out = os.open(bottom, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        with os.fdopen(out, "wb") as handle:
            handle.write(data)
    finally:
        os.close(fd)
    return os.path.join(top, *(["d"] * depth), bottom)


def remove_chain(top: Path) -> None:
    """Remove ``top/d/d/...`` bottom-up through ``..`` fds (shutil.rmtree recurses too deep)."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    depth = 0
    while True:
        try:
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        except FileNotFoundError:
            break
        os.close(fd)
        fd, depth = child, depth + 1
    try:
        while depth:
            for name in os.listdir(fd):
                os.unlink(name, dir_fd=fd)
            parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = parent
            os.rmdir("d", dir_fd=fd)
            depth -= 1
    finally:
        os.close(fd)


@pytest.fixture
def deep_tree(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    top = tmp_path / "deep"
    top.mkdir()
    bottom = build_chain(top, DEPTH, "bottom.jpg", _jpeg())
    yield top, bottom
    remove_chain(top)


def _counting(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> dict[str, int]:
    """Count calls of ``os.<name>`` (what os.path.realpath and the walk use to ask the disk)."""
    counts = dict.fromkeys(names, 0)
    for name in names:
        real: Callable[..., object] = getattr(os, name)

        def counted(*args: object, _name: str = name, _real: Callable[..., object] = real,
                    **kwargs: object) -> object:
            counts[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, counted)
    return counts


def test_a_1500_deep_tree_is_walked_with_one_stat_per_folder(
        deep_tree: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    top, bottom = deep_tree
    roots, problems = resolve_roots([top])
    assert not problems
    counts = _counting(monkeypatch, ("stat", "lstat", "readlink"))

    found = discover(roots)

    assert [f.path for f in found.files] == [bottom]
    assert not found.skipped
    # Linear: a few system calls per folder, not one per folder *on the path* of each
    # folder (os.path.realpath per folder made ~1.1 million lstat calls here).
    assert sum(counts.values()) <= 2 * (DEPTH + 1)


def test_the_users_trash_is_skipped_by_identity_even_through_a_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG trash is recognised by (st_dev, st_ino), whatever path reaches it."""
    root = tmp_path / "library"
    trash_files = root / "share" / "Trash" / "files"
    trash_files.mkdir(parents=True)
    (trash_files / "trashed.jpg").write_bytes(_jpeg())
    (root / "kept.jpg").write_bytes(_jpeg())
    (tmp_path / "data").symlink_to(root / "share")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    found = discover(resolve_roots([root])[0])

    assert [f.path for f in found.files] == [str(root / "kept.jpg")]


def test_a_scanned_root_that_is_the_trash_itself_is_still_walked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only folders met inside a root are skipped as trash: asking for it explicitly works."""
    trash = tmp_path / "share" / "Trash"
    (trash / "files").mkdir(parents=True)
    (trash / "files" / "trashed.jpg").write_bytes(_jpeg())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))

    found = discover(resolve_roots([trash])[0])

    assert [f.path for f in found.files] == [str(trash / "files" / "trashed.jpg")]
