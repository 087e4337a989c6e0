"""What the group and member models share: a list model over :class:`Review` whose custom
roles are an ``IntEnum``, named for QML and model testers after the enum's members.

Subclasses say which enum holds their roles and react to the review's signals by
overriding the ``_on_*`` methods; each model keeps its own granular updates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
)

if TYPE_CHECKING:
    from enum import IntEnum

    from dupeviewer.gui.models.review import Review

AnyIndex = QModelIndex | QPersistentModelIndex


def role_name(role: IntEnum) -> QByteArray:
    """``KeeperPath`` -> ``keeperPath``: Qt's spelling of role names."""
    return QByteArray((role.name[0].lower() + role.name[1:]).encode())


class ReviewModel(QAbstractListModel):
    """A list model that follows a :class:`Review` and names the roles of ``roles``."""

    roles: ClassVar[type[IntEnum]]

    def __init__(self, review: Review, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.review = review
        review.reset.connect(self._on_reset)
        review.marks_changed.connect(self._on_marks_changed)
        review.groups_changed.connect(self._on_groups_changed)
        review.about_to_remove.connect(self._on_about_to_remove)
        review.removed.connect(self._on_removed)

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        for role in self.roles:
            names[int(role)] = role_name(role)
        return names

    # review signals: each model says what it does --------------------------------------
    def _on_reset(self) -> None:
        raise NotImplementedError

    def _on_marks_changed(self, groups: list[int]) -> None:
        raise NotImplementedError

    def _on_groups_changed(self, groups: list[int]) -> None:
        raise NotImplementedError

    def _on_about_to_remove(self, first: int, last: int) -> None:
        raise NotImplementedError

    def _on_removed(self, first: int, last: int) -> None:
        raise NotImplementedError
