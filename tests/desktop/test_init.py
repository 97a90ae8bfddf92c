"""`python -m desktop init`: finding the app as Flask does and writing a [tool.desktop] table that parses back."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.builder.init import main
from desktop.builder.specfile import RESOURCES
from desktop.errors import ConfigError, UsageError
from desktop.kit import load_kit_settings, tomllib
from tests.support.projects import write_project

FLASKR_INIT = '''
    import os

    from flask import Flask


    def create_app(test_config=None):
        """Flask's tutorial app."""
        app = Flask(__name__, instance_relative_config=True)
        app.config.from_mapping(
            SECRET_KEY="dev",
            DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"),
        )
        if test_config is None:
            app.config.from_pyfile("config.py", silent=True)
        else:
            app.config.from_mapping(test_config)
        os.makedirs(app.instance_path, exist_ok=True)

        from . import db

        db.init_app(app)
        return app
'''
FLASKR_DB = '''
    import sqlite3

    import click
    from flask import current_app, g


    def get_db():
        if "db" not in g:
            g.db = sqlite3.connect(current_app.config["DATABASE"])
        return g.db


    @click.command("init-db")
    def init_db_command():
        """Clear the existing data and create new tables."""
        click.echo("Initialized the database.")


    def init_app(app):
        app.cli.add_command(init_db_command)
'''
MODULE_APP = '''
    from flask import Flask

    app = Flask(__name__)


    @app.get("/")
    def index():
        return "hello"
