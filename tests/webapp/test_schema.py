"""Migrations: shipped in the package, run at start, with a backup, never half-done."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.script import ScriptDirectory

from webapp import create_app, schema
from webapp.config import TestingConfig
from webapp.extensions import db


def test_head_revision_constant_matches_the_scripts():
    assert ScriptDirectory.from_config(schema.alembic_config()).get_current_head() == schema.HEAD_REVISION


def test_empty_database_is_created_at_the_newest_schema(data_dir):
    create_app(TestingConfig, instance_path=str(data_dir))
    with sqlite3.connect(data_dir / "inkwell.sqlite3") as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (schema.HEAD_REVISION,)
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"notes", "tags", "note_tags", "revisions", "attachments", "settings", "api_tokens", "notes_fts"} <= tables
    assert not (data_dir / "backups").exists()  # nothing to back up in a new database


def schema_of(database) -> set[tuple]:
    with sqlite3.connect(database) as con:
        rows = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    con.close()
    return {(kind, name, table, " ".join((sql or "").split())) for kind, name, table, sql in rows}


def test_a_new_database_made_from_the_models_is_the_one_the_migrations_make(tmp_path):
    by_models, by_migrations = tmp_path / "models", tmp_path / "migrations"
    create_app(TestingConfig, instance_path=str(by_models))  # the first launch's short way
    class WithoutUpgrade(TestingConfig):
        AUTO_UPGRADE_DB = False

    app = create_app(WithoutUpgrade, instance_path=str(by_migrations))
    with app.app_context():
        schema.run_alembic_upgrade()
        db.engine.dispose()
    assert schema_of(by_models / "inkwell.sqlite3") == schema_of(by_migrations / "inkwell.sqlite3")


def test_current_database_is_not_touched(app, data_dir):
    before = (data_dir / "inkwell.sqlite3").stat().st_mtime_ns
    create_app(TestingConfig, instance_path=str(data_dir))
    assert (data_dir / "inkwell.sqlite3").stat().st_mtime_ns == before


def make_old_database(data_dir):
    """A database at an older revision that holds data."""
    with sqlite3.connect(data_dir / "inkwell.sqlite3") as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        con.execute("INSERT INTO alembic_version VALUES ('0000')")
        con.execute("CREATE TABLE keepsake (text TEXT)")
        con.execute("INSERT INTO keepsake VALUES ('precious')")
    con.close()


def test_failed_upgrade_leaves_the_database_as_it_was(data_dir):
    make_old_database(data_dir)  # revision 0000 is unknown to Alembic: the upgrade fails
    with pytest.raises(schema.SchemaUpgradeError, match="left as it was"):
        create_app(TestingConfig, instance_path=str(data_dir))
    with sqlite3.connect(data_dir / "inkwell.sqlite3") as con:
        assert con.execute("SELECT text FROM keepsake").fetchall() == [("precious",)]
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0000",)]
    backups = list((data_dir / "backups").glob("inkwell-*.sqlite3"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:
        assert con.execute("SELECT text FROM keepsake").fetchall() == [("precious",)]


def test_old_backups_are_pruned(data_dir, app):
    from webapp import sqlite
    from webapp.extensions import db

    with app.app_context():
        for _ in range(7):
            sqlite.backup_database(db.engine, data_dir / "backups", keep=5)
    assert len(list((data_dir / "backups").iterdir())) == 5


def test_flask_db_upgrade_from_the_command_line(tmp_path):
    """`flask --app webapp db upgrade` (Flask-Migrate) works on a server deployment's database."""
    import subprocess
    import sys

    folder = tmp_path / "server"
    env = {"PATH": "/usr/bin:/bin", "WEBAPP_AUTO_UPGRADE_DB": "false", "HOME": str(tmp_path)}
    app_arg = f"webapp:create_app(instance_path={str(folder)!r})"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "flask", "--app", app_arg, "db", *args],
                              capture_output=True, text=True, env=env, timeout=120)

    assert run("current").stdout.strip() == ""  # nothing applied yet: the app did not upgrade itself
    result = run("upgrade")
    assert result.returncode == 0, result.stderr
    assert run("current").stdout.split()[0] == schema.HEAD_REVISION


def test_upgrade_keeps_the_data(app, client, data_dir):
    """Data written at the current schema is all there after the app starts again."""
    client.post("/api/v1/notes", json={"title": "kept", "body": "across starts", "tags": ["x"]})
    again = create_app(TestingConfig, instance_path=str(data_dir))
    response = again.test_client().get("/api/v1/notes")
    assert [(n["title"], n["body"], n["tags"]) for n in response.json["items"]] == [("kept", "across starts", ["x"])]
