"""Linux: the flush before closing waits for every key typed (desktop/platforms/gtk_input.py)."""

from __future__ import annotations

import signal
import sys

import pytest

from tests.desktop.test_appprocess import keys, type_into_box
from tests.desktop.test_hosted_project import make_project, project_env
from tests.support.processes import running, wait_for_exit
from tests.support.screen import wait_for_window

pytestmark = pytest.mark.gui
TYPED = " and every word typed before the window closed is in the file, the last ones too"


def test_keys_typed_right_before_closing_reach_the_page_before_it_saves(display_env, tmp_path, home):
    """WebKit hands the page one key at a time and runs a script at once: without the wait the
    flush overtook the last keys of a burst (found by Inkwell's typing test under load)."""
    project = make_project(tmp_path / "notepad", "Notepad", "sample_apps:create_notepad_app")
    data = tmp_path / "d"
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(data), "--log-level", "DEBUG"]
    with running(command, env=project_env(display_env, home), cwd=project) as shell:
        wait_for_window(display_env, "Notepad", timeout=60)
        type_into_box(display_env, "first", saved_in=data / "data" / "note.txt")  # the box has the focus
        keys(display_env, "type", "--delay", "1", TYPED)  # a burst: the page gets it over ~100 ms or more
        shell.send_signal(signal.SIGTERM)  # at once: well inside the page's own 150 ms save delay
        code, _, err = wait_for_exit(shell, timeout=15)
    assert code == 0, err
    assert (data / "data" / "note.txt").read_text() == "first" + TYPED
    assert "keys typed" in (data / "logs" / "app.log").read_text()  # the flush waited for them


def test_modifier_keys_are_not_typing_keys():
    """Issue 27: PyGObject reads GdkEventKey's is_modifier as 0, so Ctrl of every Ctrl+Q counted as a
    key the page should have had, and each close waited 0.5 s for it."""
    from desktop.platforms.gtk_input import is_modifier

    for keyval in (0xFFE1, 0xFFE3, 0xFFE4, 0xFFE9, 0xFFEB, 0xFE03, 0xFF7F):  # Shift, Ctrl, Alt, Super, AltGr, NumLock
        assert is_modifier(keyval), hex(keyval)
    for keyval in (ord("a"), ord("Q"), 0xFF0D, 0xFF08, 0xFF1B):  # letters, Return, BackSpace, Escape
        assert not is_modifier(keyval), hex(keyval)
