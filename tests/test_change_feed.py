"""A page refreshes when another officer changes what it shows: two handles on one
server database, each told what the other commits (PostgreSQL's LISTEN/NOTIFY)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.db import Database, make_engine, make_session_factory
from placement_desk.models import Provider, Setting
from placement_desk.models.enums import SettingType

from .backend import on_server

pytestmark = pytest.mark.skipif(
    not on_server(), reason="an SQLite file is open in one copy of Placement Desk at a time "
    "(its lock): only a server has other officers to hear from")


@pytest.fixture
def other(db: Database) -> Iterator[Database]:
    """A second officer's handle on the same server database."""
    engine = make_engine(db.url)
    second = Database(url=db.url, engine=engine,
                      sessions=make_session_factory(engine, "alex.jones"), path=db.path)
    yield second
    second.close()


class Heard:
    def __init__(self) -> None:
        self.tables: list[frozenset[str]] = []
        self.arrived = threading.Event()

    def __call__(self, tables: frozenset[str]) -> None:
        self.tables.append(tables)
        self.arrived.set()


def test_each_handle_hears_the_others_commits_once_and_not_its_own(
        db: Database, other: Database) -> None:
    mine, theirs = Heard(), Heard()
    db.on_change(mine)
    other.on_change(theirs)
    db.follow_others()
    other.follow_others()
    assert db._feed.listening.wait(10) and other._feed.listening.wait(10)

    with other.write() as s:  # Alex adds a provider and a home
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        s.add(Setting(name="Oak House", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=provider.id))
    assert mine.arrived.wait(10), "this window heard of Alex's commit"
    assert {"provider", "setting"} <= set().union(*mine.tables)
    assert "alembic_version" not in set().union(*mine.tables)
    assert theirs.tables == [frozenset({"provider", "setting", "audit_event"})], \
        "Alex's own window heard of it once, at the commit, not again from the server"

    theirs.arrived.clear()
    with db.write() as s:
        found = s.query(Provider).one()
        found.name = "Acorn Care Ltd"
    assert theirs.arrived.wait(10), "and the other way round"
    assert "provider" in set().union(*theirs.tables[1:])


def test_a_page_showing_providers_refreshes_when_another_officer_adds_one(
        qtbot: QtBot, db: Database, other: Database, tmp_path: Path) -> None:
    from placement_desk.app import build_main_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = build_main_window(db, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_page("providers")
    page = window.pages["providers"]
    assert db._feed is not None and db._feed.listening.wait(10)
    view = page.view  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: view.count.text() == "0 of 0 settings", timeout=10_000)

    with other.write() as s:
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        s.add(Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=provider.id))
    qtbot.waitUntil(lambda: view.count.text() == "1 of 1 settings", timeout=10_000)
    window.ctx.tasks.wait(5000)
