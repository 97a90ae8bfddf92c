"""The app in a process of its own: a crash of the app is not a crash of the window, and nothing outlives the window."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from desktop.appprocess import describe_exit
from tests.desktop.test_hosted_project import make_project, project_env
from tests.support.processes import alive, port_from_log, port_is_closed, running, wait_for
from tests.support.screen import count_color, screenshot, wait_for_color, wait_for_window

BANNER_RED = (0x8B, 0x1C, 0x1C)  # crashpage.BANNER_SCRIPT's background


def app_process_of(shell: subprocess.Popen, timeout: float = 30) -> psutil.Process:
    """The shell's app process: its child running its own executable (forked at the first instant,
    spawned with `-c ... appprocess_main` after a restart; the others are the web engine's)."""
    found: list[psutil.Process] = []
    window_process = psutil.Process(shell.pid)

    def started() -> bool:
        found[:] = [child for child in window_process.children() if child.exe() == window_process.exe()]
        return bool(found)

    wait_for(started, timeout=timeout)
    return found[0]


def keys(env: dict, *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, check=True, timeout=30)


def click_restart(env: dict, image, color: tuple[int, int, int] = BANNER_RED) -> None:
    """Click the banner's button (Restart, Restart now): at the right end of the bar, on the display."""
    bar = [(x, y) for x in range(0, image.width, 2) for y in range(0, image.height, 2)
           if image.getpixel((x, y)) == color]
    right = max(x for x, _ in bar)
    rows = [y for x, y in bar if x == right] or [y for _, y in bar]
    keys(env, "mousemove", str(right - 50), str(sum(rows) // len(rows)), "click", "1")


def type_into_box(env: dict, text: str, *, saved_in: Path) -> None:
    """Replace the text box's text with `text` and wait until the app saved it. Keys sent before the
    freshly shown window takes the keyboard are lost: then it types again."""
    for _attempt in range(3):
        # Into the text box (keyboard focus follows the pointer without a window manager).
        keys(env, "mousemove", "400", "300", "click", "1")
        keys(env, "key", "ctrl+a")
        keys(env, "type", "--delay", "30", text)
        try:
            wait_for(lambda: saved_in.exists() and saved_in.read_text() == text, timeout=5)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the app never saved {text!r}")


@contextlib.contextmanager
def notepad_running(display_env: dict, tmp_path: Path, home: Path):
    """The notepad sample in its window with "first" typed and saved; yields the window process,
    its app process, and the file the app saves to. Afterwards, the log."""
    project = make_project(tmp_path / "notepad", "Notepad", "sample_apps:create_notepad_app")
    data = tmp_path / "d"
    note = data / "data" / "note.txt"
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(data)]
    with running(command, env=project_env(display_env, home), cwd=project) as shell:
        wait_for_window(display_env, "Notepad", timeout=60)
        first = app_process_of(shell)
        type_into_box(display_env, "first", saved_in=note)
        yield shell, first, note


@pytest.mark.gui
def test_a_killed_app_process_is_shown_in_the_window_and_restarts_with_nothing_lost(
        display_env, tmp_path, home, artifacts_dir):
    with notepad_running(display_env, tmp_path, home) as (shell, first, note):
        first.send_signal(signal.SIGKILL)  # the app dies; the window must not
        banner = wait_for_color(display_env, BANNER_RED, min_pixels=2000, timeout=15)
        banner.save(artifacts_dir / "app-process-stopped.png")
        keys(display_env, "mousemove", "400", "300", "click", "1")
        keys(display_env, "key", "ctrl+End")
        keys(display_env, "type", "--delay", "30", " second")  # typed while the app is down: kept in the page
        click_restart(display_env, screenshot(display_env))
        wait_for(lambda: note.read_text() == "first second", timeout=30)  # saved once the app is back
        second = app_process_of(shell)
        assert second.pid != first.pid and shell.poll() is None
        screenshot(display_env).save(artifacts_dir / "app-process-restarted.png")
    log = (tmp_path / "d" / "logs" / "app.log").read_text()
    assert "ended by itself: killed by SIGKILL" in log and "restarting the app process, as the user asked" in log


@pytest.mark.gui
def test_an_app_that_stops_answering_is_shown_in_the_window_and_restarts(display_env, tmp_path, home, artifacts_dir):
    with notepad_running(display_env, tmp_path, home) as (shell, first, note):
        first.suspend()  # alive, answering nothing (as when a C extension holds the interpreter)
        wait_for_color(display_env, BANNER_RED, min_pixels=2000, timeout=60)
        first.resume()  # it answers again: the banner goes by itself
        log_file = tmp_path / "d" / "logs" / "app.log"
        wait_for(lambda: count_color(screenshot(display_env), BANNER_RED) < 100, timeout=30,
                 seen=lambda: "the banner stayed; the end of the log:\n" + "\n".join(
                     log_file.read_text().splitlines()[-15:]))
        type_into_box(display_env, "second", saved_in=note)

        first.suspend()  # and again, for good this time: the user restarts it
        banner = wait_for_color(display_env, BANNER_RED, min_pixels=2000, timeout=60)
        banner.save(artifacts_dir / "app-process-hung.png")
        click_restart(display_env, banner)
        wait_for(lambda: not first.is_running() or first.status() == psutil.STATUS_ZOMBIE, timeout=30)
        wait_for(lambda: app_process_of(shell).pid != first.pid, timeout=30)
        type_into_box(display_env, "back", saved_in=note)  # the new app process saves
        assert shell.poll() is None
    log = (tmp_path / "d" / "logs" / "app.log").read_text()
    assert "is not responding: no answer for" in log and "the app process answers again" in log
    assert "restarting the app process, as the user asked" in log


@contextlib.contextmanager
def minimal_app_running(display_env: dict, tmp_path: Path, home: Path):
    """A minimal project's app, its window shown; yields the window process, its app process and port."""
    project = make_project(tmp_path / "minimal", "Minimal", "sample_apps:create_minimal_app")
    data = tmp_path / "d"
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(data)]
    with running(command, env=project_env(display_env, home), cwd=project) as shell:
        wait_for_window(display_env, "Minimal", timeout=60)
        yield shell, app_process_of(shell), port_from_log(data / "logs" / "app.log", timeout=10)


