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
from desktop.kiosk import EXIT_PATH, KioskExit, KioskSupervisor
from desktop.kioskgate import KioskGate, unusual_spelling
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
    assert pauses == [1, 2, 3, 4, 5, 5]  # before each guess after a wrong one
    call(page, "POST", body=b"pin=1234")
    assert pauses[-1] == 5 and exits.wait(5)  # the right PIN waits its turn too


def test_guesses_sent_at_once_wait_for_each_other(exits, monkeypatch):
    """Parallel guesses don't each sleep on a thread of their own: the brake adds up."""
    import time

    monkeypatch.setattr(kiosk, "verify_pin", lambda pin, stored: False)
    page = KioskExit(lambda e, s: [], exit_pin=PIN_HASH, on_exit=exits.set, app_name="Inkwell")
    call(page, "POST", body=b"pin=first")  # one wrong guess: the next waits 1 s
    started = time.monotonic()
    guesses = [threading.Thread(target=call, args=(page, "POST"), kwargs={"body": b"pin=guess"}) for _ in range(3)]
    for guess in guesses:
        guess.start()
    for guess in guesses:
        guess.join()
    assert time.monotonic() - started >= 1 + 2 + 3 - 0.1  # one after the other, each braked


def test_other_paths_go_to_the_app(exit_page):
    assert call(exit_page, path="/notes")[1] == "the app"


def hidden_gate(hidden=("/settings", "/trash/empty", "/notes/<int:note_id>/purge")):
    from flask import Flask

    from tests.desktop.sample_apps import create_kiosk_probe_app

    flask_app = create_kiosk_probe_app()
    flask_app.post("/trash/empty", endpoint="empty_trash")(lambda: "emptied")
    flask_app.get("/notes", endpoint="notes")(lambda: "the app")
    for path in ("/", "/settingsx", "/trash"):
        flask_app.get(path, endpoint=path)(lambda: "the app")
    assert isinstance(flask_app, Flask)
    return KioskGate(flask_app, hidden=list(hidden), app_name="Inkwell", flask_app=flask_app)


def raw_call(gate, target: str, method: str = "GET") -> str:
    """The gate's answer to a request line's target, as Werkzeug's server hands it over."""
    from werkzeug.test import EnvironBuilder

    path = target.split("?", 1)[0]
    if "://" in path:  # absolute form: Werkzeug takes the path and the host from it
        path = "/" + path.split("://", 1)[1].split("/", 1)[1]
    from urllib.parse import unquote

    environ = EnvironBuilder(method=method).get_environ()
    environ.update(PATH_INFO=unquote(path).encode().decode("latin-1"), REQUEST_URI=target, RAW_URI=target)
    seen = {}
    body = b"".join(gate(environ, lambda status, headers, exc_info=None: seen.update(status=status)))
    return f"{seen['status']}: {body.decode()}"


def test_the_pages_an_app_hides_are_not_available_at_a_kiosk():
    gate = hidden_gate()
    for path in ("/settings", "/settings/", "/settings/lock", "/trash/empty"):
        status, body = call(gate, path=path)
        assert status == "403 Forbidden" and "not available at this kiosk" in body
    assert call(gate, path="/settings/lock", accept="application/json")[1].startswith('{"error"')
    for path in ("/", "/notes", "/settingsx", "/trash"):
        assert raw_call(gate, path).startswith("200 OK"), path


@pytest.mark.parametrize("spelling", [s for s in __import__("tests.desktop.sample_apps", fromlist=["x"]).KIOSK_SPELLINGS])
def test_no_spelling_of_a_hidden_page_reaches_it(spelling):
    """Issue 26: decided on the route Flask dispatches to, and odd spellings refused outright."""
    method, target = spelling.split(" ")
    assert "SECRET-PAGE" not in raw_call(hidden_gate(), target, method), spelling


@pytest.mark.parametrize("target", ["http://127.0.0.1:5000//settings/", "http://127.0.0.1:5000/settings/",
                                    "//settings/", "/notes/1/purge?x=1", "/notes/0001/purge", "/%2Fnotes%2F1%2Fpurge"])
def test_absolute_targets_and_leading_zeros_reach_no_hidden_page(target):
    assert raw_call(hidden_gate(), target, "POST" if "purge" in target else "GET").startswith("403 Forbidden")


def test_plain_pages_and_what_url_for_builds_still_pass():
    gate = hidden_gate()
    for target in ("/", "/notes/1", "/notes/1?next=%2Fsettings%2F", "/file.txt"):
        assert raw_call(gate, target).startswith("200 OK"), target
    for target in ("/caf%C3%A9", "/100%25", "/a;b.txt"):  # not the app's pages, but spelled as links are
        assert raw_call(gate, target).startswith("404"), target


