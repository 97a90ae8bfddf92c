"""Database migrations for any Flask-Migrate app: upgraded at start, after a backup (opt-in).

With `migrate = true` in [tool.desktop], the shell runs the app's Flask-Migrate upgrade before it
serves the app, as a user who installs a new version expects: the data they have keeps working.
Each SQLite database file of the app is copied first (SQLite's backup API: a consistent copy even
of a database in WAL mode) to `<data>/backups/<name>-before-upgrade-<time>.sqlite3`, the newest
few kept. If the upgrade fails, the copies are put back and the app does not start: the window
explains why, and the data stays as it was before the update.

Flask-Migrate keeps the migrations folder as given to `Migrate(directory=...)`, often relative
("migrations"), resolved against the working directory, which the shell makes the user data
folder. `fix_migrations_directory` makes it absolute: the project folder from source, the
bundle's copy of the folder once frozen.

This module holds all the SQLite-specific code of the kit.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AppLoadError, sentence
from .kit import KitSettings
from .logs import shell_logging_kept
from .paths import AppPaths

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"  # under the user data folder
KEEP_BACKUPS = 5  # "before upgrade" copies kept per database


def migrations_directory(app, settings: KitSettings) -> Path | None:
    """The absolute migrations folder of an app using Flask-Migrate (None: it doesn't).

    Frozen, the builder's copy in the bundle (`settings.migrations_dir`); from source, the app's
    own directory, a relative one taken from the project folder (never the working directory,
    which is the user data folder by now).
    """
    extension = app.extensions.get("migrate")
    if extension is None:
        return None
    if settings.migrations_dir and settings.root is not None:
        return Path(settings.root) / settings.migrations_dir
    directory = Path(str(getattr(extension, "directory", None) or "migrations"))
    if directory.is_absolute():
        return directory
    if settings.root is None:  # no project folder known: where Flask-Migrate would look anyway
        return directory.absolute()
    return Path(settings.root) / directory


def fix_migrations_directory(app, settings: KitSettings) -> Path | None:
    """Write the absolute migrations folder back into the app's Flask-Migrate, so that its own
    `flask db ...` commands (and the shell's upgrade) find it wherever the process runs."""
    directory = migrations_directory(app, settings)
    if directory is None:
        return None
    extension = app.extensions["migrate"]
    extension.directory = str(directory)
    migrate = getattr(extension, "migrate", None)  # what flask_migrate's commands read by default
    if migrate is not None:
        migrate.directory = str(directory)
    log.debug("Flask-Migrate folder: %s", directory)
    return directory


@dataclass(frozen=True)
class _Backup:
    database: Path
    copy: Path


def upgrade_database(app, settings: KitSettings, paths: AppPaths) -> None:
    """Upgrade the app's databases to the newest migration, after a backup (with `migrate` on).

    Nothing happens when the setting is off or the app has no Flask-Migrate, nor when every
    database is at the newest revision already. A failed upgrade puts the backups back and raises
    AppLoadError.
    """
    if not settings.migrate:
        return
    extension = app.extensions.get("migrate")
    if extension is None:
        log.warning("[tool.desktop] migrate is on, but the app does not use Flask-Migrate: nothing to upgrade")
        return
    directory = fix_migrations_directory(app, settings)
    if directory is None or not directory.is_dir():
        raise AppLoadError(f"the database cannot be upgraded: the migrations folder {directory} is missing")

    with app.app_context():
        engines = _engines(app)
        target = _script_heads(extension, directory)
        before = {name: _current_heads(engine, extension) for name, engine in engines.items()}
        if target is not None and engines and all(heads == target for heads in before.values()):
            log.info("database at revision %s: nothing to upgrade", _show(target))
            return
        log.info("upgrading the database from revision %s to %s with %s", _show_all(before),
                 _show(target) if target is not None else "head", directory)
        databases = _sqlite_files(engines)
        backups = [_backup(database, paths.data / BACKUP_FOLDER) for database in databases]
        backups = [backup for backup in backups if backup is not None]
        fresh = [database for database in databases if database not in {backup.database for backup in backups}]
        started = time.monotonic()
        try:
            _run_upgrade(directory)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - flask_migrate exits on its own errors
            reason = _reason(exc)
            log.error("the database upgrade failed: %s", reason, exc_info=not isinstance(exc, SystemExit))
            _dispose(engines)
            message = _restore(backups, fresh, reason)
            others = [engine.url.render_as_string(hide_password=True) for engine in engines.values()
                      if _sqlite_file(engine) is None]
            if others:
                message += (f" The shell backs up SQLite files only: {', '.join(others)} may be left half "
                            "upgraded.")
            raise AppLoadError(message) from (exc if isinstance(exc, Exception) else None)
        after = {name: _current_heads(engine, extension) for name, engine in engines.items()}
        log.info("database upgraded to revision %s in %.1f s", _show_all(after), time.monotonic() - started)


def _run_upgrade(directory: Path) -> None:
    """`flask_migrate.upgrade`, its exceptions as they are (its wrapper turns them into an exit)."""
    import flask_migrate

    upgrade = getattr(flask_migrate.upgrade, "__wrapped__", flask_migrate.upgrade)
    with shell_logging_kept():  # the migration steps go to the shell's log too
        upgrade(directory=str(directory))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"the migration stopped with exit code {exc.code} (the log has its message)"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _restore(backups: list[_Backup], fresh: list[Path], reason: str) -> str:
    """Put every backup back over its database, and remove the databases that were empty before
    (a half-made schema would stop the next upgrade); return the message for the user."""
    for database in fresh:
        try:
            for path in (database, *(database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal"))):
                path.unlink(missing_ok=True)
            log.info("removed the half-upgraded new database %s", database)
        except OSError as exc:
            log.warning("cannot remove the half-upgraded new database %s: %s", database, exc)
    restored, failed = [], []
    for backup in backups:
        try:
            _sqlite_copy(backup.copy, backup.database)
            restored.append(backup)
            log.info("restored %s from %s", backup.database, backup.copy)
        except (sqlite3.Error, OSError) as exc:
            failed.append(backup)
            log.error("cannot restore %s from %s: %s", backup.database, backup.copy, exc)
    message = sentence(f"the database upgrade failed: {reason}")
    if restored:
        message += " The database was put back as it was before the upgrade; the backup is kept at " + \
                   ", ".join(str(backup.copy) for backup in restored) + "."
    if failed:
        message += " The database could NOT be put back: copy the backup " + \
                   ", ".join(f"{backup.copy} over {backup.database}" for backup in failed) + " by hand."
    if fresh and not backups:
        message += " There was no data yet: nothing was lost."
    return message


def _engines(app) -> dict[Any, Any]:
    """The app's SQLAlchemy engines by bind key (inside an app context)."""
    extension = app.extensions.get("sqlalchemy")
    if extension is None:
        return {}
    return dict(getattr(extension, "engines", {}) or {})


def _sqlite_files(engines: dict) -> list[Path]:
    """The database files behind the file-backed SQLite engines, each once."""
    files: list[Path] = []
    for engine in engines.values():
        path = _sqlite_file(engine)
        if path is not None and path not in files:
            files.append(path)
    return files


def _sqlite_file(engine) -> Path | None:
    """The database file of a file-backed SQLite engine (None: another database, or in memory)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    database = url.database
    if database.startswith("file:"):  # a URI filename (?uri=true), its options in the URL's query
        if url.query.get("mode") == "memory" or "mode=memory" in database:
            return None
        database = database[len("file:"):].split("?", 1)[0]
        if not database or database == ":memory:":
            return None
    return Path(database).absolute()


def _backup(database: Path, folder: Path) -> _Backup | None:
    """Copy a non-empty database into `folder` (keeping the newest copies); None: nothing to keep."""
    try:
        if not database.is_file() or database.stat().st_size == 0:
            return None
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        copy = folder / f"{database.stem}-before-upgrade-{time.strftime('%Y%m%d-%H%M%S')}.sqlite3"
        partial = copy.with_name(copy.name + ".partial")
        partial.unlink(missing_ok=True)
        _sqlite_copy(database, partial)
        os.replace(partial, copy)
    except (sqlite3.Error, OSError) as exc:
        raise AppLoadError(f"the database {database} was not upgraded: it could not be backed up first "
                           f"({exc})") from exc
    log.info("backed up %s to %s", database, copy)
    _prune(folder, database.stem)
    return _Backup(database, copy)


def _prune(folder: Path, stem: str) -> None:
    pattern = re.compile(re.escape(stem) + r"-before-upgrade-\d{8}-\d{6}\.sqlite3")
    copies = sorted(path for path in folder.iterdir() if pattern.fullmatch(path.name))
    for old in copies[:-KEEP_BACKUPS]:
        try:
            old.unlink()
            log.info("removed the old backup %s", old)
        except OSError as exc:
            log.warning("cannot remove the old backup %s: %s", old, exc)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database over another with SQLite's backup API."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _dispose(engines: dict) -> None:
    for engine in engines.values():
        try:
            engine.dispose()
        except Exception:  # noqa: BLE001 - closing before the restore; the restore reports problems
            log.debug("disposing %s failed", engine, exc_info=True)


def _script_heads(extension, directory: Path) -> frozenset[str] | None:
    """The newest revisions of the migration scripts (None: unknown)."""
    try:
        from alembic.script import ScriptDirectory

        config = extension.migrate.get_config(str(directory))
        return frozenset(ScriptDirectory.from_config(config).get_heads())
    except Exception:  # noqa: BLE001 - only an optimisation: without it, the upgrade runs
        log.debug("cannot read the migration heads", exc_info=True)
        return None


def _current_heads(engine, extension) -> frozenset[str] | None:
    """The revisions the database is at (None: unknown)."""
    try:
        from alembic.migration import MigrationContext

        kwargs = getattr(extension, "configure_args", {}) or {}
        opts = {key: kwargs[key] for key in ("version_table", "version_table_schema") if key in kwargs}
        with engine.connect() as connection:
            return frozenset(MigrationContext.configure(connection, opts=opts).get_current_heads())
    except Exception:  # noqa: BLE001 - only for the log and the "nothing to do" check
        log.debug("cannot read the database revision", exc_info=True)
        return None


def _show(heads: frozenset[str] | None) -> str:
    if heads is None:
        return "unknown"
    return ", ".join(sorted(heads)) or "none (empty)"


def _show_all(heads_by_bind: dict) -> str:
    if len(heads_by_bind) == 1:
        return _show(next(iter(heads_by_bind.values())))
    return "; ".join(f"{key or 'default'}: {_show(heads)}" for key, heads in heads_by_bind.items()) or "unknown"
