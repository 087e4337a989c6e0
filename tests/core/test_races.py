"""Races between scan and trash: the keeper or a victim is modified, replaced, deleted,
hard-linked or symlinked after the scan. Every affected file is refused, none is lost.

Each case scans a real folder, changes it, then trashes into a real temporary
freedesktop trash with the plan made from the (now stale) scan.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, PngImagePlugin

from dupeviewer.core import Options, scan
from dupeviewer.core.journal import Journal
from dupeviewer.core.trash import Request, plan, trash
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash

if TYPE_CHECKING:
    from collections.abc import Callable


def digest(path: str | Path) -> str:
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def picture(seed: int = 5) -> Image.Image:
    return photo_like(seed, (64, 64))


def encoded(image: Image.Image, fmt: str, note: str | None = None) -> bytes:
    buffer = io.BytesIO()
    if note is None:
        image.save(buffer, fmt)
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", note)
        image.save(buffer, fmt, pnginfo=info)
    return buffer.getvalue()


@dataclass
class Scene:
    folder: Path
    keeper: Path
    victim: Path
    bystander: Path
    """A second marked copy, left alone by the race."""
    requests: list[Request]
    kind: str


def make_scene(tmp: Path, kind: str) -> Scene:
    """Keeper + victim + bystander copies of one picture, scanned and planned.

    exact: three byte-identical PNGs. pixels: a BMP keeper (largest file) and two PNGs
    with the same pixels but other bytes."""
    folder = tmp / "lib"
    (folder / "k").mkdir(parents=True)
    (folder / "v").mkdir()
    (folder / "b").mkdir()
    image = picture()
    if kind == "exact":
        data = encoded(image, "PNG")
        files = {"k/keep.png": data, "v/photo.png": data, "b/other.png": data}
    else:
        files = {"k/keep.bmp": encoded(image, "BMP"), "v/photo.png": encoded(image, "PNG"),
                 "b/other.png": encoded(image, "PNG", note="re-saved")}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    result = scan([folder], Options(workers=0, use_cache=False))
    (group,) = result.groups
    assert group.kind == kind
    keeper = Path(group.keep.path)
    assert keeper.parent.name == "k", group
    marks = [{i for i, m in enumerate(group.members) if i != group.keeper}]
    requests = plan(result.groups, marks)
    assert {r.match for r in requests} == {kind}
    victim = folder / "v" / "photo.png"
    return Scene(folder, keeper, victim, folder / "b" / "other.png", requests, kind)


def keep_times(path: Path) -> Callable[[], None]:
    """Remember mtime/atime; the returned function puts them back (as a sneaky tool would)."""
    st = os.stat(path)

    def restore() -> None:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return restore


def flip_pixels_same_size(path: Path, kind: str) -> None:
    """Change the picture but not the size, and put the mtime back."""
    restore = keep_times(path)
    data = bytearray(path.read_bytes())
    if path.suffix == ".bmp":
        for i in range(len(data) - 3000, len(data) - 10, 7):  # pixel rows at the end
            data[i] ^= 0xFF
    else:  # re-encode another picture into exactly the same number of bytes if possible
        other = encoded(picture(99), "PNG")
        if len(other) <= len(data):
            data = bytearray(other + b"\0" * (len(data) - len(other)))  # trailing junk
        else:
            data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    restore()


def _append(path: Path, scene: Scene) -> None:
    with open(path, "ab") as handle:
        handle.write(b"\0extra")


def _same_size(path: Path, scene: Scene) -> None:
    flip_pixels_same_size(path, scene.kind)


def _touch(path: Path, scene: Scene) -> None:
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _replace_same_bytes(path: Path, scene: Scene) -> None:
    """Another file with identical bytes and mtime takes the path (a sync tool's rewrite)."""
    st = os.stat(path)
    tmp = path.with_name(path.name + ".tmp")
    shutil.copyfile(path, tmp)
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, path)


def _replace_other_picture(path: Path, scene: Scene) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(encoded(picture(77), "BMP" if path.suffix == ".bmp" else "PNG"))
    os.replace(tmp, path)


def _delete(path: Path, scene: Scene) -> None:
    path.unlink()


def _hardlink_to_the_other(path: Path, scene: Scene) -> None:
    """The path now names the other side's file (keeper <-> victim)."""
    other = scene.keeper if path == scene.victim else scene.victim
    tmp = path.with_name(path.name + ".tmp")
    os.link(other, tmp)
    os.replace(tmp, path)


def _symlink_to_the_other(path: Path, scene: Scene) -> None:
    other = scene.keeper if path == scene.victim else scene.victim
    tmp = path.with_name(path.name + ".tmp")
    os.symlink(other, tmp)
    os.replace(tmp, path)


