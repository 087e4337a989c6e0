"""Run the dupeviewer engine on a folder and return its groups as corpus-relative paths.

Two ways, same answer: the public headless contract
``python -m dupeviewer scan ROOT --json --no-cache [--threshold N] [--rotations]``
(the default), or the library call ``dupeviewer.core.scan([ROOT], Options(...))``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class Run:
    threshold: int | None
    rotations: bool
    groups: list[list[str]]
    kinds: list[str]
    skipped: list[tuple[str, str]]
    seconds: float
    cached: bool = False
    """Run with a fingerprint cache (sweep runs) rather than ``--no-cache``."""
    stats: dict[str, object] = field(default_factory=dict)
    matches: dict[str, str] = field(default_factory=dict)
    """Per file: how it relates to its group's keeper (keeper/exact/pixels/near)."""


class EngineError(RuntimeError):
    pass


def _rel(root: Path, path: str) -> str:
    real_root = os.path.realpath(root)
    return os.path.relpath(os.path.realpath(path), real_root).replace(os.sep, "/")


def run_cli(root: Path, threshold: int | None, rotations: bool,
            extra: tuple[str, ...] = (), cache: Path | None = None,
            timeout: float = 1800) -> Run:
    cmd = [sys.executable, "-m", "dupeviewer", "scan", str(root), "--json"]
    cmd += ["--cache", str(cache)] if cache is not None else ["--no-cache"]
    if threshold is not None:
        cmd += ["--threshold", str(threshold)]
    if rotations:
        cmd.append("--rotations")
    cmd += list(extra)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - t0
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise EngineError(f"{' '.join(cmd)} exited {proc.returncode} without JSON on stdout:\n"
                          f"{proc.stderr[-3000:]}") from exc
    groups = [[_rel(root, f["path"]) for f in g["files"]] for g in doc.get("groups", [])]
    kinds = [str(g.get("kind", "?")) for g in doc.get("groups", [])]
    matches = {_rel(root, f["path"]): str(f.get("match", "?"))
               for g in doc.get("groups", []) for f in g["files"]}
    skipped = [(_rel(root, s["path"]), str(s.get("reason", ""))) for s in doc.get("skipped", [])]
    if proc.returncode != 0:
        raise EngineError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return Run(threshold, rotations, groups, kinds, skipped, seconds, cache is not None,
               dict(doc.get("stats", {})), matches)


def run_api(root: Path, threshold: int | None, rotations: bool,
            cache: Path | None = None) -> Run:
    from dupeviewer.core import Options, scan  # imported late: the engine may be unfinished

    kw: dict[str, object] = {"rotations": rotations, "use_cache": cache is not None,
                             "cache_path": cache}
    if threshold is not None:
        kw["threshold"] = threshold
    t0 = time.perf_counter()
    result = scan([str(root)], Options(**kw))  # type: ignore[arg-type]
    seconds = time.perf_counter() - t0
    groups = [[_rel(root, m.info.path) for m in g.members] for g in result.groups]
    kinds = [g.kind for g in result.groups]
    skipped = [(_rel(root, s.path), s.reason) for s in result.skipped]
    stats = {k: getattr(result.stats, k) for k in ("files", "images", "groups", "cache_hits")}
    matches = {_rel(root, m.info.path): str(getattr(m, "match", "?"))
               for g in result.groups for m in g.members}
    return Run(threshold, rotations, groups, kinds, skipped, seconds, cache is not None, stats,
               matches)


def default_threshold() -> int | None:
    try:
        from dupeviewer.core.model import DEFAULT_THRESHOLD
    except Exception:  # noqa: BLE001
        return None
    return int(DEFAULT_THRESHOLD)


def run(engine: str, root: Path, threshold: int | None, rotations: bool,
        extra: tuple[str, ...] = (), cache: Path | None = None) -> Run:
    if engine == "api":
        return run_api(root, threshold, rotations, cache)
    return run_cli(root, threshold, rotations, extra, cache)
