"""Start-up draws the window before it imports the ORM, the data model or the commands.

The first paint waits for nothing that can come just after it: the command line
opens the window without importing the subcommands' modules, opening a database needs
only Core (the session factories are made at the first ``read()`` or ``write()``),
and the data model's classes are declared when first used. These tests hold that, and
that what was deferred still works once it is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from placement_desk import migrations
from placement_desk.lifecycle import open_database

SQLITE_FILE = pytest.mark.sqlite_only(reason="starts the application on a database file")

WATCHED = ("sqlalchemy.orm", "placement_desk.models.admin", "placement_desk.models.child",
           "placement_desk.audit", "placement_desk.services.agreements.fee_ledger",
           "placement_desk.commands.database", "placement_desk.commands.sheets")

_CHILD = """
import json, sys
from placement_desk.cli import main
status = main(["--db", sys.argv[1], "--smoke-test=window"])
print(json.dumps({"status": status,
                  "loaded": [m for m in sys.argv[2].split(",") if m in sys.modules]}))
"""


def _start(database: Path, home: Path) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLACEMENT_DESK_HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config")}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(database), ",".join(WATCHED)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@SQLITE_FILE
def test_the_window_is_drawn_before_the_orm_the_models_or_the_commands_are_imported(
        tmp_path: Path) -> None:
    from placement_desk.models import Provider

    database = tmp_path / "council.db"
    db = open_database(database, backup=False)
    with db.write() as session:
        session.add(Provider(name="Acorn Care"))
    db.close()
    started = _start(database, tmp_path / "home")
    assert started == {"status": 0, "loaded": []}


def test_a_database_opens_with_core_alone_and_its_first_session_keeps_the_hooks(
        tmp_path: Path) -> None:
    code = """
import sys
from placement_desk.lifecycle import open_database
from placement_desk.services.common.settings_store import read_setting
db = open_database(sys.argv[1], backup=False)
read_setting(db, "council.name")
print("orm" if "sqlalchemy.orm" in sys.modules else "core")
from placement_desk.models import AuditEvent, Provider
from sqlalchemy import func, select
with db.write() as session:
    session.add(Provider(name="Acorn Care"))
with db.read() as session:
    print(session.scalar(select(func.count()).select_from(AuditEvent)))
db.close()
"""
    target = tmp_path / "opened.db"
    open_database(target, backup=False).close()
    done = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["core", "1"], "the first write is audited"


def test_the_models_package_declares_nothing_until_an_entity_is_used() -> None:
    code = ("import sys\nimport placement_desk.models.enums\n"
            "print('placement_desk.models.admin' in sys.modules)\n"
            "from placement_desk.models import Base, User\n"
            "print(sorted(Base.metadata.tables) == sorted(set(Base.metadata.tables)), "
            "User.__tablename__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["False", "True", "user"]


def test_the_schemas_table_list_is_the_models_tables(db: object) -> None:
    # Start-up checks a database's tables against this list without importing the models.
    from placement_desk.models import Base

    assert set(migrations.HEAD_TABLES) == set(Base.metadata.tables)


def test_a_setting_and_the_accounts_check_read_through_a_plain_connection(db: object) -> None:
    from placement_desk.db import Database
    from placement_desk.models import AppSetting
    from placement_desk.services.common.settings_store import DEMO, read_setting, set_setting
    from placement_desk.services.users.roles import accounts_on

    assert isinstance(db, Database)
    with db.write() as session:
        set_setting(session, DEMO, True)
    assert read_setting(db, DEMO) is True
    with db.read() as session:
        stored = session.scalar(select(AppSetting.value).where(AppSetting.key == DEMO.key))
    assert stored is True
    assert accounts_on(db) is False
