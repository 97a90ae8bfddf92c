"""Backups of the notes database: before upgrades, once a day, on demand; and putting one back.

Backups are whole-database copies made with SQLite's backup API (consistent while the app
runs), kept in the instance folder's `backups/`, the newest BACKUPS_KEPT of them. Restoring
first sets the current database aside (never deleted), so a restore can itself be undone.
A server database (PostgreSQL) is backed up by its server: these functions then say so.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Flask, current_app

from .. import sqlite
from ..extensions import db

log = logging.getLogger(__name__)

SET_ASIDE_PREFIX = "before-restore-"
DUE_CHECK_DELAY = 10.0  # seconds after start: the daily backup must not slow the first page


class BackupError(ValueError):
    """A backup could not be made or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    """One backup file: a backup, or the copy a restore kept of the notes it replaced."""

    name: str
    path: Path
    created: datetime
    size: int
    kind: str = "backup"  # or "before-restore"

    @property
    def notes(self) -> int | None:
        """How many notes (not in the trash) it holds; None if it can't be read."""
        return sqlite.count_in_file(self.path, "SELECT count(*) FROM notes WHERE deleted_at IS NULL")


def folder() -> Path:
    """Where backups are kept."""
    return Path(current_app.instance_path) / "backups"


def _database_file() -> Path:
    path = sqlite.database_file(db.engine)
    if path is None:
        raise BackupError("this database lives on a database server: back it up with the server's tools")
    return path


def list_backups() -> list[Backup]:
    """The backups there are, newest first (none for a server database)."""
    path = sqlite.database_file(db.engine)
    if path is None or not folder().is_dir():
        return []
    found = [_describe(file) for file in folder().glob(f"{path.stem}-*.sqlite3")]
    # The copies restores kept: listed too, so a restore can be undone from the app itself.
    found += [_describe(file, "before-restore") for file in folder().glob(f"{SET_ASIDE_PREFIX}*-{path.name}")]
    return sorted(found, key=lambda b: (b.created, b.name), reverse=True)


def latest_backup() -> Backup | None:
    """The newest backup proper (not a copy a restore kept)."""
    return next((b for b in list_backups() if b.kind == "backup"), None)


def _describe(file: Path, kind: str = "backup") -> Backup:
    stat = file.stat()
    return Backup(file.name, file, datetime.fromtimestamp(stat.st_mtime, timezone.utc), stat.st_size, kind)


def create() -> Backup:
    """Back the database up now."""
    _database_file()
    try:
        path = sqlite.backup_database(db.engine, folder(), keep=current_app.config["BACKUPS_KEPT"])
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"the backup could not be written: {exc}") from exc
    log.info("database backed up to %s", path)
    return _describe(path)


def backup_if_due() -> Backup | None:
    """Back up if the newest backup is older than BACKUP_EVERY_HOURS (0: never)."""
    hours = current_app.config["BACKUP_EVERY_HOURS"]
    if not hours or sqlite.database_file(db.engine) is None:
        return None
    newest = next(iter(list_backups()), None)
    if newest is not None and datetime.now(timezone.utc) - newest.created < timedelta(hours=hours):
        return None
    return create()


def schedule(app: Flask) -> None:
    """Make the daily backup on a background thread, a little after start."""
    if not app.config["BACKUP_EVERY_HOURS"]:
        return

    def run() -> None:
        if threading.Event().wait(DUE_CHECK_DELAY):
            return
        with app.app_context():
            try:
                backup_if_due()
            except Exception:  # noqa: BLE001 - a missed backup is logged, never fatal
                log.exception("the scheduled backup failed")

    threading.Thread(target=run, name="daily-backup", daemon=True).start()


def find(name: str) -> Backup:
    """The backup called `name` (only names from list_backups(): no paths)."""
    match = next((b for b in list_backups() if b.name == name), None)
    if match is None:
        raise BackupError(f"there is no backup called {name!r}")
    return match


def check(path: Path) -> None:
    """Refuse a file that is not a sound SQLite database."""
    try:
        result = sqlite.check_file(path)
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} is not a readable database ({exc})") from exc
    if result != "ok":
        raise BackupError(f"{path.name} is damaged ({result})")


def restore(name: str) -> Path:
    """Put backup `name` in place of the database; return where the replaced database was set aside."""
    backup = find(name)
    check(backup.path)
    live = _database_file()
    aside = set_aside(live)
    sqlite.restore_database(db.engine, backup.path)
    log.info("database restored from %s; the previous one was kept as %s", backup.path, aside)
    return aside


def set_aside(live: Path, label: str = SET_ASIDE_PREFIX, *, damaged: bool = False) -> Path:
    """Keep a copy of the live database beside the backups before it is replaced.

    A sound database is copied with the backup API (which includes what is still in the WAL
    file); a damaged one (or one SQLite can't read) byte for byte, with its -wal and -shm files.
    """
    folder().mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    target = folder() / f"{label}{stamp}-{live.name}"
    db.engine.dispose()
    if damaged:
        sqlite.copy_file_exactly(live, target)
        return target
    try:
        sqlite.copy_database(live, target)
    except sqlite3.Error:
        target.unlink(missing_ok=True)
        sqlite.copy_file_exactly(live, target)
    return target
