"""A real trash process killed at any instant: the next undo restores exactly the
interrupted batch, and nothing from the batch before it."""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dupeviewer.core import Options, scan
from dupeviewer.core.journal import Journal
from dupeviewer.core.policy import Selection
from dupeviewer.core.trash import plan, trash
from dupeviewer.core.trashdir import came_from, trash_roots
from dupeviewer.core.undo import pending, undo_last
from tests.helpers.pictures import photo_like
from tests.helpers.trash import use_temporary_trash

HELPER = Path(__file__).resolve().parent.parent / "helpers" / "trashkill.py"
VICTIMS = 4  # files the killed batch trashes


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    photo_like(seed, (48, 48)).save(buffer, "PNG")
    return buffer.getvalue()


def digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


class Scene:
    """A first batch trashed and journalled; then a folder whose copies a second batch
    (the one to kill) trashes. One of its names is also in the first batch."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 journal: Path | None = None) -> None:
        self.trash_dir = use_temporary_trash(monkeypatch, tmp_path / "home")
        self.journal = journal or tmp_path / "journal.jsonl"
        first, self.folder = tmp_path / "first", tmp_path / "second"
        first.mkdir()
        self.folder.mkdir()
        (first / "keep.png").write_bytes(png(1))
        (first / "p0-b.png").write_bytes(png(1))  # same name as a victim of the second
        result = scan([first], Options(workers=0, use_cache=False))
        report = trash(plan(result.groups, Selection(result.groups).marked),
                       Journal(self.journal))
        self.first = {o.path for o in report.trashed}
        assert self.first == {str(first / "p0-b.png")}
        for p in range(VICTIMS):
            (self.folder / f"p{p}-a.png").write_bytes(png(10 + p))
            (self.folder / f"p{p}-b.png").write_bytes(png(10 + p))
        self.before = {p: digest(p) for p in self.folder.iterdir()}

    def run(self, mode: str, k: int) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, str(HELPER), str(self.folder),
                                 str(self.journal), mode, str(k)],
                                stdout=subprocess.PIPE, text=True, env=dict(os.environ))

    def in_trash(self, path: Path) -> list[Path]:
        """Files in the trash whose .trashinfo names ``path`` and whose bytes are its."""
        found = []
        for trash_dir, top in trash_roots(str(path)):
            for info in (trash_dir / "info").glob("*.trashinfo"):
                stored = trash_dir / "files" / info.name[: -len(".trashinfo")]
                if (came_from(info, top) == str(path) and stored.exists()
                        and digest(stored) == self.before[path]):
                    found.append(stored)
        return found

    def check_after_kill(self) -> set[str]:
        """Every photo is in place or in the trash with its .trashinfo; the moved ones."""
        moved = set()
        for path, before in self.before.items():
            if path.exists():
                assert digest(path) == before, f"{path} changed"
            else:
                assert len(self.in_trash(path)) == 1, f"{path} is neither in place nor trashed"
                moved.add(str(path))
        return moved

    def check_undo(self, moved: set[str]) -> None:
        assert pending(self.journal) == len(moved or self.first)
        undone = undo_last(self.journal)
        assert undone.ok, undone.failed
        if not moved:  # nothing of the killed batch moved: the last action is the first
            assert set(undone.restored) == self.first
            return
        assert set(undone.restored) == moved
        for path, before in self.before.items():
            assert digest(path) == before, f"{path} not restored byte for byte"
        for path in self.first:
            assert not os.path.exists(path), "undo restored a file of the batch before"
        assert set(undo_last(self.journal).restored) == self.first  # the next undo


@pytest.mark.parametrize("mode", ["after", "mid", "before"])
def test_kill_at_every_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    for k in range(1, VICTIMS + 1):
        scene = Scene(tmp_path / f"{mode}{k}", monkeypatch)
        child = scene.run(mode, k)
        out, _ = child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL, out
        moved = scene.check_after_kill()
        assert len(moved) == {"after": k, "mid": k - 1, "before": k - 1}[mode]
        scene.check_undo(moved)


def test_kill_at_random_instants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scene = Scene(tmp_path / "timing", monkeypatch)
    child = scene.run("ready", 0)
    assert child.stdout is not None
    assert child.stdout.readline().startswith("ready")
    start = time.monotonic()
    assert child.stdout.readline().startswith("finished")
    span = time.monotonic() - start
    child.wait(timeout=60)
    rng = random.Random(8)
    seen = set()
    for run in range(8):
        scene = Scene(tmp_path / f"random{run}", monkeypatch)
        child = scene.run("ready", 0)
        assert child.stdout is not None
        assert child.stdout.readline().startswith("ready")
        time.sleep(rng.uniform(0, span))  # the instant of the kill, not a synchronisation
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        moved = scene.check_after_kill()
        seen.add(len(moved))
        scene.check_undo(moved)
    assert len(seen) > 1, f"every kill landed at the same point ({seen})"