def test_what_a_kiosk_link_never_spells():
    assert unusual_spelling("/notes/1") is None and unusual_spelling("/caf%C3%A9?q=%2F") is None
    for target, reason in [("http://h/x", "names a server"), ("//x", "names a server"), ("/a//b", "empty segment"),
                           ("/a/%2e/b", "needs no escape"), ("/a/../b", ". or .."), ("/a\\b", "backslash"),
                           ("/a%0d%0aSet-Cookie:x", "control character"), ("/%41", "needs no escape")]:
        assert reason in (unusual_spelling(target) or ""), target


def test_the_app_learns_which_endpoints_a_kiosk_hides():
    from desktop.kioskgate import HiddenPages

    from tests.desktop.sample_apps import create_kiosk_probe_app

    pages = HiddenPages(["/settings", "/notes/<int:note_id>/purge"], create_kiosk_probe_app())
    assert pages.endpoints == {"settings", "tokens", "purge"}
    assert pages.hides("/notes/7/purge", "POST") and not pages.hides("/notes/7")


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
    assert report["kiosk"]["hidden"] == {"/settings": 403, "/transfer": 403, "/trash/empty": 403, "/recovery": 403,
                                         "/api": 403}


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


def kiosk_probe(tmp_path, home, display_env, *, downloads: str = ""):
    """The kiosk probe sample as a project of its own, its exit PIN set, its data folder's config."""
    from tests.desktop.test_hosted_project import make_project, project_env

    project = make_project(tmp_path / "probe", "Probe", "sample_apps:create_kiosk_probe_app",
                           'kiosk_hidden = ["/settings", "/notes/<int:note_id>/purge"]\n')
    data, env = tmp_path / "d", project_env(display_env, home)
    set_exit_pin(data, env, project, "2468")
    if downloads:
        config = data / "config" / "config.toml"
        config.write_text(config.read_text().replace('downloads = ""', f'downloads = "{downloads}"'))
    return project, data, env


def click(display_env, x: int, y: int) -> None:
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], env=display_env, check=True, timeout=30)


@pytest.mark.gui
def test_a_kiosk_window_reaches_no_hidden_page_and_no_file_dialog(display_env, tmp_path, home, artifacts_dir):
    """Issue 26: from inside the real kiosk window, every spelling of a hidden page is refused; the file
    chooser and downloads are refused (no dialog shows); a link to JSON leaves the window where it
    was; a link spelled with an encoded slash shows "not available here"."""
    from tests.desktop.sample_apps import KIOSK_SPELLINGS
    from tests.support.screen import window_titles

    project, data, env = kiosk_probe(tmp_path, home, display_env)
    log_file = data / "logs" / "app.log"
    with running_shell(["run", "--kiosk", "--data-dir", str(data)], env=env, cwd=project) as proc:
        wait_for_window(display_env, "Kiosk probed", timeout=60)
        report = json.loads((data / "data" / "kiosk-report.json").read_text())
        assert set(report) == {*KIOSK_SPELLINGS, "GET /notes/1 (shown)"}
        shown = {spelling: status for spelling, (status, secret) in report.items() if secret}
        assert shown == {} and report["GET /notes/1 (shown)"] == [200, False]
        titles = set(window_titles(display_env))
        click(display_env, 640, 100)  # the file input
        wait_for(lambda: "a page asked for the file chooser: refused" in log_file.read_text(), timeout=15)
        click(display_env, 640, 300)  # the download link
        wait_for(lambda: "a download was refused" in log_file.read_text(), timeout=15)
        assert set(window_titles(display_env)) <= titles  # no dialog opened
        click(display_env, 640, 700)  # /data.json: no page, so no way back from it
        wait_for(lambda: "a link to application/json (not a page) was not followed" in log_file.read_text(),
                 timeout=15)
        assert "Kiosk probed" in window_titles(display_env)
        click(display_env, 640, 500)  # /%2Fsettings/
        wait_for_window(display_env, "Not available here", timeout=15)
        screenshot(display_env).save(artifacts_dir / "kiosk-not-available.png")
        assert proc.poll() is None
    assert "refused '/%2Fsettings/'" in log_file.read_text()


@pytest.mark.gui
def test_a_kiosk_saves_downloads_into_its_folder_without_a_dialog(display_env, tmp_path, home):
    folder = tmp_path / "kiosk-downloads"
    project, data, env = kiosk_probe(tmp_path, home, display_env, downloads=str(folder))
    (folder).mkdir()
    (folder / "file.txt").write_text("an earlier download")
    with running_shell(["run", "--kiosk", "--data-dir", str(data)], env=env, cwd=project):
        wait_for_window(display_env, "Kiosk probed", timeout=60)
        click(display_env, 640, 300)
        wait_for(lambda: (folder / "file (2).txt").exists() and (folder / "file (2).txt").read_text() == "some text",
                 timeout=15)
    assert (folder / "file.txt").read_text() == "an earlier download"
