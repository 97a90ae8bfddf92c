"""Everything SQLite-specific lives here, so the app also runs on PostgreSQL unchanged."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

BUSY_TIMEOUT_MS = 5000


def init_app(app: Flask) -> None:
    """Set the connection pragmas on the app's engine when it is SQLite."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_pragmas)


def _set_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL: readers don't block the writer, and a crash mid-write can't corrupt the file.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode, much faster than FULL
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def pragmas(engine: Engine) -> dict[str, object]:
    """Report the pragmas in force (for the health endpoint and the tests)."""
    if engine.dialect.name != "sqlite":
        return {}
    with engine.connect() as connection:
        return {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
