"""Linux (GTK 3): the window's menu bar, the roles that act on the web view, the About box.

pywebview's own GTK menus take no accelerators and must be given before the loop starts, so the
shell builds a GMenu itself on pywebview's Gtk.Application once the window exists: mnemonics on
the menu titles, each accelerator shown beside its item, and bound unless the page handles that
key itself (Edit's undo to select-all: a text field or editor does them its own way).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from ..menus import Menu, MenuItem, gtk_accelerator

log = logging.getLogger(__name__)

ZOOM_STEP, ZOOM_MIN, ZOOM_MAX = 1.1, 0.5, 3.0


def install_menu_bar(window, menus: tuple[Menu, ...], on_item: Callable[[MenuItem], None]) -> list:
    """Give the window `menus`; `on_item(item)` runs on a thread of its own when one is chosen.
    Returns what webview.start takes as `menu`. Either way the menu bar is the application's
    before the window is made (no layout shift after the page shows)."""
    from webview.menu import Menu as PywebviewMenu
    from webview.platforms import gtk as pywebview_gtk

    app = pywebview_gtk._app
    if app is not None:  # made already (reading the screens started the toolkit): before it starts up
        app.connect("startup", lambda started: started.set_menubar(build_menu_bar(started, menus, on_item)))
        return []
    pywebview_gtk.create_menu = lambda _menus: build_menu_bar(pywebview_gtk._app, menus, on_item)
    return [PywebviewMenu("desktop", [])]  # a placeholder: it makes pywebview call create_menu


def build_menu_bar(app, menus: tuple[Menu, ...], on_item: Callable[[MenuItem], None]):
    """A GMenu of `menus` with its actions (and key bindings) added to the Gtk.Application `app`."""
    from gi.repository import Gio, GLib

    def chosen(_action, _parameter, item: MenuItem) -> None:
        threading.Thread(target=on_item, args=(item,), name="menu-item", daemon=True).start()

    bar = Gio.Menu()
    for menu_number, menu in enumerate(menus):
        submenu, section = Gio.Menu(), Gio.Menu()
        for item_number, item in enumerate(menu.items):
            if item.separator:
                submenu.append_section(None, section)
                section = Gio.Menu()
                continue
            name = f"desktop-menu-{menu_number}-{item_number}"
            action = Gio.SimpleAction.new(name, None)
            action.connect("activate", chosen, item)
            app.add_action(action)
            entry = Gio.MenuItem.new(item.label.replace("_", "__"), f"app.{name}")
            if item.accelerator:
                accelerator = gtk_accelerator(item.accelerator)
                entry.set_attribute_value("accel", GLib.Variant.new_string(accelerator))
                if item.binds_key:
                    app.set_accels_for_action(f"app.{name}", [accelerator])
            section.append_item(entry)
        submenu.append_section(None, section)
        bar.append_submenu("_" + menu.title.replace("_", "__"), submenu)
    return bar


def perform_role(window, role: str) -> bool:
    """Play an editing, zoom or reload role on the web view (on the GUI thread); False if unknown."""
    from gi.repository import GLib, WebKit2

    commands = {"undo": WebKit2.EDITING_COMMAND_UNDO, "redo": WebKit2.EDITING_COMMAND_REDO,
                "cut": WebKit2.EDITING_COMMAND_CUT, "copy": WebKit2.EDITING_COMMAND_COPY,
                "paste": WebKit2.EDITING_COMMAND_PASTE, "select-all": WebKit2.EDITING_COMMAND_SELECT_ALL}
    if role not in commands and role not in ("zoom-in", "zoom-out", "zoom-reset", "reload"):
        return False

    def act() -> bool:
        view = web_view(window.native)
        if view is None:
            return False
        if role in commands:
            view.execute_editing_command(commands[role])
        elif role == "reload":
            view.reload()
        else:
            level = {"zoom-in": view.get_zoom_level() * ZOOM_STEP, "zoom-out": view.get_zoom_level() / ZOOM_STEP,
                     "zoom-reset": 1.0}[role]
            view.set_zoom_level(min(ZOOM_MAX, max(ZOOM_MIN, level)))
        return False

    GLib.idle_add(act)
    return True


def when_web_view(window, use, *, every_ms: int = 50) -> None:
    """Once pywebview's `window` has made its Gtk window, call `use(native_window, view)` on the GUI
    loop with the WebKit2.WebView inside it (not at all if it has none)."""
    from gi.repository import GLib

    def look() -> bool:
        native_window = window.native
        if native_window is None:
            return True  # not made yet: look again on the next tick
        view = web_view(native_window)
        if view is not None:
            use(native_window, view)
        return False

    GLib.timeout_add(every_ms, look)


def web_view(native_window):
    """The WebKit2.WebView inside pywebview's Gtk window, or None."""
    from gi.repository import Gtk, WebKit2

    widgets = [native_window] if native_window is not None else []
    while widgets:
        widget = widgets.pop()
        if isinstance(widget, WebKit2.WebView):
            return widget
        if isinstance(widget, Gtk.Container):
            widgets.extend(widget.get_children())
    return None


def show_about(window, *, name: str, version: str, description: str, icon: Path | None, authors: list[str]) -> None:
    """GTK's own About box, over the window."""
    from gi.repository import GdkPixbuf, GLib, Gtk

    def show() -> bool:
        dialog = Gtk.AboutDialog(transient_for=window.native, modal=True, program_name=name, version=version,
                                 comments=description or None)
        if authors:
            dialog.set_authors(authors)
        dialog.set_logo_icon_name("application-x-executable")  # replaced by the app's own icon, if any
        if icon is not None:
            try:
                dialog.set_logo(GdkPixbuf.Pixbuf.new_from_file_at_size(str(icon), 96, 96))
            except GLib.Error:
                log.debug("the About box shows no icon", exc_info=True)
        dialog.connect("response", lambda d, _r: d.destroy())
        dialog.show()
        return False

    GLib.idle_add(show)


def open_folder(path: Path) -> None:
    """Show `path` in the user's file manager."""
    from gi.repository import Gio, GLib

    try:
        Gio.AppInfo.launch_default_for_uri(path.as_uri(), None)
    except GLib.Error as exc:
        log.warning("no file manager could show %s: %s", path, exc.message)


def window_is_active(window) -> bool | None:
    """Whether the window has the focus, read on the GUI thread (None if it doesn't answer)."""
    from gi.repository import GLib

    answer: list[bool] = []
    answered = threading.Event()

    def read() -> bool:
        native = window.native
        answer.append(bool(native is not None and native.is_active()))
        answered.set()
        return False

    GLib.idle_add(read)
    return answer[0] if answered.wait(1.0) else None
