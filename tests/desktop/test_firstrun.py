"""First-run commands: the app's own Flask CLI commands, once per data folder."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace

import pytest

from desktop.errors import AppLoadError
from desktop.firstrun import RECORD_FILE, run_first_run
from desktop.logs import configure_logging
from desktop.migrate import fix_migrations_directory

from .test_logs import flush_logs, isolated_logging  # noqa: F401 - a fixture
from .test_migrate import project  # noqa: F401 - a fixture: the sample Flask-Migrate app


def first_run(project, commands: list[str]) -> None:  # noqa: F811
    """Start the app with these first-run commands, as the shell does (migrations folder fixed first)."""
    app = project.build()
    fix_migrations_directory(app, project.settings)
    run_first_run(app, replace(project.settings, migrate=False, first_run=commands), project.paths)


def recorded(project) -> list[str]:  # noqa: F811
    record = project.paths.data / RECORD_FILE
    return list(json.loads(record.read_text())["completed"]) if record.exists() else []


def test_commands_run_once_per_data_folder(project, capsys):  # noqa: F811
    first_run(project, ["db upgrade", "init-db"])  # `db`: the group Flask-Migrate adds to the app's CLI
    assert project.query("SELECT title FROM note") == [("welcome",)]
    assert recorded(project) == ["db upgrade", "init-db"]
    assert "creating the sample notes" not in capsys.readouterr().out  # the output is in the log

    first_run(project, ["db upgrade", "init-db"])  # the next start: nothing runs again
    assert project.query("SELECT title FROM note") == [("welcome",)]


def test_a_new_command_runs_on_a_data_folder_that_had_the_others(project):  # noqa: F811
    first_run(project, ["db upgrade"])
    first_run(project, ["db upgrade", "init-db"])
    assert project.query("SELECT title FROM note") == [("welcome",)]
    assert recorded(project) == ["db upgrade", "init-db"]


def test_a_failing_command_stops_the_start_and_runs_again_next_time(project):  # noqa: F811
    with pytest.raises(AppLoadError, match="the first-run command 'flask fail' failed: RuntimeError: "
                                           "the command is broken"):
        first_run(project, ["db upgrade", "fail"])
    assert recorded(project) == ["db upgrade"]  # what succeeded is kept
    with pytest.raises(AppLoadError, match="flask fail"):
        first_run(project, ["db upgrade", "fail"])  # tried again


def test_a_command_that_exits_is_explained(project):  # noqa: F811
    """Flask-Migrate logs its error and exits 1: the message still names it."""
    app = project.build()  # its migrations folder left relative: not in the data folder
    settings = replace(project.settings, first_run=["db upgrade"])
    with pytest.raises(AppLoadError, match=r"'flask db upgrade' failed: it exited with code 1 "
                                           r"\(Error: Path doesn't exist: migrations"):
        run_first_run(app, settings, project.paths)
    assert recorded(project) == []


def test_an_unknown_command_is_named(project):  # noqa: F811
    with pytest.raises(AppLoadError, match="'flask no-such-command --now' failed: No such command 'no-such-command'"):
        first_run(project, ["no-such-command --now"])
    assert recorded(project) == []


def test_the_output_goes_to_the_log(project):  # noqa: F811
    configure_logging(project.paths.log_file, "INFO")
    first_run(project, ["db upgrade", "init-db"])  # `db upgrade` runs the env.py's fileConfig
    logging.getLogger("desktop.test").info("the shell's log still works")
    flush_logs()
    text = project.paths.log_file.read_text()
    assert "flask init-db: creating the sample notes" in text
    assert "Running upgrade  -> 0001" in text
    assert "the shell's log still works" in text


def test_a_damaged_record_stops_rather_than_running_everything_again(project):  # noqa: F811
    (project.paths.data / RECORD_FILE).write_text("{not json")
    with pytest.raises(AppLoadError, match="is damaged"):
        first_run(project, ["init-db"])


def test_the_record_is_written_atomically(project, monkeypatch):  # noqa: F811
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (replaced.append((src, dst)), real_replace(src, dst)))
    first_run(project, ["db upgrade"])
    [(src, dst)] = replaced
    assert dst == project.paths.data / RECORD_FILE and src != dst
    assert not os.path.exists(src)