'''

FACTORY_MODULE = "from flask import Flask\n\n\ndef make_app():\n    return Flask('hello')\n"


@pytest.fixture
def no_flask_app_env(monkeypatch):
    """init reads $FLASK_APP as Flask does: keep the developer's own out of the tests."""
    monkeypatch.delenv("FLASK_APP", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: init never asks


pytestmark = pytest.mark.usefixtures("no_flask_app_env")


def tutorial_project(root: Path) -> Path:
    return write_project(root, {
        "pyproject.toml": '[project]\nname = "flaskr"\nversion = "1.0.0"\n'
                          'authors = [{ name = "Jane", email = "jane@gmail.com" }]\n',
        "flaskr/__init__.py": FLASKR_INIT,
        "flaskr/db.py": FLASKR_DB,
        "flaskr/templates/base.html": "<!doctype html><title>{% block title %}{% endblock %}</title>\n",
        "instance/flaskr.sqlite": b"SQLite format 3\x00",
        "tests/conftest.py": "from flaskr import create_app\napp = create_app({'TESTING': True})\n",
    })


def test_the_flask_tutorial_gets_a_table_that_parses_back(tmp_path, capsys):
    tutorial_project(tmp_path)
    original = (tmp_path / "pyproject.toml").read_bytes()
    assert main([], project=tmp_path) == 0
    content = (tmp_path / "pyproject.toml").read_bytes()
    assert content.startswith(original)  # the developer's file is kept byte for byte
    settings = load_kit_settings(tmp_path / "pyproject.toml")
    assert settings.factory == "flaskr:create_app"
    assert settings.name == "Flaskr"
    assert settings.version == "1.0.0"
    assert settings.app_id == "io.github.flaskr"  # a gmail address says nothing about the publisher
    assert settings.first_run == ["init-db"]
    assert settings.migrate is False
    assert settings.config == {}  # the tutorial keeps its database in the instance folder: the data folder
    assert settings.window.title == "Flaskr"
    assert settings.icon == ""
    assert settings.root == tmp_path.resolve()
    text = content.decode()
    for commented in ("# icon = ", "# health_path = ", "# [tool.desktop.config]",
                      '# SQLALCHEMY_DATABASE_URI = "sqlite:///{data}/app.db"', "# [tool.desktop.env]",
                      "# [tool.desktop.bundle]", "# migrate = true"):
        assert commented in text
    out = capsys.readouterr().out
    assert "App: flaskr:create_app (found in flaskr/__init__.py:6)" in out
    assert "flask init-db" in out and "flaskr/db.py:13" in out
    assert "SECRET_KEY is hard-coded" not in out  # the kit gives each install its own
    for command in ("run", "self-test", "build", "package"):
        assert f"python -m desktop --project {tmp_path.resolve()} {command}" in out


def png(width: int, height: int) -> bytes:
    """The start of a PNG of that size: what init reads of it."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes(40)


def test_a_module_level_app_in_app_py(tmp_path, capsys):
    write_project(tmp_path, {"app.py": MODULE_APP, "assets/logo.png": png(512, 512),
                             "static/favicon.png": png(256, 256)})
    assert main([], project=tmp_path) == 0
    settings = load_kit_settings(tmp_path / "pyproject.toml")
    assert settings.factory == "app:app"
    assert settings.icon == "assets/logo.png"
    assert settings.first_run == []
    document = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert document["project"] == {"name": tmp_path.name.lower().replace("_", "-"), "version": "0.1.0"}
    assert "Created pyproject.toml" in capsys.readouterr().out


def test_the_icon_is_square_big_enough_and_the_projects_own(tmp_path, capsys):
    """Issue 27: init picked a vendored editor's 160x60 sample logo, and build stretched it."""
    write_project(tmp_path, {"app.py": MODULE_APP, "static/vendor/editor/logo.png": png(1024, 1024),
                             "static/js/plugins/icon.png": png(512, 512), "static/img/logo.png": png(160, 60),
                             "static/img/icon.png": png(64, 64)})
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").icon == ""
    assert "the app gets one made of its initial" in capsys.readouterr().out
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "static" / "img" / "app-icon.png").write_bytes(png(512, 512))
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").icon == "static/img/app-icon.png"


def test_wsgi_py_calling_a_factory_names_the_factory(tmp_path):
    write_project(tmp_path, {"flaskr/__init__.py": FLASKR_INIT, "flaskr/db.py": FLASKR_DB,
                             "wsgi.py": "from flaskr import create_app\n\napp = create_app()\n"})
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "flaskr:create_app"


FLASKY_PACKAGE = {
    "config.py": "class Config:\n    SECRET_KEY = 'x'\n\n\nclass ProductionConfig(Config):\n    pass\n\n\n"
                 "config = {'production': ProductionConfig, 'default': Config}\n",
    "app/__init__.py": "from flask import Flask\nfrom config import config\n\n\ndef create_app(config_name):\n"
                       "    app = Flask(__name__)\n    app.config.from_object(config[config_name])\n    return app\n",
    "flasky.py": "import os\n\nimport click\nfrom app import create_app\n\n"
                 "app = create_app(os.getenv('FLASK_CONFIG') or 'default')\n\n\n@app.cli.command()\ndef deploy():\n"
                 "    click.echo('deployed')\n",
}


@pytest.mark.parametrize("env", [{"FLASK_APP": "flasky.py"}, {}], ids=["FLASK_APP=flasky.py", "guessed"])
def test_a_module_that_extends_the_factorys_app_is_hosted_as_it_is(tmp_path, monkeypatch, env):
    """Issue 27: init wrote `factory = "app:create_app"`, and the desktop app lacked flasky.py's commands."""
    write_project(tmp_path, FLASKY_PACKAGE)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "flasky:app"


def test_a_src_layout_package(tmp_path):
    write_project(tmp_path, {"src/notes/__init__.py": "from .factory import make_app\n",
                             "src/notes/factory.py": FACTORY_MODULE.replace("hello", "notes")})
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "notes.factory:make_app"


def test_flaskenv_names_the_app(tmp_path, capsys):
    write_project(tmp_path, {"hello.py": FACTORY_MODULE, "other.py": MODULE_APP,
                             ".flaskenv": "FLASK_DEBUG=1\nexport FLASK_APP='hello:make_app()'\n"})
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "hello:make_app"
    assert "from FLASK_APP in .flaskenv" in capsys.readouterr().out


def test_env_wins_over_flaskenv_and_flask_app_over_both(tmp_path, monkeypatch):
    write_project(tmp_path, {"hello.py": FACTORY_MODULE, "other.py": MODULE_APP, ".flaskenv": "FLASK_APP=hello\n",
                             ".env": "FLASK_APP=other.py # local\n"})
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "other:app"
    (tmp_path / "pyproject.toml").unlink()
    monkeypatch.setenv("FLASK_APP", "hello")
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "hello:make_app"


@pytest.mark.parametrize("option, factory", [
    ("flaskr:create_app()", "flaskr:create_app"),
    ("flaskr:create_app('production')", "flaskr:create_app('production')"),  # as flask --app calls it
    ("flaskr", "flaskr:create_app"),
    ("flaskr/__init__.py", "flaskr:create_app"),
    ("flaskr/db.py:get_db", "flaskr.db:get_db"),
    ("flaskr/", "flaskr:create_app"),
])
def test_flask_app_option_forms(tmp_path, option, factory):
    tutorial_project(tmp_path)
    assert main(["--app", option], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == factory


@pytest.mark.parametrize("option, message", [
    ("flaskr:create_app(os.environ)", "must be literals"),
    ("flaskr:create-app", "is not a Python name"),
    ("missing.py", "there is no missing.py"),
    ("flaskr.db", "flaskr/db.py has no create_app/make_app"),
])
def test_bad_app_options_say_what_to_do(tmp_path, option, message):
    tutorial_project(tmp_path)
    before = (tmp_path / "pyproject.toml").read_bytes()
    with pytest.raises(UsageError, match=message):
        main(["--app", option], project=tmp_path)
    assert (tmp_path / "pyproject.toml").read_bytes() == before


def test_no_app_found_names_the_app_option(tmp_path):
    write_project(tmp_path, {"util.py": "def helper():\n    return 1\n"})
    with pytest.raises(UsageError, match=r"found no Flask app .*--app yourpackage:create_app"):
        main([], project=tmp_path)
    assert not (tmp_path / "pyproject.toml").exists()


def test_several_apps_are_listed_without_a_terminal(tmp_path):
    write_project(tmp_path, {"alpha/__init__.py": "def create_app():\n    pass\n", "beta.py": MODULE_APP})
    with pytest.raises(UsageError) as error:
        main([], project=tmp_path)
    message = str(error.value)
    assert "found several Flask apps; name the one to ship with --app" in message
    assert "alpha:create_app  (an app factory, alpha/__init__.py:1)" in message
    assert "beta:app  (a module-level Flask app, beta.py:3)" in message


def test_several_apps_are_a_numbered_choice_at_a_terminal(tmp_path, monkeypatch, capsys):
    write_project(tmp_path, {"alpha/__init__.py": "def create_app():\n    pass\n", "beta.py": MODULE_APP})

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["7", "2"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main([], project=tmp_path) == 0
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "beta:app"
    out = capsys.readouterr().out
    assert "  1. alpha:create_app" in out and "Type a number from 1 to 2" in out


def test_an_existing_table_is_left_alone(tmp_path):
    tutorial_project(tmp_path)
    with (tmp_path / "pyproject.toml").open("a") as fh:
        fh.write('\n[tool.desktop.window]\nwidth = 900\n')
    before = (tmp_path / "pyproject.toml").read_bytes()
    with pytest.raises(ConfigError, match=r"already has a \[tool.desktop\] table"):
        main([], project=tmp_path)
    with pytest.raises(ConfigError, match="already has"):
        main(["--spec", "--app", "flaskr"], project=tmp_path)
    assert (tmp_path / "pyproject.toml").read_bytes() == before


def test_spec_with_a_new_table(tmp_path, capsys):
    tutorial_project(tmp_path)
    assert main(["--spec"], project=tmp_path) == 0
    settings = load_kit_settings(tmp_path / "pyproject.toml")
    assert settings.bundle.spec == "flaskr.spec"
    assert (tmp_path / "flaskr.spec").read_bytes() == (RESOURCES / "app.spec").read_bytes()
    assert "Wrote flaskr.spec" in capsys.readouterr().out


def test_spec_for_an_existing_table_prints_the_line_to_add(tmp_path, capsys):
    tutorial_project(tmp_path)
    assert main([], project=tmp_path) == 0
    before = (tmp_path / "pyproject.toml").read_bytes()
    capsys.readouterr()
    assert main(["--spec"], project=tmp_path) == 0
    assert (tmp_path / "pyproject.toml").read_bytes() == before  # an existing table is never rewritten
    assert 'spec = "flaskr.spec"' in capsys.readouterr().out
    (tmp_path / "flaskr.spec").write_text("# my edits\n")
    with pytest.raises(UsageError, match="--force"):
        main(["--spec"], project=tmp_path)
    assert (tmp_path / "flaskr.spec").read_text() == "# my edits\n"
    assert main(["--spec", "--force"], project=tmp_path) == 0
    assert (tmp_path / "flaskr.spec").read_bytes() == (RESOURCES / "app.spec").read_bytes()


def test_a_migrated_sqlalchemy_app(tmp_path, capsys):
    write_project(tmp_path, {
        "pyproject.toml": '# my project\r\n[project]\r\nname = "team-notes"\r\nversion = "2.0"\r\n'
                          'authors = [{ name = "Acme", email = "dev@acme.io" }]',  # CRLF, no final newline
        "notes/__init__.py": """
            from flask import Flask
            from flask_migrate import Migrate
            from flask_sqlalchemy import SQLAlchemy

            from .config import Config

            db = SQLAlchemy()
            migrate = Migrate()


            def create_app(config_class=Config):
                app = Flask(__name__)
                app.config.from_object(config_class)
                db.init_app(app)
                migrate.init_app(app, db)
                return app
        """,
        "notes/config.py": """
            import os

            basedir = os.path.abspath(os.path.dirname(__file__))


            class Config:
                SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or \\
                    "sqlite:///" + os.path.join(basedir, "notes.db")
        """,
        "notes/cli.py": """
            import click

            @click.command()
            def create_db_command():
                pass
        """,
        "migrations/env.py": "from alembic import context\n",
    })
    original = (tmp_path / "pyproject.toml").read_bytes()
    assert main(["--name", "Team Notes"], project=tmp_path) == 0
    content = (tmp_path / "pyproject.toml").read_bytes()
    assert content.startswith(original + b"\r\n")
    assert b"\r\n[tool.desktop]\r\n" in content and b"\n" not in content.replace(b"\r\n", b"")
    settings = load_kit_settings(tmp_path / "pyproject.toml")
    assert settings.name == "Team Notes"
    assert settings.app_id == "io.acme.team_notes"
    assert settings.factory == "notes:create_app"
    assert settings.migrate is True
    assert settings.first_run == []  # Flask-Migrate makes the tables; the create-db command stays commented
    assert '# first_run = ["create-db"]' in content.decode()
    assert settings.config == {"SQLALCHEMY_DATABASE_URI": "sqlite:///{data}/notes.db"}
    out = capsys.readouterr().out
    assert "Flask-Migrate: migrations, so migrate = true" in out
    assert "beside the code" not in out  # the desktop config now wins over the code's URI
    assert "nothing found to fix" in out


def test_a_file_init_would_break_is_not_written(tmp_path):
    write_project(tmp_path, {"pyproject.toml": 'tool = { black = { line-length = 100 } }\n[project]\nname = "x"\n',
                             "app.py": MODULE_APP})
    before = (tmp_path / "pyproject.toml").read_bytes()
    with pytest.raises(ConfigError, match="nothing was written"):
        main([], project=tmp_path)
    assert (tmp_path / "pyproject.toml").read_bytes() == before


def test_init_through_python_m_desktop(tmp_path):
    tutorial_project(tmp_path)
    env = {key: value for key, value in os.environ.items() if key not in ("DESKTOP_PROJECT", "FLASK_APP")}
    result = subprocess.run([sys.executable, "-m", "desktop", "init", "--app", "flaskr:create_app"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "\n  python -m desktop run " in result.stdout  # run from the project folder: no --project
    assert load_kit_settings(tmp_path / "pyproject.toml").factory == "flaskr:create_app"
    again = subprocess.run([sys.executable, "-m", "desktop", "init"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert again.returncode == ConfigError.exit_code
    assert "init: error:" in again.stderr and "already has a [tool.desktop] table" in again.stderr
