"""Database roles back the application's roles on a server: each officer connects as
themselves and the audit trail records that login; audit rows are insert-only for
everyone; only the administrator role changes the schema."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from placement_desk import dbroles
from placement_desk.cli import main
from placement_desk.db import Database
from placement_desk.errors import StorageError
from placement_desk.lifecycle import open_database
from placement_desk.models import AgreementVersion, AuditEvent, Provider

from .backend import on_server, target

pytestmark = pytest.mark.skipif(not on_server(), reason="roles are a database server's; an "
                                "SQLite file's access is its folder's")

Login = Callable[[str], Database]


@pytest.fixture
def login(db: Database) -> Iterator[Login]:
    """``login(group)``: a new officer's own login, a member of ``group``, and their
    handle on the test database (opened as the app opens it)."""
    assert main(["db", "roles", "--db", target(db)]) == 0
    admin = create_engine(db.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    made: list[tuple[str, Database]] = []

    def make(group: str) -> Database:
        name = f"officer_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN IN ROLE {group}')
        handle = open_database(db.url.set(username=name).render_as_string(hide_password=False))
        made.append((name, handle))
        return handle

    yield make
    for name, handle in made:
        handle.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP ROLE "{name}"')
    admin.dispose()


def test_the_audit_trail_records_the_officer_who_connected(login: Login) -> None:
    officer = login(dbroles.PLACEMENT_OFFICER)
    with officer.write() as s:
        s.add(Provider(name="Acorn Care"))
    with officer.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "provider")).one()
    assert event.user == officer.user
    assert officer.user.startswith("officer_"), "the server login, not the computer's account"


def test_no_role_may_change_or_remove_an_audit_row(login: Login) -> None:
    for group in dbroles.ROLES:
        handle = login(group)
        with handle.engine.begin() as conn:  # adding one is allowed to all
            conn.execute(text(
                "INSERT INTO audit_event (at, \"user\", action, entity, entity_id) "
                "VALUES (now(), current_user, 'export', 'report', gen_random_uuid())"))
        for change in ("UPDATE audit_event SET \"user\" = 'someone else'",
                       "DELETE FROM audit_event"):
            with pytest.raises(StorageError, match="may not make this change"), \
                    handle.engine.begin() as conn:
                conn.exec_driver_sql(change)


def test_only_the_administrator_role_changes_the_schema(login: Login) -> None:
    manager = login(dbroles.MANAGER)
    with pytest.raises(StorageError), manager.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE notes (id integer)")
    with pytest.raises(StorageError), manager.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE provider ADD COLUMN nickname text")
    administrator = login(dbroles.ADMINISTRATOR)
    with administrator.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE provider ADD COLUMN nickname text")
        conn.exec_driver_sql("ALTER TABLE provider DROP COLUMN nickname")


def test_a_viewer_reads_but_changes_nothing_and_a_qa_officer_leaves_the_fees_alone(
        login: Login) -> None:
    viewer = login(dbroles.VIEWER)
    with viewer.read() as s:
        assert s.scalars(select(Provider)).all() == []
    with pytest.raises(StorageError), viewer.write() as s:
        s.add(Provider(name="Acorn Care"))
    qa = login(dbroles.QA_OFFICER)
    with qa.write() as s:
        s.add(Provider(name="Acorn Care"))  # QA officers record providers and visits
    with pytest.raises(StorageError), qa.engine.begin() as conn:
        conn.execute(AgreementVersion.__table__.update().values(weekly_fee_pence=1))


def test_the_application_role_comes_from_the_login_s_group_role(login: Login) -> None:
    for group, expected in ((dbroles.QA_OFFICER, "qa_officer"),
                            (dbroles.MANAGER, "manager"), (dbroles.VIEWER, "viewer")):
        handle = login(group)
        with handle.engine.connect() as conn:
            assert dbroles.application_role(conn) == expected


def test_a_login_the_server_refuses_is_told_in_plain_words(db: Database) -> None:
    from placement_desk.errors import DatabaseError

    stranger = db.url.set(username=f"nobody_{uuid.uuid4().hex[:8]}")
    with pytest.raises(DatabaseError, match="did not accept your name and password"):
        open_database(stranger.render_as_string(hide_password=False))


def test_a_database_missing_from_the_server_is_named(db: Database) -> None:
    from placement_desk.errors import DatabaseError

    missing = db.url.set(database=f"nothing_{uuid.uuid4().hex[:8]}")
    with pytest.raises(DatabaseError, match=r"There is no database nothing_\w+ on"):
        open_database(missing.render_as_string(hide_password=False))


def test_a_server_login_is_signed_in_with_its_group_roles_permissions(
        login: Login, tmp_path: Path) -> None:
    """The server checked the password: the officer is signed in as their login, with the
    role their group role backs, and the services refuse what that role may not do."""
    from placement_desk.errors import PermissionRefused
    from placement_desk.services.users.roles import Permission, require

    viewer = login(dbroles.VIEWER)
    manager = login(dbroles.MANAGER)
    assert (viewer.role, manager.role) == ("viewer", "manager")
    assert viewer.user.startswith("officer_") and manager.user.startswith("officer_")
    require(manager, Permission.SIGN_OFF_REVIEWS)
    with pytest.raises(PermissionRefused):
        require(viewer, Permission.EDIT_REGISTER)
    # a command on the server needs no --user: the login is the sign-in
    url = viewer.url.render_as_string(hide_password=False)
    assert main(["--db", url, "export", "contracts", "--out",
                 str(tmp_path / "c.csv")]) == 0


def test_the_servers_own_superuser_is_no_officer(db: Database) -> None:
    assert main(["db", "roles", "--db", target(db)]) == 0
    with db.engine.connect() as conn:
        superuser = conn.execute(text("SELECT rolsuper FROM pg_roles "
                                      "WHERE rolname = session_user")).scalar()
        if not superuser:
            pytest.skip("the test server's login is not a superuser here")
        assert dbroles.application_role(conn) is None
