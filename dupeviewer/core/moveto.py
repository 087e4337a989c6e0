"""Move the marked copies into a folder the user chose, instead of the trash.

The same rules as the trash (:mod:`dupeviewer.core.trash`): the plan keeps a copy of every
group, each file and its kept copy are checked again right before it moves (a file that
changed or vanished since the scan stays where it is, with the reason), and every move is
journalled in the trash journal, its intent fsynced first with the path it goes to, so
:func:`dupeviewer.core.undo.undo_last` moves it back after a kill at any instant.

Nothing is overwritten: a name taken in the folder gets `` (2)``, `` (3)``... and the
move itself fails rather than replace a file (:func:`dupeviewer.core.place.place`). A
folder inside a scanned folder is refused: the moved copies would be found again.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from dupeviewer.core.cancel import CancelToken, Progress, no_progress
from dupeviewer.core.discover import reason_for
from dupeviewer.core.place import free_name, place
from dupeviewer.core.trash import (
    Outcome,
    Request,
    TrashReport,
    journal_digest,
    run_batch,
    verify,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dupeviewer.core.journal import Journal

log = logging.getLogger(__name__)

__all__ = ["MoveError", "inside_scanned", "refusal", "move"]

ATTEMPTS = 5
"""Names tried for one file when others keep appearing in the folder meanwhile."""


class MoveError(ValueError):
    """The folder cannot receive the moved copies; nothing was moved."""


def _inside(path: str, folder: str) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _named_inside(path: str, folder: str) -> bool:
    path, folder = os.path.abspath(path), os.path.abspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def inside_scanned(destination: str, roots: Sequence[str]) -> str | None:
    """Why ``destination`` is refused by its name alone (no disk access, for a front end's
    first answer): inside one of the scanned ``roots``. :func:`refusal` also follows
    symbolic links."""
    for root in roots:
        if _named_inside(destination, root):
            return (f"{destination} is inside {root}, a folder being scanned: the moved "
                    "copies would be found again as duplicates")
    return None


def refusal(destination: str, roots: Sequence[str]) -> str | None:
    """Why ``destination`` cannot receive moved copies (in words), or None if it can.

    ``roots`` are the folders the scan read (recursively): a destination inside one of them
    is refused, since the next scan would find the moved copies again next to their
    originals' duplicates."""
    if not os.path.isabs(destination):
        return f"{destination} is not an absolute path"
    if not os.path.isdir(destination):
        return f"{destination} is not a folder"
    named = inside_scanned(destination, roots)
    if named is not None:
        return named
    for root in roots:
        if _inside(destination, root):
            return (f"{destination} is inside {root} (through a symbolic link), a folder "
                    "being scanned: the moved copies would be found again as duplicates")
    if not os.access(destination, os.W_OK | os.X_OK):
        return f"{destination} cannot be written to"
    return None


def _move_one(request: Request, destination: str, journal: Journal, batch: str) -> Outcome:
    """Journal the intent with the target path (fsynced), check, move, journal the
    outcome. A kill after the move and before the outcome's line leaves the intent, which
    names where the file went."""
    path, size = request.victim.path, request.victim.size
    digest, unreadable = journal_digest(request.victim, "moved")
    target = free_name(destination, os.path.basename(path))
    journal.record(batch, "intent", path, size, digest, target, kind="move")
    outcome: Outcome | None = None
    try:
        problem = verify(request, "moved") or unreadable
        if problem or digest is None:
            outcome = Outcome(path, False, problem or "not moved: it cannot be read")
        for _ in range(ATTEMPTS):
            if outcome is not None:
                break
            try:
                place(path, target, digest or "")
            except FileExistsError:  # the name was taken meanwhile: take another one
                target = free_name(destination, os.path.basename(path))
                journal.record(batch, "intent", path, size, digest, target, kind="move")
                continue
            except OSError as exc:
                outcome = Outcome(path, False, f"could not be moved: {reason_for(exc)}; the "
                                  "file was left in place")
                break
            outcome = Outcome(path, True, f"moved to {target}", target, size)
        if outcome is None:
            outcome = Outcome(path, False, "not moved: no free name in the folder")
    except BaseException:  # Ctrl+C or exit mid-call: journal where the file is first
        moved = not os.path.lexists(path) and os.path.lexists(target)
        journal.record(batch, "done" if moved else "failed", path, size, digest,
                       target if moved else None, "interrupted", kind="move")
        raise
    journal.record(batch, "done" if outcome.ok else "failed", path, size, digest,
                   outcome.trashed_to, outcome.reason, kind="move")
    return outcome


def move(requests: Sequence[Request], destination: str, roots: Sequence[str] = (),
         journal: Journal | None = None, progress: Progress = no_progress,
         cancel: CancelToken | None = None) -> TrashReport:
    """Move each request's victim into ``destination`` after checking it again; each
    outcome's ``trashed_to`` is where the file now is.

    Raises :class:`MoveError` (see :func:`refusal`) or
    :class:`~dupeviewer.core.journal.JournalError` before anything moves."""
    destination = os.path.abspath(destination)
    problem = refusal(destination, roots)
    if problem is None:
        here = os.path.realpath(destination)
        if any(os.path.realpath(os.path.dirname(r.victim.path)) == here for r in requests):
            problem = f"{destination} is where some of the marked files already are"
    if problem is not None:
        raise MoveError(problem)
    return run_batch(requests, lambda request, journal, batch: _move_one(
        request, destination, journal, batch), "move", journal, progress, cancel)
