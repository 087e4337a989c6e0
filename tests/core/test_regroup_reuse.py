"""A regroup (a slider move) makes only the groups whose copies changed; the others are the
groups of the last build, and a change of the keeper's rules makes them all again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dupeviewer.core import grouping
from dupeviewer.core.model import Options
from dupeviewer.core.scan import regroup, scan
from tests.helpers.libraries import make_library

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = grouping.make_group

    def counted(infos, options):  # type: ignore[no-untyped-def]
        calls.append(len(infos))
        return real(infos, options)

    monkeypatch.setattr(grouping, "make_group", counted)
    return calls


def test_unchanged_groups_are_not_made_again(tmp_path: Path, made: list[int]) -> None:
    library = make_library(tmp_path / "lib")
    result = scan([str(library.root)], Options(use_cache=False, workers=0))
    assert sorted(made) == [3, 3]
    lower = regroup(result, Options(threshold=0))  # the near copy leaves its group
    assert made == [3, 3, 2]  # only the same-pixel pair left of it is made; exact: reused
    assert any(g is h for g in lower.groups for h in result.groups)
    again = regroup(lower, Options(threshold=0))
    assert made == [3, 3, 2]
    assert [g is h for g, h in zip(again.groups, lower.groups)] == [True] * len(lower.groups)


def test_a_reference_folder_makes_every_group_again(tmp_path: Path, made: list[int]) -> None:
    library = make_library(tmp_path / "lib")
    result = scan([str(library.root)], Options(use_cache=False, workers=0))
    backup = str(library.root / "Backup")
    refs = regroup(result, Options(references=(backup,)))
    assert made == [3, 3, 3, 3]  # both groups made again
    exact = next(g for g in refs.groups if g.kind == "exact")
    assert exact.keep.path.startswith(backup)
    assert exact.reason == "in a reference folder"
