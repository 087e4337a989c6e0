"""Painting: the copy card (thumbnail, facts, keep badge, mark box) and the group row."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QToolTip,
)

from dupeviewer.gui import look, text
from dupeviewer.gui.models.groups import GroupRole, match_label
from dupeviewer.gui.models.members import MemberRole, lost_label
from dupeviewer.gui.text import plural

if TYPE_CHECKING:
    from dupeviewer.gui.jobs.thumbnails import ThumbnailLoader
    from dupeviewer.gui.models.roles import AnyIndex

log = logging.getLogger(__name__)

CARD = QSize(248, 428)
THUMB = QSize(224, 180)
PAD = 12
ROW_HEIGHT = 64
ROW_THUMB = 48


def pill(painter: QPainter, rect: QRect, label: str, meaning: str, palette: QPalette,
         font: QFont) -> QRect:
    """A rounded badge in the colour of ``meaning``; returns the rect it took."""
    colours = look.badge(meaning, palette)
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance(label) + 12
    box = QRect(rect.left(), rect.top(), width, metrics.height() + 4)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colours.fill)
    painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
    painter.setPen(colours.text)
    painter.setFont(font)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
    painter.restore()
    return box


def _small(font: QFont, delta: float = -1.0, bold: bool = False) -> QFont:
    result = QFont(font)
    if result.pointSizeF() > 0:
        result.setPointSizeF(max(6.0, result.pointSizeF() + delta))
    result.setBold(bold)
    return result


def draw_thumbnail(painter: QPainter, rect: QRect, pixmap: QPixmap | None, error: str | None,
                   palette: QPalette, font: QFont) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
    painter.drawRoundedRect(rect, 6, 6)
    if pixmap is not None and not pixmap.isNull():
        ratio = pixmap.devicePixelRatio() or 1.0
        size = (pixmap.size() / ratio).scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(rect.center())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(target, pixmap)
    else:
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.setFont(_small(font))
        label = (QCoreApplication.translate("CardDelegate", "Cannot show this picture")
                 if error else QCoreApplication.translate("CardDelegate", "Loading\u2026"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, label)
    painter.restore()


class CardDelegate(QStyledItemDelegate):
    """One copy as a card; the check box marks it for the trash."""

    def __init__(self, loader: ThumbnailLoader, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.loader = loader
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return CARD

    def _geometry(self, rect: QRect) -> tuple[QRect, QRect, QRect]:
        card = rect.adjusted(6, 6, -6, -6)
        thumb = QRect(card.left() + PAD, card.top() + PAD, card.width() - 2 * PAD,
                      THUMB.height())
        check = QRect(card.left() + PAD, thumb.bottom() + 10, card.width() - 2 * PAD, 24)
        return card, thumb, check

    def check_rect(self, rect: QRect) -> QRect:
        return self._geometry(rect)[2]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        palette = QApplication.palette(self.view)  # the view's Base is the window colour
        rect: QRect = option.rect
        state = option.state
        font: QFont = option.font
        card, thumb, check = self._geometry(rect)
        marked = bool(index.data(MemberRole.Marked))
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background = palette.color(QPalette.ColorRole.Base)
        if marked:
            background = look.tint("trash", palette)
        border = palette.color(QPalette.ColorRole.Highlight) if selected \
            else palette.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(border, 2.5 if selected else 1.0))
        painter.setBrush(background)
        painter.drawRoundedRect(card.adjusted(1, 1, -1, -1), 8, 8)
        painter.restore()

        side = int(max(THUMB.width(), THUMB.height()) * self.view.devicePixelRatioF())
        path = str(index.data(MemberRole.Path))
        pixmap = self.loader.pixmap(path, side)
        draw_thumbnail(painter, thumb, pixmap, self.loader.error(path, side), palette, font)
        if marked:  # the copy going away is dimmed, so the keeper stands out
            painter.fillRect(thumb, _with_alpha(background, 110))
        badge_font = _small(font, -1.5, bold=True)
        badge_at = thumb.adjusted(6, 6, 0, 0)
        if index.data(MemberRole.IsKeeper):
            box = pill(painter, badge_at, self.tr("KEEP"), "keep", palette, badge_font)
            badge_at.setLeft(box.right() + 4)
        if index.data(MemberRole.Reference):
            pill(painter, badge_at, self.tr("REFERENCE"), "reference", palette,
                 badge_font)
        if index.data(MemberRole.Animated):  # top right: the card shows the first frame
            label = self.tr("ANIMATED")
            width = QFontMetrics(badge_font).horizontalAdvance(label) + 12
            pill(painter, QRect(thumb.right() - 6 - width, thumb.top() + 6, 0, 0), label,
                 "animated", palette, badge_font)
        self._paint_check(painter, option, index, check, marked)
        self._paint_facts(painter, option, index, card, check.bottom() + 8)

    def _paint_check(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex,
                     rect: QRect, marked: bool) -> None:
        box = QStyleOptionButton()
        box.rect = QRect(rect.left(), rect.top() + (rect.height() - 18) // 2, 18, 18)
        box.state = QStyle.StateFlag.State_On if marked else QStyle.StateFlag.State_Off
        enabled = bool(index.flags() & Qt.ItemFlag.ItemIsUserCheckable)
        if enabled:
            box.state |= QStyle.StateFlag.State_Enabled
        box.palette = QApplication.palette(self.view)
        style = self.view.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, box, painter, self.view)
        font: QFont = option.font
        palette = QApplication.palette(self.view)
        label_rect = rect.adjusted(26, 0, 0, 0)
        painter.save()
        if marked:
            painter.setPen(look.ink("trash", palette))
            painter.setFont(_small(font, 0, bold=True))
            label = self.tr("Move to Trash")
        else:
            painter.setPen(palette.color(QPalette.ColorRole.Text) if enabled
                           else look.quiet(palette))
            painter.setFont(font)
            label = self.tr("Move to Trash") if enabled else self.tr("Kept")
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter, label)
        painter.setPen(look.quiet(palette))
        painter.setFont(_small(font))
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         str(index.data(MemberRole.Similarity)))
        painter.restore()

    def _fact_lines(self, option: QStyleOptionViewItem, index: AnyIndex, card: QRect,
                    top: int) -> list[Line]:
        """The text lines under the check box, where they are painted, and the tooltip of
        each (the full path, folder or text wherever the card shortens it)."""
        font: QFont = option.font
        palette = QApplication.palette(self.view)
        marks = set(index.data(MemberRole.Highlights) or ())
        width = card.width() - 2 * PAD
        left = card.left() + PAD
        normal = palette.color(QPalette.ColorRole.Text)
        muted = look.quiet(palette)
        path = str(index.data(MemberRole.Path))
        facts = [str(f) for f in index.data(MemberRole.Facts) or ("", "", "")]
        specs: list[tuple[str, QFont, QColor, str, str]] = [
            (str(index.data(MemberRole.Name)), _small(font, 0.5, bold=True), normal, "", path),
            (str(index.data(MemberRole.Folder)), _small(font, -1), muted, "",
             text.folder_of(path)),
            (self.tr("{size}  \u00b7  {format}").format(
                size=text.data_size(int(index.data(MemberRole.Size))),
                format=index.data(MemberRole.Format)), font, normal, "size", ""),
            (str(index.data(MemberRole.Dimensions)), font, normal, "resolution", ""),
            (facts[0], font, muted if index.data(MemberRole.Quality) is None else normal,
             "quality", ""),
            (self.tr("Taken {date}").format(date=text.taken(index.data(MemberRole.Taken))),
             font, normal, "date", ""),
            (facts[1], _small(font, -1), muted, "camera", ""),
            (facts[2], _small(font, -1), muted, "gps", ""),
        ]
        lines: list[Line] = []
        y = top
        for label, line_font, colour, highlight, tip in specs:
            if highlight and highlight in marks:
                line_font = _small(line_font, 0, bold=True)
                colour = look.ink("highlight", palette)
                label = "\u25b2 " + label
            metrics = QFontMetrics(line_font)
            mode = Qt.TextElideMode.ElideMiddle if line_font is not font \
                else Qt.TextElideMode.ElideRight
            shown = metrics.elidedText(label, mode, width)
            lines.append(Line(QRect(left, y, width, metrics.height()), shown, line_font,
                              colour, tip or (label if shown != label else "")))
            y += metrics.height() + 3
        note_font = _small(font, -1)
        metrics = QFontMetrics(note_font)
        reason = str(index.data(MemberRole.KeeperReason) or "")
        if reason:
            # the card has room for the deciding rule; the tooltip shows the whole reason
            label = self.tr("Kept: {reason}").format(reason=reason.split(";")[0])
            lines.append(Line(QRect(left, y + 2, width, metrics.height()),
                              metrics.elidedText(label, Qt.TextElideMode.ElideRight, width),
                              note_font, look.ink("keep", palette),
                              self.tr("Kept: {reason}").format(reason=reason)))
            y += metrics.height() + 3
        lost = lost_label([str(w) for w in index.data(MemberRole.Lost) or ()])
        if lost:  # a marked copy that takes history to the trash; wraps once at most
            warning = _small(font, -1, bold=True)
            two_lines = 2 * QFontMetrics(warning).height() + 2
            lines.append(Line(QRect(left, y + 2, width, min(two_lines, card.bottom() - y - 4)),
                              "\u26a0 " + lost, warning, look.ink("warning", palette), lost,
                              wrap=True))
        return lines

    def _paint_facts(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex,
                     card: QRect, top: int) -> None:
        painter.save()
        for line in self._fact_lines(option, index, card, top):
            painter.setFont(line.font)
            painter.setPen(line.colour)
            flags = Qt.AlignmentFlag.AlignLeft | (Qt.TextFlag.TextWordWrap if line.wrap
                                                  else Qt.AlignmentFlag.AlignTop)
            painter.drawText(line.rect, flags, line.text)
        painter.restore()

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem, index: AnyIndex) -> bool:
        """Over a shortened line, its full text (a name's path, a folder's full path)."""
        if event.type() == QEvent.Type.ToolTip and index.isValid():
            rect: QRect = option.rect
            card, _thumb, check = self._geometry(rect)
            for line in self._fact_lines(option, index, card, check.bottom() + 8):
                if line.tip and line.rect.contains(event.pos()):
                    QToolTip.showText(event.globalPos(), line.tip, view.viewport(), line.rect)
                    return True
        return super().helpEvent(event, view, option, index)

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem,
                    index: AnyIndex) -> bool:
        if event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick) \
                and isinstance(event, QMouseEvent) \
                and event.button() == Qt.MouseButton.LeftButton:
            rect: QRect = option.rect
            if self.check_rect(rect).contains(event.position().toPoint()):
                if event.type() == QEvent.Type.MouseButtonRelease and \
                        index.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                    marked = bool(index.data(MemberRole.Marked))
                    state = Qt.CheckState.Unchecked if marked else Qt.CheckState.Checked
                    index.model().setData(index, state, Qt.ItemDataRole.CheckStateRole)
                return True  # a click on the box never opens the compare view
        return False


class GroupDelegate(QStyledItemDelegate):
    """A group row: keeper thumbnail, kind badge, copies, name, space reclaimable."""

    def __init__(self, loader: ThumbnailLoader, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.loader = loader
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(280, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        style = self.view.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                            self.view)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        font: QFont = option.font
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        muted = text_colour if selected else look.quiet(palette)
        thumb = QRect(rect.left() + 8, rect.top() + (rect.height() - ROW_THUMB) // 2,
                      ROW_THUMB, ROW_THUMB)
        side = int(ROW_THUMB * self.view.devicePixelRatioF())
        path = str(index.data(GroupRole.KeeperPath))
        draw_thumbnail(painter, thumb, self.loader.pixmap(path, side),
                       self.loader.error(path, side), palette, _small(font, -3))
        left = thumb.right() + 10
        right = rect.right() - 10
        top = rect.top() + 9
        painter.save()
        size_font = _small(font, 0, bold=True)
        reclaim = text.data_size(int(index.data(GroupRole.Reclaimable)))
        size_width = QFontMetrics(size_font).horizontalAdvance(reclaim)
        badge_height = QFontMetrics(_small(font, -1.5, bold=True)).height() + 4
        painter.setFont(size_font)
        painter.setPen(text_colour)
        painter.drawText(QRect(right - size_width, top, size_width, badge_height),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, reclaim)
        self._paint_contents(painter, QRect(left, top, right - size_width - 8 - left,
                                            badge_height),
                             list(index.data(GroupRole.Contents) or ()), font, text_colour,
                             palette)
        second = QRect(left, top + badge_height + 5, right - left, QFontMetrics(font).height())
        name = text.name_of(path)
        marked = int(index.data(GroupRole.MarkedCount))
        status = (plural(self.tr("%n marked", "", marked), marked) if marked
                  else self.tr("none marked"))
        small = _small(font, -1)
        metrics = QFontMetrics(small)
        status_width = metrics.horizontalAdvance(status)
        painter.setFont(small)
        painter.setPen(look.ink("trash", palette) if marked and not selected else muted)
        painter.drawText(second, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         status)
        painter.setPen(muted)
        painter.drawText(second.adjusted(0, 0, -status_width - 10, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(name, Qt.TextElideMode.ElideMiddle,
                                            second.width() - status_width - 10))
        painter.restore()

    @staticmethod
    def _paint_contents(painter: QPainter, rect: QRect, parts: list[tuple[str, int]],
                        font: QFont, colour: QColor, palette: QPalette) -> None:
        """A badge per kind of copy ("2 identical", "1 similar"); what does not fit as a
        badge is written after them (the row's tooltip says it all)."""
        badge_font = _small(font, -1.5, bold=True)
        metrics = QFontMetrics(badge_font)
        labels = [(match_label(match, count), match) for match, count in parts]
        widths = [metrics.horizontalAdvance(label) + 12 for label, _ in labels]
        x = rect.left()
        for i, (label, match) in enumerate(labels):
            if i and x + sum(widths[i:]) + 5 * (len(widths) - i - 1) > rect.right():
                rest = ", ".join(label for label, _ in labels[i:])
                small = _small(font, -1)
                painter.setFont(small)
                painter.setPen(colour)
                painter.drawText(QRect(x, rect.top(), rect.right() - x, rect.height()),
                                 Qt.AlignmentFlag.AlignVCenter, QFontMetrics(small).elidedText(
                                     rest, Qt.TextElideMode.ElideRight, rect.right() - x))
                return
            box = pill(painter, QRect(x, rect.top(), 0, 0), label,
                       match if match in look.HUES else "other", palette, badge_font)
            x = box.right() + 5


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text on a card: where, what, how, and its tooltip ("" for none)."""

    rect: QRect
    text: str
    font: QFont
    colour: QColor
    tip: str
    wrap: bool = False


def _with_alpha(colour: QColor, alpha: int) -> QColor:
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


