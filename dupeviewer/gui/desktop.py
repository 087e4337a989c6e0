"""Hand a file to the desktop: open it, show it in its folder, copy its path."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

log = logging.getLogger(__name__)


def open_file(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def _show_with_file_manager1(path: str) -> bool:
    """Ask a freedesktop file manager to select the file (Nautilus, Dolphin, Nemo...)."""
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface
    except ImportError:  # pragma: no cover - QtDBus is part of PySide6-Essentials
        return False
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    manager = QDBusInterface("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                             "org.freedesktop.FileManager1", bus)
    if not manager.isValid():
        return False
    reply = manager.call("ShowItems", [QUrl.fromLocalFile(path).toString()], "")
    return not reply.errorName()


def show_in_folder(path: str) -> bool:
    """Show the file selected in the file manager where possible, else open its folder."""
    if sys.platform.startswith("linux") and _show_with_file_manager1(path):
        return True
    if sys.platform == "darwin":
        import subprocess

        return subprocess.run(["open", "-R", path], check=False).returncode == 0
    if sys.platform == "win32":
        import subprocess

        return subprocess.run(["explorer", "/select,", os.path.normpath(path)],
                              check=False).returncode in (0, 1)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


def copy_path(path: str) -> None:
    QGuiApplication.clipboard().setText(path)
