"""The About dialog: version, licence, and the libraries dupeviewer runs on with theirs.

Versions are read at run time (``importlib.metadata``), so the dialog tells the truth about
the installed copy or the app bundle, which is what a bug report needs.
"""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dupeviewer import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

HOMEPAGE = "https://github.com/dupeviewer/dupeviewer"
LICENCE = "GPL-3.0-or-later"


@dataclass(frozen=True)
class Library:
    name: str
    licence: str
    version: Callable[[], str | None]
    url: str


def _dist(*names: str) -> Callable[[], str | None]:
    """The installed version of the first of these distributions that is there."""
    def version() -> str | None:
        for name in names:
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                continue
        return None
    return version


def _libheif() -> str | None:
    try:
        import pillow_heif

        return str(pillow_heif.libheif_version())
    except Exception as exc:  # noqa: BLE001 - a missing plug-in only hides a version
        log.debug("no libheif version: %s", exc)
        return None


def _x265() -> str | None:
    """The x265 encoder version bundled in the pillow-heif wheel, if there is one."""
    try:
        import re

        import pillow_heif

        encoder = str(pillow_heif.libheif_info().get("encoders", {}).get("x265", ""))
    except Exception as exc:  # noqa: BLE001 - a missing plug-in only hides a version
        log.debug("no x265 version: %s", exc)
        return None
    match = re.search(r"\((\d+(?:\.\d+)*)", encoder)
    return match.group(1) if match else None


LIBRARIES: tuple[Library, ...] = (
    Library("Qt", "LGPL-3.0-only", qVersion, "https://www.qt.io/"),
    Library("PySide6 (Qt for Python)", "LGPL-3.0-only",
            _dist("PySide6-Essentials", "PySide6"), "https://pyside.org/"),
    Library("shiboken6", "LGPL-3.0-only", _dist("shiboken6"), "https://pyside.org/"),
    Library("Pillow", "MIT-CMU (HPND)", _dist("Pillow"), "https://python-pillow.github.io/"),
    Library("ImageHash", "BSD-2-Clause", _dist("ImageHash"),
            "https://github.com/JohannesBuchner/imagehash"),
    Library("Send2Trash", "BSD-3-Clause", _dist("Send2Trash", "send2trash"),
            "https://github.com/arsenetar/send2trash"),
    Library("pillow-heif", "BSD-3-Clause", _dist("pillow-heif", "pillow_heif"),
            "https://github.com/bigcat88/pillow_heif"),
    Library("libheif, libde265 (in pillow-heif)", "LGPL-3.0-only", _libheif,
            "https://github.com/strukturag/libheif"),
    Library("x265 (in pillow-heif)", "GPL-2.0-or-later", _x265,
            "https://bitbucket.org/multicoreware/x265_git"),
    Library("NumPy", "BSD-3-Clause", _dist("numpy"), "https://numpy.org/"),
    Library("SciPy", "BSD-3-Clause", _dist("scipy"), "https://scipy.org/"),
    Library("PyWavelets", "MIT", _dist("PyWavelets"), "https://pywavelets.readthedocs.io/"),
    Library("platformdirs", "MIT", _dist("platformdirs"),
            "https://github.com/tox-dev/platformdirs"),
    Library("tqdm", "MPL-2.0 AND MIT", _dist("tqdm"), "https://tqdm.github.io/"),
)


def _tr(source: str) -> str:
    return QCoreApplication.translate("AboutDialog", source)


def library_rows() -> list[tuple[str, str, str]]:
    """(name, version, licence) of every library, "—" for a version that is unknown."""
    rows = []
    for library in LIBRARIES:
        try:
            version = library.version()
        except Exception as exc:  # noqa: BLE001 - never fail the dialog over a version
            log.debug("no version for %s: %s", library.name, exc)
            version = None
        rows.append((library.name, version or "\u2014", library.licence))
    return rows


def details() -> str:
    """Plain text for a bug report: versions of dupeviewer, Python, the OS and libraries."""
    lines = [f"dupeviewer {__version__}",
             f"Python {platform.python_version()} ({platform.python_implementation()})",
             f"{platform.system()} {platform.release()} {platform.machine()}",
             f"Qt platform: {QGuiApplication.platformName()}"]
    lines += [f"{name} {version} ({licence})" for name, version, licence in library_rows()]
    return "\n".join(lines)


class AboutDialog(QDialog):
    """What dupeviewer is, its licence, and every library it uses with version and licence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About dupeviewer"))
        self.setAccessibleName(self.tr("About dupeviewer"))
        self.setObjectName("about-dialog")
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        icon = QApplication.windowIcon()
        if not icon.isNull():
            picture = QLabel()
            picture.setPixmap(icon.pixmap(64, 64))
            picture.setAlignment(Qt.AlignmentFlag.AlignTop)
            header.addWidget(picture)
        self.title = QLabel(self.tr(
            "<h2>dupeviewer {version}</h2>"
            "<p>Finds duplicate and near-duplicate photos, shows the copies side by side and "
            "moves only the copies you choose to the Trash.</p>"
            "<p>Free software under the {licence} licence.<br>"
            "<a href=\"{url}\">{url}</a></p>").format(
                version=__version__, licence=LICENCE, url=HOMEPAGE))
        self.title.setWordWrap(True)
        self.title.setOpenExternalLinks(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.title.setAccessibleName(self.tr("dupeviewer {version}").format(
            version=__version__))
        header.addWidget(self.title, 1)
        layout.addLayout(header)
        keys = QLabel(self.tr(
            "Keys: Up/Down or J/K between groups, Left/Right between copies, Space marks, "
            "Enter compares, Delete moves the marked files to the Trash."))
        keys.setWordWrap(True)
        layout.addWidget(keys)
        layout.addSpacing(6)
        caption = QLabel(self.tr("dupeviewer is built on these libraries (versions "
                                 "installed now):"))
        layout.addWidget(caption)
        self.libraries = QTreeWidget()
        self.libraries.setAccessibleName(self.tr("Libraries, versions and licences"))
        self.libraries.setRootIsDecorated(False)
        self.libraries.setHeaderLabels([self.tr("Library"), self.tr("Version"),
                                        self.tr("Licence")])
        for name, version, licence in library_rows():
            item = QTreeWidgetItem([name, version, licence])
            self.libraries.addTopLevelItem(item)
        for column in range(3):
            self.libraries.resizeColumnToContents(column)
        rows = self.libraries.sizeHintForRow(0) * len(LIBRARIES)
        self.libraries.setMinimumHeight(rows + self.libraries.header().sizeHint().height() + 6)
        self.libraries.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        caption.setBuddy(self.libraries)
        layout.addWidget(self.libraries, 1)
        layout.addWidget(QLabel(self.tr(
            "Python {python} on {system}").format(python=platform.python_version(),
                                                  system=platform.system())))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = self.buttons.addButton(self.tr("&Copy Details"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setToolTip(self.tr("Copy the versions, for a bug report"))
        self.copy_button.clicked.connect(self.copy_details)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self.adjustSize()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(details())
