"""Background reads where the latest request wins (ui/tasks.py's LatestRequest)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from placement_desk.ui.tasks import LatestRequest, TaskRunner


def test_an_earlier_read_that_answers_last_is_not_shown(qtbot: QtBot) -> None:
    runner = TaskRunner()
    owner = QWidget()
    qtbot.addWidget(owner)
    reader = LatestRequest(owner, runner.start)
    first_may_finish = threading.Event()
    shown: list[str] = []

    def slow_first() -> str:
        first_may_finish.wait(5)
        return "first"

    assert reader.run("First", slow_first, shown.append) is True
    assert reader.pending
    reader.run("Second", lambda: "second", shown.append)
    qtbot.waitUntil(lambda: shown == ["second"])
    first_may_finish.set()
    assert runner.wait(5000)
    qtbot.wait(50)  # let the first answer's queued signal arrive, to be dropped
    assert shown == ["second"]
    assert not reader.pending


def test_failures_reach_only_the_latest_request(qtbot: QtBot) -> None:
    runner = TaskRunner()
    owner = QWidget()
    qtbot.addWidget(owner)
    reader = LatestRequest(owner, runner.start)
    failures: list[str] = []
    go = threading.Event()

    def broken_later() -> None:
        go.wait(5)
        raise ValueError("old request")

    def broken_now() -> None:
        raise ValueError("new request")

    reader.run("Old", broken_later, print, lambda exc: failures.append(str(exc)))
    reader.run("New", broken_now, print, lambda exc: failures.append(str(exc)))
    qtbot.waitUntil(lambda: failures == ["new request"])
    go.set()
    assert runner.wait(5000)
    qtbot.wait(50)
    assert failures == ["new request"]


def test_nothing_is_shown_once_the_view_is_gone(qtbot: QtBot) -> None:
    runner = TaskRunner()
    owner = QWidget()
    reader = LatestRequest(owner, runner.start)
    go = threading.Event()
    shown: list[int] = []

    def read() -> int:
        go.wait(5)
        return 1

    reader.run("Read", read, shown.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner))
    go.set()
    assert runner.wait(5000)
    qtbot.wait(50)
    assert shown == []


def test_without_a_runner_the_read_is_done_at_once() -> None:
    owner = QWidget()
    reader = LatestRequest(owner, None)
    shown: list[int] = []
    failed: list[BaseException] = []
    assert reader.run("Now", lambda: 7, shown.append) is False
    assert shown == [7]

    def refused() -> int:
        raise KeyError("expected")

    assert reader.run("Refused", refused, shown.append, failed.append,
                      expected=(KeyError,)) is False
    assert isinstance(failed[0], KeyError) and shown == [7]
