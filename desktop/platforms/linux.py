"""Linux: GTK 3 with WebKit2GTK 4.1 through PyGObject."""

from __future__ import annotations

from pathlib import Path

from ._posix import allow_foreground, channel_address, restrict_to_owner, try_lock  # noqa: F401 - part of the backend interface
from .gtk_menus import install_menu_bar, open_folder, perform_role, show_about, web_view, when_web_view, window_is_active  # noqa: F401 - part of the backend interface
from .gtk_icon import sized_icon
from .gtk_input import count_keys, keys_sent  # noqa: F401 - part of the backend interface
from .gtk_kiosk import restrict_kiosk_webview  # noqa: F401 - part of the backend interface
from .gtk_tray import install_tray  # noqa: F401 - part of the backend interface

import logging
import os
import threading
from typing import Callable

GUI = "gtk"
KIOSK = True  # kiosk input is wired here (watch_kiosk_input)
MENU_ROLES = frozenset({"quit", "close", "undo", "redo", "cut", "copy", "paste", "select-all", "reload", "zoom-in",
                        "zoom-out", "zoom-reset", "about", "logs", "toggle-window"})  # every role (desktop.menus.ROLES)

log = logging.getLogger(__name__)


def prepare_environment() -> None:
    """Turn off WebKit's DMA-BUF renderer unless the user chose: faster start, no blank windows."""
    # Measured under Xvfb: start to "loaded" about 1.0 s with it off, 1.2-1.8 s with it on; some
    # GPU drivers also show an empty window with it on.
    os.environ.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")


def prepare_console() -> None:
    """Standard streams are there (or deliberately closed): nothing to do."""


def engine_problem() -> str | None:
    """pywebview's own import error names a missing WebKit2GTK."""
    return None


def on_terminate(callback) -> None:
    """GTK's loop returns when the session ends the app: the usual shutdown runs."""


def window_icon(path: Path | None, cache: Path) -> str | None:
    """GTK takes the PNG itself, at the size it shows it (see gtk_icon.py)."""
    return str(sized_icon(path, cache)) if path else None


def set_app_identity(app_id: str) -> None:
    """Name the process after the app id, before GTK starts: the window's class (WM_CLASS) and
    Wayland app id then match the desktop entry's StartupWMClass, so docks group the window
    with its launcher (from source it would otherwise be "__main__.py" or "python3")."""
    try:
        import gi

        gi.require_version("Gdk", "3.0")
        gi.require_version("Gtk", "3.0")
        from gi.repository import GLib

        GLib.set_prgname(app_id)  # before GTK starts: the name half of WM_CLASS, and the Wayland app id
        from gi.repository import Gdk, Gtk  # noqa: F401 - importing Gtk starts it
    except (ImportError, ValueError):  # no GTK: there will be no window to name either
        return
    # GTK's start-up derives the class half from the name, capitalised: set it once GTK is up.
    Gdk.set_program_class(app_id)


def adapt_webview(keep_in_window: Callable[[str], bool]) -> None:
    """Fit pywebview's GTK backend to the shell: navigation policy, and a bug we must not hit.

    `keep_in_window(url)` decides every navigation (links, redirects, new windows): False
    means the window stays where it is (the shell has opened the link elsewhere, or refused it).

    pywebview opens its save dialog in the folder GLib reports as the user's Downloads folder,
    which is None when the XDG user folders are not set up (minimal installs, new accounts):
    the dialog then fails inside a GTK callback and the download silently does nothing.
    """
    from webview.platforms import gtk as pywebview_gtk

    global _keep_in_window
    _keep_in_window = keep_in_window
    view = pywebview_gtk.BrowserView
    if getattr(view, "_desktop_adapted", False):
        return
    original_file_dialog = view.create_file_dialog
    original_navigation = view.on_navigation

    def create_file_dialog(self, dialog_type, directory, *args, **kwargs):
        if not directory or not os.path.isdir(directory):
            directory = _downloads_dir()
        return original_file_dialog(self, dialog_type, directory, *args, **kwargs)

    def on_navigation(self, webview, decision, decision_type):
        if isinstance(decision, pywebview_gtk.webkit.NavigationPolicyDecision):
            uri = decision.get_navigation_action().get_request().get_uri()
            if not _keep_in_window(uri):
                decision.ignore()
                return True
        return original_navigation(self, webview, decision, decision_type)

    view.create_file_dialog = create_file_dialog
    view.on_navigation = on_navigation
    view._desktop_adapted = True


_keep_in_window: Callable[[str], bool] = lambda url: True  # noqa: E731 - replaced by adapt_webview


# Keys a kiosk must not act on: close, quit, reload (plain and forced), full-screen toggle, dev tools.
KIOSK_BLOCKED_KEYS = ("<Control>w", "<Control>q", "<Control>r", "<Control><Shift>r", "F5", "<Control>F5",
                      "<Alt>F4", "F11", "F12", "<Control><Shift>i", "<Alt>Left", "<Alt>Right")


