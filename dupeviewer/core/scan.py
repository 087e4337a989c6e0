"""scan(): the one long-running entry point both front ends call."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from dupeviewer.core.bulk import no_cyclic_gc
from dupeviewer.core.cache import Cache, default_cache_path
from dupeviewer.core.cancel import (
    Cancelled,
    CancelToken,
    Progress,
    ProgressEvent,
    Throttled,
    no_progress,
)
from dupeviewer.core.decisions import Decided
from dupeviewer.core.decisions import load as load_decisions
from dupeviewer.core.discover import cause_of, discover, reason_for, resolve_roots
from dupeviewer.core.fingerprint import (
    SAMPLED,
    byte_digest,
    fingerprint,
    pixel_digest,
    sample_digest,
)
from dupeviewer.core.grouping import build_groups, byte_candidates, pixel_candidates
from dupeviewer.core.model import (
    Cause,
    FileStat,
    ImageInfo,
    Options,
    ScanResult,
    Skipped,
    Stats,
)
from dupeviewer.core.pool import WorkerPool, default_workers, run_in_process

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
READERS = 4  # threads reading files for byte digests
STORE_ROWS = 5000
STORE_SECONDS = 2.0
"""New fingerprints are written to the cache in batches of up to STORE_ROWS, at least this
often: one transaction per batch, and a kill loses at most a batch."""


class ScanError(Exception):
    """The scan cannot start at all (no usable folder)."""


def _skip_failure(file: FileStat, reason: str) -> Skipped:
    """The worker crashed or timed out on this file: worth another try next scan."""
    return Skipped(file.path, reason, "transient")


def _pixel_task(path: str) -> str | Skipped:
    try:
        return pixel_digest(path)
    except Exception as exc:  # noqa: BLE001  a decoder bug costs this file only
        return Skipped(path, f"cannot decode in full: {reason_for(exc)}", cause_of(exc))


def _pixel_failure(path: str, reason: str) -> Skipped:
    return Skipped(path, reason, "transient")


def _size_buckets(images: list[ImageInfo]) -> list[list[ImageInfo]]:
    """Images of one size, for the sizes shared by several images, one of them not yet
    digested (the others were, in an earlier scan, and are compared with it)."""
    by_size: dict[int, list[ImageInfo]] = defaultdict(list)
    for info in byte_candidates(images):
        by_size[info.size].append(info)
    return [same for same in by_size.values() if any(i.byte_digest is None for i in same)]


def _threaded(func: Callable[[T], R], items: Sequence[T], cancel: CancelToken,
              on_result: Callable[[T, R | OSError], None]) -> None:
    """``func`` over ``items`` on a few threads (reading files releases the GIL); an
    OSError is a result. On cancel, queued items never start and running ones stop at
    their next chunk before Cancelled propagates."""
    def call(item: T) -> R | OSError:
        try:
            return func(item)
        except OSError as exc:
            return exc

    cancel.raise_if_cancelled()
    pool = ThreadPoolExecutor(max_workers=READERS)
    try:
        for item, value in zip(items, pool.map(call, items), strict=True):
            on_result(item, value)
            cancel.raise_if_cancelled()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run(tasks: Sequence[T], func: Callable[[T], R], on_failure: Callable[[T, str], R],
         options: Options, cancel: CancelToken, on_result: Callable[[int, R], None]) -> None:
    workers = default_workers() if options.workers is None else options.workers
    if workers <= 0 or not tasks:
        run_in_process(tasks, func, on_failure, on_result, cancel)
    else:
        WorkerPool(func, on_failure, workers, options.file_timeout).run(tasks, on_result, cancel)


class _Scan:
    def __init__(self, roots: Sequence[str | os.PathLike[str]], options: Options,
                 progress: Progress, cancel: CancelToken) -> None:
        self.options = options
        self.progress = Throttled(progress)
        self.cancel = cancel
        self.roots, self.skipped = resolve_roots(roots)
        if not self.roots:
            missing = ", ".join(s.path for s in self.skipped) or "(none given)"
            raise ScanError(f"no folder to scan: {missing}")
        path = options.cache_path or default_cache_path()
        self.cache = Cache(path if options.use_cache else None)
        self.images: dict[str, ImageInfo] = {}
        self.cache_hits = 0
        self.files = 0

    def fingerprint(self) -> None:
        """Fingerprint the files the cache does not know, in the pool; the cache is read
        in one pass and written in batches of :data:`STORE_ROWS` or every
        :data:`STORE_SECONDS` (so a kill costs at most that much work)."""
        found = discover(self.roots, self.options.excludes, self.options.min_size, self.cancel,
                         self.progress)
        self.skipped.extend(found.skipped)
        self.files = len(found.files) + len(found.skipped)
        links = found.links
        cached = self.cache.lookup(found.files)
        self.cache_hits = len(cached)
        todo: list[FileStat] = []
        for file in found.files:
            known = cached.get(file.path)
            if known is None:
                todo.append(file)
            else:
                self._accept(file, known, links)
        total = len(found.files)
        done = len(cached)
        self.progress(ProgressEvent("fingerprint", done, total, ""))
        fresh: list[tuple[FileStat, ImageInfo | Skipped]] = []
        stored = time.monotonic()

        def on_result(index: int, result: ImageInfo | Skipped) -> None:
            nonlocal done, stored
            done += 1
            file = todo[index]
            self._accept(file, result, links)
            if not (isinstance(result, Skipped) and result.cause == "transient"):
                fresh.append((file, result))
            if len(fresh) >= STORE_ROWS or time.monotonic() - stored >= STORE_SECONDS:
                self.cache.store(fresh)
                fresh.clear()
                stored = time.monotonic()
            self.progress(ProgressEvent("fingerprint", done, total, file.path))

        try:
            _run(todo, fingerprint, _skip_failure, self.options, self.cancel, on_result)
        finally:
            self.cache.store(fresh)

    def _accept(self, file: FileStat, result: ImageInfo | Skipped,
                links: dict[tuple[int, int], list[str]]) -> None:
        if isinstance(result, Skipped):
            self.skipped.append(result)
            return
        paths = tuple(links.get(file.identity, ()))
        # most files have no other path: no copy of the fingerprint for them
        self.images[file.path] = result if result.links == paths else replace(result,
                                                                               links=paths)

    def byte_digests(self) -> None:
        """Files sharing their size need a byte digest. The worker that decoded a file
        digested the bytes it read (up to ``IN_MEMORY``), so only the others are read here,
        in two stages, as jdupes and rmlint do: a sample of head, middle and tail first
        (a digested file of their size is sampled too, 192 KiB against reading a big file
        whole), then a full digest only for files whose samples collide, read in chunks
        with cancel checked and bytes reported between."""
        buckets = _size_buckets(list(self.images.values()))
        todo = [i for bucket in buckets for i in bucket if i.byte_digest is None]
        self.progress(ProgressEvent("compare", 0, len(todo), ""))
        try:
            full = self._sample_stage(buckets)
            self._full_stage(full, len(todo) - len(full), len(todo))
        finally:
            self.cache.store_digests(self.images[i.path] for i in todo if i.path in self.images)

    def _sample_stage(self, buckets: list[list[ImageInfo]]) -> list[ImageInfo]:
        """The files that need a full digest: their sample collides with another's."""
        samples: dict[str, str] = {}

        def on_sample(info: ImageInfo, value: str | OSError) -> None:
            if isinstance(value, OSError):
                self._drop(info, f"cannot read: {reason_for(value)}", cause_of(value))
            else:
                samples[info.path] = value

        big = [i for bucket in buckets if bucket[0].size > SAMPLED for i in bucket]
        _threaded(lambda info: sample_digest(info.path), big, self.cancel, on_sample)
        full: list[ImageInfo] = []
        for bucket in buckets:
            if bucket[0].size <= SAMPLED:  # the sample would be the whole file
                full.extend(i for i in bucket if i.byte_digest is None)
                continue
            by_sample: dict[str, list[ImageInfo]] = defaultdict(list)
            for info in bucket:
                if info.path in samples:
                    by_sample[samples[info.path]].append(info)
            full.extend(i for same in by_sample.values() if len(same) > 1
                        for i in same if i.byte_digest is None)
        return full

    def _full_stage(self, todo: list[ImageInfo], done: int, total: int) -> None:
        lock = threading.Lock()
        bytes_total = sum(i.size for i in todo)
        read = 0

        def report(path: str, count: int = 0) -> None:
            nonlocal read
            with lock:  # called from the reading threads
                read += count
                self.progress(ProgressEvent("compare", done, total, path, read, bytes_total))

        def digest(info: ImageInfo) -> str:
            return byte_digest(info.path, cancel=self.cancel,
                               on_bytes=lambda count: report(info.path, count))

        def on_digest(info: ImageInfo, value: str | OSError) -> None:
            nonlocal done
            if isinstance(value, OSError):
                self._drop(info, f"cannot read: {reason_for(value)}", cause_of(value))
            else:
                self.images[info.path] = replace(info, byte_digest=value)
            with lock:
                done += 1
            report(info.path)

        self.progress(ProgressEvent("compare", done, total, "", 0, bytes_total))
        _threaded(digest, todo, self.cancel, on_digest)

    def pixel_digests(self) -> None:
        """Full decodes for the files :func:`pixel_candidates` picks that have no digest
        yet. A digest known for a byte copy (this scan's, or the cache's) is shared first,
        so a copy is never decoded again because it now stands for its content; every
        digest learnt here, decoded or shared, is cached, so a rescan decodes nothing."""
        learnt = self._share_pixel_digests()
        todo = [i for i in pixel_candidates(list(self.images.values()))
                if i.pixel_digest is None]
        self.progress(ProgressEvent("confirm", 0, len(todo), ""))
        done = 0

        def on_result(index: int, result: str | Skipped) -> None:
            nonlocal done
            done += 1
            info = todo[index]
            if isinstance(result, Skipped):
                self._drop(info, result.reason, result.cause)
            else:
                self.images[info.path] = replace(info, pixel_digest=result)
            self.progress(ProgressEvent("confirm", done, len(todo), info.path))

        try:
            _run([i.path for i in todo], _pixel_task, _pixel_failure, self.options,
                 self.cancel, on_result)
        finally:
            learnt |= self._share_pixel_digests()
            learnt.update(i.path for i in todo)
            self.cache.store_digests(self.images[path] for path in sorted(learnt)
                                     if path in self.images
                                     and self.images[path].pixel_digest is not None)

    def _share_pixel_digests(self) -> set[str]:
        """Only one file per byte content is decoded in full; give its pixel digest to its
        byte-identical copies, or a copy is labelled "near" the same-pixel keeper (and
        trashed without its pixels being re-checked). Returns the paths given one."""
        lacking = {i.byte_digest for i in self.images.values()
                   if i.pixel_digest is None and i.byte_digest}
        by_bytes = {i.byte_digest: i.pixel_digest for i in self.images.values()
                    if i.pixel_digest and i.byte_digest in lacking} if lacking else {}
        given: set[str] = set()
        for path, info in list(self.images.items()) if by_bytes else ():
            if info.pixel_digest is None and info.byte_digest in by_bytes:
                self.images[path] = replace(info, pixel_digest=by_bytes[info.byte_digest])
                given.add(path)
        return given

    def _drop(self, info: ImageInfo, reason: str, cause: Cause) -> None:
        self.images.pop(info.path, None)
        self.skipped.append(Skipped(info.path, reason, cause))

    def result(self, seconds: float, cancelled: bool) -> ScanResult:
        images = sorted(self.images.values(), key=lambda i: i.path)
        decided, warnings = _decisions(self.options)
        groups = build_groups(images, self.options, self.cache, decided)
        stats = Stats(
            files=self.files,
            images=len(images),
            groups=len(groups),
            reclaimable_bytes=sum(g.reclaimable for g in groups),
            seconds=round(seconds, 3),
            cache_hits=self.cache_hits,
            hidden_by_decisions=decided.outcome.hidden if decided is not None else 0,
        )
        return ScanResult(tuple(groups), tuple(self.skipped), stats, tuple(images),
                          tuple(self.roots), cancelled, (*self.cache.warnings, *warnings))


