"""The menu bar: what the settings may say, what the user sees, and what each item does."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

from desktop import platforms
from desktop.errors import ConfigError
from desktop.kit import parse_kit_settings
from desktop.menus import MenuItem, gtk_accelerator, menu_bar, parse_menu
from desktop.windowmenu import MenuCommands
from tests.desktop.test_hosted_project import make_project, project_env
from tests.support.processes import running, wait_for, wait_for_exit
from tests.support.screen import screenshot, wait_for_window, window_is_shown

MENU = """
[tool.desktop.menu]
Go = [
  { label = "Second page", url = "/second" },
  { label = "Third page", url = "/third", accelerator = "CmdOrCtrl+Shift+G" },
  { separator = true },
  { label = "Ping", action = "ping" },
]
"""


def test_the_apps_items_join_the_standard_menus():
    own = parse_menu({"File": [{"label": "New note", "url": "/notes/new", "accelerator": "CmdOrCtrl+N"}],
                      "Go": [{"label": "Home", "url": "/"}]})
    bar = menu_bar("Notes", own)
    assert [menu.title for menu in bar] == ["File", "Edit", "View", "Go", "Help"]
    assert [item.label for item in bar[0].items] == ["New note", "", "Quit"]
    assert [item.role for item in bar[1].items if item.role] == ["undo", "redo", "cut", "copy", "paste", "select-all"]
    assert bar[-1].items[-1].label == "About Notes"


def test_a_system_shows_only_the_roles_it_can_play():
    bar = menu_bar("Notes", {}, roles={"quit", "about", "logs"})
    assert [menu.title for menu in bar] == ["File", "Help"]  # no Edit or View left: their roles stay with the page


def test_edit_keys_stay_with_the_page_but_show_in_the_menu():
    undo = menu_bar("Notes", {})[1].items[0]
    assert undo.accelerator == "CmdOrCtrl+Z" and not undo.binds_key
    assert MenuItem(label="New", url="/new", accelerator="CmdOrCtrl+N").binds_key


@pytest.mark.parametrize(("accelerator", "gtk"), [
    ("CmdOrCtrl+N", "<Control>n"), ("CmdOrCtrl+Shift+P", "<Control><Shift>p"), ("Alt+F4", "<Alt>F4"),
    ("CmdOrCtrl+Plus", "<Control>plus"), ("CmdOrCtrl+Comma", "<Control>comma"), ("F11", "F11"),
])
def test_accelerators_are_written_once_for_every_system(accelerator, gtk):
    assert gtk_accelerator(accelerator) == gtk


@pytest.mark.parametrize(("item", "message"), [
    ({"label": "Out", "url": "https://example.com/"}, "a path of the app"),
    ({"label": "Out", "url": "//example.com/x"}, "a path of the app"),
    ({"label": "Both", "url": "/a", "action": "b"}, "exactly one of url, action or role"),
    ({"label": "None"}, "exactly one of url, action or role"),
    ({"label": "Odd", "role": "format-disk"}, "unknown role"),
    ({"label": "Script", "action": "x'); alert(1); ('"}, "action"),
    ({"label": "Key", "url": "/a", "accelerator": "CmdOrCtrl+Hyper+K"}, "unknown modifier"),
    ({"label": "Key", "url": "/a", "accelerator": "K"}, "a letter alone"),
    ({"label": "Typo", "ulr": "/a"}, "unknown key"),
])
def test_wrong_menu_items_are_refused_when_the_settings_are_read(item, message):
    with pytest.raises(ConfigError, match=message):
        parse_kit_settings({"tool": {"desktop": {"name": "Notes", "menu": {"Go": [item]}}}})


class FakeWindow:
    hidden = False

    def __init__(self, own_page: bool = True) -> None:
        self.own_page, self.calls, self.native_window = own_page, [], object()
        self.loaded = type("Loaded", (), {"is_set": lambda self: True})()

    def go_to(self, path):
        self.calls.append(("go_to", path))

    def shows_own_page(self):
        return self.own_page

    def run_js(self, script):
        self.calls.append(("run_js", script))

    def close(self):
        self.calls.append(("close",))

    def flush_page(self):
        self.calls.append(("flush",))


def test_each_item_does_what_it_says(monkeypatch):
    from desktop.kit import KitSettings

    played = []
    monkeypatch.setattr(platforms.current(), "perform_role", lambda window, role: played.append(role) or True)
    window = FakeWindow()
    commands = MenuCommands(window, KitSettings(name="Notes", factory="x:y"), None)
    commands(MenuItem(label="Second", url="/second"))
    commands(MenuItem(label="Ping", action="ping"))
    commands(MenuItem(label="Quit", role="quit"))
    commands(MenuItem(label="Copy", role="copy"))
    commands(MenuItem(label="Reload", role="reload"))
    assert window.calls == [("go_to", "/second"), ("run_js", "window.dispatchEvent(new CustomEvent('desktop:action', "
                                                            "{detail: {action: \"ping\"}}))"),
                            ("close",), ("flush",)]
    assert played == ["copy", "reload"]  # what was typed is saved before a reload


def test_a_page_of_another_site_hears_no_action():
    from desktop.kit import KitSettings

    window = FakeWindow(own_page=False)
    MenuCommands(window, KitSettings(name="Notes", factory="x:y"), None)(MenuItem(label="Ping", action="ping"))
    assert window.calls == []


@pytest.mark.gui
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_menu_bar_and_its_keys_drive_the_window(display_env, tmp_path, home, artifacts_dir, theme):
    project = make_project(tmp_path / "menus", "Menus", "sample_apps:create_menu_app", MENU)
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(tmp_path / "d")]

    def keys(*args: str) -> None:
        subprocess.run(["xdotool", *args], env=display_env, check=True, timeout=30)

    env = project_env(display_env, home)
    if theme == "dark":
        env["GTK_THEME"] = "Adwaita:dark"
    with running(command, env=env, cwd=project) as proc:
        wait_for_window(display_env, "First", timeout=60)
        keys("mousemove", "640", "400")  # keyboard focus follows the pointer without a window manager
        keys("key", "F10")  # the menu bar, from the keyboard: File, Edit, View, Go
        for _ in range(3):
            keys("key", "Right")
        screenshot(display_env).save(artifacts_dir / f"menu-bar-go-{theme}.png")
        keys("key", "Down", "Return")  # Go > Second page
        wait_for_window(display_env, "Second", timeout=15)
        keys("key", "ctrl+shift+g")  # Go > Third page, by its accelerator
        wait_for_window(display_env, "Third", timeout=15)
        keys("key", "F10")
        for key in ("Right", "Right", "Right", "Up", "Return"):  # Go > Ping (the last item)
            keys("key", key)
        wait_for_window(display_env, "heard ping", timeout=15)
        keys("key", "F10")
        for key in ("Left", "Up", "Return"):  # Help (the last menu) > About Menus (its last item)
            keys("key", key)
        wait_for_window(display_env, "About Menus", timeout=15)
        screenshot(display_env).save(artifacts_dir / f"menu-about-{theme}.png")
        keys("key", "Escape")
        proc.send_signal(signal.SIGTERM)
        code, _, err = wait_for_exit(proc, timeout=10)
    assert code == 0, err


TRAY = """
[tool.desktop.tray]
close_to_tray = true
items = [{ label = "Third page", url = "/third" }]
"""


def test_the_tray_menu_shows_hides_acts_and_quits():
    from desktop.menus import parse_tray

    tray = parse_tray({"close_to_tray": True, "items": [{"label": "New note", "url": "/notes/new"}]})
    labels = [item.label for item in tray.menu("Notes") if not item.separator]
    assert labels == ["Show or hide Notes", "New note", "Quit"] and tray.close_to_tray
    assert parse_tray({"enabled": False}) is None and parse_tray({}) is None
    with pytest.raises(ConfigError, match="close_to_tray"):
        parse_tray({"close_to_tray": "yes"})


@pytest.mark.gui
def test_the_tray_icon_registers_with_the_desktop_and_its_menu_drives_the_app(display_env, tmp_path, home):
    from tests.conftest import need
    from tests.support.dbus import click_tray_item, dbus_tools_missing, session_bus, tray_host, tray_menu

    need(dbus_tools_missing() is None, dbus_tools_missing() or "")
    project = make_project(tmp_path / "tray", "Tray", "sample_apps:create_menu_app", TRAY)
    command = [sys.executable, "-m", "desktop", "run", "--data-dir", str(tmp_path / "d")]
    items_file = tmp_path / "tray.jsonl"
    with session_bus() as address, tray_host(address, items_file):
        env = {**project_env(display_env, home), "DBUS_SESSION_BUS_ADDRESS": address}
        with running(command, env=env, cwd=project) as proc:
            wait_for_window(display_env, "First", timeout=60)
            try:
                wait_for(lambda: items_file.exists() and items_file.read_text().strip(), timeout=15)
            except AssertionError:  # seen once on a fresh root: say what the shell did meanwhile
                log = tmp_path / "d" / "logs" / "app.log"
                raise AssertionError("no tray icon registered; the app's log:\n"
                                     + (log.read_text() if log.exists() else "(none)")) from None
            item = json.loads(items_file.read_text().splitlines()[0])
            menu = tray_menu(address, item)
            assert {"Show or hide Tray", "Third page", "Quit"} <= set(menu), menu
            click_tray_item(address, item, menu, "Third page")
            wait_for_window(display_env, "Third", timeout=15)
            click_tray_item(address, item, menu, "Show or hide Tray")
            wait_for(lambda: not window_is_shown(display_env, "Third"), timeout=15)  # hidden in the tray
            click_tray_item(address, item, menu, "Show or hide Tray")
            wait_for(lambda: window_is_shown(display_env, "Third"), timeout=15)
            click_tray_item(address, item, menu, "Quit")
            code, _, err = wait_for_exit(proc, timeout=15)
    assert code == 0, err
