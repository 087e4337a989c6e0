"""scan(): the one long-running entry point both front ends call."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
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
from dupeviewer.core.estimate import CONFIRM_COST, GROUP_COST, Overall
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
INTERIM_SECONDS = 3.0
INTERIM_SHARE = 8.0
"""Interim results are grouped at most every INTERIM_SECONDS, and at least INTERIM_SHARE
times the last one's grouping time apart, on a thread of their own: they take at most an
eighth of one core from the workers (grouping 1,000 photos from scratch takes 1-2.5 s here,
most of it choosing and running the near search)."""
EXTRAPOLATE_AFTER = 50



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
                 progress: Progress, cancel: CancelToken,
                 interim: Callable[[ScanResult], None] | None = None) -> None:
        self.options = options
        self.overall = Overall(Throttled(progress))
        self.progress: Progress = self.overall
        self.cancel = cancel
        self.started = time.monotonic()
        self.interims = _Interims(self._grouped, interim) if interim is not None else None
        self.changes = 0  # changes to the images and skipped files, for the interim results
        self._shown = 0  # self.changes when the last interim result was asked for
        self._interim_at = self.started
        self._drafts: dict[str, int] = defaultdict(int)
        self._shared_drafts = 0  # images sharing a reduced decode's digest, not confirmed
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
        self._expect_later(0, len(todo))
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
            self._expect_later(done - len(cached), len(todo))
            self.progress(ProgressEvent("fingerprint", done, total, file.path))
            self._maybe_interim()

        try:
            _run(todo, fingerprint, _skip_failure, self.options, self.cancel, on_result)
        finally:
            self.cache.store(fresh)
        self._maybe_interim()

    def _expect_later(self, done: int, todo: int) -> None:
        """What the phases after fingerprinting should cost: a full decode for the JPEGs
        whose reduced decode another shares (extrapolated from the files done so far) and
        the grouping. Conversions to other formats are found when confirming starts. The
        extrapolation leans towards the count so far while few files are done
        (:data:`EXTRAPOLATE_AFTER`), so a first pair does not promise thousands."""
        scale = (todo + EXTRAPOLATE_AFTER) / (done + EXTRAPOLATE_AFTER)
        self.overall.later = (CONFIRM_COST * self._shared_drafts * scale
                              + GROUP_COST * (len(self.images) + todo - done))

    def _accept(self, file: FileStat, result: ImageInfo | Skipped,
                links: dict[tuple[int, int], list[str]]) -> None:
        self.changes += 1
        if isinstance(result, Skipped):
            self.skipped.append(result)
            return
        if result.draft_digest is not None and result.pixel_digest is None:
            seen = self._drafts[result.draft_digest] = self._drafts[result.draft_digest] + 1
            self._shared_drafts += 2 if seen == 2 else int(seen > 2)
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
        self.overall.later = (CONFIRM_COST * self._shared_drafts
                              + GROUP_COST * len(self.images))
        self.progress(ProgressEvent("compare", 0, len(todo), ""))
        try:
            full = self._sample_stage(buckets)
            self._full_stage(full, len(todo) - len(full), len(todo))
        finally:
            self.cache.store_digests(self.images[i.path] for i in todo if i.path in self.images)
        self._maybe_interim()

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
                self.changes += 1
            with lock:
                done += 1
            report(info.path)
            self._maybe_interim()

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
        self.overall.later = GROUP_COST * len(self.images)
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
                self.changes += 1
            self.progress(ProgressEvent("confirm", done, len(todo), info.path))
            self._maybe_interim()

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
                self.changes += 1
        return given

    def _drop(self, info: ImageInfo, reason: str, cause: Cause) -> None:
        self.images.pop(info.path, None)
        self.skipped.append(Skipped(info.path, reason, cause))
        self.changes += 1

    def _maybe_interim(self) -> None:
        """Hand a snapshot of the images so far to the interim grouping when they changed
        and the last one is old enough (on the scan's thread, between two files: taking
        the snapshot is cheap, the grouping runs on its own thread)."""
        interims = self.interims
        if interims is None or self.changes == self._shown:
            return
        now = time.monotonic()
        gap = max(INTERIM_SECONDS, INTERIM_SHARE * interims.cost)
        if now - self._interim_at < gap:
            return
        done = self.overall.fraction
        if done > 0 and (now - self.started) * (1 - done) / done < gap:
            return  # the final result comes sooner than the next interim one would
        self._shown, self._interim_at = self.changes, now
        interims.post(_Snapshot(list(self.images.values()), tuple(self.skipped),
                                now - self.started, tuple(self.cache.warnings)))

    def _grouped(self, snapshot: _Snapshot, store: Cache | None = None,
                 cancelled: bool = False) -> ScanResult:
        """The snapshot's images, grouped; only the final result uses the cache's stored
        edges (an interim one's would be of fingerprints that are still coming)."""
        images = sorted(snapshot.images, key=lambda i: i.path)
        decided, warnings = _decisions(self.options)
        groups = build_groups(images, self.options, store, decided)
        stats = Stats(
            files=self.files,
            images=len(images),
            groups=len(groups),
            reclaimable_bytes=sum(g.reclaimable for g in groups),
            seconds=round(snapshot.seconds, 3),
            cache_hits=self.cache_hits,
            hidden_by_decisions=decided.outcome.hidden if decided is not None else 0,
        )
        return ScanResult(tuple(groups), snapshot.skipped, stats, tuple(images),
                          tuple(self.roots), cancelled, (*snapshot.warnings, *warnings))

    def result(self, seconds: float, cancelled: bool) -> ScanResult:
        if self.interims is not None:
            self.interims.close()  # no interim result after the final one, nor during it
        return self._grouped(_Snapshot(list(self.images.values()), tuple(self.skipped),
                                       seconds, tuple(self.cache.warnings)),
                             self.cache, cancelled)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    images: list[ImageInfo]
    skipped: tuple[Skipped, ...]
    seconds: float
    warnings: tuple[str, ...]


class _Interims:
    """Groups the snapshots the scan posts on a thread of its own and hands each result to
    ``deliver``; a snapshot posted while one is being grouped waits, and a newer one
    replaces it (only the latest state is worth showing)."""

    def __init__(self, group: Callable[[_Snapshot], ScanResult],
                 deliver: Callable[[ScanResult], None]) -> None:
        self._group = group
        self._deliver = deliver
        self._ready = threading.Condition()
        self._next: _Snapshot | None = None
        self._closed = False
        self.cost = 0.0
        """Seconds the last grouping took."""
        self._thread = threading.Thread(target=self._loop, name="interim-groups", daemon=True)
        self._thread.start()

    def post(self, snapshot: _Snapshot) -> None:
        with self._ready:
            self._next = snapshot
            self._ready.notify()

    def close(self) -> None:
        """Drop the snapshot not grouped yet and wait for the grouping under way."""
        with self._ready:
            self._closed = True
            self._next = None
            self._ready.notify()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            with self._ready:
                while self._next is None and not self._closed:
                    self._ready.wait()
                if self._closed:
                    return
                snapshot, self._next = self._next, None
            if snapshot is None:
                continue
            started = time.monotonic()
            try:
                self._deliver(self._group(snapshot))
            except Exception:  # a bug here must not stop the scan; the final result comes
                log.exception("grouping the results so far failed")
            self.cost = time.monotonic() - started


def _decisions(options: Options) -> tuple[Decided | None, list[str]]:
    """The user's decisions to group with (read only), unless the options ignore them."""
    if not options.decisions:
        return None, []
    return load_decisions(options.decisions_path)


def scan(roots: Sequence[str | os.PathLike[str]], options: Options | None = None,
         progress: Progress = no_progress, cancel: CancelToken | None = None,
         interim: Callable[[ScanResult], None] | None = None) -> ScanResult:
    """Find duplicate groups under ``roots``. Cancelling returns what was found so far.

    ``interim``, if given, is called with the groups of the images fingerprinted so far,
    every few seconds while they change (:data:`INTERIM_SECONDS`), on a thread of the
    scan's own, and never after the scan returns; they are not final (digests still to
    come may split or join groups). The final result is the same with or without it."""
    started = time.monotonic()
    with no_cyclic_gc():
        job = _Scan(roots, options or Options(), progress, cancel or CancelToken(), interim)
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
        progress(ProgressEvent("group", 0, 0, "", fraction=job.overall.fraction))
        return job.result(time.monotonic() - started, cancelled)  # the cache keeps its edges
    finally:
        if job.interims is not None:
            job.interims.close()
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
