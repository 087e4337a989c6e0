"""A desktop citizen: settings names, log folder, About, macOS file-open events, the demo
session, metadata on the cards, and accessibility (names, mnemonics, keyboard)."""

from __future__ import annotations

import dataclasses
import sys
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QFileOpenEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from dupeviewer.core.highlights import highlights
from dupeviewer.core.model import Group, Member, ScanResult, Stats
from dupeviewer.gui import app as gui_app
from dupeviewer.gui.dialogs.about import LIBRARIES, AboutDialog, details
from dupeviewer.gui.jobs import operations
from dupeviewer.gui.main_window import MainWindow
from dupeviewer.gui.models.members import MemberModel, MemberRole
from dupeviewer.gui.models.review import Review
from dupeviewer.gui.settings import Settings
from tests.helpers.synthetic import info
from tests.helpers.window import SCAN_TIMEOUT_MS, scan, wait_idle

if TYPE_CHECKING:
    import pytest
    from pytestqt.qtbot import QtBot

    from tests.helpers.libraries import Library3


def test_settings_live_under_the_organisation_and_app_name(qtbot: QtBot) -> None:
    gui_app.application()
    assert QApplication.organizationName() == "dupeviewer"
    assert QApplication.organizationDomain() == "dupeviewer.github.io"
    assert QApplication.applicationName() == "dupeviewer"
    store = Settings().store
    assert "dupeviewer" in store.fileName()
    assert QSettings().fileName() == store.fileName()


def test_gui_entry_point_sets_up_the_log_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from dupeviewer import cli

    calls: list[str] = []
    def gui(argv: list[str]) -> int:
        calls.append("gui")
        return 0

    monkeypatch.setattr(cli, "setup_logging", lambda: calls.append("logging"))
    monkeypatch.setattr(cli, "run_gui", gui)
    monkeypatch.setattr(sys, "argv", ["dupeviewer-gui"])
    assert cli.main() == 0
    assert calls == ["logging", "gui"]


def test_open_log_folder(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from dupeviewer.logs import log_dir

    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    help_menu = _menus(window)["Help"]
    assert window.commands.open_logs in help_menu.actions()
    window.commands.open_logs.trigger()
    assert [u.toLocalFile() for u in opened] == [str(log_dir())]
    assert log_dir().is_dir()


def test_open_log_folder_without_a_file_manager_says_where_the_logs_are(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from dupeviewer.logs import log_dir

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)  # no launcher
    window.commands.open_logs.trigger()

    def box() -> QMessageBox | None:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, QMessageBox) and w.isVisible()), None)

    qtbot.waitUntil(lambda: box() is not None)
    shown = box()
    assert shown is not None
    assert str(log_dir()) in shown.text()
    shown.accept()


def test_about_lists_the_libraries_with_versions_and_licences(qtbot: QtBot,
                                                              window: MainWindow) -> None:
    window.commands.about.trigger()
    dialog = window.about_dialog
    assert isinstance(dialog, AboutDialog)
    assert dialog.isVisible()
    items = [dialog.libraries.topLevelItem(i)
             for i in range(dialog.libraries.topLevelItemCount())]
    rows = {item.text(0): (item.text(1), item.text(2)) for item in items if item is not None}
    assert len(rows) == len(LIBRARIES)
    assert rows["Pillow"] == (metadata.version("Pillow"), "MIT-CMU (HPND)")
    assert rows["ImageHash"][1] == "BSD-2-Clause"
    assert rows["Send2Trash"][1] == "BSD-3-Clause"
    assert rows["Qt"][1].startswith("LGPL-3.0")
    assert rows["PySide6 (Qt for Python)"][0] == metadata.version("PySide6-Essentials")
    for name in ("NumPy", "SciPy", "PyWavelets", "platformdirs", "tqdm", "pillow-heif"):
        assert rows[name][0] != "\u2014", name
    assert "0.1" in dialog.title.text() or "dupeviewer" in dialog.title.text()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == details()
    assert "Pillow" in details()
    assert "dupeviewer" in details()
    dialog.reject()


