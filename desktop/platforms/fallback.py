"""Any other OS: let pywebview pick, and report errors on the console only."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

GUI = None
KIOSK = False  # no way known here to block keys or see activity


def watch_close_keys(window, on_close) -> None:
    """The system's own keys close the window here (Cmd+Q, Alt+F4), through pywebview's closing event."""


def count_keys(window) -> None:
    """Not counted here: the flush runs at once (see gtk_input.py for why Linux counts)."""


def keys_sent(window) -> int | None:
    return None


def follow_page_title(window) -> None:
    """The title is copied from the page at each load (window.py); later changes are not followed here yet."""


def window_icon(path: Path | None, cache: Path) -> str | None:
    """No icon: an unknown toolkit may not read PNGs."""
    return None


def set_app_identity(app_id: str) -> None:
    """The window's identity comes from the bundle here (bundle id, executable)."""


def prepare_environment() -> None:
    """Nothing known to set."""


def prepare_console() -> None:
    """Nothing known to do."""


def engine_problem() -> str | None:
    """pywebview says what is missing."""
    return None


def on_terminate(callback) -> None:
    """Nothing known to hook: the usual shutdown runs when the loop returns."""


def allow_foreground(pid: int) -> None:
    """Nothing known to grant."""


def restrict_to_owner(path: Path) -> None:
    """Nothing known beyond the POSIX modes set at creation."""


def adapt_webview(keep_in_window) -> None:
    """Not wired up here yet: pywebview's own policy applies (target=_blank links open in the browser)."""


def watch_kiosk_input(window, *, exit_keys, on_exit_keys, on_activity) -> None:
    """Not wired up here yet: kiosk mode is full screen and locked to the app, without key filtering."""


def restrict_kiosk_webview(*, file_dialogs: bool, downloads: str) -> None:
    """Never called: KIOSK is False here (`--kiosk` is refused with a message)."""


def close_modal_dialogs() -> None:
    """Not needed here: closing the window ends its dialogs."""


def has_display() -> bool:
    """Assume a display; pywebview will say if there is none."""
    return True


def show_error_dialog(title: str, message: str) -> bool:
    """No native dialog here."""
    return False


def try_lock(fd: int) -> bool:
    """No file locks known here: every launch runs on its own."""
    return True


def channel_address(folder: Path, name: str) -> tuple[str, str]:
    """A Unix socket, the most widely available local channel."""
    return str(folder / f"{name}.sock"), "AF_UNIX"


MENU_ROLES = frozenset({"quit", "close"})


def install_menu_bar(window, menus, on_item) -> list:
    """No menus known here (logged once)."""
    log.info("the app's menu bar is not shown on this system")
    return []


def perform_role(window, role: str) -> bool:
    """Nothing known here."""
    return False


def show_about(window, *, name: str, version: str, description: str, icon, authors: list[str]) -> None:
    """No native box known here."""
    log.info("%s %s", name, version)


def open_folder(path: Path) -> None:
    """No file manager known here."""
    log.info("the log folder is %s", path)


def window_is_active(window) -> bool | None:
    """Not known here: notifications meant for when the user is away are shown anyway."""
    return None


def install_tray(window, *, app_id: str, title: str, icon, items, on_item) -> bool:
    """No tray icon on this system yet: the app runs without one (logged)."""
    log.info("no tray icon on this system yet")
    return False
