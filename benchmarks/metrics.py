"""Pairwise precision and recall of a grouping against the corpus labels.

Predicted pairs: every unordered pair of files in the same group. True pairs: every pair of
files with the same label. Without ``--rotations``, a pair of same-label files of which one
is a rotated / mirrored copy is *neutral*: neither required nor counted as an error.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus import Entry

Pair = tuple[str, str]


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass
class Score:
    tp: int
    fp: int
    fn: int
    neutral: int
    """Same-label pairs involving a rotated copy (ignored without --rotations) found anyway."""
    fp_pairs: list[Pair] = field(default_factory=list)
    fn_pairs: list[Pair] = field(default_factory=list)
    group_of: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _neutral(a: Entry, b: Entry, rotations: bool) -> bool:
    return (not rotations and a.label == b.label
            and (a.role == "rotation" or b.role == "rotation"))


def score(entries: dict[str, Entry], groups: list[list[str]], rotations: bool) -> Score:
    """Score ``groups`` (lists of corpus-relative paths) against the labels."""
    group_of: dict[str, int] = {}
    predicted: set[Pair] = set()
    for gi, g in enumerate(groups):
        known = [p for p in g if p in entries]
        for p in known:
            group_of[p] = gi
        predicted.update(_pair(a, b) for a, b in combinations(known, 2))
    by_label: dict[str, list[str]] = defaultdict(list)
    for p, e in entries.items():
        by_label[e.label].append(p)
    truth: set[Pair] = set()
    for members in by_label.values():
        for a, b in combinations(sorted(members), 2):
            if not _neutral(entries[a], entries[b], rotations):
                truth.add(_pair(a, b))
    neutral = sum(1 for a, b in predicted if _neutral(entries[a], entries[b], rotations))
    fp = sorted(p for p in predicted - truth if not _neutral(entries[p[0]], entries[p[1]],
                                                              rotations))
    fn = sorted(truth - predicted)
    return Score(len(predicted & truth), len(fp), len(fn), neutral, fp, fn, group_of)


@dataclass
class KindRow:
    kind: str
    found: int
    total: int
    any_found: int
    any_total: int
    grouped_as: Counter[str]


def per_kind(entries: dict[str, Entry], s: Score, group_kinds: list[str],
             kinds: tuple[str, ...], matches: dict[str, str] | None = None) -> list[KindRow]:
    """Recall per positive variant kind: pairs with the original, and all its pairs."""
    originals = {e.label: p for p, e in entries.items() if e.role == "original"}
    missing = set(s.fn_pairs)
    fn_by_file: Counter[str] = Counter()
    for a, b in s.fn_pairs:
        fn_by_file[a] += 1
        fn_by_file[b] += 1
    label_size = Counter(e.label for e in entries.values())
    rows = []
    for kind in kinds:
        files = [p for p, e in entries.items() if e.kind == kind and e.label in originals]
        if not files:
            continue
        found = sum(1 for p in files if _pair(p, originals[entries[p].label]) not in missing)
        any_total = sum(label_size[entries[p].label] - 1 for p in files)
        any_found = any_total - sum(fn_by_file[p] for p in files)
        grouped = Counter(
            (group_kinds[s.group_of[p]] + ("/" + matches[p] if matches and p in matches else ""))
            if p in s.group_of else "-" for p in files)
        rows.append(KindRow(kind, found, len(files), any_found, any_total, grouped))
    return rows


def category(a: Entry, b: Entry) -> str:
    """Which hard-negative category a wrongly grouped pair belongs to."""
    kinds = {a.kind, b.kind}
    if "gradient" in kinds:
        return "gradients"
    if a.family == b.family:
        if kinds & {"half-left", "half-right"}:
            return "halves of one picture"
        slices = {"portrait", "dark-portrait"}
        if kinds & slices and not (a.kind in slices and b.kind in slices):
            return "portrait crop of a landscape"
        return "recoloured variants"
    if a.role == "rotation" or b.role == "rotation":
        return "rotated copy vs other picture"
    return "different pictures"


CATEGORIES = ("halves of one picture", "recoloured variants", "portrait crop of a landscape",
              "gradients", "different pictures", "rotated copy vs other picture")
