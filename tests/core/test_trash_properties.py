"""Property-based: random trees of copies, hard links, symlinks and repeated roots, random
selections (including "everything"), real trashing into a temporary freedesktop trash.

Whatever the tree and the selection: no physical file appears twice in the groups, no
symbolic link is ever offered, every picture keeps a copy at one of its original paths,
the journal says truthfully what went where, and undo puts everything back.
"""

from __future__ import annotations

import functools
import hashlib
import io
import operator
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from dupeviewer.core import Group, ImageInfo, Member, Options, scan
from dupeviewer.core.fingerprint import byte_digest
from dupeviewer.core.journal import Journal
from dupeviewer.core.policy import Selection
from dupeviewer.core.trash import PlanError, plan, trash, undo_last
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash

FOLDERS = ("a", "a/b", "c", "c/d/e", "f")
FLAT = ((90, 140, 200), (30, 30, 30))
PICTURES = 6 + len(FLAT)
VARIANTS = ("png", "bmp", "png-text")
"""Three encodings with the same pixels: exact copies and same-pixel copies, never 'near'."""


def digest(path: str | Path) -> str:
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


@functools.cache
def pictures() -> tuple[Image.Image, ...]:
    """Six unrelated photo-like pictures and two flat ones (low detail, never near-matched)."""
    photos = [photo_like(seed, (64, 64)) for seed in (11, 23, 37, 41, 59, 67)]
    flats = [Image.new("RGB", (64, 64), colour) for colour in FLAT]
    return tuple(photos + flats)


@functools.cache
def encode(picture: int, variant: str) -> bytes:
    buffer = io.BytesIO()
    image = pictures()[picture]
    if variant == "png":
        image.save(buffer, "PNG")
    elif variant == "bmp":
        image.save(buffer, "BMP")
    else:
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", f"re-saved copy of picture {picture}")
        image.save(buffer, "PNG", pnginfo=text, compress_level=1)
    return buffer.getvalue()


@functools.cache
def pixels_of(picture: int) -> str:
    data = np.asarray(pictures()[picture].convert("RGB")).tobytes()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def pixels_at(path: str) -> str:
    with Image.open(path) as image:
        data = np.asarray(image.convert("RGB")).tobytes()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# --- building a tree ------------------------------------------------------------------

FileOp = st.tuples(st.just("file"), st.integers(0, PICTURES - 1), st.sampled_from(VARIANTS),
                   st.sampled_from(FOLDERS))
CopyOp = st.tuples(st.just("copy"), st.integers(0, 99), st.sampled_from(FOLDERS))
Reencode = st.tuples(st.just("reencode"), st.integers(0, 99), st.sampled_from(VARIANTS),
                     st.sampled_from(FOLDERS))
HardLink = st.tuples(st.just("hardlink"), st.integers(0, 99), st.sampled_from(FOLDERS))
SymLink = st.tuples(st.just("symlink"), st.integers(0, 99), st.sampled_from(FOLDERS),
                    st.booleans())
DirLink = st.tuples(st.just("dirlink"), st.sampled_from(FOLDERS + ("",)),
                    st.sampled_from(FOLDERS), st.booleans())
Ops = st.builds(operator.add, st.lists(FileOp, min_size=1, max_size=4),
                st.lists(st.one_of(CopyOp, Reencode, HardLink, SymLink, CopyOp, DirLink, FileOp),
                         min_size=2, max_size=12))
"""Some pictures first, then copies, links and more pictures."""
Roots = st.one_of(st.just([""]), st.lists(st.sampled_from(FOLDERS + ("", "link-to-c", "a/../c")),
                                          min_size=1, max_size=4))


@dataclass
class Tree:
    top: Path
    files: dict[str, int] = field(default_factory=dict)
    """Every regular file path -> picture number."""
    digests: dict[str, str] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)
    """File symlink path -> the path it points to."""


