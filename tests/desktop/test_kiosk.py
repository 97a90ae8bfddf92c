"""Kiosk mode: the app alone on the screen; leaving it takes the exit keys and the operator's exit PIN."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading

import pytest

from desktop import kiosk
from desktop.config import ConfigFileError, KioskConfig, parse_instance_config
from desktop.kiosk import EXIT_PATH, KioskExit, KioskGate, KioskSupervisor
from desktop.kioskpin import hash_pin, store_pin_hash, verify_pin
from tests.support.processes import running_shell, shell_env, wait_for, wait_for_exit
from tests.support.screen import (
    screenshot,
    wait_for_color,
    wait_for_geometry,
    wait_for_window,
)

ERROR_RED = (176, 0, 32)  # the exit page's error message


PIN_HASH = hash_pin("1234")


def call(middleware, method: str = "GET", path: str = EXIT_PATH, body: bytes = b"", accept: str = "") -> tuple[str, str]:
    seen = {}
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), "HTTP_ACCEPT": accept}
    out = b"".join(middleware(environ, lambda status, headers: seen.update(status=status)))
    return seen["status"], out.decode()


@pytest.fixture
def exits():
    return threading.Event()


@pytest.fixture
def exit_page(exits, monkeypatch):
    monkeypatch.setattr(kiosk.time, "sleep", lambda seconds: None)  # the brute-force brake
    app = lambda environ, start: (start("200 OK", []), [b"the app"])[1]  # noqa: E731
    return KioskExit(app, exit_pin=PIN_HASH, on_exit=exits.set, app_name="Inkwell")


def test_the_exit_page_asks_for_the_pin(exit_page):
    status, body = call(exit_page)
    assert status == "200 OK" and "Leave kiosk mode" in body and 'type=password name=pin' in body


def test_a_wrong_pin_keeps_the_kiosk(exit_page, exits):
    status, body = call(exit_page, "POST", body=b"pin=1111")
    assert status == "403 Forbidden" and "That is not the exit PIN." in body
    assert not exits.wait(0.2)


def test_the_pin_leaves_kiosk_mode(exit_page, exits):
    status, body = call(exit_page, "POST", body=b"pin=1234")
    assert status == "200 OK" and "is closing" in body
    assert exits.wait(5)


def test_wrong_guesses_are_slowed_down(exits, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(kiosk.time, "sleep", pauses.append)
    page = KioskExit(lambda e, s: [], exit_pin=PIN_HASH, on_exit=exits.set, app_name="Inkwell")
    for _ in range(7):
        call(page, "POST", body=b"pin=guess")
    assert pauses == [1, 2, 3, 4, 5, 5, 5]


def test_other_paths_go_to_the_app(exit_page):
    assert call(exit_page, path="/notes")[1] == "the app"


def test_the_pages_an_app_hides_are_not_available_at_a_kiosk():
    app = lambda environ, start: (start("200 OK", []), [b"the app"])[1]  # noqa: E731
    gate = KioskGate(app, hidden=["/settings", "/trash/empty"], app_name="Inkwell")
    for path in ("/settings", "/settings/", "/settings/lock", "/trash/empty"):
        status, body = call(gate, path=path)
        assert status == "403 Forbidden" and "not available at this kiosk" in body
    assert call(gate, path="/settings/lock", accept="application/json")[1].startswith('{"error"')
    for path in ("/", "/notes", "/settingsx", "/trash"):
        assert call(gate, path=path) == ("200 OK", "the app")


def test_the_exit_pin_is_kept_hashed_in_config_toml(tmp_path):
    from desktop.config import load_instance_config

    config_file = tmp_path / "config.toml"
    load_instance_config(config_file, "Inkwell")  # the commented default
    store_pin_hash(config_file, hash_pin("2468"))
    stored = load_instance_config(config_file, "Inkwell").kiosk.exit_pin
    assert "2468" not in config_file.read_text() and verify_pin("2468", stored) and not verify_pin("1357", stored)
    store_pin_hash(config_file, hash_pin("1357"))  # changed: one PIN, the newest
    assert verify_pin("1357", load_instance_config(config_file, "Inkwell").kiosk.exit_pin)
    assert "# Kiosk mode" in config_file.read_text()  # the user's comments stay


def test_kiosk_settings_are_checked():
    text = '[kiosk]\nenabled = true\nhome = "/notes"\nidle_minutes = 2\n'
    assert parse_instance_config(text.encode()).kiosk == KioskConfig(enabled=True, home="/notes", idle_minutes=2)
    for bad in ('home = "https://evil.example/"', "idle_minutes = -1", "enabled = 1", 'exit_keys = ""', "colour = 1",
                'exit_pin = "1234"', 'allow = "/settings"'):
        with pytest.raises(ConfigFileError, match=r"\[kiosk\]"):
            parse_instance_config(f"[kiosk]\n{bad}\n".encode())


class FakeWindow:
    """What the supervisor drives: a window whose page can hang."""

    def __init__(self, url: str) -> None:
        self.closed = threading.Event()
        self.url = url
        self.hung = False
        self.shown: list[str] = []

    def run_js(self, script):
        if self.hung:
            self.closed.wait()  # never answers
        return 2

    def current_url(self):
        return self.url

    def show_path(self, path):
        self.shown.append(path)
        self.url, self.hung = "http://127.0.0.1:1/" + path.lstrip("/"), False



@pytest.fixture
def fast_supervisor(monkeypatch):
    monkeypatch.setattr(kiosk, "CHECK_SECONDS", 0.05)
    monkeypatch.setattr(kiosk, "HEARTBEAT_TIMEOUT", 0.1)


def test_an_idle_kiosk_goes_back_home(fast_supervisor, monkeypatch):
    window = FakeWindow("http://127.0.0.1:1/notes/7")
    supervisor = KioskSupervisor(window, KioskConfig(enabled=True, home="/", idle_minutes=1))
    monkeypatch.setattr(supervisor, "_idle_for", lambda: 61)
    supervisor.start()
    wait_for(lambda: window.shown == ["/"])
    window.closed.set()


def test_a_page_that_stops_answering_is_reloaded(fast_supervisor):
    window = FakeWindow("http://127.0.0.1:1/notes/7")
    window.hung = True
    KioskSupervisor(window, KioskConfig(enabled=True, home="/notes", idle_minutes=0)).start()
    wait_for(lambda: window.shown == ["/notes"])
    window.closed.set()


def set_exit_pin(data, env, cwd, pin: str) -> None:
    result = subprocess.run([sys.executable, "-m", "desktop", "--set-kiosk-pin", "--data-dir", str(data)],
                            input=pin + "\n", env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "exit PIN is set" in result.stdout, result.stderr


def test_a_kiosk_without_an_exit_pin_refuses_to_start(tmp_path, home, workdir):
    result = subprocess.run([sys.executable, "-m", "desktop", "--kiosk", "--self-test", "--data-dir", str(tmp_path)],
                            env=shell_env(os.environ, home), cwd=workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 64
    assert "kiosk mode needs an exit PIN: set one with `inkwell --set-kiosk-pin`" in result.stderr


@pytest.mark.gui
def test_kiosk_self_test_checks_the_hidden_pages_are_refused(display_env, tmp_path, home, workdir):
    data, env = tmp_path / "d", shell_env(display_env, home)
    set_exit_pin(data, env, workdir, "2468")
    result = subprocess.run([sys.executable, "-m", "desktop", "--kiosk", "--self-test", "--data-dir", str(data)],
                            env=env, cwd=workdir, capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0 and report["ok"], result.stderr
    assert report["kiosk"]["hidden"] == {"/settings": 403, "/transfer": 403, "/trash/empty": 403, "/recovery": 403}


@pytest.mark.gui
def test_kiosk_fills_the_screen_ignores_close_keys_and_leaves_only_with_the_exit_pin(
        display_env, tmp_path, home, workdir, artifacts_dir):
    from webapp import create_app
    from webapp.extensions import db
    from webapp.services import lock

    data = tmp_path / "d"
    app = create_app({"SECRET_KEY": "test"}, instance_path=str(data / "data"))
    with app.test_request_context():
        lock.set_password("1234", idle=0)  # the app's own lock: someone at the kiosk may know or change it
        db.engine.dispose()
    set_exit_pin(data, shell_env(display_env, home), workdir, "2468")

    def keys(*args: str) -> None:
        subprocess.run(["xdotool", *args], env=display_env, check=True, timeout=30)

    with running_shell(["--kiosk", "--data-dir", str(data)], env=shell_env(display_env, home), cwd=workdir) as proc:
        wait_for_window(display_env, "Locked · Inkwell", timeout=60)  # the app asks for its password first
        wait_for_geometry(display_env, "Locked · Inkwell", (0, 0, 1280, 800), timeout=10)  # all of Xvfb's screen
        screenshot(display_env).save(artifacts_dir / "kiosk-start.png")
        keys("mousemove", "640", "400")  # keyboard focus follows the pointer without a window manager
        keys("key", "ctrl+w", "ctrl+q", "ctrl+r", "F5")
        keys("key", "ctrl+shift+q")
        wait_for_window(display_env, "Leave kiosk mode", timeout=10)
        assert proc.poll() is None  # none of the close keys did anything
        keys("type", "1234")  # the app-lock password is not the way out
        keys("key", "Return")
        log_file = data / "logs" / "app.log"
        # The page says so, in red, once the (deliberately slow) answer arrives.
        wait_for_color(display_env, ERROR_RED, min_pixels=100, timeout=15).save(
            artifacts_dir / "kiosk-exit-wrong-pin.png")
        assert "a wrong PIN to leave (1 in a row)" in log_file.read_text()
        assert proc.poll() is None
        keys("type", "2468")
        keys("key", "Return")
        code, _, err = wait_for_exit(proc, timeout=15)
    assert code == 0, err
    assert "the exit PIN was given; leaving" in log_file.read_text()


def test_kiosk_mode_is_refused_where_its_input_is_not_wired(tmp_path, monkeypatch):
    """Windows and macOS: no blocked keys, no exit keys, no activity: a kiosk with no way out (issue 14, item 3)."""
    from desktop import app, platforms
    from desktop.config import KioskConfig
    from desktop.errors import UsageError
    from desktop.kit import KitSettings
    from desktop.paths import resolve_paths

    monkeypatch.setattr(platforms.current(), "KIOSK", False)
    kiosk = KioskConfig(enabled=True, exit_pin="hashed")
    with pytest.raises(UsageError, match="kiosk mode is not available on .* yet"):
        app._kiosk_flask_config(KitSettings(name="Notes", factory="x:y"), kiosk, resolve_paths("Notes", tmp_path))
