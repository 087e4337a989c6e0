"""Undo the last trash action by moving its files back out of the freedesktop trash."""

from __future__ import annotations

import errno
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dupeviewer.core.discover import reason_for
from dupeviewer.core.journal import Journal, default_journal_path

log = logging.getLogger(__name__)


@dataclass
class UndoReport:
    restored: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        out = [f"restored: {p}" for p in self.restored]
        out += [f"not restored: {p}: {why}" for p, why in self.failed]
        if self.message:
            out.append(self.message)
        return out


def _last_batch(journal: Journal) -> tuple[str | None, list[tuple[str, str | None]]]:
    """The newest batch with trashed files that were neither restored nor lost since."""
    trashed: dict[str, list[tuple[str, str | None]]] = {}
    settled: set[tuple[str, str]] = set()
    for entry in journal.entries():
        if entry.event == "done":
            trashed.setdefault(entry.batch, []).append((entry.path, entry.trashed_to))
        elif entry.event in ("restored", "gone"):
            settled.add((entry.batch, entry.path))
    for batch in reversed(list(trashed)):
        left = [(p, s) for p, s in trashed[batch] if (batch, p) not in settled]
        if left:
            return batch, left
    return None, []


def _restore(original: str, stored: str) -> str | None:
    """Move one file back; None on success, else the reason it stayed in the trash."""
    if os.path.lexists(original):
        return "a file now exists at the original path; not overwritten"
    if not os.path.lexists(stored):
        return "no longer in the trash"
    try:
        os.makedirs(os.path.dirname(original) or ".", exist_ok=True)
        try:
            os.link(stored, original)  # fails rather than overwrite a file that just appeared
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EOPNOTSUPP):
                raise
            if os.path.lexists(original):
                return "a file now exists at the original path; not overwritten"
            os.rename(stored, original)  # no hard links on this file system
        else:
            os.unlink(stored)
    except OSError as exc:
        return reason_for(exc)
    info = Path(stored).parent.parent / "info" / (Path(stored).name + ".trashinfo")
    try:
        info.unlink()
    except OSError as exc:
        log.warning("could not remove %s: %s", info, exc)
    return None


def pending(journal_path: Path | None = None) -> int:
    """How many files the next :func:`undo_last` would try to restore (0: nothing to undo)."""
    return len(_last_batch(Journal(journal_path or default_journal_path()))[1])


def undo_last(journal_path: Path | None = None) -> UndoReport:
    """Restore the files of the last trash action that has not been undone yet."""
    journal = Journal(journal_path or default_journal_path())
    batch, files = _last_batch(journal)
    report = UndoReport()
    if batch is None:
        report.message = "Nothing to undo."
        return report
    if sys.platform in ("win32", "darwin"):
        report.message = ("Could not restore automatically on this system: the files are in "
                          "the trash; restore them from there.")
        return report
    for original, stored in files:
        if stored is None:
            report.failed.append((original, "its place in the trash is unknown; restore it "
                                  "from the trash by hand"))
            continue
        problem = _restore(original, stored)
        if problem is None:
            report.restored.append(original)
            journal.record(batch, "restored", original)
        else:
            report.failed.append((original, problem))
            if problem == "no longer in the trash":
                journal.record(batch, "gone", original)  # emptied: never retried
    return report
