"""OS-specific behaviour behind one small interface, chosen here and nowhere else.

Each backend module provides:
    GUI                      the pywebview GUI backend to ask for (None: pywebview's choice)
    KIOSK                    whether kiosk mode is wired here (otherwise --kiosk is refused)
    prepare_console()        make --help, --version and errors visible (a windowed build's streams)
    engine_problem()         why no window should open here (a missing web engine), or None
    on_terminate(f)          run f before the OS ends the app inside the GUI loop (Cocoa's Cmd+Q)
    restrict_to_owner(path)  only the current user may read or change path (beyond POSIX modes)
    allow_foreground(pid)    a second launch lets the running app (pid) raise its window
    install_menu_bar(w, m, f)  show the menus m (desktop.menus) in window w; f(item) when one is chosen
    perform_role(w, role)    play a menu role on the web view (edit, zoom, reload); False if not here
    show_about(w, ...)       the native About box
    open_folder(path)        show a folder in the file manager
    window_is_active(w)      whether the window has the focus (None: can't tell)
    install_tray(w, ...)     the app's icon in the system tray with its menu; False if none here
    prepare_environment()    set process-wide variables before the GUI toolkit loads
    set_app_identity(id)     name the process after the app id before the toolkit starts (window class)
    adapt_webview(keep)      fit pywebview's backend (navigation policy `keep(url) -> bool`, bug fixes)
    close_modal_dialogs()    dismiss open dialogs, so that closing the window can finish
    watch_kiosk_input(...)   kiosk mode: block close/reload keys, catch the exit keys, report activity
    restrict_kiosk_webview(.) kiosk mode: no file chooser unless allowed, downloads into one folder or
                             none, only pages fill the window
    watch_close_keys(w, f)   outside kiosk mode: the usual close keys (Ctrl+Q, Ctrl+W) call f
    follow_page_title(w)     keep the title bar on the page's title as it changes
    count_keys(w)            count the key presses the window passes to its page, and the page too
    keys_sent(w)             how many it passed to the page shown (None: not counted here)
    window_icon(path, cache) the icon file pywebview and the tray may be given here, made fit in the
                             cache folder if need be (None: leave it to the bundle)
    has_display()            whether a native window can be shown at all
    show_error_dialog(t, m)  show a modal native error message; return False if it could not
    try_lock(fd)             take an exclusive lock on an open file without waiting (released on death)
    channel_address(dir, n)  (address, family) of the local channel a second launch talks through
"""

from __future__ import annotations

import sys
from types import ModuleType


def current() -> ModuleType:
    """Return the backend module for this operating system."""
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        from . import linux as backend
    elif sys.platform == "win32":
        from . import windows as backend
    elif sys.platform == "darwin":
        from . import macos as backend
    else:  # pragma: no cover - an OS pywebview does not support either
        from . import fallback as backend
    return backend
