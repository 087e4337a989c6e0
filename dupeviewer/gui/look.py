"""A consistent look: themed icons with fallbacks, muted captions, and the colours the
window paints with (badges, "n marked", keep and trash tints), worked out from the palette so
that they stay readable on a light or a dark theme.

Colours are named by what they mean (``keep``, ``trash``, ``near``...). :func:`ink` gives
the colour for text of that meaning on a palette's Base and Window, :func:`badge` the fill and
label colours of a badge, :func:`tint` a faint wash of it over the Base. Each starts from the
same hue and moves its lightness until the WCAG contrast ratio holds (4.5 for text, 3 for a
badge against the page), so a dark GTK theme gets light greens and reds, a light one dark.

:func:`follow_scheme` follows the system's colour scheme (``QStyleHints.colorScheme``): where
the platform gives no dark palette of its own, the window gets :func:`dark_palette`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QProxyStyle, QStyle, QStyleOption, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

FALLBACK_ICONS = {
    "folder-new": QStyle.StandardPixmap.SP_DirOpenIcon,
    "view-refresh": QStyle.StandardPixmap.SP_BrowserReload,
    "user-trash": QStyle.StandardPixmap.SP_TrashIcon,
    "application-exit": QStyle.StandardPixmap.SP_DialogCloseButton,
    "help-about": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "folder": QStyle.StandardPixmap.SP_DirIcon,
}

HUES = {
    "keep": "#2e7d32",
    "reference": "#1565c0",
    "trash": "#c62828",
    "highlight": "#1b6e2a",
    "warning": "#b54708",
    "animated": "#455a64",
    "exact": "#2e7d32",
    "pixels": "#1565c0",
    "near": "#c25e00",
    "other": "#616161",
}
"""The hue of each meaning, as it reads on a white page; :func:`ink` adapts it."""

TEXT_CONTRAST = 4.5
"""WCAG AA for body text."""
SHAPE_CONTRAST = 3.0
"""WCAG AA for a shape (a badge) against what is around it."""


def icon(name: str) -> QIcon:
    """The desktop theme's icon, or the style's built-in one where the theme lacks it."""
    themed = QIcon.fromTheme(name)
    if not themed.isNull() or name not in FALLBACK_ICONS:
        return themed
    return QApplication.style().standardIcon(FALLBACK_ICONS[name])


# contrast ---------------------------------------------------------------------------
def luminance(colour: QColor) -> float:
    """The WCAG relative luminance, 0 (black) to 1 (white)."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    first, second = sorted((luminance(a), luminance(b)), reverse=True)
    return (first + 0.05) / (second + 0.05)


def is_dark(palette: QPalette) -> bool:
    """Light text on a dark window."""
    return (luminance(palette.color(QPalette.ColorRole.Window))
            < luminance(palette.color(QPalette.ColorRole.WindowText)))


def _towards(colour: QColor, backgrounds: tuple[QColor, ...], ratio: float) -> QColor:
    """``colour`` made lighter on dark backgrounds (darker on light ones) until it has
    ``ratio`` against every one of them, keeping its hue."""
    lighten = sum(luminance(b) for b in backgrounds) / len(backgrounds) < 0.18
    hsl = colour.toHsl()
    hue, saturation, lightness = hsl.hslHueF(), hsl.hslSaturationF(), hsl.lightnessF()
    best = QColor(colour)
    for step in range(51):
        if min(contrast(best, b) for b in backgrounds) >= ratio:
            return best
        level = lightness + (1 - lightness) * step / 50 if lighten \
            else lightness * (1 - step / 50)
        best = QColor.fromHslF(max(hue, 0.0), saturation, level)
    return best


@lru_cache(maxsize=256)
def _ink(meaning: str, base: int, window: int, ratio: float) -> int:
    backgrounds = (QColor.fromRgb(base), QColor.fromRgb(window))
    return _towards(QColor(HUES.get(meaning, HUES["other"])), backgrounds, ratio).rgb()


def ink(meaning: str, palette: QPalette) -> QColor:
    """The colour for text that means ``meaning`` ("trash", "keep", "highlight"...),
    readable (4.5:1) on the palette's Base and Window."""
    return QColor.fromRgb(_ink(meaning, palette.color(QPalette.ColorRole.Base).rgb(),
                               palette.color(QPalette.ColorRole.Window).rgb(), TEXT_CONTRAST))


@dataclass(frozen=True)
class Badge:
    fill: QColor
    text: QColor


