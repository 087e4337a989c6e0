"""The engine stays free of Qt, so scripts and the CLI never load a GUI toolkit."""

from __future__ import annotations

import subprocess
import sys


def test_core_and_cli_scan_import_no_qt() -> None:
    code = (
        "import sys, dupeviewer.core, dupeviewer.core.trash, dupeviewer.report, dupeviewer.cli\n"
        "import dupeviewer.core.scan, dupeviewer.core.policy\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'shiboken')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_no_qt_import_statement_in_core() -> None:
    from pathlib import Path

    import dupeviewer.core

    folder = Path(dupeviewer.core.__file__).parent
    offenders = [
        f"{path.name}:{n}"
        for path in folder.glob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if line.lstrip().startswith(("import PySide", "from PySide", "import PyQt", "from PyQt"))
    ]
    assert offenders == []
