"""Linux: every key the user typed reaches the page before the page is asked to save.

WebKitGTK hands the page one key press at a time (the next once the page has handled the last)
but runs a script at once. On a busy machine, keys typed just before closing can still be waiting
in the window process when the shell asks the page to save (page.py's flush): the save would go
without them, and the window close on them. So both sides count: the window the key presses it
passes to the web view since the page began, the page (a script added to every page) the ones it
received; the flush first waits until the page has had them all.
"""

from __future__ import annotations

import collections

from ..page import KEY_COUNTER

# Counted: the keys that type. Modifier keys and shortcuts (with Ctrl, Alt or Super) are left out
# on both sides (the window's own shortcuts, Ctrl+Q among them, never reach the page). A key the
# page leaves unhandled comes back through GTK: the same event, seen twice here, is counted once.
# A key counted once too few would let the save go before the last one, so nothing else is left out.
MODIFIER_KEYS = ("Shift", "Control", "Alt", "AltGraph", "Meta", "Super", "Hyper", "OS", "Fn", "CapsLock",
                 "NumLock", "ScrollLock")
COUNT_KEYS_JS = (
    f"if (window.{KEY_COUNTER} === undefined) {{ window.{KEY_COUNTER} = 0;"
    f"  const modifiers = {list(MODIFIER_KEYS)!r};"
    f"  window.addEventListener('keydown', function (event) {{"
    f"    if (!(modifiers.includes(event.key) || event.ctrlKey || event.altKey || event.metaKey)) {{"
    f"      window.{KEY_COUNTER} += 1; }} }}, true); }}"
)


def count_keys(window) -> None:
    """Start counting, on both sides, the key presses `window`'s web view passes to its page."""
    from gi.repository import Gdk, WebKit2  # pywebview's GTK backend has required WebKit2 4.1

    from .gtk_menus import when_web_view

    counted = window.__dict__.setdefault("_desktop_keys_sent", [None])
    shortcut = Gdk.ModifierType.CONTROL_MASK | Gdk.ModifierType.MOD1_MASK | Gdk.ModifierType.SUPER_MASK \
        | Gdk.ModifierType.META_MASK

    # WebKitGTK sends a key the page leaves unhandled (typing into a textarea, as it happens) back
    # through GTK once the page has seen it: the same event comes here twice. It is one key press.
    seen = collections.deque(maxlen=64)

    def on_key(_view, event) -> bool:
        if counted[0] is not None and not is_modifier(event.keyval) and not event.state & shortcut:
            press = (event.time, event.hardware_keycode, event.keyval)
            if press not in seen:
                seen.append(press)
                counted[0] += 1
        return False  # WebKit handles the key as usual

    def on_load_changed(_view, event) -> None:
        if event == WebKit2.LoadEvent.COMMITTED:  # a new page: its own count starts at 0 too
            counted[0] = 0

    def connect(_native_window, view) -> None:
        view.get_user_content_manager().add_script(WebKit2.UserScript.new(
            COUNT_KEYS_JS, WebKit2.UserContentInjectedFrames.TOP_FRAME,
            WebKit2.UserScriptInjectionTime.START, None, None))  # every page from now on
        view.connect("key-press-event", on_key)
        view.connect("load-changed", on_load_changed)
        # The page already shown (the first one, often) counts from now on, as this side does.
        # Only a key already on its way as the window is set up would count on its side alone.
        counted[0] = 0
        view.evaluate_javascript(COUNT_KEYS_JS, -1, None, None, None, None, None)

    when_web_view(window, connect, every_ms=20)


def is_modifier(keyval: int) -> bool:
    """Shift, Control, Alt, Meta, Super, Hyper and the lock and level keys, as GDK numbers them
    (PyGObject doesn't give GdkEventKey's is_modifier bit: it reads 0, so Ctrl of Ctrl+Q counted)."""
    return 0xFFE1 <= keyval <= 0xFFEE or 0xFE01 <= keyval <= 0xFE13 or keyval in (0xFF7E, 0xFF7F, 0xFF14)


def keys_sent(window) -> int | None:
    """How many typing keys the web view has passed to the page shown (None: not counting yet)."""
    return window.__dict__.get("_desktop_keys_sent", [None])[0]
