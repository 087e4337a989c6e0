"""The layering holds: the import-linter contracts in pyproject.toml are kept, a crossing
breaks them, and the headless command line starts without Qt."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as run; run()"]
"""``lint-imports`` of this interpreter's import-linter (in the test extra)."""


def _lint(cwd: Path) -> tuple[int, str]:
    """Run ``lint-imports`` on the pyproject.toml in ``cwd`` (whose packages come first on
    the path); its exit code and its report with the line wrapping undone."""
    env = dict(os.environ, PYTHONPATH=str(cwd))
    out = subprocess.run([*LINT, "--no-cache"], cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=300)
    return out.returncode, " ".join((out.stdout + out.stderr).split())


def test_the_import_contracts_are_kept() -> None:
    code, report = _lint(ROOT)
    assert code == 0, report
    assert "0 broken" in report


def _renamed_copy(tmp_path: Path, name: str) -> None:
    """The package copied as ``name`` with its contracts (imports renamed with it), so the
    check reads the copy and not the installed package."""
    shutil.copytree(ROOT / "dupeviewer", tmp_path / name,
                    ignore=shutil.ignore_patterns("__pycache__", "resources"))
    for source in (tmp_path / name).rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        source.write_text(re.sub(r"\bdupeviewer\b(?=[.\s])", name, text), encoding="utf-8")
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    contracts = config[config.index("[tool.importlinter]"):]
    (tmp_path / "pyproject.toml").write_text(re.sub(r'"dupeviewer\b', f'"{name}', contracts),
                                             encoding="utf-8")


def test_a_module_that_imports_the_window_breaks_the_contracts(tmp_path: Path) -> None:
    _renamed_copy(tmp_path, "layercheck")
    code, report = _lint(tmp_path)
    assert code == 0, report  # the copy itself is clean
    operations = tmp_path / "layercheck" / "gui" / "jobs" / "operations.py"
    text = operations.read_text(encoding="utf-8")
    operations.write_text(text.replace(
        "\nlog = logging.getLogger(__name__)",
        "\nfrom layercheck.gui.main_window import MainWindow  # noqa: F401\n"
        "\nlog = logging.getLogger(__name__)", 1), encoding="utf-8")
    code, report = _lint(tmp_path)
    assert code != 0
    assert "Only the application start-up imports the main window BROKEN" in report
    assert "layercheck.gui.jobs.operations -> layercheck.gui.main_window" in report
    assert re.search(r"GUI layers:.*BROKEN", report)


def test_the_engine_importing_qt_breaks_the_contracts(tmp_path: Path) -> None:
    _renamed_copy(tmp_path, "layercheck")
    policy = tmp_path / "layercheck" / "core" / "policy.py"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nimport PySide6  # noqa: E402\n",
                      encoding="utf-8")
    code, report = _lint(tmp_path)
    assert code != 0
    assert re.search(r"never import Qt \(the headless CLI runs without it\) BROKEN", report)
    assert "layercheck.core.policy -> PySide6" in report


def test_the_command_line_starts_without_qt() -> None:
    probe = ("import sys, dupeviewer.cli; print(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('PySide6', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
