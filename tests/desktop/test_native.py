"""desktop.native: what a Flask app asks of the desktop (notifications), in the window and out of it."""

from __future__ import annotations

import logging
import signal
import sys

import pytest
from flask import Flask

from desktop import native
from tests.conftest import need
from tests.desktop.test_hosted_project import make_project, project_env
from tests.support.dbus import click_notification, dbus_tools_missing, notification_server, notifications, session_bus
from tests.support.processes import running, wait_for_exit
from tests.support.screen import wait_for_window, window_titles


def test_outside_the_window_every_call_is_a_logged_no_op(caplog):
    app = Flask(__name__)
    caplog.set_level(logging.INFO, logger="desktop.native")
    with app.app_context():
        assert not native.available()
        assert native.notify("Import finished", "12 notes", url="/notes") is False
    assert native.notify("No app context at all") is False
    assert "not in the desktop window" in caplog.text


def test_a_notification_opens_only_the_apps_own_pages():
    with pytest.raises(ValueError, match="a path of the app"):
        native.notify("Phish", url="https://example.com/login")
    with pytest.raises(ValueError, match="a path of the app"):
        native.notify("Phish", url="//example.com/login")


@pytest.mark.gui
def test_a_notification_reaches_the_desktop_and_its_click_shows_the_page(display_env, tmp_path, home):
    need(dbus_tools_missing() is None, dbus_tools_missing() or "")
    project = make_project(tmp_path / "notifying", "Notifying", "sample_apps:create_notifying_app")
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(tmp_path / "d")]
    calls = tmp_path / "notifications.jsonl"
    with session_bus() as address, notification_server(address, calls):
        env = {**project_env(display_env, home), "DBUS_SESSION_BUS_ADDRESS": address}
        with running(command, env=env, cwd=project) as proc:
            wait_for_window(display_env, "Notified True", timeout=60)
            [shown] = notifications(calls)
            assert (shown["app_name"], shown["summary"], shown["body"]) == ("Notifying", "Import finished",
                                                                           "12 notes imported")
            assert "default" in shown["actions"]  # its body is clickable
            click_notification(address, shown["id"])
            wait_for_window(display_env, "Second", timeout=15)  # the window came forward at its page
            proc.send_signal(signal.SIGTERM)
            code, _, err = wait_for_exit(proc, timeout=10)
    assert code == 0, err
    log = (tmp_path / "d" / "logs" / "app.log").read_text()
    assert "notification shown: Import finished" in log and "notification clicked" in log


def test_a_notification_for_when_the_user_is_away_waits_for_the_window_to_lose_the_focus():
    from desktop.bridge import NativeBridge
    from desktop.kit import KitSettings

    class Window:
        active = True

        def is_active(self):
            return self.active

    sent = []
    bridge = NativeBridge(Window(), KitSettings(name="Notes", factory="x:y"))
    bridge.notifier.send = lambda title, body, on_clicked=None: sent.append(title) or True
    assert bridge.notify("Import finished", "", url=None, only_when_away=True) is False
    assert bridge.notify("Reminder", "", url=None) is True  # the default: always
    bridge.window.active = False
    assert bridge.notify("Import finished", "", url=None, only_when_away=True) is True
    assert sent == ["Reminder", "Import finished"]


def test_outside_the_window_a_dialog_chooses_nothing(caplog):
    app = Flask(__name__)
    caplog.set_level(logging.INFO, logger="desktop.native")
    with app.app_context():
        assert native.open_dialog("save", save_name="x.txt") == []
    with pytest.raises(ValueError, match="'open', 'save' or 'folder'"):
        native.open_dialog("delete")
    assert "no dialog is shown" in caplog.text


@pytest.mark.gui
def test_the_server_asks_the_user_where_to_save_with_the_systems_dialog(display_env, tmp_path, home, artifacts_dir):
    import subprocess

    from tests.support.screen import screenshot

    project = make_project(tmp_path / "dialog", "Dialog", "sample_apps:create_dialog_app")
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(tmp_path / "d")]
    target = home / "my-report.txt"  # the dialog opens in the home folder: the test types a name only
    with running(command, env=project_env(display_env, home), cwd=project) as proc:
        wait_for_window(display_env, "Save file", timeout=60)  # GTK's own save dialog, over the window
        screenshot(display_env).save(artifacts_dir / "native-save-dialog.png")
        # Keyboard focus follows the pointer without a window manager: into the dialog's name field.
        # Keys typed before the dialog has the focus are lost: type the name again if it is still up.
        # (A name, not a path: the path's completion popup can swallow a key.)
        for _attempt in range(3):
            for args in (["mousemove", "640", "400"], ["key", "ctrl+a"], ["type", "--delay", "20", target.name],
                         ["key", "Return"]):
                subprocess.run(["xdotool", *args], env=display_env, check=True, timeout=30)
            try:
                wait_for_window(display_env, "Saved my-report.txt", timeout=5)
                break
            except AssertionError:
                assert "Save file" in window_titles(display_env)  # still asking: the keys went elsewhere
        wait_for_window(display_env, "Saved my-report.txt", timeout=15)
        proc.send_signal(signal.SIGTERM)
        code, _, err = wait_for_exit(proc, timeout=10)
    assert code == 0, err
    assert target.read_text() == "report for 127.0.0.1\n"  # written by the server, where the user chose
