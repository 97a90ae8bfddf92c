"""Flask-Migrate apps: the migrations folder found from anywhere, the upgrade at start, its backups."""

from __future__ import annotations

import logging
import sqlite3
import sys
import textwrap
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop import logs
from desktop.errors import AppLoadError
from desktop.host import close_app_resources, load_flask_app
from desktop.kit import KitSettings
from desktop.launch import AppLaunch
from desktop.logs import configure_logging
from desktop.migrate import KEEP_BACKUPS, fix_migrations_directory, migrations_directory, upgrade_database
from desktop.paths import AppPaths

from .test_logs import ALEMBIC_INI, flush_logs, isolated_logging  # noqa: F401 - a fixture

APP = '''
from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app(config=None):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///notes.sqlite3"  # in the instance folder
    app.config.update(config or {})
    db.init_app(app)
    Migrate(app, db)  # directory="migrations": relative, as in most apps

    @app.cli.command("init-db")
    def init_db():
        print("creating the sample notes")
        db.session.execute(db.text("INSERT INTO note (title) VALUES ('welcome')"))
        db.session.commit()

    @app.cli.command("fail")
    def fail():
        raise RuntimeError("the command is broken")

    return app
'''

# The shape of Flask-Migrate's own env.py template (fileConfig included), trimmed.
ENV_PY = '''
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


config.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))
target_db = current_app.extensions["migrate"].db


def run_migrations_online():
    conf_args = current_app.extensions["migrate"].configure_args
    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

MIGRATION = '''
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    pass
'''

CREATE_NOTES = 'op.create_table("note", sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.String(80)))'
CREATE_TAGS = 'op.create_table("tag", sa.Column("id", sa.Integer, primary_key=True))'
BROKEN = 'op.execute("INSERT INTO no_such_table VALUES (1)")'


@dataclass
class Project:
    """A sample app's project folder, its user folders and the kit settings, as the shell has them."""

    root: Path
    module: str
    paths: AppPaths
    settings: KitSettings
    apps: list

    def add_migration(self, revision: str, down: str | None, *statements: str) -> None:
        body = textwrap.indent("\n".join(statements), "    ")
        (self.root / "migrations" / "versions" / f"{revision}_step.py").write_text(
            MIGRATION.format(revision=revision, down=down, body=body))

    def build(self, **changes):
        """The app as the shell builds it (a fresh one: each start is a new process)."""
        app = load_flask_app(f"{self.module}:create_app", config={"SECRET_KEY": "k"}, instance_path=self.paths.data)
        self.apps.append(app)
        return app

    @property
    def database(self) -> Path:
        return self.paths.data / "notes.sqlite3"

    def query(self, sql: str) -> list:
        with sqlite3.connect(self.database) as connection:
            rows = connection.execute(sql).fetchall()
        connection.close()
        return rows

    def tables(self) -> set[str]:
        return {name for (name,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def backups(self) -> list[Path]:
        folder = self.paths.data / "backups"
        return sorted(folder.glob("notes-before-upgrade-*.sqlite3")) if folder.is_dir() else []


def write_project(root: Path, *, migrations: bool = True) -> str:
    """Write the sample app (and its migrations folder, first migration included); return its module name."""
    module = f"notes_{uuid.uuid4().hex[:8]}"
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(APP)
    if migrations:
        versions = root / "migrations" / "versions"
        versions.mkdir(parents=True)
        (root / "migrations" / "alembic.ini").write_text("[alembic]\n\n" + ALEMBIC_INI)
        (root / "migrations" / "env.py").write_text(ENV_PY)
        (versions / "0001_step.py").write_text(MIGRATION.format(revision="0001", down=None,
                                                                body="    " + CREATE_NOTES))
    return module


@pytest.fixture
def project(tmp_path, monkeypatch, isolated_logging):  # noqa: F811 - the fixture imported above
    root = tmp_path / "project"
    module = write_project(root)
    monkeypatch.syspath_prepend(str(root))
    user = tmp_path / "user"
    paths = AppPaths(data=user / "data", config=user / "config", logs=user / "logs", cache=user / "cache")
    paths.create()
    monkeypatch.chdir(paths.data)  # as launch.prepare_process leaves it
    settings = KitSettings(name="Notes", factory=f"{module}:create_app", migrate=True, root=root)
    project = Project(root, module, paths, settings, [])
    yield project
    for app in project.apps:
        close_app_resources(app)
    sys.modules.pop(module, None)


def test_migrations_directory_from_source_is_in_the_project_not_the_cwd(project):
    app = project.build()
    assert Path.cwd() == project.paths.data
    assert migrations_directory(app, project.settings) == project.root / "migrations"


def test_fix_writes_the_absolute_folder_back_for_the_apps_own_commands(project):
    app = project.build()
    assert fix_migrations_directory(app, project.settings) == project.root / "migrations"
    extension = app.extensions["migrate"]
    assert extension.directory == extension.migrate.directory == str(project.root / "migrations")


def test_frozen_the_folder_is_the_bundles_copy(project, tmp_path):
    bundle = tmp_path / "bundle"
    settings = KitSettings(name="Notes", migrations_dir="app/migrations", root=bundle)
    assert migrations_directory(project.build(), settings) == bundle / "app" / "migrations"


@pytest.mark.parametrize("url, expected", [
    ("sqlite:////srv/notes.db", "/srv/notes.db"),
    ("sqlite:///file:/srv/notes.db?uri=true", "/srv/notes.db"),
    ("sqlite://", None),
    ("sqlite:///:memory:", None),
    ("sqlite:///file:mem?mode=memory&uri=true", None),
    ("postgresql://user:secret@host/notes", None),
])
def test_only_sqlite_files_are_backed_up(url, expected):
    from types import SimpleNamespace

    from sqlalchemy.engine import make_url

    from desktop.migrate import _sqlite_file

    found = _sqlite_file(SimpleNamespace(url=make_url(url)))
    assert found == (Path(expected) if expected else None)


def test_an_app_without_flask_migrate_is_left_alone(project):
    from flask import Flask

    app = Flask("plain")
    assert migrations_directory(app, project.settings) is None
    assert fix_migrations_directory(app, project.settings) is None
    upgrade_database(app, project.settings, project.paths)  # nothing to do, no error


def test_nothing_happens_with_migrate_off(project):
    settings = KitSettings(name="Notes", root=project.root)
    upgrade_database(project.build(), settings, project.paths)
    assert not project.database.exists()


def test_upgrade_creates_the_tables(project):
    upgrade_database(project.build(), project.settings, project.paths)
    assert {"note", "alembic_version"} <= project.tables()
    assert project.query("SELECT version_num FROM alembic_version") == [("0001",)]
    assert project.backups() == []  # nothing worth keeping yet


def test_a_non_empty_database_is_backed_up_first(project):
    upgrade_database(project.build(), project.settings, project.paths)
    project.query("INSERT INTO note (title) VALUES ('keep me')")
    project.add_migration("0002", "0001", CREATE_TAGS)

    upgrade_database(project.build(), project.settings, project.paths)
    assert "tag" in project.tables()
    [backup] = project.backups()
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT title FROM note").fetchall() == [("keep me",)]
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    copy.close()

    upgrade_database(project.build(), project.settings, project.paths)  # at the newest revision already
    assert len(project.backups()) == 1


def test_only_the_newest_backups_are_kept(project):
    upgrade_database(project.build(), project.settings, project.paths)
    folder = project.paths.data / "backups"
    folder.mkdir()
    old = [folder / f"notes-before-upgrade-2020010{day}-120000.sqlite3" for day in range(1, 8)]
    for path in old:
        path.write_bytes(b"old")
    unrelated = folder / "other-before-upgrade-20200101-120000.sqlite3"
    unrelated.write_bytes(b"another database's")
    project.add_migration("0002", "0001", CREATE_TAGS)

    upgrade_database(project.build(), project.settings, project.paths)
    kept = project.backups()
    assert len(kept) == KEEP_BACKUPS
    assert kept[:-1] == old[-(KEEP_BACKUPS - 1):]  # the newest old ones, and today's
    assert unrelated.exists()


def test_a_failed_upgrade_puts_the_backup_back(project):
    upgrade_database(project.build(), project.settings, project.paths)
    project.query("INSERT INTO note (title) VALUES ('keep me')")
    project.add_migration("0002", "0001", CREATE_TAGS, BROKEN)

    with pytest.raises(AppLoadError) as failure:
        upgrade_database(project.build(), project.settings, project.paths)
    [backup] = project.backups()
    message = str(failure.value)
    assert "the database upgrade failed" in message
    assert "no such table: no_such_table" in message
    assert str(backup) in message
    assert "tag" not in project.tables()  # SQLite's DDL is not transactional: the restore undid it
    assert project.query("SELECT title FROM note") == [("keep me",)]
    assert project.query("SELECT version_num FROM alembic_version") == [("0001",)]


def test_the_shell_log_survives_the_migrations_file_config(project):
    configure_logging(project.paths.log_file, "INFO")
    app = project.build()
    # On the shell's start-up thread, as AppLaunch.run does it.
    worker = threading.Thread(target=upgrade_database, args=(app, project.settings, project.paths),
                              name="app-launch")
    worker.start()
    worker.join()
    logging.getLogger("desktop.test").info("still in the log")
    flush_logs()
    text = project.paths.log_file.read_text()
    assert "database upgraded to revision 0001" in text
    assert "alembic.runtime.migration [app-launch] Running upgrade  -> 0001" in text  # the steps too
    assert "still in the log" in text
    assert logging.getLogger().handlers == logs._shell_handlers


class FakeServer:
    """Stands in for LocalServer: records what it is asked to serve."""

    def __init__(self) -> None:
        self.served = None

    def serve(self, wsgi_app) -> None:
        self.served = wsgi_app


def launch(project: Project, monkeypatch) -> tuple[AppLaunch, FakeServer]:
    monkeypatch.setattr("gc.freeze", lambda: None)  # the shell's start-up tweak; not in the test process
    server = FakeServer()
    app_launch = AppLaunch(project.settings, project.paths, f"{project.module}:create_app", {"SECRET_KEY": "k"},
                           server)
    app_launch.run()
    if app_launch.app is not None:
        project.apps.append(app_launch.app)
    return app_launch, server


def test_the_shell_upgrades_before_it_serves(project, monkeypatch):
    app_launch, server = launch(project, monkeypatch)
    assert app_launch.error is None
    assert server.served is app_launch.app
    assert "note" in project.tables()


def test_the_shell_shows_a_failed_upgrade(project, monkeypatch):
    project.add_migration("0002", "0001", BROKEN)
    app_launch, server = launch(project, monkeypatch)
    assert isinstance(app_launch.error, AppLoadError)
    assert app_launch.app is None
    page = b"".join(server.served({}, lambda status, headers: None)).decode()
    assert "the database upgrade failed" in page and "no_such_table" in page
    assert not project.database.exists()  # there was none before: no half-made schema left behind
    assert "There was no data yet: nothing was lost." in page


def test_the_apps_own_flask_db_works_from_the_data_folder(project, capsys, monkeypatch):
    """`MyApp --flask db upgrade`: the relative migrations folder is found all the same."""
    from desktop import appcli
    from desktop.appcli import run_flask_cli

    def load_flask_app(*args, **kwargs):
        app = real_load_flask_app(*args, **kwargs)
        project.apps.append(app)  # closed after the test
        return app

    real_load_flask_app = appcli.load_flask_app
    monkeypatch.setattr(appcli, "load_flask_app", load_flask_app)
    assert run_flask_cli(project.settings, project.paths, f"{project.module}:create_app", ["db", "upgrade"]) == 0
    assert "note" in project.tables()
    assert run_flask_cli(project.settings, project.paths, f"{project.module}:create_app", ["no-such"]) == 2
    assert "No such command 'no-such'" in capsys.readouterr().err
