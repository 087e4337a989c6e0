"""Scan results as JSON (the public contract), CSV and plain text. No Qt."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from typing import Any

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
    }


def to_dict(result: ScanResult) -> dict[str, Any]:
    stats = result.stats
    return {
        "version": JSON_VERSION,
        "groups": [_group(g) for g in result.groups],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "stats": {
            "files": stats.files,
            "images": stats.images,
            "groups": stats.groups,
            "reclaimable_bytes": stats.reclaimable_bytes,
            "seconds": stats.seconds,
            "cache_hits": stats.cache_hits,
        },
        "roots": list(result.roots),
        "cancelled": result.cancelled,
        "warnings": list(result.warnings),
    }


def to_json(result: ScanResult) -> str:
    """Paths keep non-UTF-8 bytes as surrogate escapes; ``os.fsencode`` gives the bytes back."""
    return json.dumps(to_dict(result), indent=2, ensure_ascii=True)


CSV_FIELDS = ["group", "kind", "keep", "path", "size", "width", "height", "format", "taken",
              "distance", "match", "reference", "reason", "camera", "quality"]
"""Columns are only ever added at the end, as in the JSON contract."""


def to_csv(result: ScanResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for number, group in enumerate(result.groups, 1):
        for index, member in enumerate(group.members):
            info = member.info
            writer.writerow([
                number, group.kind, "yes" if index == group.keeper else "no", info.path,
                info.size, info.width, info.height, info.format, info.taken or "",
                member.distance, member.match, "yes" if member.reference else "no",
                group.reason if index == group.keeper else "",
                info.camera or "", "" if info.quality is None else info.quality,
            ])
    return out.getvalue()


def path_list(paths: Iterable[str], nul: bool = False) -> bytes:
    """Paths as plain bytes, one per line (or each ended by NUL with ``nul``): no quoting,
    no shell syntax. Each path is written as its bytes on disk (``os.fsencode``).

    A line-per-path list cannot hold a name with a line break in it: such a path raises
    ``ValueError`` (the NUL-separated form, read with ``xargs -0``, holds every name)."""
    end = b"\0" if nul else b"\n"
    out = bytearray()
    for path in paths:
        raw = os.fsencode(path)
        if b"\0" in raw or (not nul and (b"\n" in raw or b"\r" in raw)):
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
            lines.append(f"  {printable(info.path)}  {info.width}x{info.height} "
                         f"{info.format} {human_size(info.size)}  [{tag}]")
        lines.append("")
    for skipped in result.skipped:
        lines.append(f"skipped: {printable(skipped.path)}: {skipped.reason}")
    for warning in result.warnings:
        lines.append(f"warning: {warning}")
    stats = result.stats
    lines.append(
        f"{stats.images} images in {stats.files} files, {stats.groups} groups, "
        f"{human_size(stats.reclaimable_bytes)} reclaimable, {len(result.skipped)} skipped, "
        f"{stats.cache_hits} from cache, {stats.seconds:.1f} s"
        + (" (cancelled: partial results)" if result.cancelled else ""))
    return "\n".join(lines) + "\n"


def printable(path: str) -> str:
    """A path safe to print on one terminal line (newlines and undecodable bytes escaped)."""
    raw = os.fsencode(path)
    text = raw.decode("utf-8", "backslashreplace")
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
