"""The real PyInstaller bundle and the real .deb, used the way an end user gets them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.processes import (
    files_under,
    running,
    shell_env,
    wait_for_exit,
)
from tests.support.screen import wait_for_window
from tests.support.session import session_from_output

pytestmark = pytest.mark.bundle
DIST = REPO / "dist"


@pytest.fixture(scope="session")
def build_output(inkwell_build):
    """The folder bundle and the .deb, built once (about a minute) by `build` and `package`."""
    return inkwell_build


@pytest.fixture(scope="session")
def bundle(build_output) -> Path:
    return DIST / "Inkwell"


def run_self_test(executable, env, cwd, *args):
    result = subprocess.run([str(executable), "--self-test", *args], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_build_shows_progress_and_leaves_the_source_tree_alone(build_output, bundle):
    output, new_files = build_output
    for stage in ("analysing the app's imports", "assembling the bundle folder", "Built "):
        assert stage in output
    assert (bundle / "Inkwell").is_file() and os.access(bundle / "Inkwell", os.X_OK)
    # Modules as files, imported by Python's own finder (faster than PyInstaller's archive: issue 16).
    assert (bundle / "_internal" / "desktop" / "earlystart.pyc").is_file()
    assert new_files == set()  # work and output folders are ignored ones, not build/


def test_frozen_app_passes_its_self_test(bundle, display_env, tmp_path, home, workdir):
    before = files_under(bundle)
    code, report, err = run_self_test(bundle / "Inkwell", shell_env(display_env, home), workdir,
                                      "--data-dir", str(tmp_path / "d"))
    assert code == 0, err
    assert report["ok"] and report["title"] == "Notes · Inkwell" and report["backend"] == "gtk"
    assert (tmp_path / "d" / "data" / "inkwell.sqlite3").is_file()  # migrations ran from the bundle
    assert files_under(bundle) == before  # nothing written next to the executable
    assert list(workdir.iterdir()) == []


def test_frozen_app_keeps_data_in_the_users_folders(bundle, display_env, home, workdir):
    code, report, err = run_self_test(bundle / "Inkwell", shell_env(display_env, home), workdir)
    assert code == 0, err
    assert (home / ".local" / "share" / "Inkwell" / "inkwell.sqlite3").is_file()
    assert (home / ".config" / "Inkwell" / "config.toml").is_file()


def test_frozen_app_crashing_at_start_shows_a_dialog_and_writes_the_log(bundle, display_env, tmp_path, home, workdir):
    """Launched from a menu (no terminal), a failure before the window opens must not be silent."""
    data_dir = tmp_path / "d"
    (data_dir / "config" / "secret_key").mkdir(parents=True)  # unreadable: a directory, not a file
    env = {k: v for k, v in shell_env(display_env, home).items() if k != "DESKTOP_NO_DIALOG"}
    with running([str(bundle / "Inkwell"), "--data-dir", str(data_dir)], env=env, cwd=workdir) as proc:
        wait_for_window(display_env, "Inkwell could not start", timeout=30)
        assert proc.poll() is None  # the dialog waits for the user
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=10)
    log_text = (data_dir / "logs" / "app.log").read_text()
    assert "cannot read the secret key file" in log_text and str(data_dir / "config" / "secret_key") in log_text


@pytest.fixture(scope="session")
def onefile_bundle(build_output) -> Path:
    """The one-file executable, built after the folder bundle (they share PyInstaller's work folder)."""
    result = subprocess.run([sys.executable, "-m", "desktop", "build", "--onefile"], cwd=REPO,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return DIST / "onefile" / "Inkwell"


def test_onefile_app_passes_its_self_test_and_cleans_up_after_itself(onefile_bundle, display_env, tmp_path,
                                                                      home, workdir):
    unpack_dir = tmp_path / "tmp"
    unpack_dir.mkdir()
    env = shell_env(display_env, home, TMPDIR=str(unpack_dir))
    code, report, err = run_self_test(onefile_bundle, env, workdir, "--data-dir", str(tmp_path / "d"))
    assert code == 0, err
    assert report["ok"] and report["title"] == "Notes · Inkwell"
    assert list(unpack_dir.iterdir()) == []  # the unpacked copy went away with the process
    assert list(workdir.iterdir()) == []


def test_frozen_app_has_no_debugger_and_no_tracebacks(bundle, tmp_path, home, workdir):
    command = [str(bundle / "Inkwell"), "--browser", "--no-open", "--data-dir", str(tmp_path / "d")]
    with running(command, env=shell_env(os.environ, home), cwd=workdir) as proc:
        session = session_from_output(proc)
        status, body = session.get("console")
        assert status == 404 and "Traceback" not in body and "Werkzeug Debugger" not in body
        # The debugger's own resources: with no debugger this is just the notes page.
        status, body = session.get("?__debugger__=yes&cmd=resource&f=debugger.js")
        assert "Werkzeug" not in body and "<title>Notes · Inkwell</title>" in body
        proc.send_signal(signal.SIGTERM)
        assert wait_for_exit(proc, timeout=10)[0] == 0
