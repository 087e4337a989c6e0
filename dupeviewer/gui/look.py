"""Small helpers for a consistent look: themed icons with fallbacks, muted captions."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyle

FALLBACK_ICONS = {
    "folder-new": QStyle.StandardPixmap.SP_DirOpenIcon,
    "view-refresh": QStyle.StandardPixmap.SP_BrowserReload,
    "user-trash": QStyle.StandardPixmap.SP_TrashIcon,
    "application-exit": QStyle.StandardPixmap.SP_DialogCloseButton,
    "help-about": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "folder": QStyle.StandardPixmap.SP_DirIcon,
}


def icon(name: str) -> QIcon:
    """The desktop theme's icon, or the style's built-in one where the theme lacks it."""
    themed = QIcon.fromTheme(name)
    if not themed.isNull() or name not in FALLBACK_ICONS:
        return themed
    return QApplication.style().standardIcon(FALLBACK_ICONS[name])


def muted(label: QLabel) -> QLabel:
    """Secondary text: softer than the body text but still easy to read (unlike the
    disabled colour, which is too faint for captions)."""
    palette = label.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    mixed = QColor(round(text.red() * 0.5 + window.red() * 0.5),
                   round(text.green() * 0.5 + window.green() * 0.5),
                   round(text.blue() * 0.5 + window.blue() * 0.5))
    palette.setColor(QPalette.ColorRole.WindowText, mixed)
    label.setPalette(palette)
    return label
