"""Never lose a keystroke: type in Inkwell's real window, close it at once, reopen: it is all there."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import running_shell, shell_env, wait_for, wait_for_exit
from tests.support.screen import wait_for_window

pytestmark = pytest.mark.gui
TYPED = "Closing mid-sentence keeps every word"


def bodies(data: Path) -> list[str]:
    with sqlite3.connect(data / "data" / "inkwell.sqlite3") as connection:
        return [row[0] for row in connection.execute("SELECT body FROM notes")]


@pytest.mark.parametrize("close_with", ["ctrl+q", "SIGTERM"])
def test_typing_survives_closing_the_window_at_once(close_with, display_env, tmp_path, home, workdir):
    data = tmp_path / "d"

    def keys(*args: str) -> None:
        subprocess.run(["xdotool", *args], env=display_env, check=True, timeout=30)

    with running_shell(["--data-dir", str(data)], env=shell_env(display_env, home), cwd=workdir) as proc:
        wait_for_window(display_env, "Notes · Inkwell", timeout=60)
        keys("mousemove", "640", "400")  # keyboard focus follows the pointer without a window manager
        keys("key", "ctrl+n")
        wait_for_window(display_env, "New note · Inkwell", timeout=15)
        keys("type", "--delay", "5", "Typed at once")  # the title field has the focus
        keys("key", "Tab", "Tab")  # tags, then the text
        keys("type", "--delay", "5", TYPED)
        # At once: well inside the autosave's delay (1.5 s after the last key).
        if close_with == "SIGTERM":
            proc.send_signal(signal.SIGTERM)
        else:
            keys("key", "ctrl+q")
        code, _, err = wait_for_exit(proc, timeout=15)
    assert code == 0, err
    try:
        wait_for(lambda: bodies(data) == [TYPED], timeout=5)
    except AssertionError:
        raise AssertionError(f"saved {bodies(data)!r}, typed {TYPED!r}") from None
    log = (data / "logs" / "app.log").read_text()
    assert "the page saved its edits" in log and " ERROR " not in log
