"""A second launch on the same data folder: it hands over to the running app and exits at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.processes import (
    port_from_log,
    running_shell,
    shell_env,
    wait_for_exit,
)
from tests.support.screen import screenshot, wait_for_window
from tests.support.session import AppSession, session_from_output

RECORDER = "import sys; open(sys.argv[1], 'a').write(sys.argv[2] + '\\n')"


def second_launch(args: list[str], env: dict, cwd: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "desktop", *args], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def titles_in_database(data: Path) -> list[str]:
    with sqlite3.connect(data / "data" / "inkwell.sqlite3") as connection:
        return [row[0] for row in connection.execute("select title from notes order by id")]


def wait_for_log(log_file: Path, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while text not in (log := log_file.read_text()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared in the log:\n{log[-3000:]}")
        time.sleep(0.05)
    return log


def test_second_launch_hands_its_file_to_the_running_app(tmp_path, home, workdir):
    data = tmp_path / "d"
    opened = tmp_path / "browser-opened.txt"
    env = shell_env(os.environ, home, BROWSER=f"{sys.executable} -c \"{RECORDER}\" {opened} %s")
    with running_shell(["--browser", "--no-open", "--data-dir", str(data)], env=env, cwd=workdir) as first:
        session = session_from_output(first)
        (workdir / "Porto.md").write_text("---\ntags: [\"travel\"]\n---\nTrain at 9.\n", encoding="utf-8")

        code, output, seconds = second_launch(["--data-dir", str(data), "Porto.md"], env, workdir)

        assert code == 0, output
        assert "already running for this data folder: it comes to the front and opens 1 file(s)" in output
        assert seconds < 10  # it does not start a second app (a real start takes seconds more)
        log = wait_for_log(data / "logs" / "app.log", "opened ")
        assert "a later launch handed over 1 file(s)" in log
        assert titles_in_database(data) == ["Porto"]
        # The running app showed the new note: the browser was sent to it through the launch file.
        launch_file = Path(opened.read_text().split()[-1].removeprefix("file://"))
        note_page = AppSession(launch_file).first_page
        assert "<title>Porto · Inkwell</title>" in note_page and "Train at 9." in note_page
        assert session.get()[0] == 200  # the first browser session still works
        first.send_signal(signal.SIGTERM)
        assert wait_for_exit(first, timeout=10)[0] == 0


def test_a_file_it_cannot_open_is_explained_not_fatal(tmp_path, home, workdir):
    data = tmp_path / "d"
    env = shell_env(os.environ, home, BROWSER="true")
    with running_shell(["--browser", "--no-open", "--data-dir", str(data)], env=env, cwd=workdir) as first:
        session = session_from_output(first)
        (workdir / "scan.pdf").write_bytes(b"%PDF-1.7")
        assert second_launch(["--data-dir", str(data), "scan.pdf"], env, workdir)[0] == 0
        log = wait_for_log(data / "logs" / "app.log", "Cannot open scan.pdf")
        assert "not .pdf files" in log
        assert session.get("healthz")[0] == 200
        first.send_signal(signal.SIGTERM)
        assert wait_for_exit(first, timeout=10)[0] == 0


def test_a_killed_app_does_not_block_the_next_start(tmp_path, home, workdir):
    data = tmp_path / "d"
    env = shell_env(os.environ, home)
    args = ["--browser", "--no-open", "--data-dir", str(data)]
    with running_shell(args, env=env, cwd=workdir) as first:
        session_from_output(first)
        first.kill()  # SIGKILL: no clean-up at all
        first.wait(10)
    assert (data / "data" / "instance.json").exists()  # what the dead process left behind
    with running_shell(args, env=env, cwd=workdir) as again:
        assert session_from_output(again).get("healthz")[0] == 200
        again.send_signal(signal.SIGTERM)
        assert wait_for_exit(again, timeout=10)[0] == 0


@pytest.mark.gui
def test_second_launch_brings_the_window_forward_showing_the_file(display_env, tmp_path, home, workdir,
                                                                  artifacts_dir):
    data = tmp_path / "d"
    env = shell_env(display_env, home)
    with running_shell(["--data-dir", str(data)], env=env, cwd=workdir) as first:
        port_from_log(data / "logs" / "app.log", timeout=60)
        wait_for_window(display_env, "Notes · Inkwell", timeout=60)  # the title bar follows the page
        (workdir / "Groceries.md").write_text("- milk\n- bread\n", encoding="utf-8")

        code, output, _ = second_launch(["--data-dir", str(data), "Groceries.md"], env, workdir)

        assert code == 0, output
        wait_for_window(display_env, "Groceries · Inkwell", timeout=30)
        screenshot(display_env).save(artifacts_dir / "window-opened-file.png")
        log = (data / "logs" / "app.log").read_text()
        assert "brought the app to the front" in log
        assert titles_in_database(data) == ["Groceries"]
        first.send_signal(signal.SIGTERM)
        assert wait_for_exit(first, timeout=10)[0] == 0
