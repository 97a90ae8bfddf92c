"""Windows: Edge WebView2 through pywebview's edgechromium backend."""

from __future__ import annotations

import hashlib
from pathlib import Path

GUI = "edgechromium"


def watch_close_keys(window, on_close) -> None:
    """The system's own keys close the window here (Cmd+Q, Alt+F4), through pywebview's closing event."""


def follow_page_title(window) -> None:
    """The title is copied from the page at each load (window.py); later changes are not followed here yet."""


def window_icon(path: Path | None) -> str | None:
    """WinForms loads the icon with System.Drawing.Icon, which throws for anything but an .ico,
    inside the window's thread: no window at all. The bundle's .exe carries the .ico already."""
    return str(path) if path is not None and path.suffix.lower() == ".ico" else None


def set_app_identity(app_id: str) -> None:
    """The window's identity comes from the bundle here (bundle id, executable)."""


def prepare_environment() -> None:
    """Nothing to set on Windows."""


def adapt_webview(keep_in_window) -> None:
    """Not wired up here yet: pywebview's own policy applies (target=_blank links open in the browser)."""


def watch_kiosk_input(window, *, exit_keys, on_exit_keys, on_activity) -> None:
    """Not wired up here yet: kiosk mode is full screen and locked to the app, without key filtering."""


def close_modal_dialogs() -> None:
    """Not needed here: closing the window ends its dialogs."""


def has_display() -> bool:
    """A Windows session always has a desktop to draw on."""
    return True


def show_error_dialog(title: str, message: str) -> bool:
    """Show a MessageBox (works even when pywebview failed to load)."""
    import ctypes

    MB_ICONERROR = 0x10
    ctypes.windll.user32.MessageBoxW(None, message, title, MB_ICONERROR)
    return True


def try_lock(fd: int) -> bool:
    """Lock the first byte of an open file without waiting; Windows drops it when the process dies."""
    import msvcrt

    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def channel_address(folder: Path, name: str) -> tuple[str, str]:
    """A named pipe for the single-instance channel, one per data folder."""
    digest = hashlib.sha256(str(folder).lower().encode()).hexdigest()[:16]
    return rf"\\.\pipe\{name}-{digest}", "AF_PIPE"
