"""Plain-text and JSON rendering of accuracy results."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import hashes as H
import metrics as M
from corpus import POSITIVE_KINDS, ROTATION_KINDS, Entry

if TYPE_CHECKING:
    from engine import Run


@dataclass
class Evaluated:
    run: Run
    score: M.Score
    rows: list[M.KindRow]

    @property
    def name(self) -> str:
        t = "default" if self.run.threshold is None else str(self.run.threshold)
        return f"threshold {t}, rotations {'on' if self.run.rotations else 'off'}"


def evaluate(entries: dict[str, Entry], run: Run) -> Evaluated:
    s = M.score(entries, run.groups, run.rotations)
    kinds = POSITIVE_KINDS + (ROTATION_KINDS if run.rotations else ())
    return Evaluated(run, s, M.per_kind(entries, s, run.kinds, kinds, run.matches))


def _pct(x: float) -> str:
    return f"{x:.4f}"


def _ph(h: H.Hashes, engine: bool) -> int:
    return h.engine[0] if engine and h.engine else h.phash


def _dh(h: H.Hashes, engine: bool) -> int:
    return h.engine[1] if engine and h.engine else h.dhash


def _low(h: H.Hashes) -> bool:
    return bool(h.engine and h.engine[3])


def distance_table(entries: dict[str, Entry], hs: dict[str, H.Hashes]) -> list[str]:
    """pHash/dHash distances of each variant kind to its original, and of hard negatives."""
    eng = bool(hs) and all(h.engine for h in hs.values())
    src = "the engine's own fingerprints" if eng else "ImageHash"
    originals = {e.label: p for p, e in entries.items() if e.role == "original"}
    by_kind: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for p, e in entries.items():
        o = originals.get(e.label)
        if e.role in ("positive", "rotation") and o and p in hs and o in hs:
            by_kind[e.kind].append((H.hamming(_ph(hs[p], eng), _ph(hs[o], eng)),
                                    H.hamming(_dh(hs[p], eng), _dh(hs[o], eng)),
                                    H.hamming(hs[p].phash, hs[o].phash)))
    lines = [f"Distances of each copy to its original ({src}; last: plain ImageHash pHash "
             "on the EXIF-transposed picture)",
             f"  {'variant':16} {'n':>4}  {'pHash med':>9} {'p90':>4} {'max':>4}   "
             f"{'dHash med':>9} {'p90':>4} {'max':>4}   {'IH pHash':>9} {'p90':>4} {'max':>4}"]
    for kind in POSITIVE_KINDS + ROTATION_KINDS:
        ds = by_kind.get(kind)
        if ds:
            lines.append(f"  {kind:16} {len(ds):4d}  " + "   ".join(
                _dist(d[i] for d in ds) for i in range(3)))
    # pairs of different pictures that a threshold must keep apart
    paths = [p for p in entries if p in hs]
    near_neg: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, a in enumerate(paths):
        for b in paths[i + 1:]:
            ea, eb = entries[a], entries[b]
            if ea.label == eb.label or (eng and (_low(hs[a]) or _low(hs[b]))):
                continue
            dp = H.hamming(_ph(hs[a], eng), _ph(hs[b], eng))
            if dp <= 16:
                near_neg[M.category(ea, eb)].append(
                    (dp, H.hamming(_dh(hs[a], eng), _dh(hs[b], eng))))
    lines.append(f"  different-label pairs by category: how many have pHash <= 4/6/8/10/12/14/16, "
                 f"and the smallest dHash among those with pHash <= 16 ({src}; "
                 f"{'pictures the engine flags low-detail left out' if eng else 'all pictures'})")
    for cat in M.CATEGORIES:
        neg = near_neg.get(cat, [])
        counts = "/".join(str(sum(1 for d in neg if d[0] <= t)) for t in (4, 6, 8, 10, 12, 14, 16))
        mind = min((d[1] for d in neg), default=None)
        lines.append(f"  {cat:32} {counts:>28}   min dHash {mind if mind is not None else '-'}")
    return lines


def _dist(values: Any) -> str:
    v = sorted(values)
    p90 = v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]
    return f"{statistics.median(v):9.1f} {p90:4d} {v[-1]:4d}"


def run_text(ev: Evaluated, entries: dict[str, Entry], hs: dict[str, H.Hashes],
             detail: bool, default: int | None = None) -> list[str]:
    s, run = ev.score, ev.run
    threshold = run.threshold if run.threshold is not None else default
    lines = [f"== {ev.name}: {run.seconds:.1f} s{' (cached)' if run.cached else ''}, "
             f"{len(run.groups)} groups, {len(run.skipped)} skipped",
             f"   precision {_pct(s.precision)} (TP {s.tp}, FP {s.fp})   "
             f"recall {_pct(s.recall)} (FN {s.fn})"
             + (f"   [rotated-copy pairs grouped without --rotations: {s.neutral}]"
                if s.neutral else "")]
    if not detail:
        return lines
    lines.append(f"   {'positive variant':16} {'with original':>14} {'recall':>7}  "
                 f"{'all its pairs':>14} {'recall':>7}  group kind/match to keeper")
    for r in ev.rows:
        grouped = ", ".join(f"{k} {n}" for k, n in r.grouped_as.most_common())
        lines.append(f"   {r.kind:16} {r.found:6d}/{r.total:<7d} {r.found / r.total:7.3f}  "
                     f"{r.any_found:6d}/{r.any_total:<7d} "
                     f"{(r.any_found / r.any_total if r.any_total else 1):7.3f}  {grouped}")
    keepers = Counter(entries[p].kind for p, m in run.matches.items()
                      if m == "keeper" and p in entries and entries[p].role != "negative")
    if keepers:
        lines.append("   keeper suggested in groups of copies, by variant: "
                     + ", ".join(f"{k} {n}" for k, n in keepers.most_common()))
    fp_by_cat: dict[str, list[M.Pair]] = defaultdict(list)
    for a, b in s.fp_pairs:
        fp_by_cat[M.category(entries[a], entries[b])].append((a, b))
    lines.append("   hard negatives: false-positive pairs per category, then per pair of labels")
    for cat in M.CATEGORIES:
        pairs = fp_by_cat.get(cat, [])
        lines.append(f"     {cat:32} {len(pairs):5d}")
        lines += _fp_clusters(pairs, entries, hs, threshold)
    originals = {e.label: p for p, e in entries.items() if e.role == "original"}
    missed = [(a, b) for a, b in s.fn_pairs if originals.get(entries[a].label) in (a, b)]
    lines.append(f"   missed copies (pairs with the original not grouped): {len(missed)}"
                 f"   (other missed same-label pairs: {len(s.fn_pairs) - len(missed)})")
    for a, b in missed[:60]:
        o, v = (a, b) if originals[entries[a].label] == a else (b, a)
        where = ("ungrouped" if v not in s.group_of else
                 "in a group without its original" if o not in s.group_of
                 or s.group_of[o] != s.group_of[v] else "")
        lines.append(f"        {v:40} [{H.describe(hs.get(o), hs.get(v))}] "
                     f"{where}; original {'ungrouped' if o not in s.group_of else 'grouped'}")
    if len(missed) > 60:
        lines.append(f"        ... {len(missed) - 60} more")
    for path, reason in run.skipped[:20]:
        lines.append(f"   skipped: {path}: {reason}")
    return lines


def _fp_clusters(pairs: list[M.Pair], entries: dict[str, Entry],
                 hs: dict[str, H.Hashes], threshold: int | None,
                 limit: int = 30) -> list[str]:
    """False-positive pairs summarised per pair of labels, closest pair shown."""
    by_labels: dict[tuple[str, str], list[M.Pair]] = defaultdict(list)
    for a, b in pairs:
        la, lb = entries[a].label, entries[b].label
        if la > lb:
            a, b, la, lb = b, a, lb, la
        by_labels[(la, lb)].append((a, b))
    out = []
    ranked = sorted(by_labels.items(), key=lambda kv: -len(kv[1]))
    for (la, lb), ps in ranked[:limit]:
        def key(p: M.Pair) -> int:
            ha, hb = hs.get(p[0]), hs.get(p[1])
            return H.hamming(ha.phash, hb.phash) if ha and hb else 99
        ps.sort(key=key)
        a, b = ps[0]
        direct = _count_direct(ps, hs, threshold)
        out.append(f"        {la} ~ {lb}: {len(ps)} pairs{direct}; closest {a} ~ {b} "
                   f"[{H.describe(hs.get(a), hs.get(b))}]")
        if len(ps) > 1:
            a, b = ps[-1]
            out.append(f"            farthest {a} ~ {b} [{H.describe(hs.get(a), hs.get(b))}]")
    if len(ranked) > limit:
        out.append(f"        ... {len(ranked) - limit} more label pairs")
    return out


def _count_direct(ps: list[M.Pair], hs: dict[str, H.Hashes], threshold: int | None) -> str:
    if threshold is None:
        return ""
    verdicts = [H.direct_match(hs[a], hs[b], threshold) for a, b in ps if a in hs and b in hs]
    if not verdicts or any(v is None for v in verdicts):
        return ""
    n = sum(1 for v in verdicts if v)
    return f" ({n} direct, {len(ps) - n} via a shared centre)"


def sweep_text(evs: list[Evaluated], baseline: dict[tuple[int, bool], M.Score],
               default: int | None) -> list[str]:
    lines = ["Sweep (engine, then naive pHash-only connected components as a baseline, "
             "upright only;", "  * = engine default, c = run with a warm fingerprint cache)",
             f"  {'thr':>4} {'rot':>3} {'precision':>9} {'recall':>7} {'TP':>6} {'FP':>5} "
             f"{'FN':>5} {'seconds':>7} | {'naive P':>7} {'naive R':>7}"]
    for ev in evs:
        s, r = ev.score, ev.run
        thr_key = r.threshold if r.threshold is not None else default
        b = (baseline.get((thr_key, r.rotations))
             if thr_key is not None and not r.rotations else None)
        tail = f"{_pct(b.precision):>7} {_pct(b.recall):>7}" if b else f"{'-':>7} {'-':>7}"
        thr = f"{thr_key}*" if r.threshold is None else str(r.threshold)
        secs = f"{r.seconds:.1f}{'c' if r.cached else ''}"
        lines.append(f"  {thr:>4} {'on' if r.rotations else 'off':>3} {_pct(s.precision):>9} "
                     f"{_pct(s.recall):>7} {s.tp:6d} {s.fp:5d} {s.fn:5d} {secs:>7} | "
                     + tail)
    return lines


def to_json(ev: Evaluated, entries: dict[str, Entry], hs: dict[str, H.Hashes],
            default: int | None = None) -> dict[str, Any]:
    s = ev.score
    threshold = ev.run.threshold if ev.run.threshold is not None else default
    return {
        "threshold": ev.run.threshold, "rotations": ev.run.rotations,
        "seconds": round(ev.run.seconds, 2), "cached": ev.run.cached,
        "stats": ev.run.stats, "precision": s.precision, "recall": s.recall,
        "tp": s.tp, "fp": s.fp, "fn": s.fn, "neutral": s.neutral,
        "groups": len(ev.run.groups), "skipped": [list(x) for x in ev.run.skipped],
        "per_kind": [{"kind": r.kind, "found": r.found, "total": r.total,
                      "all_pairs_found": r.any_found, "all_pairs": r.any_total,
                      "grouped_as": dict(r.grouped_as)} for r in ev.rows],
        "false_positives": [{"a": a, "b": b, "category": M.category(entries[a], entries[b]),
                             "why": H.describe(hs.get(a), hs.get(b)),
                             "direct": (H.direct_match(hs[a], hs[b], threshold)
                                        if a in hs and b in hs and threshold is not None
                                        else None)}
                            for a, b in s.fp_pairs],
        "false_negatives": [{"a": a, "b": b, "why": H.describe(hs.get(a), hs.get(b))}
                            for a, b in s.fn_pairs],
    }