def build_tree(top: Path, ops: list[tuple[Any, ...]]) -> Tree:
    tree = Tree(top)
    for folder in FOLDERS:
        (top / folder).mkdir(parents=True, exist_ok=True)
    os.symlink(top / "c", top / "link-to-c")
    for number, op in enumerate(ops):
        kind = op[0]
        if kind == "file":
            _, picture, variant, folder = op
            ext = ".bmp" if variant == "bmp" else ".png"
            path = top / str(folder) / f"f{number}{ext}"
            path.write_bytes(encode(int(picture), str(variant)))
            tree.files[str(path)] = int(picture)
        elif kind == "copy" and tree.files:
            source = sorted(tree.files)[int(op[1]) % len(tree.files)]
            path = top / str(op[2]) / f"copy{number}{os.path.splitext(source)[1]}"
            shutil.copyfile(source, path)
            tree.files[str(path)] = tree.files[source]
        elif kind == "reencode" and tree.files:  # same pixels, maybe other bytes
            source = sorted(tree.files)[int(op[1]) % len(tree.files)]
            ext = ".bmp" if op[2] == "bmp" else ".png"
            path = top / str(op[3]) / f"again{number}{ext}"
            path.write_bytes(encode(tree.files[source], str(op[2])))
            tree.files[str(path)] = tree.files[source]
        elif kind in ("hardlink", "symlink") and tree.files:
            target = sorted(tree.files)[int(op[1]) % len(tree.files)]
            path = top / str(op[2]) / f"{kind}{number}{os.path.splitext(target)[1]}"
            if kind == "hardlink":
                os.link(target, path)
                tree.files[str(path)] = tree.files[target]
            else:
                link = os.path.relpath(target, path.parent) if op[3] else target
                os.symlink(link, path)
                tree.symlinks[str(path)] = target
        elif kind == "dirlink":
            _, target, folder, image_name = op
            name = f"dirlink{number}" + (".jpg" if image_name else "")
            os.symlink(top / str(target), top / str(folder) / name)  # may make a loop
    tree.digests = {path: digest(path) for path in tree.files}
    return tree


def expected_groups(tree: Tree, roots: list[str], trash_dir: Path) -> dict[int, set[tuple]]:
    """Oracle: per picture, the distinct physical files reachable from the roots."""
    seen: dict[int, set[tuple[int, int]]] = defaultdict(set)
    real_trash = os.path.realpath(trash_dir)
    for root in {os.path.realpath(tree.top / r) for r in roots}:
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if os.path.realpath(os.path.join(folder, d)) != real_trash]
            for name in names:
                path = os.path.join(folder, name)
                st_ = os.lstat(path)
                if stat.S_ISREG(st_.st_mode) and path in tree.files:
                    seen[tree.files[path]].add((st_.st_dev, st_.st_ino))
    return {p: ids for p, ids in seen.items() if len(ids) > 1}


# --- the property ---------------------------------------------------------------------

def check_groups(groups: tuple[Group, ...], tree: Tree, roots: list[str],
                 trash_dir: Path) -> None:
    identities: list[tuple[int, int]] = []
    for group in groups:
        assert group.kind in ("exact", "pixels"), group.kind  # the pictures are unrelated
        pics = set()
        for member in group.members:
            info = member.info
            st_ = os.lstat(info.path)
            assert stat.S_ISREG(st_.st_mode), f"{info.path} offered but is not a regular file"
            assert (st_.st_dev, st_.st_ino) == info.identity
            assert info.path not in tree.symlinks, f"symlink {info.path} offered for trashing"
            identities.append(info.identity)
            pics.add(tree.files[info.path])
            for link in info.links:  # links are other names of this very file
                assert os.stat(link).st_ino == info.ino
                assert os.stat(link).st_dev == info.dev
        assert len(pics) == 1, f"different pictures grouped: {group}"
    assert len(identities) == len(set(identities)), "one physical file twice in the groups"
    wanted = expected_groups(tree, roots, trash_dir)
    found = {tree.files[g.members[0].path]: {m.info.identity for m in g.members}
             for g in groups}
    assert found == wanted


def choose_marks(data: st.DataObject, groups: tuple[Group, ...], mode: str) -> list[set[int]]:
    if mode == "everything":
        return [set(range(len(g.members))) for g in groups]
    if mode == "suggest":
        return Selection(groups).marked
    if mode == "all_but_keeper":
        selection = Selection(groups)
        selection.mark_all_but_keeper()
        return selection.marked
    return [data.draw(st.sets(st.integers(0, len(g.members) - 1)), label="marks")
            for g in groups]


