"""One fraction done for a whole scan, phases included, that never goes back.

Each phase costs units of about one reduced decode: a file fingerprinted costs one, a file
decoded in full for its pixel digest :data:`CONFIRM_COST`, the bytes read to compare file
contents :data:`BYTE_COST` each. What the later phases will cost is an estimate (the scan
revises it as it learns more); every unit done takes its share of what is left then, so a
larger estimate slows the fraction down but never moves it back, and the fraction is 1
when nothing is left.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dupeviewer.core.cancel import Progress, ProgressEvent

FINGERPRINT_COST = 1.0
CONFIRM_COST = 2.0
"""A full decode against the reduced decode of a JPEG that fingerprinting does."""
SAMPLE_COST = 0.05
"""A file of a shared size whose bytes are compared (a sample, or one not read before)."""
BYTE_COST = 1.0 / (16 << 20)
"""Reading 16 MiB again costs about one reduced decode."""
GROUP_COST = 0.005
"""Grouping, per picture."""


def units(event: ProgressEvent) -> tuple[float, float]:
    """How much of its phase ``event`` says is done, and the phase's cost, in units."""
    if event.phase == "fingerprint":
        return event.done * FINGERPRINT_COST, event.total * FINGERPRINT_COST
    if event.phase == "compare":
        return (event.done * SAMPLE_COST + event.bytes_done * BYTE_COST,
                event.total * SAMPLE_COST + event.bytes_total * BYTE_COST)
    if event.phase == "confirm":
        return event.done * CONFIRM_COST, event.total * CONFIRM_COST
    return 0.0, 0.0


class Overall:
    """Passes each event on with ``fraction`` set: the whole scan's fraction done.

    ``later`` is what the phases after the current one are expected to cost, in units; the
    scan keeps it current. Work a phase starts with (files the cache knew) costs nothing."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self.fraction = 0.0
        self.later = 0.0
        self._phase = ""
        self._done = 0.0

    def __call__(self, event: ProgressEvent) -> None:
        done, total = units(event)
        if event.phase != self._phase:
            self._phase, self._done = event.phase, done
        step = max(0.0, done - self._done)
        self._done = max(done, self._done)
        left = max(0.0, total - self._done) + max(0.0, self.later)
        if step > 0.0:
            self.fraction = min(1.0, self.fraction + (1.0 - self.fraction) * step / (step + left))
        self._progress(replace(event, fraction=self.fraction))
