"""macOS: WKWebView through pywebview's Cocoa backend."""

from __future__ import annotations

from pathlib import Path

from ._posix import channel_address, try_lock  # noqa: F401 - part of the backend interface

import subprocess

GUI = "cocoa"


def watch_close_keys(window, on_close) -> None:
    """The system's own keys close the window here (Cmd+Q, Alt+F4), through pywebview's closing event."""


def follow_page_title(window) -> None:
    """The title is copied from the page at each load (window.py); later changes are not followed here yet."""


def window_icon(path: Path | None) -> str | None:
    """The Dock shows the .app's own .icns; a window icon means nothing on macOS."""
    return None


def set_app_identity(app_id: str) -> None:
    """The window's identity comes from the bundle here (bundle id, executable)."""


def prepare_environment() -> None:
    """Nothing to set on macOS."""


def adapt_webview(keep_in_window) -> None:
    """Not wired up here yet: pywebview's own policy applies (target=_blank links open in the browser)."""


def watch_kiosk_input(window, *, exit_keys, on_exit_keys, on_activity) -> None:
    """Not wired up here yet: kiosk mode is full screen and locked to the app, without key filtering."""


def close_modal_dialogs() -> None:
    """Not needed here: closing the window ends its dialogs."""


def has_display() -> bool:
    """A logged-in macOS session always has a display."""
    return True


def show_error_dialog(title: str, message: str) -> bool:
    """Show an alert through AppleScript (works even when pywebview failed to load)."""
    script = 'display alert (item 1 of argv) message (item 2 of argv) as critical'
    try:
        subprocess.run(["osascript", "-e", f"on run argv\n{script}\nend run", title, message], check=False)
    except OSError:
        return False
    return True
