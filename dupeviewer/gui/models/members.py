"""The copies of one group as a Qt model: one row per copy, the mark as its check state."""

from __future__ import annotations

import logging
import os
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from dupeviewer.core.highlights import highlights
from dupeviewer.gui import text
from dupeviewer.gui.models.roles import AnyIndex, ReviewModel

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from dupeviewer.core.model import Group, ImageInfo, Member
    from dupeviewer.gui.models.review import Review

log = logging.getLogger(__name__)


class MemberRole(IntEnum):
    Path = Qt.ItemDataRole.UserRole + 1
    Name = Qt.ItemDataRole.UserRole + 2
    Folder = Qt.ItemDataRole.UserRole + 3
    Size = Qt.ItemDataRole.UserRole + 4
    Dimensions = Qt.ItemDataRole.UserRole + 5
    Format = Qt.ItemDataRole.UserRole + 6
    Taken = Qt.ItemDataRole.UserRole + 7
    Similarity = Qt.ItemDataRole.UserRole + 8
    IsKeeper = Qt.ItemDataRole.UserRole + 9
    KeeperReason = Qt.ItemDataRole.UserRole + 10
    Marked = Qt.ItemDataRole.UserRole + 11
    CanMark = Qt.ItemDataRole.UserRole + 12
    Reference = Qt.ItemDataRole.UserRole + 13
    Highlights = Qt.ItemDataRole.UserRole + 14
    """Which of this copy's facts stand out: "resolution", "size", "date", "quality",
    "camera", "gps"."""
    Pixels = Qt.ItemDataRole.UserRole + 15
    Camera = Qt.ItemDataRole.UserRole + 16
    """The camera model from EXIF, or "" when unknown."""
    Gps = Qt.ItemDataRole.UserRole + 17
    """True when the file records where it was taken."""
    Orientation = Qt.ItemDataRole.UserRole + 18
    """The EXIF orientation, 1-8 (1 = stored upright)."""
    Quality = Qt.ItemDataRole.UserRole + 19
    """The estimated JPEG quality 1-100, or None for other formats."""
    Animated = Qt.ItemDataRole.UserRole + 20
    """True for animated GIF/WebP and multi-page TIFF (the card shows the first frame)."""
    Facts = Qt.ItemDataRole.UserRole + 21
    """The metadata lines of the card, in words: camera, GPS, orientation, quality."""
    Lost = Qt.ItemDataRole.UserRole + 22
    """What a marked copy records that no kept copy does, in words ("date taken", "GPS");
    empty when nothing would be lost."""


