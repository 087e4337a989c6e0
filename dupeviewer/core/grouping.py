"""Exact, same-pixels and near groups, without chaining unrelated photos together."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from dupeviewer.core import neighbours, similarity
from dupeviewer.core.decisions import Decided, Outcome
from dupeviewer.core.model import Group, ImageInfo, Member, Options
from dupeviewer.core.neighbours import Plan, choose_plan
from dupeviewer.core.policy import choose_keeper, in_folder
from dupeviewer.core.relations import hash_distance, kind_of, relation
from dupeviewer.core.similarity import (
    EdgeSet,
    Signatures,
    clusters,
    completer,
    hash_arrays,
    near_edge_set,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)


class EdgeStore(Protocol):
    """Where confirmed edges outlive the process (the fingerprint cache): a rescan of an
    unchanged library then groups without searching. ``key`` names everything the edges
    depend on; a store may forget any key at any time."""

    def load_edges(self, key: bytes) -> bytes | None: ...

    def store_edges(self, key: bytes, packed: bytes) -> None: ...


def byte_candidates(images: Sequence[ImageInfo]) -> list[ImageInfo]:
    """Images that share their size with another: only these need a byte digest."""
    by_size: dict[int, list[ImageInfo]] = defaultdict(list)
    for info in images:
        by_size[info.size].append(info)
    return [i for same in by_size.values() if len(same) > 1 for i in same]


PIXEL_PROBE = 4
"""A JPEG hashed from a reduced decode gets a full pixel digest when a same-sized file
decoded in full lies within this pHash and dHash distance (a lossless conversion of it)."""


def pixel_candidates(images: Sequence[ImageInfo]) -> list[ImageInfo]:
    """JPEGs hashed from a reduced decode that need a full pixel digest: those that may hold
    the same pixels as another file of the same size in pixels, namely a JPEG with the same
    compressed data (other metadata) or a nearly-same-hashed file decoded in full (a PNG
    conversion). One file per byte content stands for its copies.

    Whether a file was hashed from a reduced decode is told by its ``draft_digest``, never
    by a missing pixel digest: a rescan reads the first scan's full-decode digests from the
    cache, and those files must be picked exactly as they were then (the caller decodes
    only the picked files that still lack a digest). Taking them for files decoded in full
    made every near-hashed JPEG of their size a candidate, decoded on the second scan."""
    by_size: dict[tuple[int, int], dict[str, ImageInfo]] = defaultdict(dict)
    for info in images:
        contents = by_size[(info.width, info.height)]
        key = info.byte_digest or info.path
        known = contents.setdefault(key, info)
        if known.pixel_digest is None and info.pixel_digest is not None:
            contents[key] = info  # a copy whose digest is known stands for the others
    needed: list[ImageInfo] = []
    for contents in by_size.values():
        if len(contents) < 2:
            continue
        reps = list(contents.values())
        drafts: list[ImageInfo] = []
        fulls: list[ImageInfo] = []  # hashed from a full decode: their digest came with it
        for rep in reps:
            full = rep.draft_digest is None and rep.pixel_digest is not None
            (fulls if full else drafts).append(rep)
        shared: dict[str | None, int] = defaultdict(int)
        for rep in drafts:
            shared[rep.draft_digest] += 1
        near_full = _near_any(drafts, fulls)
        needed += [r for r, close in zip(drafts, near_full)
                   if close or (r.draft_digest is not None and shared[r.draft_digest] > 1)]
    return needed


def _near_any(drafts: Sequence[ImageInfo], fulls: Sequence[ImageInfo],
              block: int = 2048) -> list[bool]:
    if not drafts or not fulls:
        return [False] * len(drafts)
    full_p = np.array([f.phash for f in fulls], dtype=np.uint64)
    full_d = np.array([f.dhash for f in fulls], dtype=np.uint64)
    found: list[bool] = []
    for begin in range(0, len(drafts), block):
        chunk = drafts[begin:begin + block]
        p = np.array([d.phash for d in chunk], dtype=np.uint64)[:, None]
        d = np.array([d.dhash for d in chunk], dtype=np.uint64)[:, None]
        close = (np.bitwise_count(p ^ full_p) <= PIXEL_PROBE) & \
            (np.bitwise_count(d ^ full_d) <= PIXEL_PROBE)
        found += close.any(axis=1).tolist()
    return found


def identity_classes(images: Sequence[ImageInfo]) -> list[list[int]]:
    """Indexes of images with the same bytes or the same decoded pixels (union-find)."""
    parent = list(range(len(images)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    firsts: dict[tuple[str, str], int] = {}
    joined = False
    for index, info in enumerate(images):
        if info.byte_digest is None and info.pixel_digest is None:
            continue  # most pictures of a large library: nothing to look up
        for key in (("b", info.byte_digest), ("p", info.pixel_digest)):
            if key[1] is None:
                continue
            other = firsts.setdefault(key, index)  # type: ignore[arg-type]
            if other != index:
                parent[find(index)] = find(other)
                joined = True
    if not joined:
        return [[index] for index in range(len(images))]
    classes: dict[int, list[int]] = defaultdict(list)
    for index in range(len(images)):
        classes[find(index)].append(index)
    return list(classes.values())


def make_group(infos: Sequence[ImageInfo], options: Options) -> Group:
    refs = options.references
    references = [in_folder(i.path, refs) for i in infos] if refs else [False] * len(infos)
    keeper, reason = choose_keeper(infos, references)
    best = infos[keeper]
    members = []
    for index, info in enumerate(infos):
        match = "keeper" if index == keeper else relation(info, best)
        distance = hash_distance(best, info, options.rotations) if match == "near" else 0
        members.append(Member(info, distance, match, references[index]))
    members.sort(key=_member_order)
    return Group(kind_of(m.match for m in members), tuple(members), 0, reason)


def _member_order(member: Member) -> tuple[bool, int, str]:
    return member.match != "keeper", member.distance, member.info.path


def build_groups(images: Sequence[ImageInfo], options: Options,
                 store: EdgeStore | None = None,
                 decided: Decided | None = None) -> list[Group]:
    """Group images (whose candidate digests are filled in) into exact/pixels/near groups.
    With a ``store``, the confirmed edges of the same fingerprints are read from it instead
    of searched for (and a search's edges are put there).

    With ``decided`` (the user's decisions), a copy said not to be a duplicate of another
    is taken out of that one's group (the clusters, stored or not, are made without the
    decisions; they only ever take copies out), and a group the user reviewed is left out
    unless a copy new to it joined, then it comes back with :attr:`Group.new` naming them.
    ``decided.outcome`` then says how many groups were hidden."""
    classes = identity_classes(images)
    reps = [images[c[0]] if len(c) == 1 else max((images[i] for i in c),
                                                  key=lambda info: info.pixels)
            for c in classes]
    sig = Signatures.of(reps)
    edges, key = _cached_edges(reps, options.threshold, options.rotations, sig, store)
    grouped: set[int] = set()
    groups = []
    found = _load_clusters(store, key, options.threshold, len(reps)) if key else None
    if found is None:
        complete = completer(reps, options.threshold, options.rotations, sig)
        found = clusters(reps, edges, sig, complete)
        if store is not None and key:
            store.store_edges(_clusters_key(key, options.threshold), _pack_clusters(found))
    made = _Made(options)
    lists = [tuple(images[i] for c in cluster for i in classes[c]) for cluster in found]
    for cluster in found:
        grouped.update(cluster)
    lists += [tuple(images[i] for i in cls) for index, cls in enumerate(classes)
              if index not in grouped and len(cls) > 1]
    if decided is None or not len(decided):
        groups = [made.group(infos) for infos in lists]
    else:
        decided.outcome = Outcome()
        groups = _decide(lists, decided, made)
    made.keep()
    groups.sort(key=lambda g: (-g.reclaimable, g.keep.path))
    return groups


def _decide(lists: list[tuple[ImageInfo, ...]], decided: Decided, made: _Made) -> list[Group]:
    """The groups of ``lists`` with the user's decisions applied (see :func:`build_groups`):
    only groups holding a decided picture cost more than a dictionary look-up per copy."""
    groups = []
    for infos in lists:
        parts, applied = decided.split(infos)
        for part in parts:
            group = made.group(tuple(part))
            hidden, new, reviewed = decided.review(group)
            if hidden:
                continue
            if new or applied:
                group = replace(group, new=new, decisions=tuple(sorted({*applied, *reviewed})))
            groups.append(group)
    return groups


class _Made:
    """:func:`make_group` of each copy list, with the groups of the last build reused: a
    slider move changes few groups, and a group is a function of its copies (in order) and
    the options that choose its keeper. Copies are told apart by identity (the groups kept
    hold them, so no other object can take their ids meanwhile)."""

    last: tuple[tuple[object, ...], dict[tuple[int, ...], Group]] = ((), {})

    def __init__(self, options: Options) -> None:
        self.options = options
        self.key = (options.references, options.rotations)
        self.before = _Made.last[1] if _Made.last[0] == self.key else {}
        self.now: dict[tuple[int, ...], Group] = {}

    def group(self, infos: tuple[ImageInfo, ...]) -> Group:
        ids = tuple(map(id, infos))
        known = self.before.get(ids)
        if known is None:
            known = make_group(infos, self.options)
        self.now[ids] = known
        return known

    def keep(self) -> None:
        _Made.last = (self.key, self.now)


def _clusters_key(key: bytes, threshold: int) -> bytes:
    """The stored clusters of the edges stored under ``key``, grouped at ``threshold``."""
    return hashlib.sha256(key + b"clusters %d" % threshold).digest()


def _pack_clusters(found: list[list[int]]) -> bytes:
    """Clusters as int32: their count, each one's size, then their members in turn."""
    sizes = [len(c) for c in found]
    return np.array([len(found), *sizes, *(m for c in found for m in c)],
                    dtype=np.int32).tobytes()


def _load_clusters(store: EdgeStore | None, key: bytes, threshold: int,
                   count: int) -> list[list[int]] | None:
    """Stored clusters, if they are there and make sense for ``count`` pictures."""
    packed = store.load_edges(_clusters_key(key, threshold)) if store is not None else None
    if packed is None:
        return None
    values = np.frombuffer(packed, dtype=np.int32) if len(packed) % 4 == 0 else None
    if values is None or not len(values) or values[0] < 0 or len(values) < 1 + values[0]:
        log.warning("stored clusters of %d bytes are not a record; grouping again", len(packed))
        return None
    sizes = values[1:1 + values[0]]
    members = values[1 + values[0]:]
    if int(sizes.sum()) != len(members) or (len(members) and (
            int(members.min()) < 0 or int(members.max()) >= count)):
        log.warning("stored clusters name pictures that are not there; grouping again")
        return None
    flat = members.tolist()
    starts = np.concatenate(([0], np.cumsum(sizes))).tolist()
    return [flat[a:b] for a, b in zip(starts[:-1], starts[1:])]


MARGIN = 2
"""The search also keeps pairs this much above the threshold, when a sample says they are few
(:data:`MARGIN_PAIRS` per picture), so a slider move up by as much only filters them."""
MARGIN_PAIRS = 40.0
"""On the real 100,000-photo library of ``benchmarks/library.py`` (look-alike bursts, plain
crops) a sample finds 21 pHash pairs a picture within 16: at 4 a slider move up from 14 searched
again (4.1 s), at 40 it only filters (1.35 s), for 0.3 s more on the first grouping and
308,000 edges instead of 241,000. Each picture's edges stay capped (:data:`MAX_DEGREE`)."""


@dataclass
class _Search:
    key: tuple[object, ...]
    plan: Plan | None
    """None when the edges were read from a store (the plan is chosen if a slider move
    needs it)."""
    distance: int
    edges: EdgeSet
    plans: dict[int, Plan]
    """The plan chosen for each search distance asked about (choosing samples the input)."""
    stored: bytes = b""
    """The key of the edges in the store, if there is one."""


_last: _Search | None = None
"""The confirmed edges of the last search (its input, plan and distance): a slider move that
the same plan serves only filters them, so regrouping does not search again."""


def _margin(phash: np.ndarray, threshold: int, sample: int = 512, keys: int = 8192) -> int:
    """The largest margin up to :data:`MARGIN` whose extra pairs are few (estimated from the
    distances between a sample of pictures and a sample of others)."""
    n = len(phash)
    if n < 2:  # no pairs to estimate (an empty folder, or one photo)
        return 0
    rng = np.random.default_rng(1)
    a = phash if n <= sample else phash[rng.choice(n, sample, replace=False)]
    b = phash if n <= keys else phash[rng.choice(n, keys, replace=False)]
    dist = np.bitwise_count(a[:, None] ^ b[None, :])
    scale = n * n / 2 / (len(a) * len(b))
    for margin in range(MARGIN, 0, -1):
        if int((dist <= threshold + margin).sum()) * scale <= MARGIN_PAIRS * n:
            return margin
    return 0


EDGES_VERSION = 2
"""Bump when what an edge or a stored cluster means changes in a way the constants below do
not show (2: clusters are stored too, and the key names what the plan is chosen by)."""


def _stored_key(phash: np.ndarray, dhash: np.ndarray, keys: np.ndarray, sig: Signatures,
                reps: Sequence[ImageInfo], distance: int, rotations: bool) -> bytes:
    """A digest of every input of :func:`near_edge_set`, of the rules it applies and of what
    its plan is chosen by (the plan is a function of these)."""
    digest = hashlib.sha256(repr((
        EDGES_VERSION, distance, rotations, similarity.DHASH_SLACK,
        similarity.DHASH_CAP, similarity.ASPECT_LIMIT, similarity.LUMA_LIMIT,
        similarity.CHROMA_FLOOR, similarity.CHROMA_SHARE, similarity.ACHROMATIC,
        similarity.FLAT_LUMA, similarity.FLAT_CHROMA, similarity.FLAT_SHARE,
        similarity.FLAT_ASPECT, similarity.MAX_DEGREE, similarity.ALL_PAIRS,
        similarity.SIBLING_PAIRS, neighbours.LAYOUTS, neighbours.APPROXIMATE,
        neighbours.PROBE_COST, neighbours.BUILD_COST, neighbours.BUDGET_PER_HASH,
        neighbours.BUDGET_FLOOR, neighbours.DESIGN_DISTANCE, neighbours.SAMPLE,
        neighbours.SEED, len(reps))).encode())
    for array in (phash, dhash, keys, sig.raw, sig.aspect, sig.flat,
                  np.fromiter((i.pixels for i in reps), dtype=np.int64, count=len(reps))):
        digest.update(np.ascontiguousarray(array).data)
    if rotations:
        digest.update(np.array([h for i in reps for h in i.rot_dhash], dtype=np.uint64).data)
    return digest.digest()


def _load(store: EdgeStore, key: bytes, count: int) -> EdgeSet | None:
    """Stored edges, if they are there and make sense for ``count`` pictures."""
    packed = store.load_edges(key)
    if packed is None:
        return None
    if len(packed) % 8:
        log.warning("stored edges of %d bytes are not whole records; searching again",
                    len(packed))
        return None
    edges = EdgeSet(np.frombuffer(packed, dtype=np.uint64).copy())
    if len(edges) and (int(edges.src.max()) >= count or int(edges.dst.max()) >= count):
        log.warning("stored edges name pictures that are not there; searching again")
        return None
    return edges


def _cached_edges(reps: Sequence[ImageInfo], threshold: int, rotations: bool,
                  sig: Signatures, store: EdgeStore | None = None) -> tuple[EdgeSet, bytes]:
    """Edges within ``threshold``: those a search at threshold + margin finds, filtered,
    and the key they are stored under (b"" without a store).

    A later call at another threshold reuses them when its own search would find the same
    pairs within its threshold: the same plan (an approximate plan does not depend on the
    threshold), or two plans that are both exact there. A ``store`` keeps them for the
    next process, which then neither searches nor chooses a plan."""
    global _last
    phash, dhash, keys, _ = hash_arrays(reps, rotations)
    key = (len(reps), rotations, hash(phash.tobytes()), hash(dhash.tobytes()),
           hash(sig.raw.tobytes()), hash(sig.aspect.tobytes()), hash(sig.flat.tobytes()),
           hash(tuple(i.pixels for i in reps)),
           hash(tuple(h for i in reps for h in i.rot_phash + i.rot_dhash)) if rotations else 0)
    distance = threshold + _margin(phash, threshold)
    last = _last if _last is not None and _last.key == key else None
    plans = last.plans if last is not None else {}

    def plan_for(at: int) -> Plan:
        return plans.get(at) or plans.setdefault(at, choose_plan(phash, keys, at))

    if last is not None and threshold <= last.distance:
        if last.plan is None:  # read from a store: its search distance's plan
            last.plan = plan_for(last.distance)
        wanted = plan_for(distance)
        if wanted == last.plan or min(wanted.guaranteed, last.plan.guaranteed) >= threshold:
            if store is not None and not last.stored and len(reps) >= 2:
                # searched without a store (a scan's interim result): keep them now
                last.stored = _stored_key(phash, dhash, keys, sig, reps, last.distance,
                                          rotations)
                store.store_edges(last.stored, last.edges.packed.tobytes())
            return last.edges.within(threshold), last.stored  # clusters add the threshold
    stored_key = b""
    edges = None
    if store is not None and len(reps) >= 2:
        stored_key = _stored_key(phash, dhash, keys, sig, reps, distance, rotations)
        edges = _load(store, stored_key, len(reps))
    plan: Plan | None = None
    if edges is None:
        plan = plan_for(distance)
        edges = near_edge_set(reps, distance, rotations, sig, plan)
        if stored_key and store is not None:
            store.store_edges(stored_key, edges.packed.tobytes())
    _last = _Search(key, plan, distance, edges, plans, stored_key)
    return edges.within(threshold), stored_key

