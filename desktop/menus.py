"""The window's menu bar: the standard menus users expect, with the app's own items in them.

Declared in `[tool.desktop.menu]` (one key per menu, in order; each a list of items), or from
Python by the app (`app.config["DESKTOP_MENU"]`, same shape, read when the window opens):

    [tool.desktop.menu]
    File = [{ label = "New note", url = "/notes/new", accelerator = "CmdOrCtrl+N" }]
    View = [{ label = "Pinned notes", url = "/?pinned=1" },
            { label = "Toggle preview", action = "toggle-preview", accelerator = "CmdOrCtrl+Shift+P" }]

An item goes to a `url` of the app (the page saves its edits first), sends an `action` the page
receives as a `desktop:action` DOM event (`event.detail.action`), or plays a `role` the shell
knows (quit, undo, redo, cut, copy, paste, select-all, reload, zoom-in, zoom-out, zoom-reset,
about, logs). Nothing here can be reached by a web page: the menus come from the app's own
settings, targets are paths of the app, and actions go only to the app's own pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError
from .localurls import is_app_path

ROLES = {  # role: (default label, default accelerator)
    "quit": ("Quit", "CmdOrCtrl+Q"),
    "close": ("Close window", "CmdOrCtrl+W"),
    "undo": ("Undo", "CmdOrCtrl+Z"),
    "redo": ("Redo", "CmdOrCtrl+Shift+Z"),
    "cut": ("Cut", "CmdOrCtrl+X"),
    "copy": ("Copy", "CmdOrCtrl+C"),
    "paste": ("Paste", "CmdOrCtrl+V"),
    "select-all": ("Select all", "CmdOrCtrl+A"),
    "reload": ("Reload", "CmdOrCtrl+R"),
    "zoom-in": ("Zoom in", "CmdOrCtrl+Plus"),
    "zoom-out": ("Zoom out", "CmdOrCtrl+Minus"),
    "zoom-reset": ("Actual size", "CmdOrCtrl+0"),
    "about": ("About {name}", ""),
    "logs": ("Open the log folder", ""),
    "toggle-window": ("Show or hide {name}", ""),
    "check-updates": ("Check for updates\u2026", ""),
}
SHELL_ROLES = frozenset({"check-updates"})  # played by the shell itself on every system
# The web view handles these keys itself (in text fields, in editors with their own undo): the
# menu shows the key, but binding it in the toolkit would take it from the page.
PAGE_KEYS = frozenset({"undo", "redo", "cut", "copy", "paste", "select-all"})
STANDARD_MENUS = ("File", "Edit", "View", "Window", "Help")
ACTION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class MenuItem:
    label: str = ""
    url: str = ""
    action: str = ""
    role: str = ""
    accelerator: str = ""
    separator: bool = False

    @property
    def binds_key(self) -> bool:
        """Whether the toolkit should act on the accelerator (not only show it)."""
        return bool(self.accelerator) and self.role not in PAGE_KEYS


@dataclass(frozen=True)
class Menu:
    title: str
    items: tuple[MenuItem, ...] = field(default_factory=tuple)


SEPARATOR = MenuItem(separator=True)


def role_item(role: str, app_name: str) -> MenuItem:
    label, accelerator = ROLES[role]
    return MenuItem(label=label.format(name=app_name), role=role, accelerator=accelerator)


def parse_menu(table: Any, where: str = "tool.desktop.menu") -> dict[str, tuple[MenuItem, ...]]:
    """The app's own items per menu title, checked; ConfigError says what is wrong and where."""
    if not isinstance(table, dict):
        raise ConfigError(f"[{where}] must be a table of menus, e.g. File = [{{ label = \"New\", url = \"/new\" }}]")
    menus: dict[str, tuple[MenuItem, ...]] = {}
    for title, items in table.items():
        if not isinstance(items, list):
            raise ConfigError(f"[{where}] {title} must be a list of items")
        menus[str(title)] = tuple(_parse_item(item, f"{where}.{title}") for item in items)
    return menus


