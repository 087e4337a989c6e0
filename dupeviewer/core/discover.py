"""Walk the roots: image files only, each physical file once, every problem reported."""

from __future__ import annotations

import errno
import fnmatch
import logging
import os
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dupeviewer.core.cancel import CancelToken, Progress, ProgressEvent, no_progress
from dupeviewer.core.model import Cause, FileStat, Skipped

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".bmp", ".dib", ".tif", ".tiff",
     ".webp", ".heic", ".heif", ".hif", ".avif"}
)
RAW_EXTENSIONS = frozenset(
    {".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".dng", ".orf", ".rw2",
     ".raf", ".pef", ".srw", ".x3f", ".3fr", ".erf", ".kdc", ".mrw", ".iiq", ".rwl"}
)
SKIP_DIR_PATTERNS = (
    ".Trash", ".Trash-*", ".Trashes", "$RECYCLE.BIN", "RECYCLER", "System Volume Information",
    ".thumbnails", ".thumbnail", "@eaDir", "#recycle", "lost+found", ".dtrash", ".stversions",
    ".git", ".hg", ".svn", "__pycache__", ".cache", ".Spotlight-V100", ".fseventsd",
)


@dataclass
class Discovery:
    """What a walk found: one FileStat per physical image file, plus everything skipped."""

    files: list[FileStat] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    links: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    """Other paths (hard links, file symlinks) reaching an already-listed file."""