def watch_kiosk_input(window, *, exit_keys: str, on_exit_keys: Callable[[], None],
                      on_activity: Callable[[], None]) -> None:
    """In kiosk mode: swallow the blocked keys, call `on_exit_keys` for the exit combination, and
    `on_activity` for any key, click, touch or pointer move. `window` is pywebview's window."""
    from gi.repository import Gdk, GLib, Gtk

    mask = Gtk.accelerator_get_default_mod_mask()
    exit_key, exit_mods = Gtk.accelerator_parse(exit_keys)
    if not exit_key:
        log.warning("kiosk mode: exit_keys %r is not a key combination GTK knows", exit_keys)
    blocked = [Gtk.accelerator_parse(keys) for keys in KIOSK_BLOCKED_KEYS]
    activity_events = {Gdk.EventType.BUTTON_PRESS, Gdk.EventType.MOTION_NOTIFY, Gdk.EventType.SCROLL,
                       Gdk.EventType.TOUCH_BEGIN}

    def matches(event, key: int, mods: int) -> bool:
        return bool(key) and Gdk.keyval_to_lower(event.keyval) == Gdk.keyval_to_lower(key) \
            and (event.state & mask) == mods

    def on_key(_widget, event) -> bool:
        on_activity()
        if matches(event, exit_key, exit_mods):
            on_exit_keys()
            return True
        return any(matches(event, key, mods) for key, mods in blocked)  # True: the page never sees it

    def on_event(_widget, event) -> bool:
        if event.type in activity_events:
            on_activity()
        return False

    def connect() -> bool:
        native_window = window.native  # the Gtk.Window, once pywebview has made it
        if native_window is None:
            return True  # try again on the next tick
        native_window.connect("key-press-event", on_key)
        widgets = [native_window]
        while widgets:  # the web view sits inside a scrolled window: watch them all
            widget = widgets.pop()
            widget.connect("event", on_event)
            if isinstance(widget, Gtk.Container):
                widgets.extend(widget.get_children())
        return False  # done

    GLib.timeout_add(50, connect)


# The usual keys that close a document window: Ctrl+Q quits, Ctrl+W closes (the app has one window).
CLOSE_KEYS = ("<Control>q", "<Control>w")


def watch_close_keys(window, on_close: Callable[[], None]) -> None:
    """Ctrl+Q and Ctrl+W close the window, through `on_close` (on a thread of its own: closing asks
    the page to save first, which needs this GUI loop). Not in kiosk mode, which blocks them."""
    from gi.repository import Gdk, GLib, Gtk

    mask = Gtk.accelerator_get_default_mod_mask()
    keys = [Gtk.accelerator_parse(combination) for combination in CLOSE_KEYS]

    def on_key(_widget, event) -> bool:
        pressed = Gdk.keyval_to_lower(event.keyval), event.state & mask
        if any(pressed == (key, mods) for key, mods in keys):
            threading.Thread(target=on_close, name="close-key", daemon=True).start()
            return True
        return False

    def connect() -> bool:
        native_window = window.native
        if native_window is None:
            return True  # not made yet: try again on the next tick
        native_window.connect("key-press-event", on_key)
        return False

    GLib.timeout_add(50, connect)


def follow_page_title(window) -> None:
    """The title bar follows the page's title as it changes (a new note named by its first save,
    an unread count), not only at each load; and no tooltip outlives the page that showed it."""
    from gi.repository import WebKit2  # pywebview's GTK backend has required WebKit2 4.1

    def on_load_changed(view, event) -> None:
        # WebKitGTK (GTK 3) keeps the last tooltip's text until the pointer crosses another
        # element, so a tooltip of the page just left could show over the new one. Switching
        # tooltips off hides it; WebKit switches them on again at the next element with a title.
        if event == WebKit2.LoadEvent.COMMITTED:
            view.set_has_tooltip(False)

    def connect(native_window, view) -> None:
        view.connect("notify::title", lambda view, _spec: _show_title(native_window, view.get_title()))
        view.connect("load-changed", on_load_changed)

    when_web_view(window, connect)


def _show_title(native_window, title: str | None) -> None:
    title = (title or "").strip()
    if title:
        native_window.set_title(title[:200])


def close_modal_dialogs() -> None:
    """Answer "Cancel" to any open GTK dialog (a modal dialog's loop would outlive the window)."""
    from gi.repository import GLib, Gtk

    def close() -> bool:
        for window in Gtk.Window.list_toplevels():
            if isinstance(window, Gtk.Dialog) and window.get_visible():
                window.response(Gtk.ResponseType.CANCEL)
        return False  # run once

    GLib.idle_add(close)


def _downloads_dir() -> str:
    from platformdirs import user_downloads_dir

    for candidate in (user_downloads_dir(), os.path.expanduser("~")):
        if os.path.isdir(candidate):
            return candidate
    return "/"


def has_display() -> bool:
    """An X11 or Wayland display is reachable."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def show_error_dialog(title: str, message: str) -> bool:
    """Show a GTK message dialog and wait until the user closes it."""
    if not has_display():
        return False
    try:
        import gi

        gi.require_version("Gtk", "3.0")
        from gi.repository import Gtk

        if not Gtk.init_check(None)[0]:
            return False
        dialog = Gtk.MessageDialog(
            message_type=Gtk.MessageType.ERROR, buttons=Gtk.ButtonsType.CLOSE, text=title
        )
        dialog.format_secondary_text(message)
        dialog.set_title(title)
        dialog.run()
        dialog.destroy()
        while Gtk.events_pending():
            Gtk.main_iteration()
        return True
    except Exception:  # the dialog is a courtesy: the error is in the log either way
        log.debug("could not show a GTK error dialog", exc_info=True)
        return False
