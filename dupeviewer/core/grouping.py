"""Exact, same-pixels and near groups, without chaining unrelated photos together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from dupeviewer.core.model import Group, ImageInfo, Kind, Member, Options
from dupeviewer.core.neighbours import pairs_within, popcount64
from dupeviewer.core.policy import choose_keeper, in_folder

DHASH_SLACK = 2.0
"""A near match must also have dHash distance <= DHASH_SLACK * threshold + 4."""
COLOUR_LIMIT = 14.0
"""Largest mean chroma difference (Cb/Cr, 0-255) between two colourful near matches."""
ACHROMATIC = 4.0
"""Below this mean chroma a picture counts as grey, and colour is not compared."""

# ImageInfo.rot_* order: ROTATE_90, ROTATE_180, ROTATE_270, FLIP_LR, FLIP_TB, TRANSPOSE,
# TRANSVERSE (PIL semantics). The same transforms on an 8x8 numpy grid:
_GRID_TRANSFORMS = (
    lambda a: a,
    lambda a: np.rot90(a, 1),
    lambda a: np.rot90(a, 2),
    lambda a: np.rot90(a, 3),
    lambda a: a[:, ::-1],
    lambda a: a[::-1, :],
    lambda a: a.T,
    lambda a: np.rot90(a, 2).T,
)


def byte_candidates(images: Sequence[ImageInfo]) -> list[ImageInfo]:
    """Images that share their size with another: only these need a byte digest."""
    by_size: dict[int, list[ImageInfo]] = defaultdict(list)
    for info in images:
        by_size[info.size].append(info)
    return [i for same in by_size.values() if len(same) > 1 for i in same]


def pixel_candidates(images: Sequence[ImageInfo]) -> list[ImageInfo]:
    """JPEGs hashed from a reduced decode that need a full pixel digest: those whose size
    and hashes collide with a differently-encoded file that may hold the same pixels
    (a JPEG with the same compressed data, or a file decoded in full)."""
    buckets: dict[tuple[int, int, int, int], dict[str, ImageInfo]] = defaultdict(dict)
    for info in images:
        key = (info.width, info.height, info.phash, info.dhash)
        buckets[key].setdefault(info.byte_digest or info.path, info)
    needed = []
    for contents in buckets.values():
        if len(contents) < 2:
            continue
        reps = list(contents.values())
        full = any(r.pixel_digest is not None for r in reps)
        drafts: dict[str, int] = defaultdict(int)
        for rep in reps:
            if rep.draft_digest is not None:
                drafts[rep.draft_digest] += 1
        needed += [r for r in reps if r.pixel_digest is None
                   and (full or drafts[r.draft_digest or ""] > 1)]
    return needed


def identity_classes(images: Sequence[ImageInfo]) -> list[list[int]]:
    """Indexes of images with the same bytes or the same decoded pixels (union-find)."""
    parent = list(range(len(images)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    firsts: dict[tuple[str, str], int] = {}
    for index, info in enumerate(images):
        for key in (("b", info.byte_digest), ("p", info.pixel_digest)):
            if key[1] is None:
                continue
            other = firsts.setdefault(key, index)  # type: ignore[arg-type]
            parent[find(index)] = find(other)
    classes: dict[int, list[int]] = defaultdict(list)
    for index in range(len(images)):
        classes[find(index)].append(index)
    return list(classes.values())


def _chroma(infos: Sequence[ImageInfo]) -> np.ndarray:
    grid = np.full((len(infos), 2, 8, 8), 128, dtype=np.int16)
    for row, info in enumerate(infos):
        if len(info.colour) == 128:
            grid[row] = np.frombuffer(info.colour, dtype=np.uint8).reshape(2, 8, 8)
    return grid - 128


def _colour_ok(chroma: np.ndarray, i: np.ndarray, j: np.ndarray, t: np.ndarray) -> np.ndarray:
    ok = np.ones(len(i), dtype=bool)
    strength = np.abs(chroma).mean(axis=(1, 2, 3))
    for row in range(len(i)):
        a, b = chroma[i[row]], chroma[j[row]]
        if strength[i[row]] < ACHROMATIC or strength[j[row]] < ACHROMATIC:
            continue
        turned = np.stack([_GRID_TRANSFORMS[t[row]](b[c]) for c in range(2)])
        ok[row] = float(np.abs(a - turned).mean()) <= COLOUR_LIMIT
    return ok


def near_edges(reps: Sequence[ImageInfo], threshold: int,
               rotations: bool) -> dict[int, dict[int, int]]:
    """Confirmed near matches between representatives: adjacency with pHash distance."""
    usable = [k for k, info in enumerate(reps) if not info.low_detail]
    if len(usable) < 2:
        return {}
    infos = [reps[k] for k in usable]
    phash = np.array([i.phash for i in infos], dtype=np.uint64)
    dhash = np.array([i.dhash for i in infos], dtype=np.uint64)
    keys, owners, transforms, key_dhash = [phash], [np.arange(len(infos))], [0], [dhash]
    if rotations:
        for t in range(7):
            keys.append(np.array([i.rot_phash[t] for i in infos], dtype=np.uint64))
            key_dhash.append(np.array([i.rot_dhash[t] for i in infos], dtype=np.uint64))
            owners.append(np.arange(len(infos)))
            transforms.append(t + 1)
    all_keys = np.concatenate(keys)
    all_owner = np.concatenate(owners)
    all_t = np.concatenate([np.full(len(infos), t) for t in transforms])
    all_dhash = np.concatenate(key_dhash)
    q, k, dist = pairs_within(phash, all_keys, threshold)
    j = all_owner[k]
    keep = q != j
    q, k, j, dist = q[keep], k[keep], j[keep], dist[keep]
    d_dist = popcount64(dhash[q] ^ all_dhash[k])
    keep = d_dist <= DHASH_SLACK * threshold + 4
    q, k, j, dist = q[keep], k[keep], j[keep], dist[keep]
    keep = _colour_ok(_chroma(infos), q, j, all_t[k])
    edges: dict[int, dict[int, int]] = defaultdict(dict)
    for a, b, d in zip(q[keep].tolist(), j[keep].tolist(), dist[keep].tolist()):
        a, b = usable[a], usable[b]
        for x, y in ((a, b), (b, a)):
            if d < edges[x].get(y, 99):
                edges[x][y] = d
    return edges


def clusters(count: int, edges: dict[int, dict[int, int]],
             weight: Sequence[int]) -> list[list[int]]:
    """Groups around centres: every member is a direct neighbour of its centre, so
    A~B and B~C never glue A to a C it does not resemble."""
    order = sorted(edges, key=lambda n: (-len(edges[n]), -weight[n], n))
    assigned: set[int] = set()
    found = []
    for centre in order:
        if centre in assigned:
            continue
        members = [centre] + sorted(n for n in edges[centre] if n not in assigned)
        if len(members) < 2:
            continue
        assigned.update(members)
        found.append(members)
    return found


def hash_distance(a: ImageInfo, b: ImageInfo, rotations: bool) -> int:
    candidates = [b.phash] + (list(b.rot_phash) if rotations else [])
    return min(int(np.bitwise_count(np.uint64(a.phash ^ h))) for h in candidates)


def make_group(infos: Sequence[ImageInfo], options: Options) -> Group:
    references = [bool(options.references) and in_folder(i.path, options.references)
                  for i in infos]
    keeper, reason = choose_keeper(infos, references)
    best = infos[keeper]
    members = []
    for index, info in enumerate(infos):
        match: str
        if index == keeper:
            match, distance = "keeper", 0
        elif info.byte_digest is not None and info.byte_digest == best.byte_digest:
            match, distance = "exact", 0
        elif info.pixel_digest is not None and info.pixel_digest == best.pixel_digest:
            match, distance = "pixels", 0
        else:
            match, distance = "near", hash_distance(best, info, options.rotations)
        members.append(Member(info, distance, match, references[index]))
    members.sort(key=lambda m: (m.match != "keeper", m.distance, m.path))
    matches = {m.match for m in members} - {"keeper"}
    kind: Kind = "near" if "near" in matches else "pixels" if "pixels" in matches else "exact"
    return Group(kind, tuple(members), 0, reason)


def build_groups(images: Sequence[ImageInfo], options: Options) -> list[Group]:
    """Group images (whose candidate digests are filled in) into exact/pixels/near groups."""
    classes = identity_classes(images)
    reps = [images[c[0]] for c in classes]
    weight = [max(images[i].pixels for i in c) for c in classes]
    edges = near_edges(reps, options.threshold, options.rotations)
    grouped: set[int] = set()
    groups = []
    for cluster in clusters(len(reps), edges, weight):
        grouped.update(cluster)
        groups.append(make_group([images[i] for c in cluster for i in classes[c]], options))
    for index, cls in enumerate(classes):
        if index not in grouped and len(cls) > 1:
            groups.append(make_group([images[i] for i in cls], options))
    groups.sort(key=lambda g: (-g.reclaimable, g.keep.path))
    return groups