def _parent_becomes_symlink(path: Path, scene: Scene) -> None:
    """The folder is swapped for a link to a folder holding the other side's file under the
    same name: the old path now reaches a different file (trashing it would move that)."""
    other = scene.keeper if path == scene.victim else scene.victim
    decoy = scene.folder / "decoy"
    decoy.mkdir()
    os.link(other, decoy / path.name)
    path.parent.rename(path.parent.with_name(path.parent.name + ".old"))
    os.symlink(decoy, path.parent)


def _becomes_folder(path: Path, scene: Scene) -> None:
    path.unlink()
    path.mkdir()


def _becomes_fifo(path: Path, scene: Scene) -> None:
    path.unlink()
    os.mkfifo(path)


RACES: dict[str, Callable[[Path, Scene], None]] = {
    "append": _append,
    "same-size-same-mtime-new-content": _same_size,
    "touch": _touch,
    "replaced-same-bytes": _replace_same_bytes,
    "replaced-other-picture": _replace_other_picture,
    "deleted": _delete,
    "hard-link-to-the-other": _hardlink_to_the_other,
    "symlink-to-the-other": _symlink_to_the_other,
    "parent-folder-swapped-for-link": _parent_becomes_symlink,
    "became-a-folder": _becomes_folder,
    "became-a-fifo": _becomes_fifo,
}


def snapshot(folder: Path) -> dict[str, tuple[str, str]]:
    """Every path under ``folder`` (links not followed): its kind and, for files, digest."""
    found: dict[str, tuple[str, str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                found[path] = ("link", os.readlink(path))
            elif os.path.isfile(path):
                found[path] = ("file", digest(path))
            else:
                found[path] = ("other", "")
    return found


@pytest.mark.parametrize("race", sorted(RACES))
@pytest.mark.parametrize("target", ["victim", "keeper"])
@pytest.mark.parametrize("kind", ["exact", "pixels"])
def test_race_between_scan_and_trash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     kind: str, target: str, race: str) -> None:
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    scene = make_scene(tmp_path, kind)
    original = digest(scene.keeper), digest(scene.victim), digest(scene.bystander)
    RACES[race](scene.keeper if target == "keeper" else scene.victim, scene)
    before = snapshot(scene.folder)
    journal = tmp_path / "journal.jsonl"

    report = trash(scene.requests, journal=Journal(journal))

    outcomes = {o.path: o for o in report.outcomes}
    victim, bystander = outcomes[str(scene.victim)], outcomes[str(scene.bystander)]
    assert not victim.ok, f"{race} on the {target}: victim trashed anyway"
    assert victim.reason.startswith("not trashed:"), victim.reason
    if target == "keeper":
        assert not bystander.ok, f"{race} on the keeper: bystander trashed anyway"
        assert "kept copy" in victim.reason
        assert "kept copy" in bystander.reason
        assert snapshot(scene.folder) == before, "something moved though all was refused"
    else:  # the bystander's own check against the untouched keeper still passes
        assert bystander.ok, bystander
        assert digest(bystander.trashed_to) == original[2]  # type: ignore[arg-type]
        after = snapshot(scene.folder)
        assert after == {p: v for p, v in before.items() if p != str(scene.bystander)}
    # Nothing lost: the keeper's picture is still on disk at an original path, and
    # nothing but the bystander ever reached the trash.
    assert target == "keeper" or digest(scene.keeper) == original[0]
    trashed = sorted(p.name for p in (trash_dir / "files").iterdir()) \
        if (trash_dir / "files").exists() else []
    assert trashed == ([] if target == "keeper" else ["other.png"])
    events = [(e.event, e.path) for e in Journal(journal).entries() if e.event != "intent"]
    assert ("failed", str(scene.victim)) in events


def test_keeper_vanishes_while_the_batch_runs(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The keeper is deleted by someone else after the first victim went: the second victim
    is checked again on its own, refused, and so the picture survives."""
    use_temporary_trash(monkeypatch, tmp_path / "home")
    scene = make_scene(tmp_path, "exact")
    from send2trash import plat_other

    calls = []

    def send_then_lose_keeper(path: str) -> None:
        plat_other.send2trash(path)
        calls.append(path)
        if len(calls) == 1:
            scene.keeper.unlink()

    report = trash(scene.requests, journal=Journal(tmp_path / "j.jsonl"),
                   send=send_then_lose_keeper)
    assert len(calls) == 1
    assert len(report.trashed) == 1
    assert len(report.failed) == 1
    (left,) = report.failed
    assert "kept copy" in left.reason
    assert os.path.exists(left.path)


def test_extra_hard_link_to_the_victim_is_not_a_change(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A new name for the victim's file (same inode, size, mtime): trashing this path takes
    one name away and the content stays reachable at the new one."""
    use_temporary_trash(monkeypatch, tmp_path / "home")
    scene = make_scene(tmp_path, "exact")
    extra = tmp_path / "elsewhere.png"
    os.link(scene.victim, extra)
    report = trash(scene.requests, journal=Journal(tmp_path / "j.jsonl"))
    assert not report.failed
    assert digest(extra) == digest(scene.keeper)
