"""Huge equal-sized files are compared in stages, cancellably, with progress in bytes."""

from __future__ import annotations

import importlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from dupeviewer.core import fingerprint
from dupeviewer.core.cancel import Cancelled, CancelToken, ProgressEvent
from dupeviewer.core.fingerprint import byte_digest, same_bytes
from dupeviewer.core.model import Options
from dupeviewer.core.scan import scan

if TYPE_CHECKING:
    from types import TracebackType

scan_module = importlib.import_module("dupeviewer.core.scan")  # the name is the function

SIZE = 256 << 20
"""Sparse, so cheap to create; reading it whole is what the staged comparison avoids."""
SAMPLES = 3 * (64 << 10)


def _jpeg(colour: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def sparse_photo(path: Path, tail: bytes = b"", size: int = SIZE,
                 colour: tuple[int, int, int] = (10, 120, 200)) -> Path:
    """A valid JPEG followed by a hole up to ``size`` bytes, ending with ``tail``."""
    with open(path, "wb") as handle:
        handle.write(_jpeg(colour))
        handle.truncate(size)
        if tail:
            handle.seek(size - len(tail))
            handle.write(tail)
    return path


class _Counted:
    def __init__(self, handle: Any, reads: list[int]) -> None:
        self._handle = handle
        self._reads = reads

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._handle.read(size)
        self._reads.append(len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._handle.close()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of every read the byte comparison makes (it opens files with ``open``)."""
    sizes: list[int] = []

    def counted_open(*args: Any, **kwargs: Any) -> _Counted:
        return _Counted(open(*args, **kwargs), sizes)

    monkeypatch.setattr(fingerprint, "open", counted_open, raising=False)
    return sizes


def _unthrottled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every progress event reaches the test (the front ends get ~15 a second)."""
    monkeypatch.setattr(scan_module, "Throttled", lambda progress: progress)


def test_equal_sized_files_differing_in_the_tail_are_told_apart_from_samples(
        library: Path, tmp_path: Path, reads: list[int]) -> None:
    sparse_photo(library / "a.jpg", b"\x01")
    sparse_photo(library / "b.jpg", b"\x02")

    result = scan([library], Options(cache_path=tmp_path / "cache", workers=0))

    assert not [g for g in result.groups if g.kind == "exact"]
    assert all(i.byte_digest is None for i in result.images)
    assert sum(reads) <= 2 * SAMPLES  # not 2 x 256 MiB


def test_equal_sized_identical_files_are_still_read_in_full_and_grouped_as_exact(
        library: Path, tmp_path: Path, reads: list[int]) -> None:
    sparse_photo(library / "a.jpg", b"\x07")
    sparse_photo(library / "b.jpg", b"\x07")
    sparse_photo(library / "other.jpg", b"\x07", colour=(250, 20, 20))

    result = scan([library], Options(cache_path=tmp_path / "cache", workers=0))

    exact = [g for g in result.groups if g.kind == "exact"]
    names = [sorted(Path(m.info.path).name for m in g.members) for g in exact]
    assert names == [["a.jpg", "b.jpg"]]
    assert sum(reads) <= 2 * SIZE + 3 * SAMPLES  # "other.jpg" only sampled
    assert byte_digest(str(library / "a.jpg")) == exact[0].members[0].info.byte_digest


def test_cancel_during_a_full_digest_stops_within_a_chunk(
        library: Path, tmp_path: Path, reads: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _unthrottled(monkeypatch)
    big = 1 << 30
    sparse_photo(library / "a.jpg", size=big)
    sparse_photo(library / "b.jpg", size=big)
    cancel = CancelToken()
    events: list[ProgressEvent] = []

    def progress(event: ProgressEvent) -> None:
        events.append(event)
        if event.phase == "compare" and event.bytes_done > 0:
            cancel.cancel()

    result = scan([library], Options(cache_path=tmp_path / "cache", workers=0), progress,
                  cancel)

    assert result.cancelled
    assert not [g for g in result.groups if g.kind == "exact"]
    # Both files were being read on their own threads; each stops at its next chunk.
    assert sum(reads) < 2 * SAMPLES + 64 * (1 << 20)  # not 2 GiB


def test_progress_reports_bytes_while_a_big_file_is_digested(
        library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unthrottled(monkeypatch)
    sparse_photo(library / "a.jpg")
    sparse_photo(library / "b.jpg")
    events: list[ProgressEvent] = []

    def progress(event: ProgressEvent) -> None:
        events.append(event)

    scan([library], Options(cache_path=tmp_path / "cache", workers=0), progress)

    compare = [e for e in events if e.phase == "compare"]
    assert {e.bytes_total for e in compare if e.bytes_done} == {2 * SIZE}
    during = [e for e in compare if 0 < e.bytes_done < 2 * SIZE]
    assert len(during) > 100  # one report per 1 MiB chunk, not one per file
    assert all(e.current in (str(library / "a.jpg"), str(library / "b.jpg")) for e in during)
    done = [e.bytes_done for e in compare if e.bytes_done]
    assert done == sorted(done)
    assert done[-1] == 2 * SIZE
    assert (compare[-1].done, compare[-1].total) == (2, 2)


def test_byte_digest_stops_at_the_chunk_after_cancel(tmp_path: Path, reads: list[int]) -> None:
    path = sparse_photo(tmp_path / "big.jpg")
    cancel = CancelToken()

    with pytest.raises(Cancelled):
        byte_digest(str(path), cancel=cancel, on_bytes=lambda n: cancel.cancel())

    assert reads == [1 << 20]


def test_same_bytes_is_staged_and_still_exact(tmp_path: Path, reads: list[int]) -> None:
    a = str(sparse_photo(tmp_path / "a.jpg", b"\x01"))
    b = str(sparse_photo(tmp_path / "b.jpg", b"\x02"))
    assert not same_bytes(a, b)
    assert sum(reads) <= 2 * SAMPLES

    # A difference between the samples is still found by the full comparison.
    c = tmp_path / "c.jpg"
    sparse_photo(c)
    with open(c, "r+b") as handle:
        handle.seek(SIZE // 3)
        handle.write(b"\x01")
    d = str(sparse_photo(tmp_path / "d.jpg"))
    assert not same_bytes(str(c), d)
    assert same_bytes(d, str(sparse_photo(tmp_path / "e.jpg")))
    assert not same_bytes(d, str(sparse_photo(tmp_path / "short.jpg", size=SIZE - 1)))


def test_same_bytes_can_be_cancelled(tmp_path: Path, reads: list[int]) -> None:
    a = str(sparse_photo(tmp_path / "a.jpg"))
    b = str(sparse_photo(tmp_path / "b.jpg"))
    cancel = CancelToken()
    cancel.cancel()

    with pytest.raises(Cancelled):
        same_bytes(a, b, cancel=cancel)
    assert sum(reads) <= 2 * SAMPLES
