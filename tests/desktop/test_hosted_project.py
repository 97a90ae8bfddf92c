"""The shell hosting a project of its own (not Inkwell), the way a developer runs it from source."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import running, shell_env, wait_for_exit
from tests.support.screen import wait_for_window

pytestmark = pytest.mark.gui
HERE = Path(__file__).parent


def make_project(folder: Path, name: str, factory: str, extra: str = "") -> Path:
    folder.mkdir()
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "{name.lower()}"\nversion = "3.1.0"\n\n[tool.desktop]\nname = "{name}"\n'
        f'app_id = "org.example.{name.lower()}"\nfactory = "{factory}"\n{extra}')
    return folder


def desktop(args: list[str], env: dict, cwd: Path):
    return subprocess.run([sys.executable, "-m", "desktop", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def project_env(display_env: dict, home: Path) -> dict:
    env = shell_env(display_env, home, PYTHONPATH=str(HERE))
    env.pop("DESKTOP_PROJECT")  # found from the current directory, as a developer runs it
    return env


def test_self_test_fails_when_the_start_page_is_an_error_page(display_env, tmp_path, home):
    project = make_project(tmp_path / "brittle", "Brittle", "sample_apps:create_erroring_app",
                           'health_path = "/healthz"\n')
    result = desktop(["self-test", "--data-dir", str(tmp_path / "d")], project_env(display_env, home), project)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 1
    assert report["ok"] is False and report["app"] == "Brittle"
    assert report["start_status"] == 500 and report["health_status"] == 200  # a healthy health path is not enough
    assert "Brittle: self-test failed" in result.stderr and "Inkwell" not in result.stdout + result.stderr


def test_self_test_of_a_project_names_it_and_keeps_its_data_apart(display_env, tmp_path, home):
    project = make_project(tmp_path / "greeter", "Greeter", "sample_apps:create_app_with_config",
                           '[tool.desktop.config]\nGREETING = "data at {data}"\n')
    result = desktop(["self-test"], project_env(display_env, home), project)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0 and report["ok"], result.stderr
    assert report["app"] == "Greeter" and report["title"] == "Configured" and report["health_path"] == ""
    assert (home / ".local" / "share" / "Greeter").is_dir()  # the project's own user folders
    assert not (home / ".local" / "share" / "Inkwell").exists()
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml"]


def test_the_window_class_is_the_app_id(display_env, tmp_path, home):
    """Docks match a window to its launcher by WM_CLASS = the desktop entry's StartupWMClass."""
    project = make_project(tmp_path / "minimal", "Minimal", "sample_apps:create_minimal_app")
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(tmp_path / "d")]
    with running(command, env=project_env(display_env, home), cwd=project) as proc:
        wait_for_window(display_env, "Minimal", timeout=60)
        window_id = subprocess.run(["xdotool", "search", "--name", "^Minimal$"], env=display_env,
                                   capture_output=True, text=True, timeout=30).stdout.split()[0]
        wm_class = subprocess.run(["xprop", "-id", window_id, "WM_CLASS"], env=display_env, capture_output=True,
                                  text=True, timeout=30).stdout
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=10)
    assert re.findall(r'"([^"]*)"', wm_class) == ["org.example.minimal", "org.example.minimal"]


def test_the_apps_own_flask_commands_run_on_the_desktop_data(tmp_path, home):
    project = make_project(tmp_path / "tutorial", "Tutorial", "sample_apps:create_app_with_test_config")
    env = shell_env({"PATH": "/usr/bin:/bin"}, home, PYTHONPATH=str(HERE))
    env.pop("DESKTOP_PROJECT")
    result = desktop(["flask", "--data-dir", str(tmp_path / "d"), "routes"], env, project)
    assert result.returncode == 0, result.stderr
    assert "index" in result.stdout or "/" in result.stdout
    missing = desktop(["flask", "--data-dir", str(tmp_path / "d"), "no-such-command"], env, project)
    assert missing.returncode == 2 and "No such command" in missing.stderr and "Traceback" not in missing.stderr


def test_self_test_fails_on_every_request_to_another_origin_the_project_doesnt_allow(display_env, tmp_path, home):
    """Issue 27: the self-test said ok: true for a start page that breaks offline."""
    project = make_project(tmp_path / "cdn", "Cdn", "sample_apps:create_app_with_a_cdn")
    result = desktop(["self-test", "--data-dir", str(tmp_path / "d")], project_env(display_env, home), project)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["foreign_requests"] == ["http://fonts.example.invalid/css?family=Sans",
                                          "https://cdn.example.invalid/lib.js"]
    assert result.returncode == 1 and not report["ok"]
    assert any("asks another site for http://fonts.example.invalid" in error and "allowed_origins" in error
               for error in report["errors"])
    allowed = make_project(tmp_path / "cdn-allowed", "Cdn", "sample_apps:create_app_with_a_cdn",
                           'allowed_origins = ["http://fonts.example.invalid", "https://cdn.example.invalid"]\n')
    result = desktop(["self-test", "--data-dir", str(tmp_path / "d2")], project_env(display_env, home), allowed)
    assert result.returncode == 0, result.stdout


def test_the_title_bar_follows_the_pages_title_as_it_changes(display_env, tmp_path, home):
    project = make_project(tmp_path / "retitle", "Retitle", "sample_apps:create_retitling_app")
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(tmp_path / "d")]
    with running(command, env=project_env(display_env, home), cwd=project) as proc:
        wait_for_window(display_env, "First title", timeout=60)
        wait_for_window(display_env, "Renamed by the page", timeout=10)
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=10)


def test_the_pages_web_storage_survives_a_restart(display_env, tmp_path, home):
    """localStorage belongs to an origin (scheme, host, port): the app is served on the same port
    at every launch, so what its pages kept is there the next time, as in any desktop app."""
    project = make_project(tmp_path / "visits", "Visits", "sample_apps:create_storage_app")
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(tmp_path / "d")]
    for visit in ("Visits 1", "Visits 2"):
        with running(command, env=project_env(display_env, home), cwd=project) as shell:
            wait_for_window(display_env, visit, timeout=60)
            shell.send_signal(signal.SIGTERM)  # as the session manager closes it
            assert shell.wait(30) == 0
