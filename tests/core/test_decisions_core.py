"""Decisions that last (issue 12): 'not duplicates' and 'reviewed, keep all' are kept by the
pictures' content and honoured by every scan, through renames, moves, a new root, a deleted
fingerprint cache and a restart."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

from PIL import Image

from dupeviewer.core.decisions import DecisionStore, default_path
from dupeviewer.core.model import Options, ScanResult
from dupeviewer.core.scan import scan
from tests.helpers.cli import run_cli
from tests.helpers.pictures import photo_like

if TYPE_CHECKING:
    from pathlib import Path

SIZE = (480, 360)


def _scan(root: Path, cache: Path, **options: object) -> ScanResult:
    return scan([root], Options(workers=0, cache_path=cache, **options))  # type: ignore[arg-type]


def _names(result: ScanResult) -> list[set[str]]:
    return [{m.info.path.rsplit("/", 1)[1] for m in g.members} for g in result.groups]


def _near_pair(root: Path) -> tuple[Path, Path]:
    root.mkdir(parents=True, exist_ok=True)
    big = root / "big.jpg"
    picture = photo_like(2, SIZE)
    picture.save(big, quality=92)
    small = root / "small.jpg"
    picture.resize((SIZE[0] // 2, SIZE[1] // 2), Image.Resampling.LANCZOS).save(small,
                                                                               quality=85)
    photo_like(3, SIZE).save(root / "other.jpg", quality=90)
    return big, small


def _paths(result: ScanResult, *names: str) -> list[object]:
    return [i for name in names for i in result.images if i.path.endswith("/" + name)]


def test_not_duplicates_survive_renames_moves_new_root_cache_and_restart(
        tmp_path: Path, cache_file: Path) -> None:
    root = tmp_path / "photos"
    _near_pair(root)
    first = _scan(root, cache_file)
    assert _names(first) == [{"big.jpg", "small.jpg"}]
    store = DecisionStore()
    store.not_duplicates(_paths(first, "big.jpg"), _paths(first, "small.jpg"))  # type: ignore[arg-type]
    assert default_path().exists()
    assert not str(default_path()).startswith(
        str(cache_file.parent / "home" / ".cache"))

    assert _names(_scan(root, cache_file)) == []
    (root / "big.jpg").rename(root / "renamed big.jpg")
    (root / "small.jpg").rename(root / "renamed small.jpg")
    assert _names(_scan(root, cache_file)) == []
    (root / "elsewhere").mkdir()
    for name in ("renamed big.jpg", "renamed small.jpg"):
        (root / name).rename(root / "elsewhere" / name)
    assert _names(_scan(root, cache_file)) == []
    new_root = tmp_path / "new disk" / "photos"
    shutil.copytree(root, new_root)
    cache_file.unlink()
    assert _names(_scan(new_root, cache_file)) == []
    assert _names(_scan(new_root, cache_file, decisions=False)) == [
        {"renamed big.jpg", "renamed small.jpg"}]
    # a restart: a new process, reading the decisions file as a user's next run does
    shown = run_cli("scan", str(new_root), "--json", "--no-cache", "--workers", "0")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["groups"] == []


def test_a_reviewed_group_returns_when_a_new_copy_joins_and_only_then(
        tmp_path: Path, cache_file: Path) -> None:
    root = tmp_path / "photos"
    big, small = _near_pair(root)
    first = _scan(root, cache_file)
    DecisionStore().reviewed([m.info for m in first.groups[0].members])
    hidden = _scan(root, cache_file)
    assert hidden.groups == ()
    assert hidden.stats.hidden_by_decisions == 1
    small.rename(root / "small renamed.jpg")  # a rename is not a new copy
    assert _scan(root, cache_file).groups == ()
    with Image.open(big) as picture:
        picture.resize((400, 300), Image.Resampling.LANCZOS).save(root / "third.jpg",
                                                                 quality=80)
    back = _scan(root, cache_file)
    assert _names(back) == [{"big.jpg", "small renamed.jpg", "third.jpg"}]
    assert [p.rsplit("/", 1)[1] for p in back.groups[0].new] == ["third.jpg"]
    assert back.stats.hidden_by_decisions == 0


def test_a_byte_copy_of_a_reviewed_picture_is_a_new_copy(tmp_path: Path,
                                                          cache_file: Path) -> None:
    root = tmp_path / "photos"
    big, _ = _near_pair(root)
    first = _scan(root, cache_file)
    DecisionStore().reviewed([m.info for m in first.groups[0].members])
    assert _scan(root, cache_file).groups == ()
    shutil.copy2(big, root / "a big copy.jpg")  # before big.jpg in the group's order
    back = _scan(root, cache_file)
    assert _names(back) == [{"big.jpg", "a big copy.jpg", "small.jpg"}]
    assert [p.rsplit("/", 1)[1] for p in back.groups[0].new] == ["a big copy.jpg"]


def test_not_duplicates_never_come_back_together_through_a_third_copy(
        tmp_path: Path, cache_file: Path) -> None:
    root = tmp_path / "photos"
    big, small = _near_pair(root)
    with Image.open(big) as picture:
        picture.resize((360, 270), Image.Resampling.LANCZOS).save(root / "middle.jpg",
                                                                 quality=88)
    first = _scan(root, cache_file)
    assert _names(first) == [{"big.jpg", "middle.jpg", "small.jpg"}]
    decision = DecisionStore().not_duplicates(_paths(first, "big.jpg"),  # type: ignore[arg-type]
                                              _paths(first, "small.jpg"))
    for threshold in (10, 14, 20):
        groups = _names(_scan(root, cache_file, threshold=threshold))
        assert not any({"big.jpg", "small.jpg"} <= g for g in groups), (threshold, groups)
    after = _scan(root, cache_file)
    assert len(after.groups) == 1
    assert "middle.jpg" in _names(after)[0]
    assert after.groups[0].decisions == (decision.id,)


def test_splitting_one_copy_out_of_a_group(tmp_path: Path, cache_file: Path) -> None:
    root = tmp_path / "photos"
    big, _ = _near_pair(root)
    with Image.open(big) as picture:
        picture.resize((360, 270), Image.Resampling.LANCZOS).save(root / "middle.jpg",
                                                                 quality=88)
    first = _scan(root, cache_file)
    members = [m.info for m in first.groups[0].members]
    out = [i for i in members if i.path.endswith("small.jpg")]
    DecisionStore().not_duplicates(out, [i for i in members if i not in out])
    assert _names(_scan(root, cache_file)) == [{"big.jpg", "middle.jpg"}]


def test_the_cli_lists_exports_imports_and_forgets(tmp_path: Path, cache_file: Path) -> None:
    root = tmp_path / "photos"
    _near_pair(root)
    first = _scan(root, cache_file)
    store = DecisionStore()
    decision = store.reviewed([m.info for m in first.groups[0].members])
    shown = run_cli("scan", str(root), "--no-cache", "--workers", "0")
    assert "1 groups hidden by your decisions" in shown.stderr
    assert "Group 1" not in shown.stdout
    assert "1 hidden by your decisions" in shown.stdout
    everything = run_cli("scan", str(root), "--no-cache", "--workers", "0", "--json",
                         "--ignore-decisions")
    document = json.loads(everything.stdout)
    assert len(document["groups"]) == 1
    assert document["groups"][0]["decisions"] == []
    assert document["stats"]["hidden_by_decisions"] == 0

    listed = run_cli("decisions", "list")
    assert listed.returncode == 0
    assert "reviewed, keep all" in listed.stdout
    assert "big.jpg" in listed.stdout
    assert "1 decisions" in listed.stdout
    exported = tmp_path / "decisions.json"
    assert run_cli("decisions", "export", str(exported)).returncode == 0
    assert json.loads(exported.read_text())["decisions"][0]["kind"] == "reviewed"
    forgot = run_cli("decisions", "forget", str(decision.id))
    assert forgot.returncode == 0, forgot.stderr
    assert store.all() == []
    assert len(json.loads(run_cli("scan", str(root), "--no-cache", "--workers", "0",
                                  "--json").stdout)["groups"]) == 1
    imported = run_cli("decisions", "import", str(exported))
    assert "imported 1 new decisions" in imported.stdout
    assert run_cli("decisions", "import", str(exported)).stdout.startswith("imported 0")
    assert [d.kind for d in store.all()] == ["reviewed"]
    missing = run_cli("decisions", "forget", "999")
    assert missing.returncode == 1
    assert "no decision 999" in missing.stderr


def test_a_returned_group_keeps_its_new_copy_after_another_copy_is_trashed(
        tmp_path: Path, cache_file: Path) -> None:
    from dupeviewer.core.policy import Selection
    from dupeviewer.core.remaining import drop_paths

    root = tmp_path / "photos"
    big, _ = _near_pair(root)
    with Image.open(big) as picture:
        picture.resize((360, 270), Image.Resampling.LANCZOS).save(root / "middle.jpg",
                                                                 quality=88)
    first = _scan(root, cache_file)
    DecisionStore().reviewed([m.info for m in first.groups[0].members])
    shutil.copy2(big, root / "big copy.jpg")
    back = _scan(root, cache_file)
    selection = Selection(back.groups)
    drop_paths(selection, {str(root / "small.jpg")}, Options())
    assert [p.rsplit("/", 1)[1] for p in selection.groups[0].new] == ["big copy.jpg"]
    assert selection.groups[0].decisions == back.groups[0].decisions != ()
