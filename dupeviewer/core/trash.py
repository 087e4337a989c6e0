"""Verify, then send to the trash one file at a time; journal every action; undo.

Nothing here deletes a file permanently. A file counts as trashed only when it has
left its path; every failure is reported per file and the file stays where it was.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dupeviewer.core.cancel import CancelToken, Phase, Progress, ProgressEvent, no_progress
from dupeviewer.core.discover import reason_for
from dupeviewer.core.fingerprint import byte_digest, pixel_digest, same_bytes
from dupeviewer.core.journal import Journal, JournalError, default_journal_path
from dupeviewer.core.relations import relation
from dupeviewer.core.trashdir import locate_in_trash
from dupeviewer.core.undo import UndoReport, undo_last

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from dupeviewer.core.model import Group, ImageInfo, Match

log = logging.getLogger(__name__)

__all__ = ["PlanError", "Request", "Outcome", "TrashReport", "plan", "trash", "undo_last",
           "UndoReport", "JournalError"]


class PlanError(ValueError):
    """The plan would leave a group without a copy, or trash a reference copy."""


@dataclass(frozen=True, slots=True)
class Request:
    """Trash ``victim``, a copy of ``survivor``, which stays, related by ``match``."""

    victim: ImageInfo
    survivor: ImageInfo
    match: Match


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    ok: bool
    reason: str = ""
    trashed_to: str | None = None
    size: int = 0


@dataclass(frozen=True, slots=True)
class TrashReport:
    outcomes: tuple[Outcome, ...]
    cancelled: bool = False

    @property
    def trashed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def bytes(self) -> int:
        return sum(o.size for o in self.trashed)


def plan(groups: Sequence[Group], marked: Sequence[set[int]] | Sequence[Sequence[int]]
         ) -> list[Request]:
    """Turn marks (member indexes per group) into requests; refuse an unsafe plan whole.

    Every group must keep a copy that the plan trashes nowhere: one file may sit in several
    groups (a front end regrouping with other options), and a copy left unmarked in one
    group but marked in another is not kept."""
    chosen_sets: list[set[int]] = []
    for g, (group, marks) in enumerate(zip(groups, marked)):
        chosen = set(marks)
        bad = [m for m in chosen if not isinstance(m, int) or not 0 <= m < len(group.members)]
        if bad:
            raise PlanError(f"group {g + 1}: there is no copy number {bad[0]!r}")
        if any(group.members[m].reference for m in chosen):
            raise PlanError(f"group {g + 1}: a copy in a reference folder cannot be trashed")
        chosen_sets.append(chosen)
    victims = {groups[g].members[m].info.identity
               for g, chosen in enumerate(chosen_sets) for m in chosen}
    requests = []
    for g, group in enumerate(groups):
        chosen = chosen_sets[g] if g < len(chosen_sets) else set()
        kept = [m for m in range(len(group.members)) if m not in chosen]
        if not kept:
            raise PlanError(f"group {g + 1}: every copy is marked; at least one must stay")
        safe = [m for m in kept if group.members[m].info.identity not in victims]
        if not safe:
            raise PlanError(f"group {g + 1}: every unmarked copy is the same file as a copy "
                            "marked here or in another group; at least one must stay")
        if not chosen:
            continue
        survivor_index = group.keeper if group.keeper in safe else safe[0]
        survivor = group.members[survivor_index].info
        for m in sorted(chosen):
            victim = group.members[m].info
            requests.append(Request(victim, survivor, relation(victim, survivor)))
    return requests


def _unchanged(info: ImageInfo) -> str | None:
    """None if the file is still what the scan saw, else why not."""
    try:
        st = os.lstat(info.path)
    except FileNotFoundError:
        return "no longer exists"
    except OSError as exc:
        return reason_for(exc)
    if not stat.S_ISREG(st.st_mode):
        return "is no longer a regular file"
    if (st.st_dev, st.st_ino) != info.identity:
        return "was replaced by another file since the scan"
    if st.st_size != info.size or st.st_mtime_ns != info.mtime_ns:
        return "was modified since the scan"
    return None


def verify(request: Request, verb: str = "trashed") -> str | None:
    """Re-check victim and survivor right before trashing (or moving: ``verb``); None means
    safe."""
    victim, survivor = request.victim, request.survivor
    problem = _unchanged(victim)
    if problem:
        return f"not {verb}: this file {problem}"
    problem = _unchanged(survivor)
    if problem:
        return f"not {verb}: the kept copy {survivor.path!r} {problem}"
    try:
        if os.path.samefile(victim.path, survivor.path):
            return f"not {verb}: it is the same file as the kept copy (a hard link)"
        if request.match == "exact" and not same_bytes(victim.path, survivor.path):
            return f"not {verb}: its bytes no longer match the kept copy"
        if request.match == "pixels":
            expected = survivor.pixel_digest
            if expected is None or pixel_digest(victim.path) != expected:
                return f"not {verb}: its pixels no longer match the kept copy"
            if pixel_digest(survivor.path) != expected:  # rewritten in place, mtime restored
                return (f"not {verb}: the kept copy {survivor.path!r} no longer has the "
                        "pixels it had at the scan")
    except Exception as exc:  # noqa: BLE001  any doubt keeps the file where it is
        return f"not {verb}: could not re-check it ({reason_for(exc)})"
    return None


def _send(path: str) -> None:
    from send2trash import send2trash

    send2trash(path)


def _read_only(path: str) -> bool:
    try:
        return bool(os.statvfs(os.path.dirname(path) or ".").f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def trash_failure(path: str, exc: BaseException) -> str:
    """Why the trash refused ``path``, in words: send2trash's own errors are often bare
    ("OSError") or misleading (a read-only drive comes back as "permission denied")."""
    from send2trash.exceptions import TrashPermissionError

    code = getattr(exc, "errno", None)
    if code == errno.EROFS or (code in (errno.EACCES, errno.EPERM) and _read_only(path)):
        return "the drive is read-only"
    if isinstance(exc, TrashPermissionError):
        return f"this drive has no trash folder you may use ({exc.filename} cannot be made)"
    if code == errno.ENAMETOOLONG:
        return "the name is too long for the trash"
    if isinstance(exc, OSError) and not exc.strerror:
        return str(exc) or type(exc).__name__
    return reason_for(exc)


def trash_one(request: Request, send: Callable[[str], None]) -> Outcome:
    path, size = request.victim.path, request.victim.size
    problem = verify(request)
    if problem:
        return Outcome(path, False, problem)
    error: BaseException | None = None
    try:
        send(path)
    except Exception as exc:  # noqa: BLE001  every failure of the trash is reported, per file
        error = exc
    if os.path.lexists(path):
        if error is None:
            return Outcome(path, False, "the trash reported success but the file is still "
                           "there; it was left in place")
        return Outcome(path, False, f"could not move to the trash: "
                       f"{trash_failure(path, error)}; the file was left in place")
    where = locate_in_trash(path)
    note = f" (the trash also reported: {trash_failure(path, error)})" if error else ""
    return Outcome(path, True, f"moved to the trash{note}", where, size)


def journal_digest(info: ImageInfo, verb: str = "trashed") -> tuple[str | None, str]:
    """(the victim's byte digest for the journal, '') or (None, why it cannot be read).

    The scan computed it only for files whose size collided with another's, so read the
    file now when it is missing: undo restores only a file whose digest it can check."""
    if info.byte_digest:
        return info.byte_digest, ""
    if _unchanged(info) is not None:
        return None, ""  # not the scanned file any more (verify refuses it); opening a FIFO
        # that took its place would block for ever
    try:
        return byte_digest(info.path), ""
    except OSError as exc:
        return None, (f"not {verb}: it cannot be read ({reason_for(exc)}), so undo could "
                      "not check it; the file was left in place")


def _trash_recorded(request: Request, journal: Journal, batch: str,
                    send: Callable[[str], None]) -> Outcome:
    """Journal the intent (fsynced), trash, journal the outcome. A kill between the move
    and the outcome's line leaves the intent, which undo follows into the trash."""
    path, size = request.victim.path, request.victim.size
    digest, unreadable = journal_digest(request.victim)
    journal.record(batch, "intent", path, size, digest)
    try:
        if unreadable:
            outcome = Outcome(path, False, verify(request) or unreadable)
        else:
            outcome = trash_one(request, send)
    except BaseException:  # Ctrl+C or exit mid-call: journal where the file is first
        moved = not os.path.lexists(path)
        journal.record(batch, "done" if moved else "failed", path, size, digest,
                       locate_in_trash(path) if moved else None, "interrupted")
        raise
    journal.record(batch, "done" if outcome.ok else "failed", path, size, digest,
                   outcome.trashed_to, outcome.reason)
    return outcome


def trash(requests: Sequence[Request], journal: Journal | None = None,
          progress: Progress = no_progress, cancel: CancelToken | None = None,
          send: Callable[[str], None] = _send) -> TrashReport:
    """Trash each request's victim after verifying it; never deletes permanently.

    Raises :class:`JournalError`, before anything moves, when the journal's path holds a
    file that is not provably this app's journal."""
    return run_batch(requests, lambda request, journal, batch: _trash_recorded(
        request, journal, batch, send), "trash", journal, progress, cancel)


def run_batch(requests: Sequence[Request], act: Callable[[Request, Journal, str], Outcome],
              phase: Phase, journal: Journal | None = None, progress: Progress = no_progress,
              cancel: CancelToken | None = None) -> TrashReport:
    """One journalled batch: ``act`` on each request in turn (it records each file in the
    journal), with progress, cancelling between files, and a warning per failure. The trash
    and the move to a folder share it."""
    journal = journal if journal is not None else Journal(default_journal_path())
    journal.check()
    cancel = cancel or CancelToken()
    batch = journal.new_batch()
    outcomes: list[Outcome] = []
    for done, request in enumerate(requests):
        if cancel.cancelled:
            return TrashReport(tuple(outcomes), cancelled=True)
        progress(ProgressEvent(phase, done, len(requests), request.victim.path))
        outcome = act(request, journal, batch)
        outcomes.append(outcome)
        if not outcome.ok:
            log.warning("%s: %s", outcome.path, outcome.reason)
    progress(ProgressEvent(phase, len(requests), len(requests), ""))
    return TrashReport(tuple(outcomes))


def where_is_the_trash() -> str:
    if sys.platform == "win32":
        return "the Recycle Bin"
    if sys.platform == "darwin":
        return "the Trash in the Dock"
    return "the Trash (Files > Trash, or ~/.local/share/Trash/files)"

