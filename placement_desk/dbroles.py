"""Database roles on a PostgreSQL server, backing the application's roles.

Each officer connects as themselves (their own login on the server, or the Windows
sign-in through Kerberos where IT sets that up); IT makes each login a member of one
group role below. The server then holds every officer to what the role allows, whatever
program they connect with:

======================= =============================================================
group role              may
======================= =============================================================
``pd_viewer``           read everything; add audit rows (exports and prints are logged)
``pd_qa_officer``       that, and add, change and remove records (QA visits, actions,
                        settings' risk), except the agreements and their fees
``pd_placement_officer`` that, and the agreements and their fees
``pd_manager``          the same as a placement officer (the services decide the rest:
                        signing off reviews, tiers)
``pd_administrator``    everything, and the only role that may change the schema: it
                        owns the tables, and ``placement-desk db upgrade`` runs as it
======================= =============================================================

Audit rows are insert-only for everyone: no role may change or remove one (the
administrator neither: its grants say so, and the table's owner is the role, not a
person). The rules of each role within the application (who signs off a review) are
the services'; these grants are the floor beneath them.

Signing in on a server (for the sign-in of the application): the officer's name and
password open the database itself, ``open_database(url.set(username=name,
password=password))`` with ``user=None``, so the server checks the password (a wrong one
is a clear :class:`~placement_desk.errors.DatabaseError`), the audit trail records the
login (``session_user``), and :func:`application_role` says which of the application's
roles the login holds; no password is kept in the database or the settings. With
Kerberos the URL has no name or password at all.

:func:`create_roles` is idempotent: ``placement-desk db roles --db URL`` runs it as a
login with CREATEROLE (IT's), and the migration runner applies the grants again after
each upgrade, so that new tables get them.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from .db import Database
from .errors import UserError

VIEWER, QA_OFFICER, PLACEMENT_OFFICER, MANAGER, ADMINISTRATOR = (
    "pd_viewer", "pd_qa_officer", "pd_placement_officer", "pd_manager", "pd_administrator")
ROLES = (VIEWER, QA_OFFICER, PLACEMENT_OFFICER, MANAGER, ADMINISTRATOR)
APPLICATION_ROLES = {"viewer": VIEWER, "qa_officer": QA_OFFICER,
                     "placement_officer": PLACEMENT_OFFICER, "manager": MANAGER,
                     "administrator": ADMINISTRATOR}
"""The application's roles (sign-in) and the group role that backs each."""
AUDIT = "audit_event"
FEES = ("agreement", "agreement_version", "agreement_service", "fee_ledger")
"""Tables a QA officer reads but does not write."""
WRITERS = (QA_OFFICER, PLACEMENT_OFFICER, MANAGER)


def _create(conn: Connection, role: str) -> None:
    # Roles belong to the whole server: two databases (or two test workers) may make
    # them at once, so "already there" is not an error.
    conn.exec_driver_sql(
        "DO $body$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {role} NOLOGIN; END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $body$")


def application_role(conn: Connection) -> str | None:
    """The application's role of the officer who connected (the highest group role their
    login is a member of), for the services' own permission checks; None if none, and
    None for a superuser (IT's own login: the server counts it a member of every role,
    but it is no officer's)."""
    if conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = session_user"))\
            .scalar():
        return None
    for name in ("administrator", "manager", "placement_officer", "qa_officer", "viewer"):
        role = APPLICATION_ROLES[name]
        member = conn.execute(text(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :role) "
            "AND pg_has_role(session_user, :role, 'MEMBER')"), {"role": role}).scalar()
        if member:
            return name
    return None


def roles_exist(conn: Connection) -> bool:
    found = conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:names)"),
                         {"names": list(ROLES)}).scalar()
    return found == len(ROLES)


def managed(conn: Connection) -> bool:
    """This database was given to the roles (``db roles``): the administrator role may
    change its schema."""
    return roles_exist(conn) and bool(conn.execute(text(
        "SELECT has_schema_privilege(:role, 'public', 'CREATE')"),
        {"role": ADMINISTRATOR}).scalar())


def set_up(db: Database) -> None:
    """``db roles``: create the roles and give them the database, in one transaction."""
    if db.url.get_backend_name() != "postgresql":
        raise UserError("db roles is for a database on a PostgreSQL server; a file's access "
                        "is its folder's.")
    with db.engine.begin() as conn:
        create_roles(conn)


def create_roles(conn: Connection) -> None:
    """Create the group roles (if missing), give the schema to the administrator role,
    and grant each role its tables."""
    for role in ROLES:
        _create(conn, role)
    database = conn.exec_driver_sql("SELECT current_database()").scalar()
    conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {", ".join(ROLES)}')
    conn.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {ADMINISTRATOR}")
    for table in inspect(conn).get_table_names():
        conn.exec_driver_sql(f'ALTER TABLE "{table}" OWNER TO {ADMINISTRATOR}')
    for sequence in inspect(conn).get_sequence_names():
        conn.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" OWNER TO {ADMINISTRATOR}')
    conn.exec_driver_sql(
        f"ALTER FUNCTION placement_desk_changed() OWNER TO {ADMINISTRATOR}")
    grant(conn)


def grant(conn: Connection) -> None:
    """Each role's rights on every table there is now (run again after an upgrade)."""
    everyone = ", ".join(ROLES)
    conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    conn.exec_driver_sql(f"GRANT CREATE ON SCHEMA public TO {ADMINISTRATOR}")
    conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}")
    conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {everyone}")
    tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
    for table in tables:
        conn.exec_driver_sql(f'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "{table}" '
                             f"FROM {everyone}")
        if table == AUDIT:
            conn.exec_driver_sql(f'GRANT INSERT ON "{table}" TO {everyone}')
            continue
        writers = [r for r in WRITERS if not (r == QA_OFFICER and table in FEES)]
        writers.append(ADMINISTRATOR)
        conn.exec_driver_sql(f'GRANT INSERT, UPDATE, DELETE ON "{table}" TO '
                             f"{', '.join(writers)}")
    # The owner could change audit rows by owning the table; it is a role no one logs in
    # as, and the privileges above are all that a login member gets.
    conn.exec_driver_sql(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{AUDIT}" FROM {ADMINISTRATOR}')


def migrate_as_administrator(conn: Connection) -> None:
    """Within a migration's transaction: act as the administrator role, so that what the
    migration creates belongs to the role and not to the person running it. Does nothing
    where the roles were never created (a server used without them) or the login is not
    a member (then the server refuses the schema change, as it should)."""
    if not managed(conn):
        return
    member = conn.execute(text("SELECT pg_has_role(current_user, :role, 'MEMBER')"),
                          {"role": ADMINISTRATOR}).scalar()
    if member:
        conn.exec_driver_sql(f"SET LOCAL ROLE {ADMINISTRATOR}")
