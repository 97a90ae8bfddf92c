"""Everything SQLite-specific lives here, so the app also runs on PostgreSQL unchanged:
connection pragmas, the backup API, and the FTS5 full-text index."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

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


def emptied_beside_backups(engine: Engine, backups: Path) -> str | None:
    """Why the app should not start afresh on this database: its file exists but is empty (0 bytes:
    a failed sync, a disk tool), while backups of it sit beside it. SQLite would take it for a new
    database, and the app would start with no notes instead of offering the backups."""
    path = database_file(engine)
    try:
        emptied = path is not None and path.stat().st_size == 0
    except OSError:  # no file yet: a first start
        return None
    if emptied and backups.is_dir() and any(backups.glob("*.sqlite3")):
        return "the database file is empty (0 bytes), though backups of it exist"
    return None


def copy_file_exactly(source: Path, target: Path) -> None:
    """Copy a database byte for byte, with its -wal and -shm files (for one SQLite can't read:
    the backup API would rewrite its header)."""
    for suffix in ("", "-wal", "-shm"):
        original = source.with_name(source.name + suffix)
        if original.exists():
            target.with_name(target.name + suffix).write_bytes(original.read_bytes())


def database_file(engine: Engine) -> Path | None:
    """The file behind a SQLite engine (None for in-memory databases and other servers)."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    return Path(engine.url.database)


def backup_database(engine: Engine, folder: Path, *, keep: int = 5) -> Path:
    """Copy the live database with SQLite's backup API (consistent even while in use).

    Keeps the newest `keep` backups in `folder` and returns the new one's path.
    """
    source_file = database_file(engine)
    if source_file is None:
        raise ValueError("only a SQLite file can be backed up this way")
    folder.mkdir(parents=True, exist_ok=True)
    # Microseconds in the name: names sort in the order the backups were made (rotation relies on it).
    target = folder / f"{source_file.stem}-{datetime.now(timezone.utc).strftime('%Y%m%d-%H%M%S-%f')}.sqlite3"
    copy_database(source_file, target)
    for old in sorted(folder.glob(f"{source_file.stem}-*.sqlite3"))[:-keep]:
        old.unlink()
    return target


def copy_database(source: Path, target: Path) -> None:
    """Copy a database file page by page with SQLite's backup API (includes what is in its WAL).

    Raises sqlite3.Error when the source can't be read as a database.
    """
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


