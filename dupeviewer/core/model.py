"""Frozen value types shared by the engine and its front ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pathlib import Path

Kind = Literal["exact", "pixels", "near"]
KINDS: tuple[Kind, ...] = ("exact", "pixels", "near")
Match = Literal["keeper", "exact", "pixels", "near"]
"""How a copy relates to its group's keeper (the keeper itself is "keeper")."""

DEFAULT_THRESHOLD = 14
"""Default Hamming distance (of 64-bit pHashes) for near duplicates; see README "Accuracy"."""


Cause = Literal["unreadable", "vanished", "unsupported", "damaged", "too_big", "transient",
                "not_a_folder", "other"]
"""Why a file was skipped, for code (``reason`` is for people): ``transient`` failures (a
crashed or timed-out decoder) are retried on the next scan; the others are cached."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file (or folder) the scan could not use, and why."""

    path: str
    reason: str
    cause: Cause = "other"


@dataclass(frozen=True, slots=True)
class FileStat:
    """What ``os.stat`` said about a file when it was discovered."""

    path: str
    size: int
    mtime_ns: int
    dev: int
    ino: int

    @property
    def identity(self) -> tuple[int, int]:
        return (self.dev, self.ino)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """The fingerprint of one image file. Hashes are unsigned 64-bit ints."""

    path: str
    size: int
    mtime_ns: int
    dev: int
    ino: int
    width: int
    height: int
    format: str
    dhash: int
    phash: int
    rot_phash: tuple[int, ...] = ()
    """pHashes of the 7 other rotations/mirrors, in :data:`hashing.TRANSFORMS` order."""
    rot_dhash: tuple[int, ...] = ()
    """dHashes of the same 7 rotations/mirrors."""
    colour: bytes = b""
    """Colour signature: Y, Cb and Cr planes of an 8x8 thumbnail (192 bytes)."""
    low_detail: bool = False
    """Flat or two-tone picture: never near-matched on its hash alone."""
    taken: str | None = None
    camera: str | None = None
    orientation: int = 1
    gps: bool = False
    quality: int | None = None
    animated: bool = False
    byte_digest: str | None = None
    pixel_digest: str | None = None
    draft_digest: str | None = None
    """Digest of the reduced JPEG decode used for hashing: equal for copies whose
    compressed picture data is identical; tells which JPEGs need a full pixel digest."""
    links: tuple[str, ...] = ()
    """Other paths (hard links, symlinks) that lead to this same file."""

    @property
    def identity(self) -> tuple[int, int]:
        return (self.dev, self.ino)

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def stat(self) -> FileStat:
        return FileStat(self.path, self.size, self.mtime_ns, self.dev, self.ino)


@dataclass(frozen=True, slots=True)
class Member:
    """One copy in a group: its fingerprint, its distance to the keeper, and its role."""

    info: ImageInfo
    distance: int = 0
    """Perceptual (pHash) distance to the keeper; 0 for the keeper and identical copies."""
    match: Match = "keeper"
    """How this copy relates to the keeper: "keeper", "exact" (same bytes),
    "pixels" (same decoded pixels) or "near" (similar picture)."""
    reference: bool = False
    """In a reference folder: counts as kept and is never trashed."""

    @property
    def path(self) -> str:
        return self.info.path


@dataclass(frozen=True, slots=True)
class Group:
    """Copies of one picture. ``members[keeper]`` is the suggested copy to keep."""

    kind: Kind
    members: tuple[Member, ...]
    keeper: int = 0
    reason: str = ""
    new: tuple[str, ...] = ()
    """Paths of copies that joined a group the user had marked reviewed (it came back)."""
    decisions: tuple[int, ...] = ()
    """Ids of the user's decisions that changed this group (:mod:`decisions`)."""
    reclaimable: int = field(init=False, compare=False)
    """Bytes freed by trashing every copy but the keeper (and reference copies): worked
    out once, where the group is made (the window sorts 10,000 groups by it)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "reclaimable", sum(
            m.info.size for i, m in enumerate(self.members)
            if i != self.keeper and not m.reference))

    @property
    def keep(self) -> Member:
        return self.members[self.keeper]


@dataclass(frozen=True, slots=True)
class Options:
    """Everything that changes what a scan finds."""

    threshold: int = DEFAULT_THRESHOLD
    rotations: bool = False
    workers: int | None = None
    """Processes for fingerprinting; None = all cores, 0 = in this process."""
    cache_path: Path | None = None
    """SQLite cache file; None = the platform cache dir."""
    use_cache: bool = True
    excludes: tuple[str, ...] = ()
    min_size: int = 0
    references: tuple[str, ...] = ()
    """Folders whose files are never trashed."""
    file_timeout: float = 60.0
    """Seconds one file may take to fingerprint before it is skipped."""
    decisions: bool = True
    """Apply the user's decisions (not duplicates, reviewed) to the groups."""
    decisions_path: Path | None = None
    """The decisions file; None = the platform data dir."""


@dataclass(frozen=True, slots=True)
class Stats:
    files: int = 0
    images: int = 0
    groups: int = 0
    reclaimable_bytes: int = 0
    seconds: float = 0.0
    cache_hits: int = 0
    hidden_by_decisions: int = 0
    """Groups left out because the user marked them reviewed."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    groups: tuple[Group, ...]
    skipped: tuple[Skipped, ...]
    stats: Stats
    images: tuple[ImageInfo, ...] = field(default=(), repr=False)
    """Every fingerprinted image, so a front end can regroup without decoding again."""
    roots: tuple[str, ...] = ()
    cancelled: bool = False
    warnings: tuple[str, ...] = ()
    """Problems that cost speed but not results (an unreadable cache that was rebuilt)."""