@lru_cache(maxsize=256)
def _badge(meaning: str, base: int, window: int) -> tuple[int, int]:
    backgrounds = (QColor.fromRgb(base), QColor.fromRgb(window))
    fill = _towards(QColor(HUES.get(meaning, HUES["other"])), backgrounds, SHAPE_CONTRAST)
    white, black = QColor("white"), QColor("#101010")
    label = white if contrast(fill, white) >= contrast(fill, black) else black
    if contrast(fill, label) < TEXT_CONTRAST:  # push the fill away from its label
        fill = _towards(fill, (label,), TEXT_CONTRAST)
    return fill.rgb(), label.rgb()


def badge(meaning: str, palette: QPalette) -> Badge:
    """A badge's fill (3:1 against Base and Window) and its label (4.5:1 on the fill)."""
    fill, label = _badge(meaning, palette.color(QPalette.ColorRole.Base).rgb(),
                         palette.color(QPalette.ColorRole.Window).rgb())
    return Badge(QColor.fromRgb(fill), QColor.fromRgb(label))


def blend(base: QColor, tint_colour: QColor, amount: float) -> QColor:
    return QColor(round(base.red() * (1 - amount) + tint_colour.red() * amount),
                  round(base.green() * (1 - amount) + tint_colour.green() * amount),
                  round(base.blue() * (1 - amount) + tint_colour.blue() * amount))


def tint(meaning: str, palette: QPalette) -> QColor:
    """The palette's Base washed with ``meaning`` (a marked card): the tint is stronger
    on a dark Base, where a faint one would not show."""
    return QColor.fromRgb(_tint(meaning, palette.color(QPalette.ColorRole.Base).rgb(),
                                is_dark(palette)))


@lru_cache(maxsize=256)
def _tint(meaning: str, base: int, dark: bool) -> int:
    """Painting asks for these for every card it draws: worked out once per palette."""
    return blend(QColor.fromRgb(base), QColor(HUES[meaning]), 0.14 if dark else 0.07).rgb()


# captions ---------------------------------------------------------------------------
def _softened(text: QColor, backgrounds: tuple[QColor, ...]) -> QColor:
    """``text`` mixed halfway into the first background, or less, until it reads 4.5:1
    on every background."""
    for amount in (0.5, 0.4, 0.3, 0.2, 0.1, 0.0):
        mixed = blend(text, backgrounds[0], amount)
        if min(contrast(mixed, b) for b in backgrounds) >= TEXT_CONTRAST:
            return mixed
    return QColor(text)


@lru_cache(maxsize=256)
def _soft(text: int, *backgrounds: int) -> int:
    """:func:`_softened` by RGB values, once per palette (painting asks for every line)."""
    return _softened(QColor.fromRgb(text), tuple(QColor.fromRgb(b) for b in backgrounds)).rgb()


def _muted_colour(palette: QPalette) -> QColor:
    return QColor.fromRgb(_soft(palette.color(QPalette.ColorRole.WindowText).rgb(),
                                palette.color(QPalette.ColorRole.Window).rgb()))


def quiet(palette: QPalette) -> QColor:
    """Secondary text on the Base (a folder, a camera on a card): softer than Text but
    4.5:1 on Base and Window (the placeholder colour is fainter than that)."""
    return QColor.fromRgb(_soft(palette.color(QPalette.ColorRole.Text).rgb(),
                                palette.color(QPalette.ColorRole.Base).rgb(),
                                palette.color(QPalette.ColorRole.Window).rgb()))


