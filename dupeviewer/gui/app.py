"""The application: QApplication, names for QSettings, icon, error dialog, ``run()``."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import PySide6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QTimer
from PySide6.QtGui import QFileOpenEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from dupeviewer import __version__
from dupeviewer.gui.look import follow_scheme
from dupeviewer.gui.settings import APPLICATION, ORGANIZATION, ORGANIZATION_DOMAIN

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import TracebackType

    from dupeviewer.gui.main_window import MainWindow

log = logging.getLogger(__name__)

DESKTOP_ID = "io.github.dupeviewer.DupeViewer"
EXIT_BROKEN_BINDING = 1

PROBE_CALLS = 64
SOUND_BINDING = "PySide6-Essentials<6.12"
"""A pip requirement for a binding that keeps its references (see the README)."""


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
    QCoreApplication.setOrganizationDomain(ORGANIZATION_DOMAIN)
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


class FileOpenFilter(QObject):
    """macOS: a folder (or photo) dropped on the Dock icon or opened with dupeviewer
    arrives as a ``QFileOpenEvent``; add the folder (a photo's folder) and scan."""

    def __init__(self, add: Callable[[list[str]], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._add = add

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file() or event.url().toLocalFile()
            folder = path if os.path.isdir(path) else os.path.dirname(path)
            if folder and os.path.isdir(folder):
                log.info("opened from the desktop: %s", path)
                self._add([folder])
                return True
        return super().eventFilter(watched, event)


def remove_demo(folder: Path, window: MainWindow) -> bool:
    """Remove the temporary demo library at exit, unless files of it are in the Trash
    (then Undo can still put them back, so the folder stays). True if removed."""
    from dupeviewer.gui.jobs.operations import pending_undo

    if window.ops.files_trashed and pending_undo():
        log.warning("keeping the demo library %s: some of its files are in the Trash", folder)
        return False
    shutil.rmtree(folder, ignore_errors=True)
    log.info("removed the demo library %s", folder)
    return not folder.exists()


DEMO_NAME = "Demo Photos"


def make_demo(folder: Path) -> Path:
    """The demo library in ``folder``/Demo Photos, so the cards say "Demo Photos/Camera"."""
    from dupeviewer.demo import make_demo_library

    return make_demo_library(folder / QCoreApplication.translate("app", DEMO_NAME))


def none_lost(call: Callable[[], object], calls: int = PROBE_CALLS) -> int:
    """References to ``None`` that ``calls`` calls of ``call`` took and never gave back."""
    enabled = gc.isenabled()
    gc.disable()  # a collection in the loop would move None's count for its own reasons
    try:
        call()
        before = sys.getrefcount(None)
        for _ in range(calls):
            call()
        return before - sys.getrefcount(None)
    finally:
        if enabled:
            gc.enable()


def binding_problem() -> str | None:
    """Why this PySide6 cannot run the window, or None. A fraction of a millisecond.

    PySide6 6.12.0 takes one reference from ``None`` on every Qt call that returns nothing
    (``setPen``, ``save``, ``setBold``...). Until Python 3.12 ``None`` is an ordinary object,
    so after some seconds of painting its count reaches zero and Python aborts with
    "Fatal Python error: none_dealloc". Say so before the window opens instead."""
    if sys.version_info >= (3, 12):
        return None  # None is immortal: a lost reference cannot free it
    point = QPoint()
    if none_lost(lambda: point.setX(1)) < PROBE_CALLS // 2:
        return None
    return QCoreApplication.translate(
        "app", "PySide6 {version} loses a reference to None on every Qt call on Python "
        "{python}, so the window would abort with \"Fatal Python error: none_dealloc\" after "
        "a few seconds of use. Install a PySide6 without this fault, for example:\n"
        "    pip install '{fix}'").format(version=PySide6.__version__,
                                          python=sys.version.split()[0], fix=SOUND_BINDING)


def _refuse(app: QApplication, problem: str) -> int:
    """Tell the user why the window does not open: the log (stderr), and a dialog unless
    there is no screen to show it on."""
    log.error("%s", problem)
    if app.platformName() not in ("offscreen", "minimal"):
        # the dialog paints through the same binding: enough spare references to None
        # that it cannot run out while it is shown
        spare = [None] * 1_000_000
        QMessageBox.critical(None, "dupeviewer", problem)
        del spare
    return EXIT_BROKEN_BINDING


def run(folders: list[str], demo: bool = False, scheme: str = "") -> int:
    """Open the window; scan ``folders`` at once (or a generated demo library). ``scheme``
    ("dark", "light") overrides the system's colour scheme, which is followed otherwise."""
    from dupeviewer.gui.main_window import MainWindow

    app = application()
    follow_scheme(app, scheme)
    problem = binding_problem()
    if problem is not None:
        return _refuse(app, problem)
    sys.excepthook = _excepthook
    window = MainWindow()
    opener = FileOpenFilter(window.add_folders, window)
    app.installEventFilter(opener)
    previous = _quit_on_signals(window)
    demo_folder: Path | None = None
    if demo:
        demo_folder = Path(tempfile.mkdtemp(prefix="dupeviewer-demo-"))
        library = make_demo(demo_folder)
        window.set_demo(str(library))
        folders = [*folders, str(library)]
    window.show()
    if folders:
        QTimer.singleShot(0, window, lambda: window.scan_folders(folders))
    try:
        return app.exec()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        app.removeEventFilter(opener)
        if demo_folder is not None:
            remove_demo(demo_folder, window)


def _quit_on_signals(window: MainWindow) -> dict[int, Any]:
    """Ctrl+C in the terminal or a polite kill closes the window as its Close button does
    (cancelling work, saving settings, removing a demo library) instead of dying mid-way."""
    previous: dict[int, Any] = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        # close from the event loop, never in the middle of whatever Python was running
        previous[number] = signal.signal(
            number, lambda *_: QTimer.singleShot(0, window, window.close))
    wake = QTimer(window)  # Python runs signal handlers only when it gets control
    wake.timeout.connect(lambda: None)
    wake.start(200)
    return previous

