"""Hostile inputs: a scan of a folder of malicious, broken and merely odd files finishes,
fingerprints every valid picture and puts every bad file in ``skipped`` with a reason.

Everything is built at test time with Pillow and the standard library. Worker crashes and
hangs are exercised on :class:`dupeviewer.core.pool.WorkerPool` directly with task
functions from the standard library (a real segfault, a real ``os._exit``, a real sleep).
"""

from __future__ import annotations

import ctypes
import functools
import io
import json
import multiprocessing
import operator
import os
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from PIL import Image, ImageDraw, features

from dupeviewer.core import Options, ScanResult, Skipped, scan
from dupeviewer.core.cancel import CancelToken
from dupeviewer.core.pool import WorkerPool
from tests.helpers.pictures import photo_like

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

NOBODY = 65534
SMALL = (64, 48)


@dataclass(frozen=True)
class Expect:
    """What the scan must say about one path: fingerprinted, or skipped with ``reason``."""

    path: str
    outcome: str  # "image" | "skipped"
    reason: str = ""  # regex the skipped reason must match
    width: int | None = None
    height: int | None = None
    animated: bool | None = None
    orientation: int | None = None


# --- builders -------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def raw_png(width: int, height: int, bit_depth: int, colour_type: int, rows: bytes,
            extra: bytes = b"") -> bytes:
    """A PNG written by hand (Pillow cannot write 48-bit RGB, nor lie in IHDR)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + extra
            + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b""))


def png_48bit(width: int = 64, height: int = 48) -> bytes:
    rows = b"".join(
        b"\0" + b"".join(struct.pack(">HHH", x * 1000, y * 1300, (x * y * 37) % 65536)
                         for x in range(width))
        for y in range(height))
    return raw_png(width, height, 16, 2, rows)


def png_16bit_grey(width: int = 64, height: int = 48) -> bytes:
    rows = b"".join(
        b"\0" + b"".join(struct.pack(">H", (x * 1021 + y * 613) % 65536) for x in range(width))
        for y in range(height))
    return raw_png(width, height, 16, 0, rows)


def png_declaring_10_10_pixels() -> bytes:
    """100000 x 100000 = 10^10 pixels declared in 100 bytes."""
    return raw_png(100_000, 100_000, 8, 0, b"\0" * 1000)


def png_ztxt_bomb() -> bytes:
    """A valid 64x48 picture with a zTXt chunk that inflates to 256 MB."""
    rows = b"".join(b"\0" + bytes((x * 4 + y) % 256 for x in range(64 * 3)) for y in range(48))
    bomb = zlib.compress(b"A" * (256 << 20), 9)
    return raw_png(64, 48, 8, 2, rows, _chunk(b"zTXt", b"Comment\0\0" + bomb))


def encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def tiff_exif(entries: list[tuple[int, int, int, bytes]], next_ifd: int = 0) -> bytes:
    """Raw little-endian EXIF: ``(tag, type, count, value-or-offset)`` entries in IFD0."""
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        out += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
    return b"Exif\x00\x00" + out + struct.pack("<I", next_ifd)


def jpeg_with_broken_app1(seed: int) -> bytes:
    """A valid JPEG whose first segment is an APP1 'Exif' block full of garbage."""
    body = encoded(photo_like(seed, SMALL), "JPEG")
    garbage = b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + bytes(range(7, 250, 7)) * 2
    app1 = b"\xff\xe1" + struct.pack(">H", len(garbage) + 2) + garbage
    return body[:2] + app1 + body[2:]


def big_png(path: Path) -> None:
    """A valid 10000 x 10000 PNG, made in about a second (grey, few shapes, fast zlib)."""
    image = Image.new("L", (10_000, 10_000), 40)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.ellipse([i * 700, i * 500, i * 700 + 2500, i * 500 + 1800], fill=(i * 37) % 256)
        draw.rectangle([9000 - i * 650, i * 800, 9900 - i * 600, i * 800 + 700],
                       fill=(i * 91) % 256)
    image.save(path, compress_level=1)


def make_deep_file(root: Path, name: str, data: bytes) -> str:
    """Create ``root/ddd.../ddd.../name`` with a path over 4096 bytes, via directory fds."""
    component = "d" * 250
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    parts = [str(root)]
    try:
        for _ in range(18):
            os.mkdir(component, dir_fd=fd)
            child = os.open(component, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
            parts.append(component)
        out = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        with os.fdopen(out, "wb") as handle:
            handle.write(data)
    finally:
        os.close(fd)
    deep = os.path.join(*parts, name)
    assert len(os.fsencode(deep)) > 4096
    return deep


def build_corpus(root: Path) -> list[Expect]:
    """Write every hostile input under ``root``; return what the scan must say of each."""
    expects: list[Expect] = []
    seeds = iter(range(1000, 2000))

    def put(name: str | bytes, data: bytes) -> str:
        path = os.path.join(os.fsencode(root), os.fsencode(name))
        with open(path, "wb") as handle:
            handle.write(data)
        return os.fsdecode(path)

    def image(name: str | bytes, data: bytes, **facts: object) -> None:
        expects.append(Expect(put(name, data), "image", **facts))  # type: ignore[arg-type]

    def bad(name: str | bytes, data: bytes, reason: str) -> None:
        expects.append(Expect(put(name, data), "skipped", reason))

    def photo(fmt: str = "JPEG", **params: object) -> bytes:
        return encoded(photo_like(next(seeds), SMALL), fmt, **params)

    # Genuinely bad files.
    jpeg, png = photo(), photo("PNG")
    bad("truncated.jpg", jpeg[: len(jpeg) // 2], r"damaged or truncated")
    bad("truncated.png", png[: len(png) // 2], r"damaged or truncated")
    bad("header-only.jpg", jpeg[: jpeg.index(b"\xff\xda")], r"damaged or truncated")
    bad("cut-at-20-bytes.jpg", jpeg[:20], r"damaged or truncated|not a supported image")
    bad("zero.jpg", b"", r"not a supported image")
    bad("zero.png", b"", r"not a supported image")
    bad("notes.jpg", b"shopping list: milk, eggs\n" * 20, r"not a supported image")
    bad("page.png", b"<!doctype html><html><body><img src=x></body></html>\n",
        r"not a supported image")
    bad("bomb.png", png_declaring_10_10_pixels(), r"decompression bomb")
    bad("ztxt-bomb.png", png_ztxt_bomb(), r"[Dd]ecompressed data too large")

    # Valid but odd pictures: all must be fingerprinted.
    big_png(root / "huge-10000.png")
    expects.append(Expect(str(root / "huge-10000.png"), "image", width=10_000, height=10_000))
    image("cmyk.jpg", encoded(photo_like(next(seeds), SMALL).convert("CMYK"), "JPEG"),
          width=64, height=48)
    image("grey16.png", png_16bit_grey(), width=64, height=48)
    image("rgb48.png", png_48bit(), width=64, height=48)
    palette = photo_like(next(seeds), SMALL).convert("P", palette=Image.Palette.ADAPTIVE)
    image("palette-transparent.png", encoded(palette, "PNG", transparency=0), width=64,
          height=48)
    frames = [photo_like(next(seeds), SMALL) for _ in range(3)]
    image("animated.gif", encoded(frames[0], "GIF", save_all=True, append_images=frames[1:],
                                  duration=100, loop=0), animated=True)
    if features.check("webp"):
        frames = [photo_like(next(seeds), SMALL) for _ in range(3)]
        image("animated.webp", encoded(frames[0], "WEBP", save_all=True,
                                       append_images=frames[1:], duration=100, loop=0),
              animated=True)
    short = struct.pack("<H", 9)
    image("exif-orientation-9.jpg", photo(exif=tiff_exif([(0x0112, 3, 1, short)])),
          width=64, height=48, orientation=1)
    image("exif-orientation-0.jpg",
          photo(exif=tiff_exif([(0x0112, 3, 1, struct.pack("<H", 0))])),
          width=64, height=48, orientation=1)
    image("exif-orientation-text.jpg", photo(exif=tiff_exif([(0x0112, 2, 4, b"abc\0")])),
          width=64, height=48, orientation=1)
    loop = tiff_exif([(0x8769, 4, 1, struct.pack("<I", 8)), (0x8825, 4, 1,
                      struct.pack("<I", 8))], next_ifd=8)
    image("exif-ifd-loop.jpg", photo(exif=loop), width=64, height=48)
    huge_count = tiff_exif([(0x0110, 2, 0x7FFFFFFF, struct.pack("<I", 100))])
    image("exif-huge-count.jpg", photo(exif=huge_count), width=64, height=48)
    image("broken-app1.jpg", jpeg_with_broken_app1(next(seeds)), width=64, height=48)

    # Odd names, all valid pictures.
    names: list[str | bytes] = [
        "new\nline.jpg", "it's a \"quote\".jpg", "-rf.jpg", "--help.png",
        "emoji \U0001F4F7\U0001F304.jpg", b"caf\xe9 \xff\xfe.jpg", "back\\slash.jpg",
        " leading space.jpg", "n" * 251 + ".jpg"]
    for name in names:
        assert len(os.fsencode(name)) <= 255
        image(name, photo(), width=64, height=48)

    # A directory named like a photo is a folder: walked, never read as a file.
    (root / "photo.jpg").mkdir()
    image(os.path.join("photo.jpg", "inside.png"), photo("PNG"))

    # Trash folders of every kind are never scanned (their files must not show up at all).
    for trash in (".Trash-1000/files", ".Trash/1000/files", ".Trashes", "$RECYCLE.BIN"):
        (root / trash).mkdir(parents=True)
        (root / trash / "trashed.jpg").write_bytes(photo())

    # Special files and links.
    os.mkfifo(root / "fifo.jpg")
    expects.append(Expect(str(root / "fifo.jpg"), "skipped", r"not a regular file"))
    os.symlink("loop-b.jpg", root / "loop-a.jpg")
    os.symlink("loop-a.jpg", root / "loop-b.jpg")
    os.symlink("self.jpg", root / "self.jpg")
    for name in ("loop-a.jpg", "loop-b.jpg", "self.jpg"):
        expects.append(Expect(str(root / name), "skipped", r"symbolic link loop"))
    os.symlink("nowhere/missing.jpg", root / "dangling.jpg")
    expects.append(Expect(str(root / "dangling.jpg"), "skipped", r"broken symbolic link"))
    os.symlink(".", root / "folder-loop")  # a folder symlink loop: never followed
    os.symlink("..", root / "photo.jpg" / "up.jpg")  # a folder link named like a photo
    outside = root.parent / f"{root.name}-outside.jpg"
    outside.write_bytes(photo())
    os.symlink(outside, root / "link-to-outside.jpg")
    expects.append(Expect(str(root / "link-to-outside.jpg"), "skipped",
                          r"outside the scanned folders"))

    # A path over 4096 bytes (PATH_MAX): its folder is reported, nothing crashes.
    deep = make_deep_file(root, "deep.jpg", photo())
    expects.append(Expect(deep, "skipped", r"path or name too long"))
    return expects


# --- the corpus scan ------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Expect]]:
    root = tmp_path_factory.mktemp("hostile") / "library"
    root.mkdir()
    return root, build_corpus(root)


@pytest.fixture(scope="module")
def result(corpus: tuple[Path, list[Expect]]) -> ScanResult:
    root, _ = corpus
    return scan([root], Options(workers=2, use_cache=False, file_timeout=60))


def find_skip(result: ScanResult, expect: Expect) -> Skipped | None:
    """The skipped record for ``expect.path`` (or for a folder containing it)."""
    for skipped in result.skipped:
        if skipped.path == expect.path:
            return skipped
    for skipped in result.skipped:
        if expect.path.startswith(skipped.path.rstrip(os.sep) + os.sep):
            return skipped
    return None


@pytest.mark.timeout(180)
def test_every_hostile_input_has_its_specific_outcome(
        corpus: tuple[Path, list[Expect]], result: ScanResult) -> None:
    images = {i.path: i for i in result.images}
    problems = []
    for expect in corpus[1]:
        skip = find_skip(result, expect)
        if expect.outcome == "image":
            info = images.get(expect.path)
            if info is None:
                problems.append(f"{expect.path!r}: not fingerprinted "
                                f"({skip.reason if skip else 'not reported at all'})")
                continue
            for field in ("width", "height", "animated", "orientation"):
                wanted = getattr(expect, field)
                if wanted is not None and getattr(info, field) != wanted:
                    problems.append(f"{expect.path!r}: {field} {getattr(info, field)!r}, "
                                    f"expected {wanted!r}")
            if skip is not None:
                problems.append(f"{expect.path!r}: both fingerprinted and skipped")
        else:
            if expect.path in images:
                problems.append(f"{expect.path!r}: fingerprinted, expected skipped")
            elif skip is None:
                problems.append(f"{expect.path!r}: neither fingerprinted nor skipped")
            elif not re.search(expect.reason, skip.reason):
                problems.append(f"{expect.path!r}: reason {skip.reason!r} does not match "
                                f"{expect.reason!r}")
    assert not problems, "\n".join(problems)
    assert not result.cancelled


def test_no_reason_is_a_bare_exception_name(result: ScanResult) -> None:
    """A reason is for a person: never an internal KeyError or an empty string."""
    for skipped in result.skipped:
        assert skipped.reason.strip(), skipped
        assert not re.search(r"KeyError|AttributeError|Traceback|IndexError", skipped.reason), \
            skipped


def test_nothing_outside_the_corpus_and_nothing_twice(
        corpus: tuple[Path, list[Expect]], result: ScanResult) -> None:
    root, expects = corpus
    image_paths = [i.path for i in result.images]
    skipped_paths = [s.path for s in result.skipped]
    assert len(image_paths) == len(set(image_paths))
    assert not set(image_paths) & set(skipped_paths)
    for path in image_paths + skipped_paths:
        assert path.startswith(str(root) + os.sep), path
    wanted_images = {e.path for e in expects if e.outcome == "image"}
    assert set(image_paths) == wanted_images
    assert not any("Trash" in p or "RECYCLE" in p for p in image_paths + skipped_paths)
    # folder symlinks (including a loop, and one named up.jpg) are never followed
    assert not any("folder-loop" in p or "up.jpg" in p for p in image_paths + skipped_paths)


@pytest.mark.timeout(180)
def test_cli_json_reports_the_same_skips(corpus: tuple[Path, list[Expect]],
                                         result: ScanResult) -> None:
    """The headless contract over the same hostile folder: exit 0, valid JSON, same skips."""
    root, _ = corpus
    done = subprocess.run(
        [sys.executable, "-m", "dupeviewer", "scan", str(root), "--json", "--no-cache",
         "--workers", "2", "--quiet"],
        capture_output=True, timeout=170, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    data = json.loads(done.stdout)
    assert {(s["path"], s["reason"]) for s in data["skipped"]} == \
        {(s.path, s.reason) for s in result.skipped}
    assert data["stats"]["images"] == len(result.images)


# --- unreadable files and folders (must run as a user the permissions apply to) ---------

def _scan_summary(root: str) -> dict[str, object]:
    result = scan([root], Options(workers=0, use_cache=False))
    return {"images": [i.path for i in result.images],
            "skipped": [[s.path, s.reason] for s in result.skipped]}


def _as_nobody(root: str, conn: Connection) -> None:
    """Forked child (no exec: the interpreter may live where 'nobody' cannot reach)."""
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    os.environ.update(HOME=root, XDG_CACHE_HOME=os.path.join(root, ".cache"),
                      XDG_DATA_HOME=os.path.join(root, ".local", "share"))
    conn.send(_scan_summary(root))
    conn.close()


def _scan_as_unprivileged(root: str) -> dict[str, object]:
    """Scan ``root`` as a user that file permissions apply to: 'nobody' if we are root."""
    if os.geteuid() != 0:
        return _scan_summary(root)
    # Root reads everything; scanning as root first also imports every lazily imported
    # module, which a 'nobody' child could not read if Python lives under /root.
    as_root = _scan_summary(root)
    assert len(as_root["images"]) == 4, as_root  # type: ignore[arg-type]
    assert not as_root["skipped"], as_root
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_as_nobody, args=(root, child))
    process.start()
    child.close()
    try:
        if not parent.poll(100):
            raise AssertionError("the unprivileged scan did not answer in 100 s")
        return parent.recv()  # type: ignore[no-any-return]
    except EOFError:
        raise AssertionError(f"the unprivileged scan died (exit code {process.exitcode})") \
            from None
    finally:
        process.join(10)
        assert process.exitcode == 0, process.exitcode


@pytest.mark.timeout(120)
def test_unreadable_files_and_folders_are_skipped() -> None:
    """chmod 000 files and folders, and a folder that can be listed but not entered.

    Run as 'nobody' in a subprocess when the suite runs as root (root ignores permissions);
    run as the current user otherwise."""
    if os.geteuid() == 0 and not hasattr(os, "setuid"):
        pytest.skip("running as root and cannot drop privileges on this platform")
    root = tempfile.mkdtemp(prefix="dupeviewer-perm-")  # under /tmp: reachable by nobody
    try:
        os.chmod(root, 0o755)
        Path(root, "readable.jpg").write_bytes(encoded(photo_like(1, SMALL), "JPEG"))
        secret = Path(root, "secret.jpg")
        secret.write_bytes(encoded(photo_like(2, SMALL), "JPEG"))
        locked = Path(root, "locked")
        locked.mkdir()
        Path(locked, "inside.jpg").write_bytes(encoded(photo_like(3, SMALL), "JPEG"))
        listable = Path(root, "listable")
        listable.mkdir()
        Path(listable, "hidden.jpg").write_bytes(encoded(photo_like(4, SMALL), "JPEG"))
        for path in (Path(root, "readable.jpg"), secret, Path(locked, "inside.jpg"),
                     Path(listable, "hidden.jpg")):
            os.chmod(path, 0o644)
        os.chmod(secret, 0o000)
        os.chmod(locked, 0o000)
        os.chmod(listable, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # r--: no entering
        data = _scan_as_unprivileged(root)
        skipped = dict(cast("list[tuple[str, str]]", data["skipped"]))
        assert data["images"] == [os.path.join(root, "readable.jpg")], data
        assert skipped[str(secret)] == "permission denied"
        assert skipped[str(locked)] == "cannot read folder: permission denied"
        assert skipped[str(listable / "hidden.jpg")] == "permission denied"
        assert len(skipped) == 3
    finally:
        for path in (Path(root, "locked"), Path(root, "listable")):
            if path.exists():
                os.chmod(path, 0o755)
        shutil.rmtree(root)


# --- a worker that crashes or hangs costs exactly one result ----------------------------

def _failed(task: object, reason: str) -> tuple[str, str]:
    return ("failed", reason)


CALL = operator.methodcaller("__call__")
"""task -> task(): picklable, from the standard library (operator.call is Python 3.11+)."""
GOOD = [functools.partial(operator.mul, n, 10) for n in range(12)]
"""Standard-library tasks (picklable, nothing to import in the worker): task() = n * 10."""


@pytest.mark.timeout(120)
def test_crashing_and_hanging_workers_cost_one_task_each() -> None:
    timeout = 4.0
    bad = {
        1: (functools.partial(ctypes.string_at, 0), r"crashed"),  # a real invalid read
        3: (functools.partial(signal.raise_signal, signal.SIGSEGV), r"crashed"),
        5: (functools.partial(os._exit, 3), r"crashed"),
        7: (functools.partial(time.sleep, 600), rf"longer than {timeout:g} s"),
        9: (functools.partial(int, "not a number"), r"ValueError"),
        10: (os.abort, r"crashed"),
        11: (functools.partial(signal.raise_signal, signal.SIGKILL), r"crashed"),  # OOM killer
    }
    tasks: list[object] = list(GOOD)
    for index, (task, _) in bad.items():
        tasks[index] = task
    results: dict[int, object] = {}

    def on_result(index: int, value: object) -> None:
        assert index not in results, f"task {index} reported twice"
        results[index] = value

    pool: WorkerPool[object, object] = WorkerPool(CALL, _failed, workers=2,
                                                  timeout=timeout)
    started = time.monotonic()
    pool.run(tasks, on_result, CancelToken())
    elapsed = time.monotonic() - started
    assert sorted(results) == list(range(len(tasks)))
    for index, value in results.items():
        if index in bad:
            assert isinstance(value, tuple), (index, value)
            assert value[0] == "failed", (index, value)
            assert re.search(bad[index][1], value[1]), (index, value)
        else:
            assert value == index * 10, (index, value)
    assert elapsed < 60, "the hung worker was not given up on"
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_hang_costs_only_its_own_time() -> None:
    """Two workers, one stuck: the other keeps working through the queue meanwhile."""
    tasks: list[object] = [functools.partial(time.sleep, 600)] + list(GOOD[1:8])
    order: list[int] = []
    pool: WorkerPool[object, object] = WorkerPool(CALL, _failed, workers=2,
                                                  timeout=3.0)
    pool.run(tasks, lambda i, v: order.append(i), CancelToken())
    assert sorted(order) == list(range(8))
    assert order[-1] == 0, "the stuck task should finish (time out) last"


@pytest.mark.timeout(120)
def test_worker_start_up_does_not_count_against_the_timeout() -> None:
    """Starting a worker (interpreter, imports: about half a second) is not decoding time.

    With a timeout shorter than a worker's start-up, the first task of every fresh worker
    used to time out, its replacement's first task too, and so on: every file skipped.
    Now only the two tasks that really hang fail."""
    timeout = 0.2
    hang = functools.partial(time.sleep, 600)
    tasks: list[object] = [hang, *GOOD[1:6], hang, *GOOD[7:10]]
    results: dict[int, object] = {}
    pool: WorkerPool[object, object] = WorkerPool(CALL, _failed, workers=2,
                                                  timeout=timeout)
    pool.run(tasks, lambda i, v: results.__setitem__(i, v), CancelToken())
    failed = sorted(i for i, v in results.items() if isinstance(v, tuple))
    assert failed == [0, 6], results
    assert all(results[i] == i * 10 for i in range(len(tasks)) if i not in (0, 6))