def repair(data: st.DataObject, groups: tuple[Group, ...],
           marks: list[set[int]]) -> list[set[int]]:
    """Leave one unmarked copy in each fully marked group, and unmark reference copies."""
    fixed = []
    for group, chosen in zip(groups, marks):
        chosen = {m for m in chosen if not group.members[m].reference}
        if chosen and len(chosen) == len(group.members):
            chosen.discard(data.draw(st.sampled_from(sorted(chosen)), label="spared"))
        fixed.append(chosen)
    return fixed


EXAMPLES = int(os.environ.get("DUPEVIEWER_EXAMPLES", "40"))
"""Random trees per run; raise it for a longer hunt (500 take about a minute)."""
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(ops=Ops, roots=Roots, mode=st.sampled_from(("random", "everything", "suggest",
                                                    "all_but_keeper")),
       reference=st.one_of(st.none(), st.sampled_from(FOLDERS)),
       trash_inside=st.booleans(), data=st.data())
def test_trash_never_loses_a_picture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     ops: list[tuple[Any, ...]], roots: list[str],
                                     mode: str, reference: str | None, trash_inside: bool,
                                     data: st.DataObject) -> None:
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    top = base / "top"
    top.mkdir()
    tree = build_tree(top, ops)
    home = top / "home" if trash_inside else base / "home"
    home.mkdir()
    trash_dir = use_temporary_trash(monkeypatch, home)
    references = (str(top / reference),) if reference else ()
    options = Options(workers=0, use_cache=False, references=references)
    result = scan([top / r for r in roots], options)
    check_groups(result.groups, tree, roots, trash_dir)
    for group in result.groups:
        for member in group.members:
            ref = reference is not None and member.path.startswith(f"{top / reference}{os.sep}")
            assert member.reference == ref

    marks = choose_marks(data, result.groups, mode)
    unsafe = any(
        (marked and len(marked) == len(g.members)) or any(g.members[m].reference for m in marked)
        for g, marked in zip(result.groups, marks))
    if unsafe:
        with pytest.raises(PlanError):
            plan(result.groups, marks)
        marks = repair(data, result.groups, marks)
    requests = plan(result.groups, marks)
    assert len(requests) == sum(len(m) for m in marks)
    event(f"groups: {min(len(result.groups), 3)}{'+' if len(result.groups) >= 3 else ''}")
    event(f"unsafe selection refused: {unsafe}")
    event(f"files trashed: {'0' if not requests else '1-2' if len(requests) < 3 else '3+'}")
    event(f"hard links in groups: {any(m.info.links for g in result.groups for m in g.members)}")
    event(f"pixel (not byte) copies trashed: {any(r.match == 'pixels' for r in requests)}")

    journal_path = base / "journal.jsonl"
    before = {p for p in tree.files if os.path.lexists(p)}
    report = trash(requests, journal=Journal(journal_path))

    # Nothing changed between scan and trash, so every request must succeed...
    assert not report.failed, report.failed
    gone = {p for p in before if not os.path.lexists(p)}
    assert gone == {o.path for o in report.trashed} == {r.victim.path for r in requests}
    # ...every picture still has a copy at an original path, checked by content...
    for picture in set(tree.files.values()):
        remaining = [p for p, pic in tree.files.items()
                     if pic == picture and os.path.lexists(p) and digest(p) == tree.digests[p]]
        assert remaining, f"picture {picture} lost"
        assert pixels_at(remaining[0]) == pixels_of(picture)
    # ...everything not trashed is untouched, symlinks included...
    for path in before - gone:
        assert digest(path) == tree.digests[path]
    for path in tree.symlinks:
        assert os.path.islink(path)
    # ...and the journal says, for each trashed file, what and where, truthfully.
    entries = Journal(journal_path).entries()
    done = {e.path: e for e in entries if e.event == "done"}
    intents = {e.path for e in entries if e.event == "intent"}
    assert set(done) == gone
    assert intents == gone
    for path, entry in done.items():
        assert entry.trashed_to is not None
        assert entry.size == os.path.getsize(entry.trashed_to)
        assert os.path.dirname(entry.trashed_to) == str(trash_dir / "files")
        assert digest(entry.trashed_to) == tree.digests[path]
        assert entry.digest == byte_digest(entry.trashed_to), f"journal digest of {path}"
        assert entry.time > 0

    # A rescan never looks inside the trash (it may sit inside a scanned folder).
    again = scan([top / r for r in roots], options)
    assert not [i.path for i in again.images if i.path.startswith(str(trash_dir))]

    # Undo restores every file of the batch, byte for byte, and empties the trash of them.
    undone = undo_last(journal_path)
    assert undone.ok, undone.failed
    assert set(undone.restored) == gone
    for path in gone:
        assert digest(path) == tree.digests[path]
    for sub in ("files", "info"):
        assert not (trash_dir / sub).exists() or not list((trash_dir / sub).iterdir())
    assert undo_last(journal_path).message == "Nothing to undo."
    shutil.rmtree(base)


