"""Grouping time and peak memory from 100k to 1M fingerprints, against today's algorithm.

    python benchmarks/bench_grouping.py [--sizes 100000,250000,500000,1000000] [--baseline 100000]

Each measurement runs in a fresh subprocess, so peak RSS is per size. Prints: seconds and
peak RSS of ``build_groups`` on uniform random 64-bit fingerprints (1% planted near copies
at 1-14 bits, and how many of them were grouped) at the default threshold, the growth
exponent between 250k and 1M (of wall and of CPU seconds: the machine may be shared), a
regroup after slider moves (14 -> 12, then 12 -> 16) at 100k, a dense
look-alike library (2,000 clusters of 50 near-identical hashes) at 100k, and the same
uniform case with the algorithm of commit 74687a6 (``--old-ref``) at the baseline size.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time


def _infos(kind: str, n: int) -> tuple[list[object], int]:
    import numpy as np

    from dupeviewer.core.model import ImageInfo

    rng = np.random.default_rng(0)
    planted = 0
    if kind == "dense":  # 2,000 look-alike bursts of 50, up to 6 bits from their centre
        base = rng.integers(0, 2**64 - 1, n // 50, dtype=np.uint64, endpoint=True)
        flips = np.zeros(n, dtype=np.uint64)
        for _ in range(6):
            flips |= np.uint64(1) << rng.integers(0, 64, n).astype(np.uint64)
        hashes = np.repeat(base, 50)[:n] ^ flips
    else:
        hashes = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
        planted = n // 100
        for k, at in enumerate(rng.choice(n // 2, planted, replace=False).tolist()):
            bits = rng.choice(64, 1 + k % 14, replace=False)
            hashes[n // 2 + k] = hashes[at] ^ np.bitwise_or.reduce(
                np.uint64(1) << bits.astype(np.uint64))
    infos = [ImageInfo(path=f"/b/{i:07d}.jpg", size=1000 + i, mtime_ns=0, dev=1, ino=i,
                       width=400, height=300, format="JPEG", dhash=int(h), phash=int(h))
             for i, h in enumerate(hashes.tolist())]
    return infos, planted  # type: ignore[return-value]


def child(kind: str, n: int, threshold: int) -> dict[str, float]:
    from dupeviewer.core.grouping import build_groups
    from dupeviewer.core.model import Options

    infos, planted = _infos(kind, n)
    started, cpu = time.perf_counter(), time.process_time()
    groups = build_groups(infos, Options(threshold=threshold))  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "cpu": time.process_time() - cpu, "groups": len(groups)}
    if planted:
        together = {m.path: id(g) for g in groups for m in g.members}
        half = n // 2
        out["planted_found"] = sum(
            1 for k in range(planted)
            if f"/b/{half + k:07d}.jpg" in together) / planted
    if kind == "regroup":
        for name, moved in (("down", threshold - 2), ("up", threshold + 2)):
            started = time.perf_counter()
            build_groups(list(infos), Options(threshold=moved))  # type: ignore[arg-type]
            out[name] = time.perf_counter() - started
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure(kind: str, n: int, threshold: int, old_ref: str | None = None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", kind, str(n), str(threshold)]
    env = None
    if old_ref:  # today's algorithm, from git, on the same fingerprints
        import os
        import tempfile
        root = tempfile.mkdtemp()
        subprocess.run(["git", "worktree", "add", "--detach", root, old_ref], check=True,
                       capture_output=True)
        env = dict(os.environ, PYTHONPATH=root)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if old_ref:
        subprocess.run(["git", "worktree", "remove", "--force", root], capture_output=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    return dict(json.loads(proc.stdout.splitlines()[-1]))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,250000,500000,1000000")
    parser.add_argument("--threshold", type=int, default=14)
    parser.add_argument("--baseline", type=int, default=100_000)
    parser.add_argument("--only-sizes", action="store_true",
                        help="stop after the sizes (and the exponent)")
    parser.add_argument("--old-ref", default="74687a6")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    seconds, cpu = {}, {}
    for n in sizes:
        r = measure("uniform", n, args.threshold)
        seconds[n], cpu[n] = r["seconds"], r["cpu"]
        print(f"uniform {n:>9,}: {r['seconds']:7.2f} s (CPU {r['cpu']:6.2f} s)  peak RSS "
              f"{r['rss_mb']:6.0f} MB  {r['groups']:.0f} groups, planted copies grouped "
              f"{r['planted_found']:.1%}")
    if 250_000 in seconds and 1_000_000 in seconds:
        exponent = math.log(seconds[1_000_000] / seconds[250_000]) / math.log(4)
        cpu_exponent = math.log(cpu[1_000_000] / cpu[250_000]) / math.log(4)
        print(f"growth exponent 250k -> 1M: {exponent:.2f} (CPU {cpu_exponent:.2f})")
    if args.only_sizes:
        return 0
    r = measure("regroup", 100_000, args.threshold)
    print(f"regroup 100,000 after a slider move {args.threshold} -> {args.threshold - 2}: "
          f"{r['down']:.2f} s, then -> {args.threshold + 2}: {r['up']:.2f} s "
          f"(first grouping {r['seconds']:.2f} s)")
    r = measure("dense", 100_000, args.threshold)
    print(f"dense look-alikes 100,000 (2,000 x 50): {r['seconds']:.2f} s  "
          f"peak RSS {r['rss_mb']:.0f} MB  {r['groups']:.0f} groups")
    new = measure("uniform", args.baseline, args.threshold)
    old = measure("uniform", args.baseline, args.threshold, args.old_ref)
    print(f"against {args.old_ref} at {args.baseline:,}: {old['seconds']:.2f} s / "
          f"{old['rss_mb']:.0f} MB -> {new['seconds']:.2f} s / {new['rss_mb']:.0f} MB "
          f"({old['seconds'] / new['seconds']:.1f}x faster); planted copies grouped "
          f"{old['planted_found']:.1%} -> {new['planted_found']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