def reason_for(exc: BaseException) -> str:
    """A short, human reason for an OS error."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "vanished during the scan"
    if isinstance(exc, OSError):
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENAMETOOLONG:
            return "path or name too long"
        return exc.strerror or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def cause_of(exc: BaseException) -> Cause:
    """A file that vanished, one the system would not let us read (an OSError with an
    errno), or one whose data broke the decoder (anything else)."""
    if isinstance(exc, FileNotFoundError):
        return "vanished"
    return "unreadable" if isinstance(exc, OSError) and exc.errno else "damaged"


def trash_dirs() -> set[str]:
    """Known trash folders of this user, never scanned even when named unusually."""
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return {os.path.realpath(os.path.join(data_home, "Trash"))}


def trash_identities() -> set[tuple[int, int]]:
    """(st_dev, st_ino) of the existing trash folders: a folder met during the walk is
    compared by identity, whatever path reaches it, at one stat per folder."""
    identities = set()
    for path in trash_dirs():
        try:
            st = os.stat(path)
        except OSError:
            continue  # no trash yet: nothing to skip
        identities.add((st.st_dev, st.st_ino))
    return identities


def resolve_roots(roots: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Skipped]]:
    """Resolve symlinks, drop repeated roots and roots nested inside another root."""
    resolved: list[str] = []
    problems: list[Skipped] = []
    for root in roots:
        path = os.path.realpath(os.fspath(root))
        if not os.path.isdir(path):
            problems.append(Skipped(os.fspath(root), "not a folder", "not_a_folder"))
            continue
        resolved.append(path)
    resolved = sorted(set(resolved))
    kept: list[str] = []
    for path in resolved:  # sorted, so a parent comes before its children
        if not any(path == k or path.startswith(k.rstrip(os.sep) + os.sep) for k in kept):
            kept.append(path)
    return kept, problems


def is_skipped_dir(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in SKIP_DIR_PATTERNS)


def _excluded(path: str, name: str, excludes: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(path, g) for g in excludes)


class _Walker:
    def __init__(self, excludes: Sequence[str], min_size: int, cancel: CancelToken,
                 progress: Progress) -> None:
        self.excludes = excludes
        self.min_size = min_size
        self.cancel = cancel
        self.progress = progress
        self.result = Discovery()
        self.seen_files: set[tuple[int, int]] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.symlinks: list[tuple[str, tuple[int, int]]] = []
        self.trash = trash_identities()

    def skip(self, path: str, reason: str, cause: Cause = "unreadable") -> None:
        self.result.skipped.append(Skipped(path, reason, cause))

    def walk(self, root: str) -> None:
        """Depth first with an explicit stack (no recursion limit), one stat per folder.

        Folder symlinks are never followed, so a loop can only come from a bind mount;
        the identities of every walked folder (a superset of those on the current path)
        stop it, and also stop a folder reached twice. No os.path.realpath here: it asks
        the disk about every component of the path, which made a deep tree cubic."""
        stack = [root]
        while stack:
            self.cancel.raise_if_cancelled()
            folder = stack.pop()
            try:
                st = os.stat(folder)
                identity = (st.st_dev, st.st_ino)
                if identity in self.seen_dirs:
                    continue  # bind mount or repeated root: already walked
                if identity in self.trash and folder != root:
                    continue  # the user's trash under another name or path
                self.seen_dirs.add(identity)
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.skip(folder, f"cannot read folder: {reason_for(exc)}")
                continue
            subdirs = []
            for entry in entries:
                kind = self.visit(entry)
                if kind == "dir":
                    subdirs.append(entry.path)
            stack.extend(reversed(subdirs))
            self.progress(ProgressEvent("discover", len(self.result.files), 0, folder))

    def visit(self, entry: os.DirEntry[str]) -> str:
        path, name = entry.path, entry.name
        try:
            if entry.is_symlink():
                self.visit_symlink(entry)
                return "link"
            if entry.is_dir(follow_symlinks=False):
                if is_skipped_dir(name):
                    return "skip"
                if self.excludes and _excluded(path, name, self.excludes):
                    return "skip"
                return "dir"
            ext = os.path.splitext(name)[1].lower()
            if ext not in IMAGE_EXTENSIONS and ext not in RAW_EXTENSIONS:
                return "other"
            if self.excludes and _excluded(path, name, self.excludes):
                return "skip"
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            self.skip(path, reason_for(exc), cause_of(exc))
            return "error"
        if not stat.S_ISREG(st.st_mode):
            self.skip(path, "not a regular file", "unsupported")
            return "error"
        if ext in RAW_EXTENSIONS:
            self.skip(path, "RAW not supported", "unsupported")
            return "error"
        if st.st_size < self.min_size:
            return "small"
        identity = (st.st_dev, st.st_ino)
        if identity in self.seen_files:
            self.result.links.setdefault(identity, []).append(path)
            return "link"
        self.seen_files.add(identity)
        self.result.files.append(FileStat(path, st.st_size, st.st_mtime_ns, *identity))
        return "file"

    def visit_symlink(self, entry: os.DirEntry[str]) -> None:
        ext = os.path.splitext(entry.name)[1].lower()
        if ext not in IMAGE_EXTENSIONS:
            return  # a link to a folder or a non-image: never followed
        try:
            st = os.stat(entry.path)
        except OSError as exc:
            reason = reason_for(exc)
            if isinstance(exc, FileNotFoundError):
                reason = "broken symbolic link"
            self.skip(entry.path, reason, cause_of(exc))
            return
        if stat.S_ISREG(st.st_mode):
            self.symlinks.append((entry.path, (st.st_dev, st.st_ino)))

    def attach_symlinks(self) -> None:
        """A file symlink is shown as another path of its target, never as a copy."""
        for path, identity in self.symlinks:
            if identity in self.seen_files:
                self.result.links.setdefault(identity, []).append(path)
            else:
                self.skip(path, "symbolic link to a file outside the scanned folders; not a copy",
                          "unsupported")


def discover(
    roots: Sequence[str],
    excludes: Sequence[str] = (),
    min_size: int = 0,
    cancel: CancelToken | None = None,
    progress: Progress = no_progress,
) -> Discovery:
    """List every image file under ``roots`` once. ``roots`` must already be resolved."""
    walker = _Walker(excludes, min_size, cancel or CancelToken(), progress)
    for root in roots:
        walker.walk(root)
    walker.attach_symlinks()
    return walker.result