@pytest.mark.gui
def test_closing_the_window_ends_both_processes_and_closes_the_port(display_env, tmp_path, home):
    with minimal_app_running(display_env, tmp_path, home) as (shell, app_process, port):
        family = [psutil.Process(shell.pid), app_process]
        shell.send_signal(signal.SIGTERM)  # as the session manager closes it (the close button does the same)
        assert shell.wait(15) == 0
        wait_for(lambda: not alive(family), timeout=5)
        assert port_is_closed(port)


@pytest.mark.gui
def test_a_killed_window_process_takes_its_app_process_with_it(display_env, tmp_path, home):
    with minimal_app_running(display_env, tmp_path, home) as (shell, orphan, port):
        shell.kill()  # no clean-up ran: the app process notices its channel closing
        shell.wait(10)
        wait_for(lambda: not alive([orphan]), timeout=10)
        assert port_is_closed(port)


def test_how_the_app_process_ended_is_said_plainly():
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(3) == "exit code 3"


def test_the_window_gets_no_opener_policy_and_everything_else_as_the_app_sent_it():
    """In the window COOP isolates nothing and costs a second web process (~150 ms) at the first page."""
    from flask import Flask
    from werkzeug.test import Client

    from desktop.appprocess_main import without_opener_policy

    app = Flask(__name__)

    @app.get("/")
    def index():
        return "hi", {"Cross-Origin-Opener-Policy": "same-origin", "Content-Security-Policy": "default-src 'self'"}

    response = Client(without_opener_policy(app)).get("/")
    assert response.status_code == 200 and response.get_data(as_text=True) == "hi"
    assert "Cross-Origin-Opener-Policy" not in response.headers
    assert response.headers["Content-Security-Policy"] == "default-src 'self'"
