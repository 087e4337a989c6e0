"""What is left of a review after trashing (core.remaining): rebuilt groups, carried marks,
emptied groups listed for removal, and the result as it stands. No Qt needed."""

from __future__ import annotations

from dupeviewer.core.grouping import make_group
from dupeviewer.core.model import ImageInfo, Options, ScanResult, Stats
from dupeviewer.core.policy import Selection
from dupeviewer.core.remaining import Dropped, as_it_stands, drop_paths


def _info(path: str, size: int, width: int = 640) -> ImageInfo:
    return ImageInfo(path=path, size=size, mtime_ns=0, dev=1, ino=abs(hash(path)), width=width,
                     height=480, format="JPEG", dhash=0, phash=0, byte_digest="same")


def _selection() -> Selection:
    """Group 0: three byte copies; group 1: a pair; nothing marked."""
    options = Options()
    groups = [make_group([_info(f"/p/a{i}.jpg", 1000) for i in range(3)], options),
              make_group([_info(f"/p/b{i}.jpg", 2000) for i in range(2)], options)]
    selection = Selection(groups)
    selection.unmark_all()
    return selection


def test_a_group_that_loses_a_copy_is_rebuilt_with_its_marks() -> None:
    selection = _selection()
    first = selection.groups[0]
    others = [m for m in range(3) if m != first.keeper]
    assert selection.set(0, others[0], True)
    marked = first.members[others[0]].path
    gone = first.members[others[1]].path
    dropped = drop_paths(selection, {gone}, Options())
    assert dropped.changed == (0,)
    assert dropped.emptied == ()
    rebuilt = selection.groups[0]
    assert sorted(m.path for m in rebuilt.members) == sorted(
        m.path for m in first.members if m.path != gone)
    assert {rebuilt.members[m].path for m in selection.marked[0]} == {marked}
    assert len(selection.groups[1].members) == 2  # untouched


def test_carried_marks_never_mark_every_copy_left() -> None:
    selection = _selection()
    first = selection.groups[0]
    others = [m for m in range(3) if m != first.keeper]
    for m in others:
        selection.set(0, m, True)
    keeper = first.members[first.keeper].path
    drop_paths(selection, {keeper}, Options())  # the kept copy went: two marked copies left
    assert len(selection.groups[0].members) == 2
    assert len(selection.marked[0]) == 1  # one of them stays


def test_a_group_left_with_one_copy_is_listed_not_removed() -> None:
    selection = _selection()
    pair = selection.groups[1]
    dropped = drop_paths(selection, {pair.members[0].path}, Options())
    assert dropped == Dropped(changed=(), emptied=(1,))
    assert selection.groups[1] is pair  # the caller removes it, announcing it first


def test_the_result_as_it_stands_counts_what_is_left() -> None:
    selection = _selection()
    result = ScanResult(tuple(selection.groups), (), Stats(groups=2, reclaimable_bytes=1),
                        roots=("/p",))
    left = as_it_stands(result, selection.groups[:1])
    assert left.groups == (selection.groups[0],)
    assert left.stats.groups == 1
    assert left.stats.reclaimable_bytes == selection.groups[0].reclaimable == 2000
    assert left.roots == result.roots