def test_a_folder_opened_from_the_dock_is_added_and_scanned(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    opener = gui_app.FileOpenFilter(window.add_folders, window)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(opener)
    try:
        with qtbot.waitSignal(window.review.reset, timeout=SCAN_TIMEOUT_MS):
            QApplication.sendEvent(app, QFileOpenEvent(str(simple_library.root)))
        wait_idle(qtbot, window)
        assert window.folders.folders() == [str(simple_library.root)]
        assert len(window.review) == 2
        # a photo opened with dupeviewer adds its folder (already there: nothing new)
        QApplication.sendEvent(app, QFileOpenEvent(str(simple_library.exact[1])))
        assert window.folders.folders()[-1] == str(simple_library.exact[1].parent)
    finally:
        app.removeEventFilter(opener)
        wait_idle(qtbot, window)


def test_undo_is_enabled_when_the_journal_has_something_to_undo(
        qtbot: QtBot, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from dupeviewer.core import undo

    monkeypatch.setattr(undo, "pending", lambda journal_path=None: 3, raising=False)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.commands.undo.isEnabled()
    assert "3 files" in window.commands.undo.statusTip()
    monkeypatch.setattr(undo, "pending", lambda journal_path=None: 0, raising=False)
    assert operations.pending_undo() == 0


def test_demo_session(qtbot: QtBot, settings: Settings,
                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``dupeviewer --demo``: a temporary library, scanned at once, named in the title and
    status bar, removed at exit, and never written into the user's folder list."""
    from dupeviewer.gui import main_window

    mine = tmp_path / "my photos"
    mine.mkdir()
    settings.folders = [str(mine)]
    made: list[MainWindow] = []

    class Window(main_window.MainWindow):
        def __init__(self) -> None:
            super().__init__(settings)
            made.append(self)

    def exec_until_scanned(*args: object) -> int:  # the event loop, until the scan is done
        window = made[0]
        qtbot.waitUntil(lambda: window.review.result is not None and not window.ops.busy,
                        timeout=SCAN_TIMEOUT_MS)
        demo = Path(window.demo_folder)
        assert demo.is_dir()
        assert window.folders.folders() == [str(demo)]
        assert demo.name == "Demo Photos"
        assert demo.parent.name.startswith("dupeviewer-demo-")
        assert len(window.review) >= 5
        assert "Demo" in window.windowTitle()
        assert str(demo) in window.status.demo_label.text()
        assert window.status.demo_label.isVisible()
        window.close()
        return 0

    monkeypatch.setattr(main_window, "MainWindow", Window)
    monkeypatch.setattr(QApplication, "exec", exec_until_scanned)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert gui_app.run([], demo=True) == 0
    window = made[0]
    qtbot.addWidget(window)
    assert not Path(window.demo_folder).parent.exists()  # removed at exit
    assert settings.folders == [str(mine)]  # the user's list is untouched


def test_demo_library_stays_while_its_files_are_in_the_trash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "dupeviewer-demo-x"
    folder.mkdir()
    fake = SimpleNamespace(ops=SimpleNamespace(files_trashed=2))
    monkeypatch.setattr(operations, "pending_undo", lambda: 2)
    assert gui_app.remove_demo(folder, fake) is False  # type: ignore[arg-type]
    assert folder.is_dir()
    monkeypatch.setattr(operations, "pending_undo", lambda: 0)  # undone since
    assert gui_app.remove_demo(folder, fake) is True  # type: ignore[arg-type]
    assert not folder.exists()


# metadata on the cards --------------------------------------------------------------------
def _metadata_group() -> Group:
    best = dataclasses.replace(info("/p/a.jpg", size=900), quality=95, camera="Pixel 7",
                               gps=True, orientation=6, animated=False)
    worse = dataclasses.replace(info("/p/b.jpg", size=800), quality=70, camera=None)
    moving = dataclasses.replace(info("/p/c.gif", size=700), quality=None, animated=True)
    members = (Member(best), Member(worse, match="pixels"), Member(moving, match="pixels"))
    return Group("pixels", members, 0, "highest quality")


def test_cards_show_quality_camera_gps_orientation_and_animation(qtbot: QtBot) -> None:
    group = _metadata_group()
    # the same pixels: size is no highlight; the camera and GPS the others lack are
    assert [sorted(h) for h in highlights(group)] == [["camera", "gps", "quality"], [], []]
    review = Review()
    review.load(ScanResult((group,), (), Stats(groups=1), roots=("/p",)),
                review.options, mark_near=False)
    model = MemberModel(review)
    model.show_group(0)
    a, b, c = (model.index(r, 0) for r in range(3))
    assert a.data(MemberRole.Facts) == ["JPEG quality 95", "Pixel 7",
                                        "GPS: yes  \u00b7  rotated 90\u00b0 clockwise"]
    assert b.data(MemberRole.Facts) == ["JPEG quality 70", "Camera unknown",
                                        "GPS: no  \u00b7  upright"]
    assert c.data(MemberRole.Facts)[0] == "Quality: not JPEG"
    assert (a.data(MemberRole.Quality), a.data(MemberRole.Gps), a.data(MemberRole.Camera),
            a.data(MemberRole.Orientation)) == (95, True, "Pixel 7", 6)
    assert c.data(MemberRole.Animated) is True
    assert a.data(MemberRole.Animated) is False
    spoken = c.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "animated" in spoken
    assert "c.gif" in spoken
    assert "best quality" in a.data(Qt.ItemDataRole.AccessibleTextRole)
    assert a.data(Qt.ItemDataRole.AccessibleDescriptionRole)


def test_keep_best_quality_from_the_marks_menu(qtbot: QtBot, window: MainWindow) -> None:
    group = _metadata_group()
    group = dataclasses.replace(group, keeper=1)
    window.show_result(ScanResult((group,), (), Stats(groups=1), roots=("/p",)),
                       window.options())
    keep = _menus(window)["Marks"]
    labels = [a.text() for a in _all_actions(keep)]
    assert "Best &Quality" in labels
    window.commands.keep_by["quality"].trigger()
    _apply_rule(qtbot, window)
    # a GIF's quality cannot be read, so it ranks after the best JPEG (quality 95)
    assert window.review.marked(0) == {1, 2}
    jpegs = dataclasses.replace(group, members=group.members[:2])
    window.show_result(ScanResult((jpegs,), (), Stats(groups=1), roots=("/p",)),
                       window.options())
    window.commands.keep_by["quality"].trigger()
    _apply_rule(qtbot, window)
    assert window.review.marked(0) == {1}  # JPEG quality 95 is kept, 70 marked


def _apply_rule(qtbot: QtBot, window: MainWindow) -> None:
    """Agree to the rule's confirmation (it names the files and bytes it marks)."""
    dialog = window.prompts.rule_dialog
    assert dialog is not None
    button = dialog.findChild(QPushButton, "apply-rule")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# accessibility ----------------------------------------------------------------------------
def _menus(window: MainWindow) -> dict[str, QMenu]:
    found = {}
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            found[action.text().replace("&", "")] = menu
    return found


def _all_actions(menu: QMenu) -> list[QAction]:
    found = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        found.append(action)
        sub = action.menu()
        if isinstance(sub, QMenu):
            found += _all_actions(sub)
    return found


def _mnemonic(label: str) -> str:
    at = label.replace("&&", "").find("&")
    return label.replace("&&", "")[at + 1].lower() if at >= 0 else ""


def test_every_menu_action_has_text_and_a_unique_mnemonic(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    menus = _menus(window)
    assert set(menus) == {"File", "Marks", "Help"}
    assert all(_mnemonic(a.text()) for a in window.menuBar().actions())
    keep_in_folder = window.commands.keep_in_folder
    keep_in_folder.aboutToShow.emit()  # filled with folder names when opened
    for name, menu in menus.items():
        actions = _all_actions(menu)
        assert actions, name
        for action in actions:
            assert action.text().strip(), f"an action without text in {name}"
        subs = [a.menu() for a in actions]
        for sub in [menu, *(m for m in subs if isinstance(m, QMenu))]:
            if sub is keep_in_folder:
                continue  # folder names, chosen by the user
            keys = [_mnemonic(a.text()) for a in sub.actions() if not a.isSeparator()]
            assert all(keys), f"{sub.title()}: {[a.text() for a in sub.actions()]}"
            assert len(keys) == len(set(keys)), f"{sub.title()}: clashing mnemonics {keys}"
    for action in window.actions():
        assert action.text().strip()


def _interactive(window: QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget)
            if w.isVisibleTo(window) and w.focusPolicy() & Qt.FocusPolicy.TabFocus]


def _unnamed(window: QWidget) -> list[str]:
    return [f"{type(w).__name__} {w.objectName()!r}" for w in _interactive(window)
            if not w.accessibleName().strip()
            and not (isinstance(w, QAbstractButton) and w.text().replace("&", "").strip())]


def test_every_interactive_widget_has_an_accessible_name(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    assert _unnamed(window) == []  # the start page
    scan(qtbot, window, simple_library.root)
    assert len(_interactive(window)) >= 6
    assert _unnamed(window) == []  # the review: folders, groups, cards, toolbar
    for view in (window.groups.view, window.cards.view):
        model = view.model()
        for row in range(model.rowCount()):
            assert model.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    window.about()
    assert _unnamed(window.about_dialog) == []
    window.about_dialog.reject()


def test_tab_moves_from_the_groups_to_the_cards(
        qtbot: QtBot, window: MainWindow, simple_library: Library3) -> None:
    scan(qtbot, window, simple_library.root)
    window.activateWindow()
    window.groups.view.setFocus()
    qtbot.waitUntil(lambda: window.groups.view.hasFocus())
    qtbot.keyClick(window.groups.view, Qt.Key.Key_Tab)
    assert window.cards.view.hasFocus()


def test_sizes_and_dates_follow_the_locale() -> None:
    from PySide6.QtCore import QLocale

    from dupeviewer.gui import text

    before = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        assert text.data_size(217_900) == "217,9 kB"
        assert text.taken("2024-05-13T20:09:00").startswith("13.05.")
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        assert text.data_size(1_500_000) == "1.5 MB"
        assert text.taken("2024-05-13T20:09:00").startswith("5/13/")
        QLocale.setDefault(QLocale.c())
        assert text.taken("2024-05-13T20:09:00") == "2024-05-13 20:09"
    finally:
        QLocale.setDefault(before)
