"""Developer tool: generate a migration by comparing the models with the schema at head.

``python -m placement_desk.migrations.make "what changed" [--rev 0002]`` builds a
throw-away database at head and writes a new revision file; read and edit it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import Connection

from ..db import make_engine
from . import alembic_config, known_revisions, run_without_foreign_keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("message")
    parser.add_argument("--rev", default=f"{len(known_revisions()) + 1:04d}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Path(tmp) / "head.db")
        cfg = alembic_config()

        def work(conn: Connection) -> None:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            command.revision(cfg, message=args.message, autogenerate=True, rev_id=args.rev)

        run_without_foreign_keys(engine, work)
        engine.dispose()


if __name__ == "__main__":
    main()
