"""Groups made of fabricated fingerprints, for model tests that need no files."""

from __future__ import annotations

from dupeviewer.core.model import Group, ImageInfo, Member, ScanResult, Stats


def info(path: str, size: int = 1000, width: int = 640, height: int = 480,
         taken: str | None = "2020-01-01T10:00:00", ino: int = 0) -> ImageInfo:
    return ImageInfo(path=path, size=size, mtime_ns=0, dev=1, ino=ino or abs(hash(path)),
                     width=width, height=height, format="JPEG", dhash=0, phash=0, taken=taken)


def group(index: int, copies: int = 3, kind: str = "exact", reference: int = -1) -> Group:
    members = []
    for m in range(copies):
        match = "keeper" if m == 0 else ("near" if kind == "near" else kind)
        members.append(Member(
            info(f"/photos/g{index}/copy{m}.jpg", size=1000 + 10 * index - m,
                 width=640 - 10 * m if kind == "near" else 640,
                 taken=f"2020-01-0{1 + m}T10:00:00"),
            distance=2 * m if kind == "near" else 0, match=match, reference=m == reference))
    return Group(kind, tuple(members), 0, "highest resolution")  # type: ignore[arg-type]


def result(count: int, copies: int = 3) -> ScanResult:
    kinds = ("exact", "pixels", "near")
    groups = tuple(group(i, copies + i % 2, kinds[i % 3]) for i in range(count))
    return ScanResult(groups, (), Stats(groups=count), roots=("/photos",))