def _tr(source: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("MemberModel", source)


def orientation_label(value: int) -> str:
    """The EXIF orientation in words (how the stored pixels are turned for display)."""
    labels = {
        1: _tr("upright"), 2: _tr("mirrored"), 3: _tr("rotated 180\u00b0"),
        4: _tr("flipped"), 5: _tr("mirrored, rotated 90\u00b0"),
        6: _tr("rotated 90\u00b0 clockwise"), 7: _tr("mirrored, rotated 270\u00b0"),
        8: _tr("rotated 90\u00b0 anticlockwise"),
    }
    return labels.get(value, labels[1])


def quality_label(quality: int | None) -> str:
    if quality is None:
        return _tr("Quality: not JPEG")
    return _tr("JPEG quality {quality}").format(quality=text.number(quality))


def history_words(names: Iterable[str]) -> list[str]:
    """Core history names ("taken", "camera", "gps") in words."""
    words = {"taken": _tr("date taken"), "camera": _tr("camera"), "gps": _tr("GPS")}
    return [words.get(name, name) for name in names]


def lost_label(words: Sequence[str]) -> str:
    """The card's warning on a marked copy: ``Has the date taken and GPS the kept copy
    lacks``."""
    if not words:
        return ""
    items = words[0] if len(words) == 1 else _tr("{items} and {last}").format(
        items=", ".join(words[:-1]), last=words[-1])
    return _tr("Has the {items} the kept copy lacks").format(items=items)


def camera_label(camera: str | None) -> str:
    return camera if camera else _tr("Camera unknown")


def place_label(gps: bool, orientation: int) -> str:
    """``GPS: yes  ·  upright``: where it was taken is recorded, and how it is stored."""
    where = _tr("GPS: yes") if gps else _tr("GPS: no")
    return where + "  \u00b7  " + orientation_label(orientation)


def similarity(member: Member) -> str:
    """How this copy relates to the kept copy, in words."""
    from PySide6.QtCore import QCoreApplication

    def tr(source: str) -> str:
        return QCoreApplication.translate("MemberModel", source)

    if member.match == "keeper":
        return tr("Kept copy")
    if member.match == "exact":
        return tr("Identical file")
    if member.match == "pixels":
        return tr("Same pixels")
    if member.distance == 0:
        return tr("Very similar")
    percent = round(100 * (1 - member.distance / 64))
    return tr("{percent}% similar").format(percent=percent)


class MemberModel(ReviewModel):
    """The copies of the group ``group`` (a Review group index, or -1 for none)."""

    roles = MemberRole

    def __init__(self, review: Review, parent: QObject | None = None) -> None:
        super().__init__(review, parent)
        self.group = -1
        self._highlights: list[set[str]] = []

    def show_group(self, group: int) -> None:
        self.beginResetModel()
        self.group = group if 0 <= group < len(self.review) else -1
        self._highlights = highlights(self._group) if self.group >= 0 else []
        self.endResetModel()

    @property
    def _group(self) -> Group:
        return self.review.groups[self.group]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.group < 0:
            return 0
        return len(self._group.members)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid() or self.group < 0:
            return flags
        m = index.row()
        if m in self.review.marked(self.group) or self.review.can_mark(self.group, m):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.group < 0:
            return None
        m = index.row()
        members = self._group.members
        if not 0 <= m < len(members):
            return None
        member = members[m]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._summary(m, member)
        if role == Qt.ItemDataRole.ToolTipRole:
            return member.path
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return self.tr("Space marks or unmarks this copy for the Trash; P keeps it and "
                           "O keeps only it; Enter compares it with the kept copy; the "
                           "context menu opens it.")
        if role == Qt.ItemDataRole.CheckStateRole:
            marked = m in self.review.marked(self.group)
            return Qt.CheckState.Checked if marked else Qt.CheckState.Unchecked
        return self._role(role, m, member)

    def _role(self, role: int, m: int, member: Member) -> Any:
        info = member.info
        values: dict[int, Any] = {
            MemberRole.Path: info.path,
            MemberRole.Name: text.name_of(info.path),
            MemberRole.Folder: self._folder(info.path),
            MemberRole.Size: info.size,
            MemberRole.Pixels: info.pixels,
        }
        if role in values:
            return values[role]
        if role == MemberRole.Dimensions:
            return f"{info.width} \u00d7 {info.height}"
        if role == MemberRole.Format:
            return info.format
        if role == MemberRole.Taken:
            return info.taken or ""
        if role == MemberRole.Similarity:
            if info.path in self._group.new:  # it brought back a group marked reviewed
                return self.tr("New since reviewed") + "  \u00b7  " + similarity(member)
            return similarity(member)
        if role == MemberRole.IsKeeper:
            return m == self._group.keeper
        if role == MemberRole.KeeperReason:
            return self._group.reason if m == self._group.keeper else ""
        if role == MemberRole.Marked:
            return m in self.review.marked(self.group)
        if role == MemberRole.CanMark:
            return self.review.can_mark(self.group, m)
        if role == MemberRole.Reference:
            return member.reference
        if role == MemberRole.Highlights:
            return sorted(self._highlights[m])
        if role == MemberRole.Lost:
            return history_words(self.review.selection.lost(self.group, m))
        return self._metadata(role, info)

    @staticmethod
    def _metadata(role: int, info: ImageInfo) -> Any:
        if role == MemberRole.Camera:
            return info.camera or ""
        if role == MemberRole.Gps:
            return info.gps
        if role == MemberRole.Orientation:
            return info.orientation
        if role == MemberRole.Quality:
            return info.quality
        if role == MemberRole.Animated:
            return info.animated
        if role == MemberRole.Facts:
            return [quality_label(info.quality), camera_label(info.camera),
                    place_label(info.gps, info.orientation)]
        return None

    def _folder(self, path: str) -> str:
        """The folder as the user added it ("Pictures/Backup"), not the full path."""
        folder = text.folder_of(path)
        result = self.review.result
        for root in result.roots if result is not None else ():
            parent = os.path.dirname(root.rstrip(os.sep))
            if folder == root or folder.startswith(root.rstrip(os.sep) + os.sep):
                return os.path.relpath(folder, parent) if parent else folder
        return folder

    def _summary(self, m: int, member: Member) -> str:
        """Everything the card paints, in words, for screen readers."""
        marked = m in self.review.marked(self.group)
        state = self.tr("marked for the trash") if marked else self.tr("kept")
        info = member.info
        parts = [self.tr("{name} in {folder}, {size}, {format}, {w} by {h}, {state}").format(
            name=text.name_of(member.path), folder=text.folder_of(member.path),
            size=text.data_size(info.size), format=info.format, w=info.width,
            h=info.height, state=state)]
        if m == self._group.keeper:
            parts.append(self.tr("kept copy: {reason}").format(reason=self._group.reason))
        if member.reference:
            parts.append(self.tr("in a reference folder"))
        lost = lost_label(history_words(self.review.selection.lost(self.group, m)))
        if lost:
            parts.append(lost)
        if info.animated:
            parts.append(self.tr("animated"))
        parts.append(similarity(member))
        parts.append(self.tr("taken {date}").format(date=text.taken(info.taken)))
        parts += [quality_label(info.quality), camera_label(info.camera),
                  place_label(info.gps, info.orientation)]
        best = {"resolution": self.tr("highest resolution"), "size": self.tr("largest file"),
                "date": self.tr("oldest date"), "quality": self.tr("best quality"),
                "camera": self.tr("records the camera"), "gps": self.tr("records GPS")}
        parts += [best[h] for h in sorted(self._highlights[m]) if h in best]
        return ", ".join(parts)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or self.group < 0:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, True, 2)
        return self.review.set_mark(self.group, index.row(), checked)

    # review signals ---------------------------------------------------------------
    def _on_reset(self) -> None:
        self.show_group(-1)

    def _on_marks_changed(self, groups: list[int]) -> None:
        if self.group in groups and self.rowCount():
            self._highlights = highlights(self._group)  # the keeper may have moved
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def _on_groups_changed(self, groups: list[int]) -> None:
        if self.group in groups:
            self.show_group(self.group)

    def _on_about_to_remove(self, first: int, last: int) -> None:
        if first <= self.group <= last:
            self.show_group(-1)

    def _on_removed(self, first: int, last: int) -> None:
        if self.group > last:
            self.group -= last - first + 1
