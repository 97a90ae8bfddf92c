"""What a chosen menu item does in the shell's window (see desktop.menus for the model)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from . import platforms
from .kit import KitSettings
from .menus import MenuItem

if TYPE_CHECKING:  # pragma: no cover
    from .window import NativeWindow

log = logging.getLogger(__name__)

# The page hears a menu action as a DOM event on window: addEventListener("desktop:action", e =>
# e.detail.action). The name is checked against menus.ACTION_NAME when the settings are read.
ACTION_EVENT_JS = "window.dispatchEvent(new CustomEvent('desktop:action', {detail: {action: %s}}))"


class MenuCommands:
    """Called with each menu item the user chooses (on a thread of its own, never the GUI's)."""

    def __init__(self, window: NativeWindow, kit: KitSettings, log_folder: Path | None) -> None:
        self.window = window
        self.kit = kit
        self.log_folder = log_folder

    def __call__(self, item: MenuItem) -> None:
        log.info("menu: %s", item.label)
        try:
            self._do(item)
        except Exception:  # noqa: BLE001 - a menu item must never take the window down
            log.exception("the menu item %r failed", item.label)

    def _do(self, item: MenuItem) -> None:
        platform = platforms.current()
        if (item.url or item.action) and self.window.hidden:
            self.window.present()  # a tray item: show the window it acts on
        if item.url:
            self.window.go_to(item.url)
        elif item.role == "toggle-window":
            self.window.toggle_visibility()
        elif item.action:
            if self.window.shows_own_page():
                self.window.run_js(ACTION_EVENT_JS % json.dumps(item.action))
        elif item.role in ("quit", "close"):
            self.window.close()
        elif item.role == "about":
            platform.show_about(self.window.native_window, name=self.kit.name, version=self.kit.version,
                                description=self.kit.description, icon=self.kit.icon_path(),
                                authors=[self.kit.author] if self.kit.author else [])
        elif item.role == "check-updates":
            if self.window.check_updates is not None:
                self.window.check_updates()
        elif item.role == "logs":
            if self.log_folder is not None:
                platform.open_folder(self.log_folder)
        elif item.role == "reload" and self.window.loaded.is_set():
            self.window.flush_page()  # what was typed is saved before the page goes
            platform.perform_role(self.window.native_window, item.role)
        elif not platform.perform_role(self.window.native_window, item.role):
            log.info("the menu role %r does nothing on this system", item.role)


def as_pywebview_menus(menus, on_item) -> list:
    """`menus` (desktop.menus) as pywebview's Menu objects, for the systems where it draws them."""
    from webview.menu import Menu, MenuAction, MenuSeparator

    def entry(item: MenuItem):
        return MenuSeparator() if item.separator else MenuAction(item.label, lambda item=item: on_item(item))

    return [Menu(menu.title, [entry(item) for item in menu.items]) for menu in menus]