def check_file(path: Path) -> str:
    """SQLite's quick_check verdict on a database file ("ok" when sound); sqlite3.Error if unreadable."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    connection.close()
    return verdict


def count_in_file(path: Path, sql: str) -> int | None:
    """One COUNT over a database file, read-only (None when it can't be read)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            value = connection.execute(sql).fetchone()[0]
        connection.close()
    except sqlite3.Error:
        return None
    return int(value)


def is_damaged(error: BaseException) -> bool:
    """The error says the database file is not (or no longer) a readable SQLite database.

    SQLite raises exactly DatabaseError for a damaged file ("file is not a database",
    "database disk image is malformed"); its subclasses mean other things (locked, read-only,
    disk full), where the file itself is fine.
    """
    original = getattr(error, "orig", error)
    return type(original) is sqlite3.DatabaseError


def is_disk_full(error: BaseException) -> bool:
    """The error says the disk (or the database's size limit) is full."""
    original = getattr(error, "orig", error)
    return isinstance(original, sqlite3.OperationalError) and "full" in str(original)


def remove_database(engine: Engine) -> None:
    """Delete the database file and its WAL files (the caller has kept a copy)."""
    path = database_file(engine)
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def restore_database(engine: Engine, backup: Path) -> None:
    """Put a backup back in place of the live database (pages copied by the backup API)."""
    target_file = database_file(engine)
    engine.dispose()  # no pooled connection may hold the old file open
    copy_database(backup, target_file)


# Full-text search: an external-content FTS5 table over notes, kept in step by triggers.
# unicode61 with diacritics removed: "cafe" finds "café". prefix='2 3' speeds prefix queries.
FTS_CREATE = [
    """CREATE VIRTUAL TABLE notes_fts USING fts5(
        title, body, content='notes', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO notes_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')",
    # Ranking: bm25 with a title match worth five body matches; `ORDER BY rank` uses it.
    "INSERT INTO notes_fts(notes_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0)')",
]
FTS_DROP = [
    "DROP TRIGGER IF EXISTS notes_fts_update",
    "DROP TRIGGER IF EXISTS notes_fts_delete",
    "DROP TRIGGER IF EXISTS notes_fts_insert",
    "DROP TABLE IF EXISTS notes_fts",
]


def create_fts(connection: Connection) -> None:
    """Create the full-text index (a no-op on other databases)."""
    if connection.dialect.name == "sqlite":
        for statement in FTS_CREATE:
            connection.exec_driver_sql(statement)


def drop_fts(connection: Connection) -> None:
    """Drop the full-text index (a no-op on other databases)."""
    if connection.dialect.name == "sqlite":
        for statement in FTS_DROP:
            connection.exec_driver_sql(statement)


def fts_query(user_query: str) -> str | None:
    """Turn what a user typed into a safe FTS5 MATCH expression, or None if nothing is left.

    Every word becomes a quoted prefix term ("word"*), so FTS5 operators and punctuation typed by
    the user can't produce a syntax error; all terms must match.
    """
    words = [w for w in "".join(c if c.isalnum() else " " for c in user_query).split() if w]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words[:32])


COUNT_CAP = 1000  # beyond this a count is "more than 1,000": counting every match is slow
# bm25 scores every row it ranks: ranking all matches of a very common word scored nearly every
# note (about 200 ms at 100k notes). Only the newest RANK_WINDOW live matches are ranked: every
# match whenever there are at most COUNT_CAP (the ranking is then exact), else as many as the
# result pages can show (they stop at COUNT_CAP). FTS5 still reads each term's whole posting
# list once per query (prefix expansion, bm25's document frequencies), so a common word's search
# still grows with the notes (about 40 ms at 100k, 190 ms at 1M), far less than ranking them all.
RANK_WINDOW = COUNT_CAP + 1


def _tag_join(with_tag: bool) -> str:
    return "CROSS JOIN note_tags nt ON nt.note_id = n.id AND nt.tag_id = :tag_id" if with_tag else ""


# Join order matters here and is fixed with CROSS JOIN (SQLite's way to pin it): the FTS table
# must be scanned once, as the outer loop. Driven from the inside (one MATCH per tagged note, or
# per page row), FTS5 redoes the whole MATCH each time, prefix expansion included: a tag
# filter made a search of a common word take seconds at 100k notes.
def search_notes_sql(with_tag: bool) -> str:
    """One page of ranked matches among live notes, with highlighted title and snippet.

    Columns: id, total (live matches, counted no further than RANK_WINDOW), title_hl, body_hl.
    No rows when the page is past the end (then total is unknown: see count_search_sql).

    Three steps in one statement:
    - candidates: the newest RANK_WINDOW live matches, read in the index's rowid order so the
      scan stops there, with their bm25 score (FTS5 computes `rank` for these rows only);
    - page: the candidates in rank order, one page of them, and how many candidates there are;
    - highlight() and snippet() for the page's rows alone (the costliest functions), from one
      scan of the matches between the page's lowest and highest id.
    """
    return f"""
        WITH candidates AS (
            SELECT n.id AS id, notes_fts.rank AS score
            FROM notes_fts CROSS JOIN notes n ON n.id = notes_fts.rowid {_tag_join(with_tag)}
            WHERE notes_fts MATCH :query AND n.deleted_at IS NULL
            ORDER BY notes_fts.rowid DESC LIMIT {RANK_WINDOW}
        ), page AS (
            SELECT id, score, count(*) OVER () AS total FROM candidates
            ORDER BY score, id DESC LIMIT :limit OFFSET :offset
        )
        SELECT page.id, page.total,
               highlight(notes_fts, 0, char(2), char(3)) AS title_hl,
               snippet(notes_fts, 1, char(2), char(3), '…', 24) AS body_hl
        FROM notes_fts CROSS JOIN page ON page.id = +notes_fts.rowid
        WHERE notes_fts MATCH :query
          AND notes_fts.rowid BETWEEN (SELECT min(id) FROM page) AND (SELECT max(id) FROM page)
        ORDER BY page.score, page.id DESC
    """


def count_search_sql(with_tag: bool) -> str:
    """How many live notes match, counting no further than COUNT_CAP + 1."""
    return f"""
        SELECT count(*) FROM (
            SELECT 1 FROM notes_fts CROSS JOIN notes n ON n.id = notes_fts.rowid {_tag_join(with_tag)}
            WHERE notes_fts MATCH :query AND n.deleted_at IS NULL LIMIT {COUNT_CAP + 1}
        )
    """


def run(connection: Connection, sql: str, **params):
    """Execute `sql` with named parameters."""
    return connection.execute(text(sql), params)
