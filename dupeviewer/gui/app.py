"""The application: QApplication, names for QSettings, icon, error dialog, ``run()``."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from dupeviewer import __version__
from dupeviewer.gui.settings import APPLICATION, ORGANIZATION

log = logging.getLogger(__name__)

DESKTOP_ID = "io.github.dupeviewer.DupeViewer"


def app_icon() -> QIcon:
    """The app icon from the package resources, or a null icon if it is not there."""
    try:
        from importlib.resources import as_file, files

        resource = files("dupeviewer") / "resources" / "dupeviewer.svg"
        if not resource.is_file():
            return QIcon()
        with as_file(resource) as path:
            icon = QIcon(str(path))
            icon.addFile(str(path))  # render now: the temporary file may go away
            pixmaps = [icon.pixmap(size, size) for size in (16, 24, 32, 48, 64, 128, 256)]
        result = QIcon()
        for pixmap in pixmaps:
            if not pixmap.isNull():
                result.addPixmap(pixmap)
        return result
    except Exception as exc:  # noqa: BLE001 - an icon is never worth failing over
        log.debug("no app icon: %s", exc)
        return QIcon()


def configure(app: QApplication) -> None:
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setApplicationDisplayName("dupeviewer")
    QGuiApplication.setDesktopFileName(DESKTOP_ID)
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)


def application(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        configure(existing)
        return existing
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    configure(app)
    return app


def _excepthook(kind: type[BaseException], value: BaseException,
                tb: TracebackType | None) -> None:
    """An unexpected error in a slot: log it and tell the user instead of vanishing."""
    details = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected error:\n%s", details)
    if isinstance(value, KeyboardInterrupt):
        QApplication.quit()
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "dupeviewer",
                      QCoreApplication.translate("app", "Something went wrong: {error}\n\n"
                                                 "No file was changed by this error.").format(
                          error=value), QMessageBox.StandardButton.Close)
    box.setDetailedText(details)
    box.exec()


def run(folders: list[str], demo: bool = False) -> int:
    """Open the window; scan ``folders`` at once (or a generated demo library)."""
    from dupeviewer.gui.main_window import MainWindow

    app = application()
    sys.excepthook = _excepthook
    window = MainWindow()
    window.show()
    if demo:
        from dupeviewer.demo import make_demo_library

        folders = [*folders, str(make_demo_library())]
    if folders:
        QTimer.singleShot(0, window, lambda: window.scan_folders(folders))
    return app.exec()


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    return run(sys.argv[1:])