class _Follow(QObject):
    """Calls ``apply`` again whenever the application's palette changes (a new colour
    scheme), so a widget's own palette roles follow it."""

    EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)

    def __init__(self, widget: QWidget, apply: Callable[[QWidget], None]) -> None:
        super().__init__(widget)
        self._apply = apply
        self._busy = False
        apply(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.EVENTS and isinstance(watched, QWidget) and not self._busy:
            self._busy = True  # apply() sets the palette: one more PaletteChange
            try:
                self._apply(watched)
            finally:
                self._busy = False
        return False


def follow_palette(widget: QWidget, apply: Callable[[QWidget], None]) -> None:
    """Run ``apply(widget)`` now and after every change of the application palette.
    ``apply`` should start from :func:`fresh_palette`, not ``widget.palette()``, and set
    the palette only if it changed (:func:`set_palette`)."""
    _Follow(widget, apply)


def fresh_palette(widget: QWidget) -> QPalette:
    """The application's palette for ``widget`` (its parent's may not have caught up with
    a change yet), with no role marked as set: the roles ``apply`` sets are the widget's
    own, every other one keeps following the application."""
    palette = QPalette(QApplication.palette(widget))
    palette.setResolveMask(0)
    return palette


def set_palette(widget: QWidget, palette: QPalette) -> None:
    """``widget.setPalette(palette)`` unless it already has it (no PaletteChange)."""
    if palette != widget.palette():
        widget.setPalette(palette)


def _mute(widget: QWidget) -> None:
    palette = fresh_palette(widget)
    palette.setColor(QPalette.ColorRole.WindowText, _muted_colour(palette))
    set_palette(widget, palette)


def muted(label: QLabel) -> QLabel:
    """Secondary text: softer than the body text but still easy to read (4.5:1, unlike
    the disabled colour, which is too faint for captions), in any colour scheme."""
    follow_palette(label, _mute)
    return label


# colour scheme ----------------------------------------------------------------------
def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, for platforms that have none of their own."""
    role = QPalette.ColorRole
    palette = QPalette()
    colours = {
        role.Window: "#2b2b2b", role.WindowText: "#e8e8e8", role.Base: "#1f1f1f",
        role.AlternateBase: "#303030", role.ToolTipBase: "#3a3a3a",
        role.ToolTipText: "#e8e8e8", role.PlaceholderText: "#9a9a9a", role.Text: "#e8e8e8",
        role.Button: "#353535", role.ButtonText: "#e8e8e8", role.BrightText: "#ff6b6b",
        role.Light: "#4a4a4a", role.Midlight: "#3d3d3d", role.Mid: "#6a6a6a",
        role.Dark: "#1a1a1a", role.Shadow: "#0c0c0c", role.Highlight: "#3a78c9",
        role.HighlightedText: "#ffffff", role.Link: "#7ab4ff", role.LinkVisited: "#c19cff",
        role.Accent: "#3a78c9",
    }
    for colour_role, name in colours.items():
        palette.setColor(colour_role, QColor(name))
    disabled = QPalette.ColorGroup.Disabled
    for colour_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, colour_role, QColor("#7c7c7c"))
    palette.setColor(disabled, role.Highlight, QColor("#4a4a4a"))
    palette.setColor(disabled, role.HighlightedText, QColor("#9a9a9a"))
    return palette


class OutlinedStyle(QProxyStyle):
    """Fusion, with check boxes outlined on a dark palette: Fusion draws their outline
    from a darker Window colour, which vanishes on a dark Base."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element == QStyle.PrimitiveElement.PE_IndicatorCheckBox \
                and is_dark(option.palette):
            painter.save()
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            rect: QRect = option.rect
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.restore()


SCHEMES = {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}


class _Scheme(QObject):
    """Keeps the application's palette in step with the colour scheme: the user's choice
    (``forced``) or else the system's."""

    def __init__(self, app: QApplication, forced: Qt.ColorScheme | None) -> None:
        super().__init__(app)
        self.app = app
        self.forced = forced
        self.ours = False  # the palette is dark_palette(), set by us
        app.styleHints().colorSchemeChanged.connect(self.apply)
        if forced is not None:
            app.styleHints().setColorScheme(forced)  # where the platform honours it
        self.apply(app.styleHints().colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        wanted = self.forced if self.forced is not None else scheme
        if wanted == Qt.ColorScheme.Unknown:
            return
        dark = wanted == Qt.ColorScheme.Dark
        if dark == is_dark(self.app.palette()):
            return  # the platform's own palette already fits
        if dark:
            if not isinstance(self.app.style(), OutlinedStyle):
                self.app.setStyle(OutlinedStyle("Fusion"))  # paints with any palette
            self.app.setPalette(dark_palette())
            self.ours = True
        elif self.ours:
            self.app.setPalette(QPalette())  # back to the platform's palette
            self.ours = False
        log.info("colour scheme: %s", "dark" if dark else "light")


def follow_scheme(app: QApplication, forced: str = "") -> QObject:
    """Follow the system colour scheme from now on, or use ``forced`` ("dark"/"light")."""
    existing = app.findChild(_Scheme)
    if isinstance(existing, _Scheme):
        existing.forced = SCHEMES.get(forced)
        existing.apply(app.styleHints().colorScheme())
        return existing
    return _Scheme(app, SCHEMES.get(forced))
