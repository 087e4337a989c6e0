"""A trash process to kill: scans a folder, trashes the suggested copies for real through
``dupeviewer.core.trash.trash``, and SIGKILLs itself at a chosen instant.

Run as ``python tests/helpers/trashkill.py FOLDER JOURNAL MODE K`` with ``HOME`` and
``XDG_DATA_HOME`` set to a temporary home (send2trash reads them at import). MODE:

- ``before``: killed just before the K-th file is sent (its intent is journalled);
- ``mid``: killed inside send2trash, after the K-th ``.trashinfo`` is written and before
  the file is moved;
- ``after``: killed right after the K-th file moved, before the journal hears of it;
- ``ready``: never kills itself; prints ``ready`` before trashing so the parent can kill
  it at a random instant, and ``finished`` at the end.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(folder: str, journal: str, mode: str, k: int) -> None:
    from send2trash import plat_other

    from dupeviewer.core import Options, scan
    from dupeviewer.core.journal import Journal
    from dupeviewer.core.policy import Selection
    from dupeviewer.core.trash import plan, trash

    result = scan([folder], Options(workers=0, use_cache=False))
    requests = plan(result.groups, Selection(result.groups).marked)
    sent = 0
    real_rename = os.rename

    def send(path: str) -> None:
        nonlocal sent
        sent += 1
        if mode == "before" and sent == k:
            _die()
        if mode == "mid" and sent == k:
            def rename(src: object, dst: object) -> None:
                _die()
                real_rename(src, dst)  # type: ignore[arg-type]
            os.rename = rename  # type: ignore[assignment]
        plat_other.send2trash(path)
        if mode == "after" and sent == k:
            _die()

    print(f"ready {len(requests)}", flush=True)
    report = trash(requests, Journal(Path(journal)), send=send)
    print(f"finished {len(report.trashed)}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
