"""Keeping the database schema current: migrations with Alembic (through Flask-Migrate).

At start the app upgrades the database by itself. The common case, a current schema, costs
one SELECT: Alembic (about 0.2 s to import) is loaded only when an upgrade is due. A new SQLite
database is made from the models directly and stamped with the newest revision (the first launch
is the one users notice most); tests/webapp/test_schema.py checks that this makes exactly the
schema the migrations make. Before an
upgrade, an SQLite database is copied to a timestamped backup; a failed upgrade puts that copy
back, so the user's database is left as it was.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from . import sqlite
from .extensions import db

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration's revision id. tests/webapp/test_schema.py checks it against Alembic's
# own view of the scripts, so it cannot go stale.
HEAD_REVISION = "0001"


class SchemaUpgradeError(RuntimeError):
    """The database could not be upgraded; it was left as it was."""


def init_app(app: Flask) -> None:
    """Register `flask db ...` when running under the Flask CLI; upgrade the database if asked."""
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
        # Importing Flask-Migrate pulls in Alembic; the desktop start-up has no use for it.
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    if app.config["AUTO_UPGRADE_DB"]:
        upgrade_database(app)


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for a database Alembic never touched."""
    # A plain SELECT (not SQLAlchemy's inspector, which costs more than the query): this
    # runs at every start.
    try:
        with connection.begin_nested() if connection.in_transaction() else connection.begin():
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None  # no such table yet


def upgrade_database(app: Flask) -> Path | None:
    """Bring the database to HEAD_REVISION; return the backup made first, if any."""
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            current = current_revision(connection)
            if current == HEAD_REVISION:
                return None
            has_tables = bool(inspect(connection).get_table_names())
        if not has_tables and engine.dialect.name == "sqlite":
            create_newest_schema(engine)
            log.info("new database created at revision %s", HEAD_REVISION)
            return None
        backup = None
        if has_tables and engine.dialect.name == "sqlite":
            backup = sqlite.backup_database(engine, Path(app.instance_path) / "backups", keep=app.config["BACKUPS_KEPT"])
            log.info("database at revision %s; backed up to %s before upgrading", current, backup)
        try:
            run_alembic_upgrade()
        except Exception as exc:
            engine.dispose()
            if backup is not None:
                sqlite.restore_database(engine, backup)
            log.exception("database upgrade from %s failed", current)
            raise SchemaUpgradeError(
                f"the database could not be upgraded ({type(exc).__name__}: {exc}); it was left as it was"
                + (f" (a copy is in {backup})" if backup else "")
            ) from exc
        log.info("database upgraded from %s to %s", current, HEAD_REVISION)
        return backup


def create_newest_schema(engine) -> None:
    """Create the tables, the full-text index and Alembic's version table in an empty database, as
    the migrations would (the version row last: a half-made schema is then upgraded, not trusted)."""
    with engine.begin() as connection:
        db.metadata.create_all(connection)
        sqlite.create_fts(connection)
        # Alembic's own DDL, to the character: the schema is then the migrations' exactly.
        connection.execute(text("CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n"
                                "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"))
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD_REVISION})


def run_alembic_upgrade(revision: str = "head") -> None:
    """Run Alembic's upgrade in the current app context."""
    from alembic import command

    command.upgrade(alembic_config(), revision)


def alembic_config():
    """Alembic's configuration for the migrations shipped in this package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config
