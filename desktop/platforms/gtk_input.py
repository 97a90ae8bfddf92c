"""Linux: every key the user typed reaches the page before the page is asked to save.

WebKitGTK hands the page one key press at a time (the next once the page has handled the last)
but runs a script at once. On a busy machine, keys typed just before closing can still be waiting
in the window process when the shell asks the page to save (page.py's flush): the save would go
without them, and the window close on them. So both sides count: the window the key presses it
passes to the web view since the page began, the page (a script added to every page) the ones it
received; the flush first waits until the page has had them all.
"""

from __future__ import annotations

from collections import deque

from ..page import KEY_COUNTER

COUNT_KEYS_JS = (
    f"window.{KEY_COUNTER} = 0;"
    f"window.addEventListener('keydown', function () {{ window.{KEY_COUNTER} += 1; }}, true);"
)


def count_keys(window) -> None:
    """Start counting, on both sides, the key presses `window`'s web view passes to its page."""
    from gi.repository import GLib, WebKit2  # pywebview's GTK backend has required WebKit2 4.1

    from .gtk_menus import web_view

    counted = window.__dict__.setdefault("_desktop_keys_sent", [None])
    # A key the page didn't handle comes back through GTK (for the window's own shortcuts) as
    # the same event: the same time and key, counted once.
    recent: deque = deque(maxlen=64)

    def on_key(_view, event) -> bool:
        press = (event.time, event.hardware_keycode)
        if counted[0] is not None and press not in recent:
            counted[0] += 1
        recent.append(press)
        return False  # WebKit handles the key as usual

    def on_load_changed(_view, event) -> None:
        if event == WebKit2.LoadEvent.COMMITTED:  # a new page: its own count starts at 0 too
            counted[0] = 0

    def connect() -> bool:
        native_window = window.native
        if native_window is None:
            return True  # not made yet: try again on the next tick
        view = web_view(native_window)
        if view is not None:
            view.get_user_content_manager().add_script(WebKit2.UserScript.new(
                COUNT_KEYS_JS, WebKit2.UserContentInjectedFrames.TOP_FRAME,
                WebKit2.UserScriptInjectionTime.START, None, None))
            view.connect("key-press-event", on_key)
            view.connect("load-changed", on_load_changed)
        return False

    GLib.timeout_add(20, connect)


def keys_sent(window) -> int | None:
    """How many key presses the web view has passed to the page shown (None: not counted, such as
    on a page that began before counting did)."""
    return window.__dict__.get("_desktop_keys_sent", [None])[0]
