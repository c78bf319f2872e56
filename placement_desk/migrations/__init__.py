"""Schema migrations: Alembic, in batch mode for SQLite, run at start-up.

:func:`upgrade` runs on its own connection opened with foreign keys off (SQLite
ignores ``PRAGMA foreign_keys`` inside a transaction, and a batch rebuild of a
parent table would otherwise cascade deletes into its children), inside one
transaction, and checks ``PRAGMA foreign_key_check`` before committing.
:func:`prepare` backs the file up before any upgrade and refuses a database
written by a newer version of the application.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..db import backup_sqlite, make_engine, sqlite_path
from ..errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).resolve().parent
VERSIONS = HERE / "versions"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def numbered_revisions() -> set[str]:
    """The revisions named by the files in ``versions/`` (``0003_…`` → "0003")."""
    return {p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9]*_*.py")}


HEAD_TABLES = frozenset({
    "action", "action_update", "agreement", "agreement_service", "agreement_version",
    "app_setting", "audit_event", "child", "concern", "contract", "contract_document",
    "contract_extension", "contract_lot", "contract_provider", "contract_rate",
    "contract_review", "contract_review_addendum", "fee_ledger", "import_batch",
    "import_profile", "ofsted_inspection", "placement_episode", "postcode_lookup",
    "provider", "provider_document", "qa_template", "qa_template_version", "qa_visit",
    "qa_visit_area", "rating_alert", "setting", "user"})
"""The tables of the schema at :func:`numbered_head`: start-up checks they are all there
without importing the data model (a test holds this to the models' tables)."""


def numbered_head() -> str:
    """The revision of the highest-numbered file in ``versions/`` (``0003_…`` → "0003").

    Revisions are numbered in order (see CONTRIBUTING); a test holds this to Alembic's
    own head. It lets start-up skip importing Alembic when nothing is to be done.
    """
    return max(numbered_revisions())


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with plain SQL; None if unversioned."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):  # no alembic_version table yet
        return None


def has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


class MigrationError(DatabaseError):
    """A migration failed or would leave the database inconsistent; nothing was changed."""


def check_not_newer(engine: Engine) -> str | None:
    """Return the database's revision; refuse one this version does not know."""
    rev = stored_revision(engine)
    if rev is None or rev in numbered_revisions():
        return rev
    if rev not in known_revisions():
        raise DatabaseError(
            f"This database was last used by a newer version of Placement Desk "
            f"(schema {rev}; this version knows up to {head_revision()}). Install the "
            "newer version to open it. The database has not been changed.")
    return rev


def run_without_foreign_keys(engine: Engine, work: Callable[[Connection], None]) -> None:
    """Run ``work`` in one transaction on a connection with foreign keys off.

    For SQLite, ``PRAGMA foreign_key_check`` must be clean before the commit;
    otherwise everything is rolled back and :class:`MigrationError` raised.
    """
    path = sqlite_path(engine.url)
    is_sqlite = engine.url.get_backend_name() == "sqlite"
    mig_engine = make_engine(engine.url, foreign_keys=False) if path else engine
    try:
        with mig_engine.connect() as conn, conn.begin():
            work(conn)
            if is_sqlite:
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    sample = ", ".join(f"{r[0]} row {r[1]} → {r[2]}" for r in problems[:5])
                    raise MigrationError(
                        f"The upgrade would leave {len(problems)} broken links between "
                        f"records ({sample}). Nothing was changed; please report this.")
    finally:
        if mig_engine is not engine:
            mig_engine.dispose()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (no backup: see :func:`prepare`)."""
    from alembic import command

    cfg = alembic_config()

    def work(conn: Connection) -> None:
        server = conn.dialect.name == "postgresql"
        if server:  # what the upgrade creates belongs to the administrator role
            from .. import dbroles

            dbroles.migrate_as_administrator(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if server:  # every table, old or new, announces writes and has its roles' grants
            from ..dbserver import install_change_triggers

            install_change_triggers(conn, [t for t in inspect(conn).get_table_names()
                                           if t != "alembic_version"])
            if dbroles.managed(conn):
                dbroles.grant(conn)

    run_without_foreign_keys(engine, work)


def prepare(engine: Engine, *, backup: bool = True) -> UpgradeResult:
    """Bring a database to the head revision, backing up a non-empty file first. A new
    SQLite file is filled from the schema template (:mod:`.template`) when it can be."""
    stored = stored_revision(engine)
    if stored is not None and stored == numbered_head():
        return UpgradeResult(stored, stored, None)  # up to date: Alembic is not needed
    if stored is None and not has_tables(engine):
        from .template import fill_from_template

        if fill_from_template(engine) and stored_revision(engine) == numbered_head():
            return UpgradeResult(None, numbered_head(), None)
    current = check_not_newer(engine)
    head = head_revision()
    if current == head:
        return UpgradeResult(current, head, None)
    saved: Path | None = None
    path = sqlite_path(engine.url)
    if backup and path is not None and path.exists() and has_tables(engine):
        saved = backup_sqlite(path, reason=f"before-upgrade-{current or 'unversioned'}")
    upgrade(engine)
    return UpgradeResult(current, head, saved)