def test_byte_copies_of_a_same_pixel_file_are_same_pixels_not_near(tmp_path: Path) -> None:
    """Two byte-identical PNGs and a BMP of the same pixels: one same-pixels group in which
    no copy is 'near' (a 'near' victim is trashed without its pixels being re-checked)."""
    for name, variant in (("a.png", "png"), ("b.png", "png"), ("c.bmp", "bmp")):
        (tmp_path / name).write_bytes(encode(1, variant))
    result = scan([tmp_path], Options(workers=0, use_cache=False))
    (group,) = result.groups
    assert group.kind == "pixels"
    assert sorted(m.match for m in group.members) == ["exact", "keeper", "pixels"] or \
        sorted(m.match for m in group.members) == ["keeper", "pixels", "pixels"]
    assert all(m.info.pixel_digest == group.keep.info.pixel_digest for m in group.members)
    requests = plan(result.groups, Selection(result.groups).marked)
    assert len(requests) == 2
    assert {r.match for r in requests} <= {"exact", "pixels"}


# --- plan() alone, on any marks and any groups ----------------------------------------

def _info(n: int, dev: int = 1) -> ImageInfo:
    return ImageInfo(path=f"/lib/{n}.jpg", size=100 + n, mtime_ns=n, dev=dev, ino=n,
                     width=10, height=10, format="JPEG", dhash=0, phash=0,
                     byte_digest="d")


@st.composite
def groups_and_marks(draw: st.DrawFn) -> tuple[list[Group], list[list[int]]]:
    """Groups over a small pool of files: a file may appear in several groups (as a front
    end regrouping with another threshold might pass), marks may be out of range."""
    pool = draw(st.integers(2, 7))
    reference = draw(st.lists(st.booleans(), min_size=pool, max_size=pool))
    groups = []
    for _ in range(draw(st.integers(1, 4))):
        files = draw(st.lists(st.integers(0, pool - 1), min_size=2, max_size=4, unique=True))
        members = tuple(Member(_info(f), 0, "keeper" if i == 0 else "exact", reference[f])
                        for i, f in enumerate(files))
        groups.append(Group("exact", members, draw(st.integers(0, len(files) - 1))))
    marks = [draw(st.lists(st.integers(-5, 5), max_size=5)) for _ in groups]
    return groups, marks


@settings(max_examples=400, deadline=None)
@given(groups_and_marks())
def test_plan_never_leaves_a_group_without_a_kept_copy(
        case: tuple[list[Group], list[list[int]]]) -> None:
    groups, marks = case
    try:
        requests = plan(groups, marks)
    except PlanError:
        return
    victims = {r.victim.identity for r in requests}
    for group, marked in zip(groups, marks):
        assert all(0 <= m < len(group.members) for m in marked), "invalid index accepted"
        kept = [m for m in group.members if m.info.identity not in victims]
        assert kept, f"plan leaves no copy of {group}"
        assert not any(m.reference and m.info.identity in victims for m in group.members)
    for request in requests:
        assert request.survivor.identity not in victims, "a survivor is trashed elsewhere"
        assert request.victim.identity != request.survivor.identity


def test_plan_refuses_a_copy_kept_in_one_group_and_marked_in_another() -> None:
    x, y = _info(1), _info(2)
    one = Group("exact", (Member(x), Member(y, match="exact")))
    other = Group("exact", (Member(y), Member(x, match="exact")))
    with pytest.raises(PlanError):
        plan([one, other], [{1}, {1}])  # y goes in the first group, x in the second
    with pytest.raises(PlanError):
        plan([one, other], [{-1}, set()])  # no negative indexes
    with pytest.raises(PlanError):
        plan([one], [{2}])
    (request,) = plan([one, other], [{1}, set()])
    assert (request.victim, request.survivor) == (y, x)


