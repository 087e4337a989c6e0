"""Render the window's main states to PNG files, to look at them as a user would.

    QT_QPA_PLATFORM=offscreen python -m tests.gui.screenshots OUTDIR

Uses the demo library (dupeviewer.demo) and private settings; never touches real files.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLocale, QSettings, QTimer
from PySide6.QtWidgets import QMenu, QWidget


def _wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _until(condition: object, timeout_ms: int = 60_000) -> None:
    waited = 0
    while not condition() and waited < timeout_ms:  # type: ignore[operator]
        _wait(20)
        waited += 20


def _save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def _add_resized_copy(source: Path, target: Path) -> None:
    """A smaller, more compressed copy sent from a phone (which recorded where it was), so
    the main screenshot shows differences."""
    from PIL import Image

    with Image.open(source) as image:
        exif = image.getexif()
        small = image.resize((image.width * 2 // 3, image.height * 2 // 3))
    exif[0x0110] = "Pixel 7"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    small.save(target, quality=80, exif=exif)


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="dupeviewer-shots-"))
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")
    from dupeviewer.demo import make_demo_library
    from dupeviewer.gui.app import application
    from dupeviewer.gui.main_window import MainWindow
    from dupeviewer.gui.settings import Settings

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = application()
    app.setStyle("Fusion")
    out.mkdir(parents=True, exist_ok=True)
    library = make_demo_library(scratch / "Pictures")
    _add_resized_copy(library / "Camera" / "IMG_1001.jpg", library / "Phone" / "IMG_1001.jpg")
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    settings.workers = 1
    window = MainWindow(settings)
    window.resize(1280, 820)
    window.show()
    _wait(200)
    _save(window, out / "empty.png")

    seen: list[int] = []
    window.add_folders([str(library)], scan=False)
    window.ops.start_scan()
    window.ops.job.progress.connect(  # type: ignore[union-attr]
        lambda e: seen.append(e.done) if e.phase == "fingerprint" else None)
    _until(lambda: len(seen) > 3 and seen[-1] > 8 or not window.ops.busy)
    _save(window, out / "scanning.png")
    _until(lambda: not window.ops.busy)
    _wait(100)
    groups = window.review.groups
    big = max(range(len(groups)), key=lambda g: (len(groups[g].members),
                                                 "IMG_1001" in groups[g].keep.path))
    window.groups.select_row(window.groups.model.row_of(big))
    _until(lambda: len(window.loader) >= len(groups), 5000)
    _wait(400)
    _save(window, out / "group.png")
    near = next((g for g, group in enumerate(groups) if group.kind == "near"), big)
    window.groups.select_row(window.groups.model.row_of(near))
    _wait(800)
    _save(window, out / "near.png")

    window.confirm_trash()
    dialog = window.prompts.confirm_dialog
    assert dialog is not None
    _wait(200)
    _save(dialog, out / "confirm.png")
    dialog.reject()

    window.groups.select_row(window.groups.model.row_of(big))
    window.prompts.compare(window.cards.model, window.cards.model.rowCount() - 1)
    compare = window.prompts.compare_dialog
    _wait(1500)
    _save(compare, out / "compare.png")  # type: ignore[arg-type]
    compare.reject()  # type: ignore[union-attr]

    window.about()
    _wait(300)
    _save(window.about_dialog, out / "about.png")
    window.about_dialog.reject()
    for title in ("File", "Marks", "Help"):
        menu = next(a.menu() for a in window.menuBar().actions()
                    if a.text().replace("&", "") == title)
        assert isinstance(menu, QMenu)
        menu.popup(window.mapToGlobal(window.rect().topLeft()))
        _wait(200)
        _save(menu, out / f"menu-{title.lower()}.png")
        menu.hide()
    window.close()
    del app


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
