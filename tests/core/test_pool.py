"""Worker processes that cannot even start cost speed, never the scan's results."""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

from dupeviewer.core.cancel import CancelToken
from dupeviewer.core.pool import WorkerPool

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

MODULE = '''
import os
if os.environ.get("DUPEVIEWER_TEST_PARENT") != str(os.getpid()):
    os._exit(3)  # every worker process dies while importing this module


def double(value):
    return value * 2
'''


def test_workers_that_die_at_start_fall_back_to_this_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dies_on_import.py").write_text(MODULE)
    monkeypatch.setenv("DUPEVIEWER_TEST_PARENT", str(os.getpid()))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("dies_on_import")
    results: dict[int, object] = {}
    pool = WorkerPool(module.double, lambda task, why: f"failed: {why}", workers=2,
                      timeout=30)
    pool.run(list(range(10)), results.__setitem__, CancelToken())
    assert results == {n: n * 2 for n in range(10)}
    assert pool.start_failures == 3
    sys.modules.pop("dies_on_import", None)
