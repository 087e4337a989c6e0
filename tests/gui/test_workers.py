"""A failing background job: the user is told either way; only a bug leaves a traceback."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from dupeviewer.core.scan import ScanError
from dupeviewer.gui.jobs.workers import Job

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from dupeviewer.core.cancel import CancelToken
    from dupeviewer.core.cancel import Progress as ProgressCallback


def _failing(exc: Exception):  # type: ignore[no-untyped-def]
    def work(progress: ProgressCallback, cancel: CancelToken) -> object:
        raise exc

    return work


def _run(qtbot: QtBot, exc: Exception) -> object:
    job = Job(_failing(exc), "failing")
    with qtbot.waitSignal(job.errored, timeout=10_000) as blocker:
        job.start()
    assert job.wait(10_000)
    return blocker.args[0] if blocker.args else None


def test_an_expected_failure_is_a_warning_without_traceback(
        qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="dupeviewer.gui.jobs.workers")
    error = ScanError("no folder to scan: /photos/gone")
    assert _run(qtbot, error) is error  # the receiver gets the exception itself
    records = [r for r in caplog.records if r.name == "dupeviewer.gui.jobs.workers"]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.WARNING, None)]
    assert "no folder to scan" in records[0].getMessage()


@pytest.mark.logs_errors
def test_a_bug_is_logged_with_its_traceback(
        qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    error = ZeroDivisionError("float division by zero")
    assert _run(qtbot, error) is error
    records = [r for r in caplog.records if r.name == "dupeviewer.gui.jobs.workers"]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert records[0].exc_info is not None
