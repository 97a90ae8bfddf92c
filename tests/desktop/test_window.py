"""The real native window (pywebview on GTK/WebKit under Xvfb), driven as a user would."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import REPO

from tests.support.processes import (
    alive,
    files_under,
    port_from_log,
    port_is_closed,
    running_shell,
    shell_env,
    untracked_files,
    wait_for_exit,
)
from tests.support.screen import (
    screenshot,
    wait_for_color,
    wait_for_geometry,
    wait_for_window,
)

pytestmark = pytest.mark.gui

HERE = Path(__file__).parent
HEADER_BLUE = (45, 74, 122)  # the app's top bar: seeing it means the page has painted


def watch_process_tree(proc: subprocess.Popen) -> set[psutil.Process]:
    """Every descendant seen until `proc` exits (web engine helpers come and go)."""
    seen: set[psutil.Process] = set()
    parent = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            seen.update(parent.children(recursive=True))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    return seen


def wait_until_gone(processes, timeout: float = 5.0) -> list[psutil.Process]:
    """Poll until none of `processes` runs; return the stragglers at the deadline."""
    deadline = time.monotonic() + timeout
    while (left := alive(list(processes))) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def run_self_test(args: list[str], env: dict, cwd: Path) -> tuple[int, dict, str, set]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--self-test", *args],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        descendants = watch_process_tree(proc)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = out.strip().splitlines()
    assert len(lines) == 1, f"expected one JSON line, got {out!r}; stderr: {err}"
    return proc.returncode, json.loads(lines[0]), err, descendants


def test_self_test_opens_the_real_window(display_env, tmp_path, home, workdir):
    before = untracked_files()
    data = tmp_path / "d"
    code, report, err, descendants = run_self_test(["--data-dir", str(data)], shell_env(display_env, home), workdir)

    assert code == 0, err
    assert report["ok"] is True, report
    assert report["title"] == "Notes · Inkwell"
    assert report["painted"] is True and report["health_status"] == 200
    if sys.platform.startswith("linux"):
        assert report["backend"] == "gtk"
    assert report["loaded_ms"] > 0 and report["exit_ms"] >= 0

    # Nothing outlives it: the port is free, the web engine's helper processes are gone.
    assert port_is_closed(int(report["url"].rsplit(":", 1)[1].rstrip("/")))
    assert descendants, "expected the web engine's helper processes"
    assert wait_until_gone(descendants) == []

    # Files only under the data dir: not the current directory, not the source tree, not HOME
    # (GTK's own settings cache, dconf, is the toolkit's and not ours).
    assert list(workdir.iterdir()) == []
    assert untracked_files() == before
    assert [f for f in files_under(home) if not f.startswith(".cache/dconf")] == []
    made = files_under(data)
    for expected in ("config/config.toml", "config/secret_key", "data/inkwell.sqlite3", "logs/app.log"):
        assert expected in made


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "ctrl-c"])
def test_window_shows_the_app_and_closes_cleanly(stop_signal, display_env, tmp_path, home, workdir, artifacts_dir):
    data = tmp_path / "d"
    with running_shell(["--data-dir", str(data)], env=shell_env(display_env, home), cwd=workdir) as proc:
        port = port_from_log(data / "logs" / "app.log", timeout=60)
        shot = wait_for_color(display_env, HEADER_BLUE, min_pixels=20_000, timeout=60)
        shot.save(artifacts_dir / "window-start-page.png")
        helpers = psutil.Process(proc.pid).children(recursive=True)

        proc.send_signal(stop_signal)
        code, _, err = wait_for_exit(proc, timeout=10)

    assert code == 0, err
    assert port_is_closed(port)
    assert wait_until_gone(helpers) == []
    log = (data / "logs" / "app.log").read_text()
    assert f"received {stop_signal.name}" in log and "shut down" in log


def test_self_test_reports_an_app_that_cannot_start(display_env, tmp_path, home, workdir, artifacts_dir):
    env = shell_env(display_env, home, PYTHONPATH=str(HERE))
    args = ["--data-dir", str(tmp_path / "d"), "--app", "sample_apps:create_failing_app"]
    code, report, err, _ = run_self_test(args, env, workdir)
    assert code == 70
    assert report["ok"] is False
    assert report["title"] == "Inkwell could not start"  # the window showed the error page
    assert any("the factory is broken" in e for e in report["errors"])
    assert "app.log" in err


def test_start_up_error_shows_a_native_dialog(display_env, tmp_path, home, workdir, artifacts_dir):
    """Started from a launcher (no terminal), a start-up error is shown in a dialog."""
    env = shell_env(display_env, home, PYTHONPATH=str(HERE))
    env.pop("DESKTOP_NO_DIALOG")
    args = ["--browser", "--no-open", "--data-dir", str(tmp_path / "d"), "--app", "no_such_module_xyz:create_app"]
    with running_shell(args, env=env, cwd=workdir) as proc:
        wait_for_window(display_env, "Inkwell could not start", timeout=60)
        screenshot(display_env).save(artifacts_dir / "start-up-error-dialog.png")
        assert proc.poll() is None  # waiting for the user to read it
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=10)
    assert "cannot import 'no_such_module_xyz'" in (tmp_path / "d" / "logs" / "app.log").read_text()


@pytest.mark.parametrize("factory", ["create_download_app", "create_download_link_app"])
def test_downloads_ask_where_to_save_with_a_native_dialog(display_env, tmp_path, home, workdir, artifacts_dir, factory):
    env = shell_env(display_env, home, PYTHONPATH=str(HERE))
    args = ["--data-dir", str(tmp_path / "d"), "--app", f"sample_apps:{factory}"]
    with running_shell(args, env=env, cwd=workdir) as proc:
        wait_for_window(display_env, "Save file", timeout=60)
        screenshot(display_env).save(artifacts_dir / "download-save-dialog.png")
        proc.send_signal(signal.SIGTERM)
        code, _, err = wait_for_exit(proc, timeout=10)
    assert code == 0, err


def test_window_reopens_where_the_user_left_it(display_env, tmp_path, home, workdir):
    data = tmp_path / "d"
    env = shell_env(display_env, home)
    title = "Notes · Inkwell"
    with running_shell(["--data-dir", str(data)], env=env, cwd=workdir) as proc:
        wait_for_window(display_env, title, timeout=60)
        # The user drags and resizes the window.
        subprocess.run(["xdotool", "search", "--name", title, "windowsize", "800", "560",
                        "windowmove", "210", "130"], env=display_env, check=True, timeout=30)
        wait_for_geometry(display_env, title, (210, 130, 800, 560), timeout=10)
        saved = data / "config" / "window-state.json"
        proc.send_signal(signal.SIGTERM)
        assert wait_for_exit(proc, timeout=10)[0] == 0
    assert json.loads(saved.read_text()) == {"width": 800, "height": 560, "x": 210, "y": 130, "maximized": False}
    with running_shell(["--data-dir", str(data)], env=env, cwd=workdir) as proc:
        wait_for_window(display_env, title, timeout=60)
        wait_for_geometry(display_env, title, (210, 130, 800, 560), timeout=10)
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=10)


def test_window_saved_off_screen_opens_on_screen(display_env, tmp_path, home, workdir):
    data = tmp_path / "d"
    (data / "config").mkdir(parents=True)
    (data / "config" / "window-state.json").write_text(json.dumps(
        {"width": 900, "height": 600, "x": 4000, "y": 3000, "maximized": False}))  # a monitor that is gone
    with running_shell(["--data-dir", str(data)], env=shell_env(display_env, home), cwd=workdir) as proc:
        wait_for_window(display_env, "Notes · Inkwell", timeout=60)
        # Xvfb's one screen is 1280x800: the window is centred on it.
        wait_for_geometry(display_env, "Notes · Inkwell", ((1280 - 900) // 2, (800 - 600) // 2, 900, 600), timeout=10)
        proc.send_signal(signal.SIGTERM)
        wait_for_exit(proc, timeout=10)
    assert "off every screen" in (data / "logs" / "app.log").read_text()


def test_the_launch_token_never_reaches_the_log(display_env, tmp_path, home, workdir):
    """Even with every request logged at DEBUG, the window's session link shows no token."""
    data = tmp_path / "d"
    (data / "config").mkdir(parents=True)
    (data / "config" / "config.toml").write_text('[logging]\nlevel = "DEBUG"\naccess_log = true\n')
    code, report, err, _ = run_self_test(["--data-dir", str(data)], shell_env(display_env, home), workdir)
    assert code == 0 and report["ok"], err
    log = (data / "logs" / "app.log").read_text()
    assert "GET /__desktop__/session?(query left out)" in log  # the handshake happened, and was logged
    assert re.findall(r"token=([^&\s\"]+)", log + err) == ["(hidden)"] * len(re.findall(r"token=", log + err))


