"""macOS: WKWebView through pywebview's Cocoa backend."""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from pathlib import Path
from typing import Callable

from ._posix import allow_foreground, channel_address, restrict_to_owner, try_lock  # noqa: F401 - part of the backend interface

from ._pywebview_menus import MENU_ROLES, install_menu_bar, perform_role  # noqa: F401 - part of the backend interface

GUI = "cocoa"
# Kiosk input (blocked keys, exit keys, activity) is wired for GTK only: a kiosk here would send
# its user home mid-task and leave no way out, so `--kiosk` is refused until it is.
KIOSK = False
# Cocoa's WKWebView keeps web storage in the app's own container (~/Library/WebKit/<bundle id>),
# whatever storage_path pywebview is given: documented in SECURITY.md.

log = logging.getLogger(__name__)

NS_TERMINATE_CANCEL, NS_TERMINATE_NOW, NS_TERMINATE_LATER = 0, 1, 2
WK_POLICY_CANCEL = 0


def watch_close_keys(window, on_close) -> None:
    """The system's own keys close the window here (Cmd+W, Cmd+Q), through pywebview's events."""


def count_keys(window) -> None:
    """Not counted here: the flush runs at once (see gtk_input.py for why Linux counts)."""


def keys_sent(window) -> int | None:
    return None


def follow_page_title(window) -> None:
    """The title is copied from the page at each load (window.py); later changes are not followed here yet."""


def window_icon(path: Path | None, cache: Path) -> str | None:
    """The Dock shows the .app's own .icns; a window icon means nothing on macOS."""
    return None


def set_app_identity(app_id: str) -> None:
    """The window's identity comes from the bundle here (bundle id, executable)."""


def prepare_environment() -> None:
    """Nothing to set on macOS."""


def prepare_console() -> None:
    """A macOS app keeps its standard streams: nothing to do."""


def engine_problem() -> str | None:
    """WKWebView is part of every supported macOS."""
    return None


def adapt_webview(keep_in_window: Callable[[str], bool]) -> None:
    """Every navigation of WKWebView asks the shell's policy first, as on GTK (a link to another
    site opens in the browser, never inside the window), and Cmd+Q or logging out finish the
    shell's own shutdown before Cocoa ends the process."""
    import objc
    from webview.platforms import cocoa

    adapt_cocoa(cocoa.BrowserView, keep_in_window, objc.super)


def adapt_cocoa(browser_view, keep_in_window: Callable[[str], bool], objc_super=super) -> None:
    """Put our subclasses of pywebview's delegates in its BrowserView (looked up when a window
    is made). `objc_super` is PyObjC's super (the builtin for fakes in tests)."""
    global _keep_in_window
    _keep_in_window = keep_in_window
    if getattr(browser_view, "_desktop_adapted", False):
        return
    base_browser, base_app = browser_view.BrowserDelegate, browser_view.AppDelegate

    class DesktopBrowserDelegate(base_browser):
        def webView_decidePolicyForNavigationAction_decisionHandler_(self, webview, action, handler):
            if not _keep_in_window(_url_of(action)):
                handler(WK_POLICY_CANCEL)
                return
            objc_super(DesktopBrowserDelegate, self).webView_decidePolicyForNavigationAction_decisionHandler_(
                webview, action, handler)

        def webView_createWebViewWithConfiguration_forNavigationAction_windowFeatures_(
                self, webview, config, action, features):
            if _keep_in_window(_url_of(action)):  # one of the app's own pages (target=_blank): here
                webview.loadRequest_(action.request())
            return None  # never a second window

    class DesktopAppDelegate(base_app):
        def applicationShouldTerminate_(self, app):
            verdict = objc_super(DesktopAppDelegate, self).applicationShouldTerminate_(app)
            if not verdict:
                return NS_TERMINATE_CANCEL  # the page is saving first; the window then closes itself
            callback = _on_terminate
            if callback is None:
                return NS_TERMINATE_NOW
            # Cocoa ends the process inside its loop, so webview.start never returns: finish our
            # shutdown (window state, server, database) first, then let it go on.
            threading.Thread(target=_finish_then_reply, args=(app, callback), name="terminate", daemon=True).start()
            return NS_TERMINATE_LATER

    browser_view.BrowserDelegate = DesktopBrowserDelegate
    browser_view.AppDelegate = DesktopAppDelegate
    browser_view._desktop_adapted = True


def _url_of(action) -> str:
    url = action.request().URL()
    return str(url.absoluteString()) if url is not None else ""


def _finish_then_reply(app, callback: Callable[[], None]) -> None:
    try:
        callback()
    except Exception:  # noqa: BLE001 - ending the app must go on whatever failed
        log.exception("shutting down for Cocoa's terminate failed")
    try:
        from PyObjCTools import AppHelper

        AppHelper.callAfter(app.replyToApplicationShouldTerminate_, True)
    except ImportError:  # a fake app in tests
        app.replyToApplicationShouldTerminate_(True)


_keep_in_window: Callable[[str], bool] = lambda url: True  # noqa: E731 - replaced by adapt_webview
_on_terminate: Callable[[], None] | None = None


def on_terminate(callback: Callable[[], None]) -> None:
    """Run `callback` before Cocoa ends the process (Cmd+Q, logout, shutdown)."""
    global _on_terminate
    _on_terminate = callback


def watch_kiosk_input(window, *, exit_keys, on_exit_keys, on_activity) -> None:
    """Never called: KIOSK is False here (`--kiosk` is refused with a message)."""


def restrict_kiosk_webview(*, file_dialogs: bool, downloads: str) -> None:
    """Never called: KIOSK is False here (`--kiosk` is refused with a message)."""


def close_modal_dialogs() -> None:
    """Not needed here: closing the window ends its dialogs."""


def has_display() -> bool:
    """False in an SSH session with no window server session of its own (no Aqua session): a
    window could not be shown there. A local Terminal has one."""
    if not (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT")):
        return True
    try:
        import ctypes

        graphics = ctypes.cdll.LoadLibrary("/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics")
        graphics.CGSessionCopyCurrentDictionary.restype = ctypes.c_void_p
        return bool(graphics.CGSessionCopyCurrentDictionary())
    except (OSError, AttributeError):
        return True


def show_error_dialog(title: str, message: str) -> bool:
    """Show an alert through AppleScript (works even when pywebview failed to load)."""
    script = 'display alert (item 1 of argv) message (item 2 of argv) as critical'
    try:
        subprocess.run(["osascript", "-e", f"on run argv\n{script}\nend run", title, message], check=False)
    except OSError:
        return False
    return True


def show_about(window, *, name: str, version: str, description: str, icon, authors: list[str]) -> None:
    """An alert with the name and version."""
    text = f"{name} {version}" + (f"\n\n{description}" if description else "")
    threading.Thread(target=show_error_dialog, args=(f"About {name}", text), daemon=True).start()


def open_folder(path: Path) -> None:
    """Show `path` in the Finder."""
    subprocess.run(["open", str(path)], check=False)


def window_is_active(window) -> bool | None:
    """Not known here: notifications meant for when the user is away are shown anyway."""
    return None


def install_tray(window, *, app_id: str, title: str, icon, items, on_item) -> bool:
    """No tray icon on this system yet: the app runs without one (logged)."""
    log.info("no tray icon on this system yet")
    return False
