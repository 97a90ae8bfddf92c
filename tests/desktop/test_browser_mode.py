"""--browser: the app without a native window, as a user starts it from a terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.support.processes import (
    port_from_log,
    port_is_closed,
    read_line_with,
    running_shell,
    shell_env,
    wait_for_exit,
)
from tests.support.session import session_from_launch_file, session_from_output


def test_browser_mode_serves_the_app_and_stops_on_ctrl_c(tmp_path, home, workdir):
    data = tmp_path / "d"
    args = ["--browser", "--no-open", "--data-dir", str(data)]
    with running_shell(args, env=shell_env(os.environ, home), cwd=workdir) as proc:
        session = session_from_output(proc)
        read_line_with(proc, "Press Ctrl+C to stop.")
        assert "Welcome to Inkwell" in session.get()[1]
        assert session.get("healthz")[0] == 200
        url = session.url
        proc.send_signal(signal.SIGINT)
        code, _, err = wait_for_exit(proc, timeout=10)
    assert code == 0, err
    assert port_is_closed(int(url.rsplit(":", 1)[1].rstrip("/")))
    assert list(workdir.iterdir()) == []  # nothing in the current directory
    assert (data / "data" / "inkwell.sqlite3").is_file()
    assert not (data / "cache" / "open-in-browser.html").exists()  # the launch token went with the app


def test_malformed_config_does_not_stop_the_app(tmp_path, home, workdir):
    config_dir = tmp_path / "d" / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text("this is = = not toml")
    args = ["--browser", "--no-open", "--data-dir", str(tmp_path / "d")]
    with running_shell(args, env=shell_env(os.environ, home), cwd=workdir) as proc:
        assert session_from_output(proc).get("healthz")[0] == 200
        proc.send_signal(signal.SIGTERM)
        code, _, err = wait_for_exit(proc, timeout=10)
    assert code == 0
    assert "unusable" in err  # the warning reaches the console...
    kept = list(config_dir.glob("config.toml.bad-*"))
    assert [p.read_text() for p in kept] == ["this is = = not toml"]  # ...and nothing is lost
    assert "unusable" in (tmp_path / "d" / "logs" / "app.log").read_text()


def test_no_display_falls_back_to_the_browser(tmp_path, home, workdir):
    # BROWSER=true: Python's webbrowser module "opens" the page with /bin/true.
    env = shell_env(os.environ, home, DISPLAY="", WAYLAND_DISPLAY="", BROWSER="true")
    with running_shell(["--data-dir", str(tmp_path / "d")], env=env, cwd=workdir) as proc:
        read_line_with(proc, "No display found: opening the app in your web browser instead.")
        assert session_from_output(proc).get()[0] == 200
        proc.send_signal(signal.SIGINT)
        code, _, _ = wait_for_exit(proc, timeout=10)
    assert code == 0


def test_works_without_stdout_and_stderr(tmp_path, home, workdir):
    """Windowed and frozen builds run with sys.stdout and sys.stderr set to None."""
    data = tmp_path / "d"
    code = (
        "import sys; sys.stdout = sys.stderr = None\n"
        "from desktop.__main__ import main\n"
        f"raise SystemExit(main(['--browser', '--no-open', '--data-dir', {str(data)!r}]))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=shell_env(os.environ, home), cwd=workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port_from_log(data / "logs" / "app.log", timeout=60)
        session = session_from_launch_file(data / "cache" / "open-in-browser.html", timeout=30)
        assert session.get("healthz")[0] == 200
        proc.send_signal(signal.SIGINT)
        code, out, err = wait_for_exit(proc, timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0
    assert out == "" and err == ""  # nothing tried to write to the missing streams
    assert "stopped from the console" in (data / "logs" / "app.log").read_text()


def test_the_apps_cookies_are_its_own_among_other_apps_on_localhost(tmp_path, home, workdir):
    """Issue 26: cookies are per host, not port, so every Flask app on 127.0.0.1 shared "session"
    (a second Inkwell in the same browser made the first one's forms expire)."""
    args = ["--browser", "--no-open", "--data-dir", str(tmp_path / "d")]
    with running_shell(args, env=shell_env(os.environ, home), cwd=workdir) as proc:
        session = session_from_output(proc)
        port = session.url.rstrip("/").rsplit(":", 1)[1]
        assert session.get("notes/new")[0] == 200  # a form: its CSRF token lives in the app's session
        names = {cookie.name for cookie in session.cookies}
        assert names == {f"desktop_session_{port}", f"inkwell_session_{port}"}
        proc.send_signal(signal.SIGINT)
        wait_for_exit(proc, timeout=10)