def test_a_damaged_database_opens_the_recovery_page_not_an_error(display_env, tmp_path, home, workdir,
                                                                  artifacts_dir):
    data = tmp_path / "d"
    (data / "data").mkdir(parents=True)
    damaged = data / "data" / "inkwell.sqlite3"
    damaged.write_bytes(b"overwritten by a broken sync tool " * 500)
    with running_shell(["--data-dir", str(data)], env=shell_env(display_env, home), cwd=workdir) as proc:
        wait_for_window(display_env, "Your notes need attention · Inkwell", timeout=60)
        wait_for_color(display_env, HEADER_BLUE, min_pixels=20_000, timeout=30).save(
            artifacts_dir / "window-recovery-page.png")
        proc.send_signal(signal.SIGTERM)
        assert wait_for_exit(proc, timeout=10)[0] == 0
    assert damaged.read_bytes() == b"overwritten by a broken sync tool " * 500  # nothing overwritten


def test_a_thread_left_running_cannot_keep_the_closed_app_alive(tmp_path):
    """A toolkit's or library's non-daemon thread would keep a windowless process around (and the
    next launch would find it "already running"): after the shell's shutdown it is named in the
    log and the process ends with the shell's exit code."""
    script = (
        "import logging, sys, threading, time\n"
        "logging.basicConfig(filename=sys.argv[1], level=logging.INFO)\n"
        "from desktop.launcher import exit_cleanly\n"
        "threading.Thread(target=time.sleep, args=(60,), name='stuck-worker').start()\n"
        "sys.exit(exit_cleanly(3))\n"
    )
    log = tmp_path / "app.log"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script, str(log)], capture_output=True, timeout=30, cwd=REPO)
    assert result.returncode == 3 and time.monotonic() - started < 10
    assert "threads still running after shutdown: stuck-worker" in log.read_text()