def _parse_item(item: Any, where: str) -> MenuItem:
    if not isinstance(item, dict):
        raise ConfigError(f"[{where}] each item is a table, e.g. {{ label = \"New\", url = \"/new\" }}, not {item!r}")
    known = {"label", "url", "action", "role", "accelerator", "separator"}
    unknown = set(item) - known
    if unknown:
        raise ConfigError(f"[{where}] unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    if item.get("separator"):
        return SEPARATOR
    values = {key: item.get(key, "") for key in ("label", "url", "action", "role", "accelerator")}
    if not all(isinstance(value, str) for value in values.values()):
        raise ConfigError(f"[{where}] label, url, action, role and accelerator are strings: {item!r}")
    targets = [key for key in ("url", "action", "role") if values[key]]
    if len(targets) != 1:
        raise ConfigError(f"[{where}] {values['label'] or item!r}: give exactly one of url, action or role")
    if values["role"]:
        if values["role"] not in ROLES:
            raise ConfigError(f"[{where}] unknown role {values['role']!r}; roles: {', '.join(ROLES)}")
        label, accelerator = ROLES[values["role"]]
        values["label"] = values["label"] or label
        values["accelerator"] = values["accelerator"] or accelerator
    if values["url"] and not is_app_path(values["url"]):
        raise ConfigError(f"[{where}] {values['url']!r}: a url is a path of the app, starting with a single /")
    if values["action"] and not ACTION_NAME.match(values["action"]):
        raise ConfigError(f"[{where}] action {values['action']!r}: letters, digits, '-', '_' or '.', up to 64")
    if not values["label"]:
        raise ConfigError(f"[{where}] an item needs a label: {item!r}")
    if values["accelerator"]:
        gtk_accelerator(values["accelerator"], where)  # checked now, not when the window opens
    return MenuItem(**values)


@dataclass(frozen=True)
class Tray:
    """[tool.desktop.tray]: an icon in the system tray with its own menu."""

    items: tuple[MenuItem, ...] = ()
    close_to_tray: bool = False  # the window's close button hides it; Quit (menu, tray, Ctrl+Q) ends the app

    def menu(self, app_name: str) -> tuple[MenuItem, ...]:
        """Show/hide the window, the app's items, Quit."""
        own = self.items + (SEPARATOR,) if self.items else ()
        return (role_item("toggle-window", app_name), SEPARATOR) + own + (role_item("quit", app_name),)


def parse_tray(table: Any, where: str = "tool.desktop.tray") -> Tray | None:
    """The tray settings, or None when the app has no tray."""
    if not table:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"[{where}] must be a table: enabled = true, items = [...], close_to_tray = false")
    unknown = set(table) - {"enabled", "items", "close_to_tray"}
    if unknown:
        raise ConfigError(f"[{where}] unknown key(s) {', '.join(sorted(unknown))}; known: close_to_tray, enabled, items")
    for key in ("enabled", "close_to_tray"):
        if not isinstance(table.get(key, False), bool):
            raise ConfigError(f"[{where}] {key} must be true or false")
    if not table.get("enabled", True):
        return None
    items = parse_menu({"items": table.get("items", [])}, where)["items"]
    return Tray(items=items, close_to_tray=table.get("close_to_tray", False))


