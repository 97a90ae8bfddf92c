"""App links (scheme://...): which arguments are links, which pages they show, what is refused."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from flask import Flask

from desktop import applinks
from desktop.errors import ConfigError, FileOpenError
from desktop.kit import KitSettings, parse_kit_settings
from desktop.launch import AppLaunch
from tests.desktop.test_hosted_project import make_project, project_env
from tests.desktop.test_single_instance import second_launch
from tests.support.processes import running, wait_for, wait_for_exit
from tests.support.screen import wait_for_window


@pytest.mark.parametrize(("argument", "link"), [
    ("notes://note/1", True), ("file:///home/ana/a.md", True), ("C:\\Users\\ana\\a.md", False),
    ("a.md", False), ("./notes:draft.md", False),
])
def test_links_are_told_from_paths(argument, link):
    assert applinks.is_link(argument) is link


def test_a_file_url_is_a_file():
    """Desktop entries with %U pass files as file:// URLs."""
    assert applinks.as_file("file:///home/ana/My%20notes.md") == Path("/home/ana/My notes.md")
    assert applinks.as_file("file://otherhost/a.md") is None and applinks.as_file("notes://x") is None


@pytest.mark.parametrize(("link", "path"), [
    ("notes://note/42", "/note/42"), ("notes://search?q=tram+28", "/search?q=tram+28"), ("NOTES://", "/"),
    ("notes:///note/42", "/note/42"),
])
def test_a_link_is_a_page_of_the_app(link, path):
    assert applinks.checked_path(applinks.default_path(link, "notes"), link) == path


@pytest.mark.parametrize("link", [
    "notes://__desktop__/session?token=x",  # the shell's own pages: never
    "other://note/1", "https://example.com/", "notes://" + "a" * 3000,
])
def test_links_that_lead_elsewhere_are_refused(link):
    with pytest.raises(FileOpenError, match="Refused"):
        applinks.checked_path(applinks.default_path(link, "notes"), link)


@pytest.mark.parametrize("scheme", ["http", "file", "mailto", "Notes", "n", "no spaces"])
def test_an_app_cannot_claim_a_scheme_of_the_system(scheme):
    with pytest.raises(ConfigError, match="url_scheme"):
        parse_kit_settings({"tool": {"desktop": {"name": "Notes", "url_scheme": scheme}}})


def test_the_apps_hook_maps_or_refuses_each_link(tmp_path, monkeypatch):
    app = Flask(__name__)
    app.add_url_rule("/notes/<int:number>", "note", lambda number: "")
    module = type(sys)("link_hook")

    def open_link(link):
        if link.endswith("/evil"):
            return "https://example.com/"
        if "/note/" not in link:
            raise ValueError("links look like notes://note/N")
        from flask import url_for

        return url_for("note", number=int(link.rsplit("/", 1)[1]))

    module.open_link = open_link
    monkeypatch.setitem(sys.modules, "link_hook", module)
    launch = AppLaunch(KitSettings(name="Notes", url_scheme="notes", open_link="link_hook:open_link"),
                       None, "", {}, None)
    launch.app = app
    assert launch.open_link("notes://note/7") == "/notes/7"
    with pytest.raises(FileOpenError, match="links look like"):
        launch.open_link("notes://settings")
    with pytest.raises(FileOpenError, match="does not lead to a page of the app"):
        launch.open_link("notes://note/evil")


@pytest.mark.gui
def test_a_link_opened_elsewhere_shows_its_page_in_the_running_window(display_env, tmp_path, home):
    project = make_project(tmp_path / "linked", "Linked", "sample_apps:create_menu_app", 'url_scheme = "linked"\n')
    args = ["run", "--data-dir", str(tmp_path / "d")]
    env = project_env(display_env, home)
    with running([sys.executable, "-m", "desktop", *args], env=env, cwd=project) as first:
        wait_for_window(display_env, "First", timeout=60)
        code, output, _ = second_launch([*args, "linked://second"], env, project)
        assert code == 0, output
        wait_for_window(display_env, "Second", timeout=30)
        for refused in ("linked://__desktop__/session?token=x", "mailto:ana@example.com"):
            assert second_launch([*args, refused], env, project)[0] == 0  # handed over, then refused there
        log = tmp_path / "d" / "logs" / "app.log"
        wait_for(lambda: log.read_text().count("Refused") == 2, timeout=15)  # said in the window, and logged
        first.send_signal(signal.SIGTERM)
        assert wait_for_exit(first, timeout=10)[0] == 0


def test_only_regular_files_reach_the_apps_hook(tmp_path, monkeypatch):
    """Issue 26: a FIFO named .md blocked the app's read for 30 s; a folder or a device is no file either."""
    import os

    module = type(sys)("file_hook")
    module.open_file = lambda path: "/opened"
    monkeypatch.setitem(sys.modules, "file_hook", module)
    launch = AppLaunch(KitSettings(name="Notes", open_file="file_hook:open_file"), None, "", {}, None)
    launch.app = Flask(__name__)
    fifo = tmp_path / "note.md"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path, Path("/dev/zero")):
        with pytest.raises(FileOpenError, match="it is not a file"):
            launch.open_file(path)
    with pytest.raises(FileOpenError, match="No such file"):
        launch.open_file(tmp_path / "gone.md")
    (tmp_path / "real.md").write_text("words")
    assert launch.open_file(tmp_path / "real.md") == "/opened"
