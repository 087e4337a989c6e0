"""Locale-aware wording shared by the models, delegates and dialogs."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def data_size(size: int) -> str:
    """``4.2 MB`` in the user's locale (SI units, as file managers show them)."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def number(value: int) -> str:
    return QLocale().toString(value)


def taken(iso: str | None) -> str:
    """A date taken as the locale writes it, or an em dash when unknown."""
    if not iso:
        return "\u2014"
    stamp = QDateTime.fromString(iso[:19], "yyyy-MM-ddTHH:mm:ss")
    if not stamp.isValid():
        return iso
    locale = QLocale()
    if locale.language() == QLocale.Language.C:  # no locale set (LANG=C): ISO, not "13 05 2024"
        return stamp.toString("yyyy-MM-dd HH:mm")
    return locale.toString(stamp, QLocale.FormatType.ShortFormat)


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def folder_of(path: str) -> str:
    return os.path.dirname(path)


def name_of(path: str) -> str:
    return os.path.basename(path)


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def plural(translated: str, n: int) -> str:
    """Finish a ``tr("%n file(s)", "", n)`` string when no translation is installed:
    English picks "file" or "files". Installed translations have no "(s)" left."""
    return translated.replace("(s)", "" if n == 1 else "s")


def counted(context: str, source: str, n: int) -> str:
    """``QCoreApplication.translate`` with a count, English plurals built in."""
    return plural(QCoreApplication.translate(context, source, "", n), n)


def folder_names(folders: Sequence[str], shown: int = 3) -> str:
    """``Pictures``, ``Pictures, Backup``, ``Pictures, Backup, Phone and 2 more``: the last
    part of each folder's path, as a title or a sentence names them."""
    names = [os.path.basename(os.path.normpath(f)) or f for f in folders]
    if len(names) <= shown:
        return ", ".join(names)
    more = len(names) - shown + 1
    return QCoreApplication.translate("text", "{names} and {more} more").format(
        names=", ".join(names[:shown - 1]), more=more)


def window_title(folders: Sequence[str]) -> str:
    """``Pictures, Backup — dupeviewer``; just ``dupeviewer`` with no folder."""
    if not folders:
        return "dupeviewer"
    return QCoreApplication.translate("text", "{folders} — dupeviewer").format(
        folders=folder_names(folders))


def keep_rules(tr: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    """The keep-by rules as menus name them (each label a literal, so lupdate finds it)."""
    return (
        ("resolution", tr("Highest &Resolution")),
        ("size", tr("&Largest File")),
        ("oldest", tr("&Oldest Date Taken")),
        ("newest", tr("&Newest Date Taken")),
        ("quality", tr("Best &Quality")),
    )


def rule_words(tr: Callable[[str], str], rule: str, folder: str | None = None) -> str:
    """What a keep-by rule keeps, in words: ``the copy with the highest resolution``."""
    if rule == "folder":
        return tr("the copy in {folder}").format(
            folder=name_of((folder or "").rstrip(os.sep)) or folder)
    label = dict(keep_rules(tr)).get(rule, rule).replace("&", "").lower()
    return tr("the copy with the {label}").format(label=label)