# --- undo details ---------------------------------------------------------------------

def _trashed_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """Trash one of two exact copies for real; return (victim path, keeper, journal)."""
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    folder = tmp_path / "lib"
    folder.mkdir()
    data = encode(0, "png")
    (folder / "keep.png").write_bytes(data)
    (folder / "copy.png").write_bytes(data)
    result = scan([folder], Options(workers=0, use_cache=False))
    (group,) = result.groups
    victim = next(i for i, m in enumerate(group.members) if m.path.endswith("copy.png"))
    journal = tmp_path / "journal.jsonl"
    report = trash(plan(result.groups, [{victim}]), journal=Journal(journal))
    assert [o.path for o in report.trashed] == [str(folder / "copy.png")]
    assert (trash_dir / "files" / "copy.png").exists()
    return folder / "copy.png", folder / "keep.png", journal


def test_same_name_from_several_folders_is_located_and_restored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """send2trash names the second 'photo.png' 'photo 1.png' and so on; the journal must
    record each file's own place, even with an older unrelated 'photo.png' in the trash."""
    trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
    older = tmp_path / "older" / "photo.png"
    older.parent.mkdir()
    older.write_bytes(encode(3, "png"))
    from send2trash import plat_other

    plat_other.send2trash(str(older))
    data = encode(2, "png")
    for folder in ("a", "b", "c", "d"):
        (tmp_path / "lib" / folder).mkdir(parents=True)
        (tmp_path / "lib" / folder / "photo.png").write_bytes(data)
    result = scan([tmp_path / "lib"], Options(workers=0, use_cache=False))
    selection = Selection(result.groups)
    journal = tmp_path / "journal.jsonl"
    report = trash(plan(result.groups, selection.marked), journal=Journal(journal))
    assert len(report.trashed) == 3
    assert not report.failed
    places = [o.trashed_to for o in report.trashed]
    assert len(set(places)) == 3
    assert all(places)
    for outcome in report.trashed:
        assert outcome.trashed_to is not None
        info = trash_dir / "info" / (os.path.basename(outcome.trashed_to) + ".trashinfo")
        assert f"Path={outcome.path}" in info.read_text()
    assert digest(trash_dir / "files" / "photo.png") == digest_bytes(encode(3, "png"))
    undone = undo_last(journal)
    assert sorted(undone.restored) == sorted(o.path for o in report.trashed)
    assert (trash_dir / "files" / "photo.png").exists()  # the older one stays in the trash


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def test_undo_refuses_to_overwrite_a_new_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    victim, _, journal = _trashed_pair(tmp_path, monkeypatch)
    victim.write_bytes(b"a new file the user made since")
    report = undo_last(journal)
    assert not report.ok
    assert report.restored == []
    assert report.failed[0][0] == str(victim)
    assert "not overwritten" in report.failed[0][1]
    assert victim.read_bytes() == b"a new file the user made since"
    trashed = tmp_path / "home" / ".local" / "share" / "Trash" / "files" / "copy.png"
    assert trashed.read_bytes() == encode(0, "png")  # still safe in the trash
    # Once the way is clear, the same undo succeeds.
    victim.unlink()
    assert undo_last(journal).restored == [str(victim)]
    assert victim.read_bytes() == encode(0, "png")


def test_undo_refuses_a_dangling_symlink_at_the_original_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    victim, _, journal = _trashed_pair(tmp_path, monkeypatch)
    os.symlink(tmp_path / "nowhere", victim)
    report = undo_last(journal)
    assert not report.ok
    assert os.path.islink(victim)


def test_cli_undo_restores_the_last_batch(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    victim, keeper, journal = _trashed_pair(tmp_path, monkeypatch)
    done = subprocess.run([sys.executable, "-m", "dupeviewer", "undo", "--journal",
                           str(journal)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert f"restored: {victim}" in done.stdout
    assert victim.read_bytes() == keeper.read_bytes()
    again = subprocess.run([sys.executable, "-m", "dupeviewer", "undo", "--journal",
                            str(journal)], capture_output=True, text=True, timeout=60,
                           check=False)
    assert again.returncode == 0
    assert "Nothing to undo" in again.stdout
