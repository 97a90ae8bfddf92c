"""Windows: Edge WebView2 through pywebview's edgechromium backend."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from ._pywebview_menus import MENU_ROLES, install_menu_bar, perform_role  # noqa: F401 - part of the backend interface

GUI = "edgechromium"
# Kiosk input (blocked keys, exit keys, activity) is wired for GTK only: a kiosk here would send
# its user home mid-task and leave no way out, so `--kiosk` is refused until it is.
KIOSK = False

log = logging.getLogger(__name__)

WEBVIEW2_MISSING = (
    "the Microsoft Edge WebView2 Runtime is not installed, and the app will not run in the old "
    "Internet Explorer engine instead. Install the WebView2 Runtime (Evergreen) from Microsoft, "
    "then start the app again.")


def watch_close_keys(window, on_close) -> None:
    """The system's own keys close the window here (Alt+F4), through pywebview's closing event."""


def count_keys(window) -> None:
    """Not counted here: the flush runs at once (see gtk_input.py for why Linux counts)."""


def keys_sent(window) -> int | None:
    return None


def follow_page_title(window) -> None:
    """The title is copied from the page at each load (window.py); later changes are not followed here yet."""


def window_icon(path: Path | None, cache: Path) -> str | None:
    """WinForms loads the icon with System.Drawing.Icon, which throws for anything but an .ico,
    inside the window's thread: no window at all. The bundle's .exe carries the .ico already."""
    return str(path) if path is not None and path.suffix.lower() == ".ico" else None


def set_app_identity(app_id: str) -> None:
    """The window's identity comes from the bundle here (bundle id, executable)."""


def prepare_environment() -> None:
    """Nothing to set on Windows."""


def engine_problem() -> str | None:
    """Why no window should open here (pywebview falls back to Internet Explorer with only a
    warning when WebView2 is missing), or None."""
    try:
        from webview.platforms import winforms
    except ImportError:  # pywebview's own error says more when the window is made
        return None
    return None if getattr(winforms, "renderer", GUI) in (GUI, "cef") else WEBVIEW2_MISSING


def adapt_webview(keep_in_window: Callable[[str], bool]) -> None:
    """Every navigation of WebView2 asks the shell's policy first, as on GTK: a link to another
    site opens in the browser (or nowhere, in a kiosk) and never loads inside the window, where
    WebView2 offers no way back (no accelerators or context menu outside debug mode)."""
    from webview.platforms import edgechromium

    adapt_edge(edgechromium.EdgeChrome, keep_in_window)


def adapt_edge(edge_class, keep_in_window: Callable[[str], bool]) -> None:
    """Wrap `edge_class`'s NavigationStarting and NewWindowRequested handlers (before any window
    exists: the handlers are bound when pywebview makes one)."""
    global _keep_in_window
    _keep_in_window = keep_in_window
    if getattr(edge_class, "_desktop_adapted", False):
        return
    original_start = edge_class.on_navigation_start

    def on_navigation_start(self, sender, args):
        if not _keep_in_window(str(args.Uri)):
            args.Cancel = True
            return None
        return original_start(self, sender, args)

    def on_new_window_request(self, sender, args):
        args.Handled = True  # never a second window
        url = str(args.Uri)
        if _keep_in_window(url):  # one of the app's own pages (target=_blank): here
            self.load_url(url)

    edge_class.on_navigation_start = on_navigation_start
    edge_class.on_new_window_request = on_new_window_request
    edge_class._desktop_adapted = True


_keep_in_window: Callable[[str], bool] = lambda url: True  # noqa: E731 - replaced by adapt_webview


def allow_foreground(pid: int) -> None:
    """Let process `pid` (the running app) bring its window to the front: Windows gives that
    right to the process the user just started (this second launch), and without it
    Form.Activate only flashes the taskbar button."""
    try:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(pid)
    except (AttributeError, OSError):
        pass


def on_terminate(callback) -> None:
    """WinForms' loop returns at logout and shutdown too: the usual shutdown runs."""


def watch_kiosk_input(window, *, exit_keys, on_exit_keys, on_activity) -> None:
    """Never called: KIOSK is False here (`--kiosk` is refused with a message)."""


def restrict_kiosk_webview(*, file_dialogs: bool, downloads: str) -> None:
    """Never called: KIOSK is False here (`--kiosk` is refused with a message)."""


def close_modal_dialogs() -> None:
    """Not needed here: closing the window ends its dialogs."""


def has_display() -> bool:
    """A window can be shown unless this is a service or an SSH session with no desktop: both
    run without an interactive window station ("WinSta0")."""
    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT"):
        return _interactive_window_station()
    return True


def _interactive_window_station() -> bool:
    try:
        import ctypes

        user32 = ctypes.windll.user32
        station = user32.GetProcessWindowStation()
        name = ctypes.create_unicode_buffer(256)
        UOI_NAME = 2
        if not user32.GetUserObjectInformationW(station, UOI_NAME, name, ctypes.sizeof(name), None):
            return True  # can't tell: try, and let the window's own error speak
        return name.value.lower() == "winsta0"
    except (AttributeError, OSError):
        return True


def prepare_console() -> None:
    """A windowed (no-console) build has sys.stdout None: --help, --version, --paths and errors
    would print nothing. When started from a console (cmd, PowerShell), write to that one."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    try:
        import ctypes

        ATTACH_PARENT_PROCESS = -1
        if not ctypes.windll.kernel32.AttachConsole(ATTACH_PARENT_PROCESS):
            return  # double-clicked: no console to write to (the log file has everything)
    except (AttributeError, OSError):
        return
    reopen_standard_streams("CONOUT$")


def reopen_standard_streams(device: str) -> None:
    """Point the missing standard streams at `device` (the console just attached)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            try:
                setattr(sys, name, open(device, "w", encoding="utf-8", errors="replace", buffering=1))
            except OSError:
                pass


def restrict_to_owner(path: Path) -> None:
    """Only the current user may read or change `path` (a secret, a key, a private folder).
    Windows ignores POSIX modes: remove inherited permissions and grant the owner alone, with
    icacls, the documented tool for it."""
    command = owner_only_acl_command(path, os.environ.get("USERNAME", ""), os.environ.get("USERDOMAIN", ""))
    if command is None:
        return
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=30,
                       creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not limit %s to its owner: %s", path.name, exc)


def owner_only_acl_command(path: Path, user: str, domain: str) -> list[str] | None:
    """The icacls command that leaves `user` alone with full control of `path`."""
    if not user:
        return None
    account = f"{domain}\\{user}" if domain else user
    grant = f"{account}:(OI)(CI)F" if path.is_dir() else f"{account}:F"
    return ["icacls", str(path), "/inheritance:r", "/grant:r", grant]


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


def show_about(window, *, name: str, version: str, description: str, icon, authors: list[str]) -> None:
    """A message box with the name and version."""
    import ctypes

    MB_ICONINFORMATION = 0x40
    text = f"{name} {version}" + (f"\n\n{description}" if description else "")
    threading.Thread(target=ctypes.windll.user32.MessageBoxW, args=(None, text, f"About {name}", MB_ICONINFORMATION),
                     daemon=True).start()


def open_folder(path: Path) -> None:
    """Show `path` in Explorer."""
    os.startfile(path)  # the user asked for it from the Help menu


def window_is_active(window) -> bool | None:
    """Not known here: notifications meant for when the user is away are shown anyway."""
    return None


def install_tray(window, *, app_id: str, title: str, icon, items, on_item) -> bool:
    """No tray icon on this system yet: the app runs without one (logged)."""
    log.info("no tray icon on this system yet")
    return False
