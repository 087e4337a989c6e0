"""Scan results as JSON (the public contract), CSV and plain text. No Qt."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dupeviewer.core.model import Group, ScanResult

JSON_VERSION = 1


def _file(member: Any) -> dict[str, Any]:
    info = member.info
    return {
        "path": info.path,
        "size": info.size,
        "width": info.width,
        "height": info.height,
        "format": info.format,
        "taken": info.taken,
        "distance": member.distance,
        "match": member.match,
        "reference": member.reference,
        "camera": info.camera,
        "quality": info.quality,
        "links": list(info.links),
    }


def _group(group: Group) -> dict[str, Any]:
    return {
        "kind": group.kind,
        "keep": group.keep.path,
        "reason": group.reason,
        "reclaimable": group.reclaimable,
        "files": [_file(m) for m in group.members],
        "decisions": list(group.decisions),
        "new": list(group.new),
    }


def to_dict(result: ScanResult) -> dict[str, Any]:
    stats = result.stats
    return {
        "version": JSON_VERSION,
        "groups": [_group(g) for g in result.groups],
        "skipped": [{"path": s.path, "reason": s.reason, "cause": s.cause}
                    for s in result.skipped],
        "stats": {
            "files": stats.files,
            "images": stats.images,
            "groups": stats.groups,
            "reclaimable_bytes": stats.reclaimable_bytes,
            "seconds": stats.seconds,
            "cache_hits": stats.cache_hits,
            "hidden_by_decisions": stats.hidden_by_decisions,
        },
        "roots": list(result.roots),
        "cancelled": result.cancelled,
        "warnings": list(result.warnings),
    }


def to_json(result: ScanResult) -> str:
    """Paths keep non-UTF-8 bytes as surrogate escapes; ``os.fsencode`` gives the bytes back.

    Indented as ``json.dumps(indent=2)`` at the top, with one group (and one skipped file)
    per line: Python's encoder is pure Python when it indents (1.6 s for 11,000 groups
    against 0.3 s), and a line per group is what ``grep`` and line-based tools want."""
    parts = []
    for key, value in to_dict(result).items():
        name = json.dumps(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines = ",\n".join("    " + json.dumps(v, ensure_ascii=True) for v in value)
            parts.append(f"  {name}: [\n{lines}\n  ]")
        else:
            text = json.dumps(value, indent=2, ensure_ascii=True).replace("\n", "\n  ")
            parts.append(f"  {name}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


CSV_FIELDS = ["group", "kind", "keep", "path", "size", "width", "height", "format", "taken",
              "distance", "match", "reference", "reason", "camera", "quality"]
"""Columns are only ever added at the end, as in the JSON contract."""


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet evaluates a cell that starts with one of these (OWASP, "CSV Injection")."""


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a text value that starts like a formula gets a
    leading ``'`` (an EXIF camera ``=HYPERLINK(...)``, a file ``=1+1.jpg``). Numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(result: ScanResult) -> str:
    """One row per copy. Every text cell is quoted and neutralised (:func:`csv_cell`), every
    number is bare; the JSON output holds the exact values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(CSV_FIELDS)
    for number, group in enumerate(result.groups, 1):
        for index, member in enumerate(group.members):
            info = member.info
            writer.writerow([csv_cell(cell) for cell in (
                number, group.kind, "yes" if index == group.keeper else "no", info.path,
                info.size, info.width, info.height, info.format, info.taken or "",
                member.distance, member.match, "yes" if member.reference else "no",
                group.reason if index == group.keeper else "",
                info.camera or "", "" if info.quality is None else info.quality,
            )])
    return out.getvalue()


LINE_SEPARATORS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""Every character ``str.splitlines()`` ends a line at (the table in the Python docs)."""

_LONE_NEL = "\udc85"
"""A 0x85 byte that is not part of a UTF-8 character: NEL for a Latin-1 reader."""


_SPLITS = re.compile("[" + re.escape("".join(sorted(LINE_SEPARATORS | {_LONE_NEL}))) + "]")


def path_list(paths: Iterable[str], nul: bool = False) -> bytes:
    """Paths as plain bytes, one per line (or each ended by NUL with ``nul``): no quoting,
    no shell syntax. Each path is written as its bytes on disk (``os.fsencode``).

    A line-per-path list cannot hold a name that a reader would split into two lines: one
    with a character of :data:`LINE_SEPARATORS` (what ``str.splitlines()`` splits on, a
    superset of ``\\n``, ``\\r``) or a lone 0x85 byte. Such a path raises ``ValueError(path)``
    rather than be escaped, so the list stays exact (the NUL-separated form, read with
    ``xargs -0``, holds every name)."""
    end = b"\0" if nul else b"\n"
    out = bytearray()
    for path in paths:
        raw = os.fsencode(path)
        if b"\0" in raw or (not nul and _SPLITS.search(path)):
            raise ValueError(path)
        out += raw + end
    return bytes(out)


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


KIND_LABEL = {"exact": "exact copies", "pixels": "same picture", "near": "similar"}


def to_text(result: ScanResult) -> str:
    lines = []
    for number, group in enumerate(result.groups, 1):
        lines.append(f"Group {number}: {len(group.members)} {KIND_LABEL[group.kind]}, "
                     f"{human_size(group.reclaimable)} reclaimable")
        for index, member in enumerate(group.members):
            info = member.info
            tag = f"keep ({group.reason})" if index == group.keeper else member.match
            if member.match == "near":
                tag += f", distance {member.distance}"
            if member.path in group.new:
                tag += ", new since reviewed"
            lines.append(f"  {printable(info.path)}  {info.width}x{info.height} "
                         f"{info.format} {human_size(info.size)}  [{tag}]")
        lines.append("")
    for skipped in result.skipped:
        lines.append(f"skipped: {printable(skipped.path)}: {printable(skipped.reason)}")
    for warning in result.warnings:
        lines.append(f"warning: {printable(warning)}")
    stats = result.stats
    lines.append(
        f"{stats.images} images in {stats.files} files, {stats.groups} groups, "
        f"{human_size(stats.reclaimable_bytes)} reclaimable, {len(result.skipped)} skipped, "
        f"{stats.cache_hits} from cache, {stats.seconds:.1f} s"
        + (f", {stats.hidden_by_decisions} hidden by your decisions"
           if stats.hidden_by_decisions else "")
        + (" (cancelled: partial results)" if result.cancelled else ""))
    return "\n".join(lines) + "\n"


_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0 and C1 control codes (ESC, CSI, BEL, the line separators), the Unicode line and
paragraph separators, the bidirectional overrides, and surrogates (undecodable bytes)."""
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode kept it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """A path (or message) safe to print on one terminal line: control codes such as ESC,
    every line separator, bidirectional overrides and undecodable bytes are escaped."""
    return _UNSAFE.sub(_escape, text)
