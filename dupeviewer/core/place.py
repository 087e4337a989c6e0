"""Moving one file to a path that must be free, never over anything that is there.

A hard link claims the new name (it fails if the name is taken, even by a file that
appeared a moment ago), then the old name goes. Where hard links are not possible (another
drive, or a file system without them) the bytes are copied into a hidden partial file
created with ``O_EXCL``, synced and checked, then given the new name, and only then is the
original removed.
"""

from __future__ import annotations

import errno
import os
import shutil
from typing import TYPE_CHECKING

from dupeviewer.core.fingerprint import byte_digest, digest_like
from dupeviewer.core.journal import sync_folder

if TYPE_CHECKING:
    from collections.abc import Callable

NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK})
"""Why ``os.link`` may fail where a copy still works: another drive, no hard links."""


def free_name(folder: str, name: str, taken: Callable[[str], bool] = os.path.lexists) -> str:
    """``folder/name``, or ``folder/stem (2).ext``, ``(3)``... the first that is free."""
    stem, ext = os.path.splitext(name)
    for number in range(1, 100_000):
        candidate = os.path.join(folder, name if number == 1 else f"{stem} ({number}){ext}")
        if not taken(candidate):
            return candidate
    raise FileExistsError(errno.EEXIST, "no free name left", os.path.join(folder, name))


def _copy_new(source: str, target: str, digest: str) -> None:
    """Copy ``source`` to ``target``, which must not exist: into a hidden partial file next
    to it first (synced, with its times, checked against ``digest``), then under its name.
    A kill mid-copy leaves only that partial file, named as ours, never a cut-short
    ``target``; a failure removes it."""
    folder, name = os.path.split(target)
    partial = os.path.join(folder, f".{name}.dupeviewer-partial-{os.getpid()}")
    with open(source, "rb") as src:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
                dst.flush()
                os.fsync(dst.fileno())
            shutil.copystat(source, partial)
            if byte_digest(partial, new=digest_like(digest)) != digest:
                raise OSError(errno.EIO, "the copy does not match the original")
            _name(partial, target)
        finally:
            if os.path.lexists(partial):
                os.unlink(partial)  # our own partial copy, not the user's file


def _name(partial: str, target: str) -> None:
    """Give the finished copy its name, never over a file: a hard link fails if the name
    is taken; without hard links (FAT, some network drives) a rename follows a last check,
    as close to atomic as those file systems allow."""
    try:
        os.link(partial, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in NO_LINK:
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "the name was taken", target) from exc
        os.rename(partial, target)


def place(source: str, target: str, digest: str) -> None:
    """Move ``source`` to ``target``, which must not exist (``FileExistsError`` if it does,
    and nothing moves). ``digest`` is the byte digest of ``source``: a copy across drives is
    checked against it before the original goes."""
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in NO_LINK:
            raise
        _copy_new(source, target, digest)
    sync_folder(os.path.dirname(target))
    os.unlink(source)
    sync_folder(os.path.dirname(source))