def menu_bar(app_name: str, own: dict[str, tuple[MenuItem, ...]], *,
             roles: frozenset[str] | set[str] = frozenset(ROLES), updates: bool = False) -> tuple[Menu, ...]:
    """The standard menus with the app's items in them: File (the app's, then Quit), Edit
    (undo to select all), View (the app's, then reload and zoom), Help (the app's, the log
    folder, About; Check for updates with `updates`); menus of other names go between View and
    Help, in the order given."""
    quit_item = role_item("quit", app_name)
    edit = tuple(role_item(r, app_name) for r in ("undo", "redo")) + (SEPARATOR,) + tuple(
        role_item(r, app_name) for r in ("cut", "copy", "paste", "select-all"))
    view = (role_item("reload", app_name), SEPARATOR) + tuple(
        role_item(r, app_name) for r in ("zoom-in", "zoom-out", "zoom-reset"))
    help_items = (*([role_item("check-updates", app_name)] if updates else []), role_item("logs", app_name),
                  role_item("about", app_name))

    def with_own(title: str, standard: tuple[MenuItem, ...]) -> tuple[MenuItem, ...]:
        items = own.get(title, ())
        return items + (SEPARATOR,) + standard if items else standard

    menus = [Menu("File", with_own("File", (quit_item,))), Menu("Edit", with_own("Edit", edit)),
             Menu("View", with_own("View", view))]
    menus += [Menu(title, items) for title, items in own.items() if title not in STANDARD_MENUS]
    menus.append(Menu("Help", with_own("Help", help_items)))
    return tuple(menu for menu in (_playable(menu, roles) for menu in menus) if menu.items)


def _playable(menu: Menu, roles: frozenset[str] | set[str]) -> Menu:
    """`menu` without the roles this system can't play, and without stray separators."""
    items: list[MenuItem] = []
    for item in menu.items:
        if item.role and item.role not in roles and item.role not in SHELL_ROLES:
            continue
        if item.separator and (not items or items[-1].separator):
            continue
        items.append(item)
    while items and items[-1].separator:
        items.pop()
    return Menu(menu.title, tuple(items))


_KEY_NAMES = {"plus": "plus", "minus": "minus", "=": "equal", "-": "minus", "+": "plus", "space": "space",
              "enter": "Return", "return": "Return", "tab": "Tab", "esc": "Escape", "escape": "Escape",
              "delete": "Delete", "backspace": "BackSpace", "up": "Up", "down": "Down", "left": "Left",
              "right": "Right", "home": "Home", "end": "End", "pageup": "Page_Up", "pagedown": "Page_Down",
              ",": "comma", ".": "period", "/": "slash", "comma": "comma", "period": "period", "slash": "slash"}
_MODIFIERS = {"cmdorctrl": "<Control>", "commandorcontrol": "<Control>", "ctrl": "<Control>", "control": "<Control>",
              "shift": "<Shift>", "alt": "<Alt>", "option": "<Alt>", "super": "<Super>", "cmd": "<Super>",
              "command": "<Super>", "meta": "<Super>"}


def gtk_accelerator(accelerator: str, where: str = "tool.desktop.menu") -> str:
    """'CmdOrCtrl+Shift+N' (Electron's notation, written once for every OS) as GTK writes it."""
    parts = [part.strip() for part in accelerator.split("+")]
    if accelerator.endswith("++"):  # "CmdOrCtrl++": the key is "+"
        parts = parts[:-2] + ["+"]
    *modifiers, key = parts
    out = ""
    for modifier in modifiers:
        mapped = _MODIFIERS.get(modifier.lower())
        if mapped is None:
            raise ConfigError(f"[{where}] accelerator {accelerator!r}: unknown modifier {modifier!r}; "
                              "use CmdOrCtrl, Shift, Alt or Super")
        out += mapped
    lowered = key.lower()
    if lowered in _KEY_NAMES:
        name = _KEY_NAMES[lowered]
    elif re.fullmatch(r"[a-z0-9]", lowered):
        name = lowered
    elif re.fullmatch(r"f([1-9]|1[0-9]|2[0-4])", lowered):
        name = lowered.upper()
    else:
        raise ConfigError(f"[{where}] accelerator {accelerator!r}: unknown key {key!r}")
    if not modifiers and not name.startswith("F"):
        raise ConfigError(f"[{where}] accelerator {accelerator!r}: a letter alone would take it from the page's "
                          "text fields; add CmdOrCtrl or Alt")
    return out + name
