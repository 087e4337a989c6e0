"""Undo the last trash action by moving its files back out of the freedesktop trash, or
the last move to a folder (:mod:`dupeviewer.core.moveto`) by moving its files back from it.

The last action is the newest batch of the journal with anything left to restore: a file
journalled as trashed, or (after a kill between the move and its journal line) a file the
journal meant to trash that has left its place. A file goes back only when the trash's copy
is provably the one this app trashed: its ``.trashinfo`` names the original path and its
size and digest are the journalled ones. A moved file goes back when the file at the path
the journal names has the journalled size and digest. It goes back only to its original
path, never over a file.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dupeviewer.core.discover import reason_for
from dupeviewer.core.fingerprint import byte_digest, digest_like
from dupeviewer.core.journal import Contents, Entry, Journal, JournalError, default_journal_path
from dupeviewer.core.place import place
from dupeviewer.core.trashdir import came_from, info_for, root_of, same_place, trash_candidates

if TYPE_CHECKING:
    from pathlib import Path

    from dupeviewer.core.journal import Action

log = logging.getLogger(__name__)

@dataclass
class UndoReport:
    restored: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    message: str = ""
    refused: bool = False  # the journal could not be used at all; message says why
    kind: Action = "trash"
    """What the undone action was: files sent to the trash, or moved into a folder."""

    @property
    def ok(self) -> bool:
        return not self.failed and not self.refused

    def lines(self) -> list[str]:
        out = [f"restored: {p}" for p in self.restored]
        out += [f"not restored: {p}: {why}" for p, why in self.failed]
        if self.message:
            out.append(self.message)
        return out


@dataclass(frozen=True, slots=True)
class Item:
    """One file of a batch to put back: where it was, what it was, where the journal says
    it went (None: the kill came before the journal heard)."""

    path: str
    size: int
    digest: str | None
    stored: str | None
    linked: bool = False
    """A move killed between its two steps: ``stored`` is a second name (a hard link) of
    the file still at ``path``; undoing it removes that name only."""


@dataclass
class Batch:
    name: str
    items: list[Item] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    kind: Action = "trash"
    """Trashed, or moved to a folder (``stored`` is then the path it was moved to)."""

    @property
    def left_in(self) -> str:
        return "left in the trash" if self.kind == "trash" else "left where it was moved"


def _batches(contents: Contents) -> list[Batch]:
    """Every batch with something left to restore, oldest first; no file system writes."""
    order: dict[str, None] = {}
    intents: dict[tuple[str, str], Entry] = {}
    done: dict[tuple[str, str], Entry] = {}
    ended: set[tuple[str, str]] = set()
    for entry in contents.entries:
        order.setdefault(entry.batch)
        key = (entry.batch, entry.path)
        if entry.event == "intent":
            intents[key] = entry
        elif entry.event == "done":
            done[key] = entry
        elif entry.event == "failed":
            ended.add(key)
        else:  # restored | gone
            ended.add(key)
            done.pop(key, None)
    found = {name: Batch(name) for name in order}
    for entry in contents.entries:
        if entry.kind != "trash":
            found[entry.batch].kind = entry.kind
    for key, entry in done.items():
        intent = intents.get(key)
        if intent is not None and (intent.size, intent.digest) != (entry.size, entry.digest):
            found[key[0]].problems.append((entry.path, f"journal line {entry.line} disagrees "
                                           f"with line {intent.line} on its size or digest; "
                                           f"{found[key[0]].left_in}"))
            continue
        found[key[0]].items.append(Item(entry.path, entry.size, entry.digest, entry.trashed_to))
    for key, intent in intents.items():
        if key in done or key in ended:
            continue  # journalled: nothing more to do
        if os.path.lexists(intent.path):
            if intent.kind == "move" and _linked(intent.path, intent.trashed_to):
                found[key[0]].items.append(Item(intent.path, intent.size, intent.digest,
                                                intent.trashed_to, linked=True))
            continue  # never moved
        # a trash intent cannot know the trash's name for the file; a move's names its path
        found[key[0]].items.append(Item(intent.path, intent.size, intent.digest,
                                        intent.trashed_to))
    for bad in contents.bad:
        if bad.batch in found:
            found[bad.batch].problems.append((f"journal line {bad.line}",
                                              f"unreadable entry, skipped: {bad.reason}"))
    return [b for b in found.values() if b.items]


def _linked(path: str, target: str | None) -> bool:
    """Whether ``target`` is another name of the regular file at ``path``."""
    try:
        return target is not None and os.path.lexists(target) and stat.S_ISREG(
            os.lstat(path).st_mode) and os.path.samefile(path, target)
    except OSError:
        return False


def _unlink_second_name(item: Item) -> str | None:
    """Remove the name a killed move gave the file, which stayed where it was."""
    if item.stored is None or not _linked(item.path, item.stored):
        return "it is no longer a second name of the file; it was left as it is"
    try:
        os.unlink(item.stored)
    except OSError as exc:
        return reason_for(exc)
    return None


def _check(item: Item, stored: str) -> str | None:
    """None if ``stored`` is provably the file this app trashed from ``item.path``."""
    place = root_of(stored, item.path)
    if place is None:
        return f"the journal names {stored} as its place, which is not in a trash folder"
    recorded = came_from(info_for(stored), place[1])
    if recorded is None:
        return f"{stored} has no readable .trashinfo, so it may not be this file"
    if not same_place(recorded, item.path):
        return f"the file in the trash at {stored} came from {recorded}, not from this path"
    return _same_file(item, stored, "the file in the trash at", "trashed")


def _same_file(item: Item, stored: str, where: str, done: str) -> str | None:
    """None if the regular file ``stored`` has the size and bytes the journal recorded."""
    try:
        st = os.lstat(stored)
        if not stat.S_ISREG(st.st_mode):
            return f"{stored} is not a regular file"
        if item.digest is None:
            return "the journal recorded no digest of it, so it cannot be checked"
        if st.st_size != item.size or byte_digest(
                stored, new=digest_like(item.digest)) != item.digest:
            return (f"{where} {stored} is not the one {done} from here "
                    "(its size or bytes differ)")
    except OSError as exc:
        return f"cannot check {stored}: {reason_for(exc)}"
    return None


@dataclass(frozen=True, slots=True)
class Found:
    """Where the trash holds an item (``stored``), or why it was not restored."""

    stored: str | None
    why: str = ""
    gone: bool = False
    """Nothing of it is in the trash any more (emptied): never worth retrying."""


def _find(item: Item) -> Found:
    tried: list[str] = []
    first_problem = ""
    for stored in ([item.stored] if item.stored else []) + trash_candidates(item.path):
        if stored in tried:
            continue
        tried.append(stored)
        if not os.path.lexists(stored):
            continue
        problem = _check(item, stored)
        if problem is None:
            return Found(stored)
        first_problem = first_problem or problem
    if first_problem:
        return Found(None, first_problem + "; it was left in the trash")
    return Found(None, "no longer in the trash", gone=True)


def _find_moved(item: Item) -> Found:
    """Where a file moved into a folder is now (the path the journal recorded), checked."""
    stored = item.stored
    if stored is None:
        return Found(None, "the journal does not say where it was moved; it was left there")
    if not os.path.lexists(stored):
        return Found(None, f"it is no longer at {stored}, where it was moved", gone=True)
    problem = _same_file(item, stored, "the file at", "moved")
    return Found(stored) if problem is None else Found(None, problem + "; it was left there")


def _move_back(item: Item, stored: str) -> str | None:
    """Move a file back from the folder it was moved to; never over a file."""
    if os.path.lexists(item.path):
        return "a file now exists at the original path; not overwritten"
    try:
        os.makedirs(os.path.dirname(item.path) or ".", exist_ok=True)
        place(stored, item.path, item.digest or "")
    except FileExistsError:
        return "a file now exists at the original path; not overwritten"
    except OSError as exc:
        return reason_for(exc)
    return None


def _restore(original: str, stored: str) -> str | None:
    """Move one file back; None on success, else the reason it stayed in the trash."""
    if os.path.lexists(original):
        return "a file now exists at the original path; not overwritten"
    try:
        os.makedirs(os.path.dirname(original) or ".", exist_ok=True)
        try:
            os.link(stored, original)  # fails rather than overwrite a file that just appeared
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                return "a file now exists at the original path; not overwritten"
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EOPNOTSUPP):
                raise
            if os.path.lexists(original):
                return "a file now exists at the original path; not overwritten"
            os.rename(stored, original)  # no hard links on this file system
        else:
            os.unlink(stored)
    except OSError as exc:
        return reason_for(exc)
    info = info_for(stored)  # only now: the file is back, so the trash stays consistent
    try:
        info.unlink()
    except OSError as exc:
        log.warning("could not remove %s: %s", info, exc)
    return None


def _read(journal: Journal) -> Contents | str:
    try:
        return journal.read()
    except JournalError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot read the trash journal {journal.path}: {reason_for(exc)}"


def pending(journal_path: Path | None = None) -> int:
    """How many files the next :func:`undo_last` would try to restore (0: nothing to undo)."""
    contents = _read(Journal(journal_path or default_journal_path()))
    if isinstance(contents, str):
        log.warning("%s", contents)
        return 0
    batches = _batches(contents)
    return len(batches[-1].items) if batches else 0


def undo_last(journal_path: Path | None = None) -> UndoReport:
    """Restore the files of the last trash action, or the last move to a folder, that has
    not been undone yet."""
    journal = Journal(journal_path or default_journal_path())
    report = UndoReport()
    contents = _read(journal)
    if isinstance(contents, str):
        report.message, report.refused = contents, True
        return report
    batches = _batches(contents)
    if not batches:
        report.message = "Nothing to undo."
        return report
    batch = batches[-1]
    report.kind = batch.kind
    if batch.kind == "trash" and sys.platform in ("win32", "darwin"):
        report.message = ("Could not restore automatically on this system: the files are in "
                          "the trash; restore them from there.")
        return report
    report.failed += batch.problems
    for item in batch.items:
        if item.linked:
            found = Found(item.stored)
            problem = _unlink_second_name(item)
        elif batch.kind == "move":
            found = _find_moved(item)
            problem = found.why if found.stored is None else _move_back(item, found.stored)
        else:
            found = _find(item)
            problem = found.why if found.stored is None else _restore(item.path, found.stored)
        if problem is None:
            report.restored.append(item.path)
            journal.record(batch.name, "restored", item.path)
            continue
        report.failed.append((item.path, problem))
        if found.gone:
            journal.record(batch.name, "gone", item.path)  # emptied: never retried
    return report
