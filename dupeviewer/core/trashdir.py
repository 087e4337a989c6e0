"""Finding a trashed file in the freedesktop trash by its ``.trashinfo``.

A ``.trashinfo`` ``Path=`` is absolute, or relative to the trash's top directory: the home
trash's is ``$XDG_DATA_HOME`` (send2trash writes relative paths for files under it), a
drive's ``$topdir/.Trash-$uid`` or ``$topdir/.Trash/$uid`` is the drive's mount point.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

INFO_SUFFIX = ".trashinfo"


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"))


def trash_roots(path: str) -> list[tuple[Path, Path]]:
    """Freedesktop trash folders that may hold ``path``, each with its top directory."""
    home = data_home()
    roots: list[tuple[Path, Path]] = [(home / "Trash", home)]
    mount = Path(os.path.realpath(os.path.dirname(path) or "."))
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    uid = os.getuid() if hasattr(os, "getuid") else 0
    roots += [(mount / ".Trash" / str(uid), mount), (mount / f".Trash-{uid}", mount)]
    return roots


def info_path(text: str) -> str | None:
    """The ``Path=`` of a ``.trashinfo``'s text, decoded (maybe relative), or None."""
    in_section = False
    for line in text.splitlines():
        if line.startswith("["):
            in_section = line.strip() == "[Trash Info]"
        elif in_section and line.startswith("Path="):
            return os.fsdecode(unquote(line[5:], errors="surrogateescape").encode(
                "utf-8", "surrogateescape"))
    return None


def same_place(a: str, b: str) -> bool:
    """Whether two absolute paths name the same place (symlinked folders allowed)."""
    if os.path.normpath(a) == os.path.normpath(b):
        return True
    return (os.path.basename(a) == os.path.basename(b)
            and os.path.realpath(os.path.dirname(a)) == os.path.realpath(os.path.dirname(b)))


def came_from(info: Path, top: Path) -> str | None:
    """The absolute original path a ``.trashinfo`` records, or None if unreadable."""
    try:
        text = info.read_text(encoding="utf-8", errors="surrogateescape")
    except (OSError, ValueError):
        return None
    recorded = info_path(text)
    if not recorded:
        return None
    if os.path.isabs(recorded):
        return os.path.normpath(recorded)
    if ".." in Path(recorded).parts:  # the spec forbids it; never follow it out of top
        return None
    return os.path.normpath(os.path.join(top, recorded))


def info_for(stored: str) -> Path:
    """The ``.trashinfo`` that goes with a file in a trash's ``files/`` folder."""
    where = Path(stored)
    return where.parent.parent / "info" / (where.name + INFO_SUFFIX)


def root_of(stored: str, original: str) -> tuple[Path, Path] | None:
    """(trash, top) if ``stored`` lies directly in the ``files/`` folder of a trash that
    may hold ``original``, else None."""
    folder = os.path.realpath(os.path.dirname(stored))
    for trash, top in trash_roots(original):
        if os.path.realpath(trash / "files") == folder:
            return trash, top
    return None


def _send2trash_names(trash: Path, name: str) -> list[str]:
    """The names send2trash may have given ``name`` in ``trash``: ``name``, then
    ``stem 1.ext``, ``stem 2.ext``... up to the first slot it would have found free."""
    stem, ext = os.path.splitext(name)
    names = []
    for number in range(10_000):
        candidate = name if number == 0 else f"{stem} {number}{ext}"
        try:
            taken = (os.path.lexists(trash / "info" / f"{candidate}{INFO_SUFFIX}")
                     or os.path.lexists(trash / "files" / candidate))
        except (OSError, ValueError):
            break
        if not taken:
            break
        names.append(f"{candidate}{INFO_SUFFIX}")
    return names


def _matches(trash: Path, top: Path, info_names: list[str], original: str
             ) -> list[tuple[float, str]]:
    found = []
    for info_name in info_names:
        info = trash / "info" / info_name
        stored = trash / "files" / info_name[: -len(INFO_SUFFIX)]
        recorded = came_from(info, top)
        if recorded is None or not same_place(recorded, original):
            continue
        try:
            mtime = info.stat().st_mtime
        except OSError:
            continue
        if os.path.lexists(stored):
            found.append((mtime, str(stored)))
    return found


def trash_candidates(path: str) -> list[str]:
    """Files in the trash whose ``.trashinfo`` says they came from ``path``, newest first.

    The names send2trash uses are tried first, so a trash holding thousands of files is
    not listed once per trashed file; other naming schemes (gio) fall back to a listing."""
    original = os.path.abspath(path)
    name = os.path.basename(original)
    stem = os.path.splitext(name)[0]
    found: list[tuple[float, str]] = []
    for trash, top in trash_roots(original):
        info_dir = trash / "info"
        if not info_dir.is_dir():
            continue
        matches = _matches(trash, top, _send2trash_names(trash, name), original)
        if not matches:
            try:
                listed = [e.name for e in os.scandir(info_dir)
                          if e.name.startswith(stem) and e.name.endswith(INFO_SUFFIX)]
            except OSError:
                continue
            matches = _matches(trash, top, listed, original)
        found += matches
    found.sort(key=lambda match: match[0], reverse=True)
    return list(dict.fromkeys(stored for _, stored in found))


def locate_in_trash(path: str) -> str | None:
    """Where the trash holds ``path`` (the newest matching ``.trashinfo``), or None."""
    candidates = trash_candidates(path)
    return candidates[0] if candidates else None
