"""Cooperative cancellation and the progress callback protocol."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Literal, Protocol

Phase = Literal["discover", "fingerprint", "compare", "confirm", "group", "trash", "move"]
"""Where long work is: a scan finds files (``discover``), fingerprints them, compares the
bytes of same-sized files (``compare``), confirms same pixels by a full decode
(``confirm``) and groups; trashing reports ``trash``, moving to a folder ``move``."""


class Cancelled(Exception):
    """Raised inside long work when its CancelToken was set."""


class CancelToken:
    """A thread-safe flag that long-running work polls between files."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One progress report: which phase, how far, and the file being worked on."""

    phase: Phase
    done: int
    total: int  # 0 when unknown (while discovering)
    current: str = ""
    bytes_done: int = 0
    """While comparing file contents: bytes read so far of those read in full (a 4 GiB
    file moves these between two changes of ``done``)."""
    bytes_total: int = 0
    fraction: float = -1.0
    """Of a scan: how much of the whole scan is done, phases included (0 to 1, it never
    decreases; :mod:`dupeviewer.core.estimate`); -1 when the work does not say."""


class Progress(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...


def no_progress(event: ProgressEvent) -> None:
    """The default progress callback: ignore every report."""


class Throttled:
    """Forward at most ``rate`` progress events per second, plus every phase's last one."""

    def __init__(self, progress: Progress, rate: float = 15.0) -> None:
        self._clock = time.monotonic
        self._progress = progress
        self._gap = 1.0 / rate
        self._last = -1.0

    def __call__(self, event: ProgressEvent) -> None:
        now = self._clock()
        final = event.total > 0 and event.done >= event.total
        if final or now - self._last >= self._gap:
            self._last = now
            self._progress(event)
