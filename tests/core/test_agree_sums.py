"""The brightness-and-colour check from integer sums gives exactly the answers of the float
formula it replaces, for ordinary and for flat pictures (held to the strict limits)."""

from __future__ import annotations

import numpy as np

from dupeviewer.core import similarity
from dupeviewer.core.model import ImageInfo


def test_integer_sums_agree_with_the_float_formula() -> None:
    rng = np.random.default_rng(0)
    infos = []
    for k in range(2000):  # families of eight pictures, some flat, some noisy
        base = np.random.default_rng(k // 8).integers(0, 256, 3, dtype=np.int64)
        noise = rng.integers(-3, 4, (3, 8, 8)) * (k % 3)
        grid = np.clip(base[:, None, None] + noise, 0, 255).astype(np.uint8)
        infos.append(ImageInfo(path=f"/x/{k}", size=1, mtime_ns=0, dev=1, ino=k, width=100,
                               height=100, format="JPEG", dhash=0, phash=0,
                               colour=grid.tobytes(), low_detail=bool(k % 2)))
    sig = similarity.Signatures.of(infos)
    i = rng.integers(0, len(infos), 50_000)
    j = (i // 8) * 8 + rng.integers(0, 8, len(i))  # mostly within a family
    j[::5] = rng.integers(0, len(infos), len(j[::5]))  # and some anywhere
    flat = sig.flat[i] | sig.flat[j]
    summed = similarity.agree_aligned(sig, i, sig.raw[i], j, sig.raw[j])
    expected = similarity.agree(sig.grids(i), sig.grids(j), flat)
    assert flat.sum() > 10_000
    assert 1000 < (summed & flat).sum() < flat.sum()  # both answers among flat pairs
    assert (summed == expected).all()
