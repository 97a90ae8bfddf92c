"""The app factory: config layering, instance folder, database set-up."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import webapp
from webapp import create_app, sqlite
from webapp.config import DevelopmentConfig, TestingConfig
from webapp.extensions import db


def test_no_global_app_object():
    assert not any(type(value).__name__ == "Flask" for value in vars(webapp).values())


def test_defaults_to_production_config(data_dir):
    app = create_app({"SECRET_KEY": "x"}, instance_path=str(data_dir))
    assert not app.debug
    assert not app.testing


def test_config_class_is_used(data_dir):
    app = create_app(DevelopmentConfig, instance_path=str(data_dir))
    assert app.debug


def test_later_layers_win(data_dir, monkeypatch):
    (data_dir / "config.py").write_text("MAX_CONTENT_LENGTH = 111\nAPP_NAME = 'From file'\n")
    monkeypatch.setenv("WEBAPP_MAX_CONTENT_LENGTH", "222")
    app = create_app({"SECRET_KEY": "x", "APP_NAME": "From caller"}, instance_path=str(data_dir))
    assert app.config["MAX_CONTENT_LENGTH"] == 222  # environment beats the instance file
    assert app.config["APP_NAME"] == "From caller"  # the caller's mapping beats everything


def test_testing_config_ignores_environment(data_dir, monkeypatch):
    monkeypatch.setenv("WEBAPP_APP_NAME", "leaked")
    app = create_app(TestingConfig, instance_path=str(data_dir))
    assert app.config["APP_NAME"] == "Inkwell"


def test_database_is_a_file_in_the_instance_folder(app, data_dir):
    with app.app_context():
        db.session.execute(db.text("CREATE TABLE probe (id INTEGER)"))
        db.session.commit()
    assert (data_dir / "inkwell.sqlite3").is_file()


def test_sqlite_pragmas(app):
    with app.app_context():
        assert sqlite.pragmas(db.engine) == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000}


def test_plain_flask_run_gets_a_private_secret_key(data_dir):
    app = create_app(instance_path=str(data_dir))
    key_file = data_dir / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text()
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app(instance_path=str(data_dir)).config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_plain_flask_cli_finds_the_app(data_dir):
    """`flask --app webapp ...` works: the same factory also serves as a plain web app."""
    app_arg = f"webapp:create_app(instance_path={str(data_dir)!r})"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", app_arg, "routes"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "/healthz" in result.stdout
