"""After a scan the command leaves without tearing the interpreter down, and still says
everything: the whole JSON on stdout, the warnings on stderr, the log file written, and the
exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from tests.helpers.libraries import make_library

if TYPE_CHECKING:
    from pathlib import Path


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HOME=str(tmp_path / "home"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run([sys.executable, "-m", "dupeviewer", *args], capture_output=True,
                          text=True, env=env, timeout=300, check=False)


def test_a_scan_says_everything_before_it_leaves(tmp_path: Path) -> None:
    library = make_library(tmp_path / "lib")
    (library.root / "broken.jpg").write_bytes(b"\xff\xd8 not a picture")
    (tmp_path / "afile").write_text("a file where the cache's folder would be")
    done = _run(tmp_path, "scan", str(library.root), "--json", "--workers", "0",
                "--cache", str(tmp_path / "afile" / "cache.sqlite3"))
    assert done.returncode == 0
    doc = json.loads(done.stdout)  # the whole document, to its last brace
    assert doc["stats"]["groups"] == 2
    assert [os.path.basename(s["path"]) for s in doc["skipped"]] == ["broken.jpg"]
    assert "fingerprint cache disabled" in done.stderr
    logs = list((tmp_path / "state").rglob("*.log"))
    assert logs
    assert "fingerprint cache disabled" in "".join(p.read_text() for p in logs)


def test_the_exit_status_of_a_scan_that_fails(tmp_path: Path) -> None:
    done = _run(tmp_path, "scan", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "not a folder" in done.stderr