def _decisions(options: Options) -> tuple[Decided | None, list[str]]:
    """The user's decisions to group with (read only), unless the options ignore them."""
    if not options.decisions:
        return None, []
    return load_decisions(options.decisions_path)


def scan(roots: Sequence[str | os.PathLike[str]], options: Options | None = None,
         progress: Progress = no_progress, cancel: CancelToken | None = None) -> ScanResult:
    """Find duplicate groups under ``roots``. Cancelling returns what was found so far."""
    started = time.monotonic()
    with no_cyclic_gc():
        job = _Scan(roots, options or Options(), progress, cancel or CancelToken())
        return _scan(job, started, progress)


def _scan(job: _Scan, started: float, progress: Progress) -> ScanResult:
    cancelled = False
    try:
        try:
            job.fingerprint()
            job.byte_digests()
            job.pixel_digests()
        except Cancelled:
            cancelled = True
            log.info("scan cancelled; keeping %d fingerprints", len(job.images))
        progress(ProgressEvent("group", 0, 0, ""))
        return job.result(time.monotonic() - started, cancelled)  # the cache keeps its edges
    finally:
        job.cache.close()


def regroup(result: ScanResult, options: Options) -> ScanResult:
    """Group the same fingerprints with other options (threshold, rotations, reference
    folders) without touching the disk: the digests that grouping needs depend only on
    sizes and hashes, which do not change."""
    decided, warnings = _decisions(options)
    with no_cyclic_gc():
        groups = build_groups(list(result.images), options, decided=decided)
    stats = replace(result.stats, groups=len(groups),
                    reclaimable_bytes=sum(g.reclaimable for g in groups),
                    hidden_by_decisions=decided.outcome.hidden if decided is not None else 0)
    kept = tuple(w for w in result.warnings if w not in warnings)
    return replace(result, groups=tuple(groups), stats=stats, warnings=(*kept, *warnings))
