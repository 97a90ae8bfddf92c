"""--dev: edit the app, and the same window shows the change; a broken save shows the error, then recovers."""

from __future__ import annotations

import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.support.processes import (
    port_from_log,
    running_shell,
    shell_env,
    wait_for_exit,
)
from tests.support.screen import window_titles

pytestmark = pytest.mark.gui

FACTORY = '''from flask import Flask, render_template

GREETING = "Version 1"


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(config or {})
    app.get("/")(lambda: render_template("index.html", greeting=GREETING))
    return app
'''
TEMPLATE = '<!doctype html><title>{{ greeting }} / template A</title><link rel=stylesheet href="/static/app.css">'


def write_sample_app(root: Path) -> Path:
    package = root / "devsample"
    (package / "templates").mkdir(parents=True)
    (package / "static").mkdir()
    (package / "__init__.py").write_text(FACTORY)
    (package / "templates" / "index.html").write_text(TEMPLATE)
    (package / "static" / "app.css").write_text("h1 { color: red }")
    return package


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def window_id(env: dict, title: str) -> str:
    out = subprocess.run(["xwininfo", "-name", title], env=env, capture_output=True, text=True, timeout=30).stdout
    return re.search(r"Window id: (0x[0-9a-f]+)", out).group(1)


def wait_for_title(env: dict, pattern: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while not (found := [t for t in window_titles(env) if re.search(pattern, t)]):
        if time.monotonic() > deadline:
            raise AssertionError(f"no window title matching {pattern!r}; windows: {window_titles(env)}")
        time.sleep(0.05)
    return found[0]


def test_dev_mode_follows_edits_in_the_same_window(display_env, tmp_path, home, workdir, artifacts_dir):
    package = write_sample_app(tmp_path / "src")
    data = tmp_path / "d"
    env = shell_env(display_env, home, PYTHONPATH=str(tmp_path / "src"))
    args = ["--dev", "--app", "devsample:create_app", "--data-dir", str(data)]
    with running_shell(args, env=env, cwd=workdir) as proc:
        wait_for_title(display_env, "^Version 1 / template A$", timeout=60)
        first_window = window_id(display_env, "Version 1 / template A")
        log_file = data / "logs" / "app.log"

        # A template edit: the page reloads, the server keeps running.
        edit(package / "templates" / "index.html", "template A", "template B")
        wait_for_title(display_env, "^Version 1 / template B$", timeout=10)
        assert "restarting the app" not in log_file.read_text()

        # A code edit: a new server process, the same window.
        edit(package / "__init__.py", "Version 1", "Version 2")
        wait_for_title(display_env, "^Version 2 / template B$", timeout=15)
        assert "code changed (__init__.py): restarting the app" in log_file.read_text()

        # A syntax error: the window shows it (the debugger's traceback page) and stays open.
        edit(package / "__init__.py", 'GREETING = "Version 2"', 'GREETING = ("Version 3"')
        title = wait_for_title(display_env, "Werkzeug Debugger", timeout=15)
        assert "__init__.py" in title and proc.poll() is None
        subprocess.run(["import", "-window", "root", str(artifacts_dir / "dev-mode-syntax-error.png")],
                       env=display_env, check=True, timeout=30)

        # Fixed: the app comes back, in the window that has been there all along.
        edit(package / "__init__.py", 'GREETING = ("Version 3"', 'GREETING = "Version 3"')
        wait_for_title(display_env, "^Version 3 / template B$", timeout=15)
        assert window_id(display_env, "Version 3 / template B") == first_window

        # The debugger is there, but only for the window's session.
        port = port_from_log(log_file, timeout=5)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/?__debugger__=yes&cmd=resource&f=debugger.js", timeout=10)
        assert refused.value.code == 403
        refused.value.close()

        children = psutil.Process(proc.pid).children()
        proc.send_signal(signal.SIGTERM)
        code, _, err = wait_for_exit(proc, timeout=15)
    assert code == 0, err
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def test_dev_mode_watches_the_whole_project_not_only_the_factorys_module(tmp_path, monkeypatch):
    """Issue 27: with `factory = "flasky:app"` beside an `app/` package, template and package edits
    reloaded nothing. The project is watched, minus virtual environments, caches and data."""
    from desktop.reload import changed_files, snapshot, watched_folders

    project = tmp_path / "blog"
    for name, text in {"flasky.py": "app = None\n", "app/__init__.py": "", "app/templates/index.html": "<p>hi",
                       ".venv/pyvenv.cfg": "", ".venv/lib/x.py": "", "env2/pyvenv.cfg": "", "env2/y.py": "",
                       "instance/blog.sqlite3": "", "app/__pycache__/a.pyc": ""}.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    monkeypatch.syspath_prepend(str(project))
    folders = watched_folders("flasky:app", project)
    assert folders == [project.resolve()]
    before = snapshot(folders)
    assert {p.relative_to(project.resolve()).as_posix() for p in before} == {
        "flasky.py", "app/__init__.py", "app/templates/index.html"}
    (project / "app" / "templates" / "index.html").write_text("<p>changed, and longer")
    import os
    os.utime(project / "app" / "templates" / "index.html", (1, 1))
    assert changed_files(before, snapshot(folders)) == {(project / "app" / "templates" / "index.html").resolve()}
