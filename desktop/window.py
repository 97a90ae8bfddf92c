"""The native window: pywebview, configured from the kit settings.

pywebview is imported here only, and only when a window is shown, so browser mode and the tests
of other parts never load a GUI toolkit.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from . import platforms
from .errors import DisplayError
from .config import KioskConfig
from .kit import KitSettings
from .menus import menu_bar, parse_menu, parse_tray
from .navigation import NavigationPolicy
from .page import PageControl
from .windowmenu import MenuCommands
from .windowstate import GeometryTracker, Rect, WindowState, fit_to_screens, load_window_state, save_window_state

log = logging.getLogger(__name__)

TRAY_AFTER_LOAD_TIMEOUT = 60.0


class NativeWindow(PageControl):
    """One pywebview window showing `url`; `run()` blocks until it is closed."""

    def __init__(self, kit: KitSettings, url: str, *, storage_path: Path, base_url: str | None = None,
                 state_file: Path | None = None, kiosk: KioskConfig | None = None,
                 log_folder: Path | None = None, icon_cache: Path | None = None) -> None:
        self.kit = kit
        self.log_folder = log_folder  # Help > Open the log folder
        self.url = url  # the first page: the session link
        self.base_url = base_url or url  # the app's origin, with a trailing slash
        self.storage_path = storage_path
        self.icon_cache = icon_cache if icon_cache is not None else storage_path / "icons"  # none named: with the web storage
        self._icon: str | None = None  # the window's and the tray's, once the window is made
        self.state_file = state_file  # None: open at the default size and remember nothing
        self.kiosk = kiosk if kiosk is not None and kiosk.enabled else None
        self.navigation = NavigationPolicy(self.base_url, kiosk=self.kiosk is not None)
        self._closing_allowed = self.kiosk is None  # a kiosk ignores its close button
        # The menu bar: the standard menus with the app's items; a kiosk has none.
        roles = platforms.current().MENU_ROLES
        self.menus = menu_bar(kit.name, parse_menu(kit.menu), roles=roles,
                              updates=bool(kit.update.url)) if self.kiosk is None else ()
        self.check_updates: Callable[[], None] | None = None  # Help > Check for updates (updateservice.py)
        self.tray = parse_tray(kit.tray) if self.kiosk is None else None
        self._tray_shown = False
        self._hidden = False  # hidden to the tray
        self._quitting = False  # Quit, Ctrl+Q, SIGTERM: the close button no longer hides to the tray
        self._flushed = threading.Event()  # the page has saved (or had its chance): the close may go on
        self._minimized = False
        self._flushing = False
        self.loaded = threading.Event()
        self.loaded_at: float | None = None
        self.closed = threading.Event()
        self._window: Any = None
        self._tracker: GeometryTracker | None = None
        self._webview: Any = None
        # What must still run when the OS ends the app inside the GUI loop (see _terminating).
        self.shutdown_hooks: list[Callable[[], None]] = []

    @property
    def backend(self) -> str | None:
        """Name of the pywebview backend in use ('gtk', 'edgechromium', 'cocoa', ...)."""
        guilib = getattr(self._webview, "guilib", None)
        return guilib.__name__.rsplit(".", 1)[-1] if guilib else None

    def run(self, on_started: Callable[["NativeWindow"], None] | None = None) -> None:
        """Create the window and run the GUI loop on this (main) thread until the window closes.

        `on_started` runs on a thread of its own once the GUI loop is up.
        """
        platform = platforms.current()
        if not platform.has_display():
            raise DisplayError("no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)")
        platform.set_app_identity(self.kit.app_id)
        try:
            import webview
        except ImportError as exc:
            raise DisplayError(f"pywebview cannot load its GUI toolkit: {exc}") from exc
        problem = platform.engine_problem()
        if problem:
            raise DisplayError(problem)
        self._webview = webview
        _route_pywebview_logs_to_root()
        platform.on_terminate(self._terminating)
        # Downloads (the notes export) ask where to save with the native save dialog; pages
        # come only from our own server, never from file:// URLs.
        webview.settings["ALLOW_DOWNLOADS"] = True
        webview.settings["ALLOW_FILE_URLS"] = False
        platform.adapt_webview(self.navigation.keep_in_window)
        if self.kiosk is not None:  # a file chooser or a save dialog would show a visitor every folder
            platform.restrict_kiosk_webview(file_dialogs=self.kiosk.file_dialogs, downloads=self.kiosk.downloads)
        window_settings = self.kit.window
        state = self._initial_state(webview)
        self._window = webview.create_window(
            window_settings.title,
            self.url,
            width=state.width,
            height=state.height,
            x=state.x,
            y=state.y,
            maximized=state.maximized and not self.kiosk,
            min_size=(window_settings.min_width, window_settings.min_height),
            text_select=True,  # it is a document editor: users select and copy text
            # Kiosk: the whole screen, nothing to drag, resize or close.
            fullscreen=self.kiosk is not None,
            frameless=self.kiosk is not None,
            easy_drag=False,
            resizable=self.kiosk is None,
        )
        self._window.events.closing += self._on_closing  # False cancels (or defers) the close
        self._window.events.minimized += self._on_minimized
        self._window.events.restored += self._on_restored
        self._window.events.maximized += self._on_restored
        remember = self.state_file is not None and self.kiosk is None  # a kiosk's geometry is the screen's
        tracker = self._tracker = GeometryTracker(
            self._window, state, on_settled=lambda settled: save_window_state(self.state_file, settled),
        ) if remember else None
        self._window.events.loaded += self._on_loaded
        self._window.events.closed += self.closed.set
        self._icon = platform.window_icon(self.kit.icon_path(), self.icon_cache)
        self.storage_path.mkdir(parents=True, exist_ok=True)
        log.debug("starting the GUI loop (%s)", platform.GUI)
        def started(window: NativeWindow) -> None:
            platform.follow_page_title(window._window)
            if self.tray is not None:
                threading.Thread(target=self._install_tray, name="tray", daemon=True).start()
            if on_started is not None:
                on_started(window)

        platform.count_keys(self._window)  # the flush before closing waits for every key typed
        menu = platform.install_menu_bar(self._window, self.menus, MenuCommands(self, self.kit, self.log_folder)) \
            if self.menus else []
        try:
            webview.start(
                started,
                (self,),
                gui=platform.GUI,
                private_mode=False,  # keep web storage, but in our own folder:
                storage_path=str(self.storage_path),
                icon=self._icon,
                menu=menu,
            )
        except webview.WebViewException as exc:
            raise DisplayError(f"cannot open a window: {exc}") from exc
        self.closed.set()
        if tracker is not None:
            save_window_state(self.state_file, tracker.state)

    def _install_tray(self) -> None:
        """The tray icon, once the first page has loaded: it never competes with the start."""
        if self.wait_loaded(TRAY_AFTER_LOAD_TIMEOUT):
            self._tray_shown = platforms.current().install_tray(
                self._window, app_id=self.kit.app_id, title=self.kit.window.title,
                icon=Path(self._icon) if self._icon else None,
                items=self.tray.menu(self.kit.name), on_item=MenuCommands(self, self.kit, self.log_folder))

    def _on_closing(self) -> bool:
        """pywebview's closing event (GUI thread): go on only once the page has saved its edits."""
        if not self._closing_allowed:
            return False  # a kiosk: only its exit closes it
        if self.tray is not None and self.tray.close_to_tray and self._tray_shown and not self._quitting:
            threading.Thread(target=self.toggle_visibility, name="hide-to-tray", daemon=True).start()
            return False  # the close button hides the window; the tray brings it back
        if self._flushed.is_set() or not self.loaded.is_set():
            return True
        if not self._flushing:  # ask the page on another thread: it needs this GUI loop to answer
            self._flushing = True
            threading.Thread(target=self._flush_then_close, name="window-flush", daemon=True).start()
        return False

    def keys_sent(self) -> int | None:
        return platforms.current().keys_sent(self._window) if self._window is not None else None

    def _flush_then_close(self) -> None:
        try:
            self.flush_page()
        except Exception:  # noqa: BLE001 - the page may be gone already; closing must still happen
            log.debug("could not ask the page to save before closing", exc_info=True)
        finally:
            self._flushed.set()
            if not self.closed.is_set():
                self._window.destroy()

    def _initial_state(self, webview) -> WindowState:
        """Where the window opens: as the user left it, brought back onto a screen if need be."""
        settings = self.kit.window
        default = WindowState(width=settings.width, height=settings.height)
        if self.state_file is None and self.kiosk is None:
            return default
        state = load_window_state(self.state_file, default) if self.state_file else default
        try:
            screens = [Rect(int(s.x), int(s.y), int(s.width), int(s.height)) for s in webview.screens]
        except Exception:  # noqa: BLE001 - without screen sizes, trust the saved state
            log.debug("could not list the screens", exc_info=True)
            screens = []
        if self.kiosk is not None and screens:
            # Full screen even where no window manager honours the request (X11 without one).
            screen = screens[0]
            return WindowState(width=screen.width, height=screen.height, x=screen.x, y=screen.y)
        return fit_to_screens(state, screens, min_width=settings.min_width, min_height=settings.min_height)

    def _on_loaded(self) -> None:
        if not self.loaded.is_set():
            self.loaded_at = time.time()  # the first page: what the self-test reports
        self.loaded.set()
        if self._quitting or self.closed.is_set():
            return  # pywebview runs this on a thread the process waits for: never ask a closing page
        # Like a native document window, the title bar names what is shown ("Groceries · Inkwell").
        try:
            title = self.run_js("document.title")
            if isinstance(title, str) and title.strip():
                self._window.set_title(title.strip()[:200])
        except Exception:  # noqa: BLE001 - a title is cosmetic; the page may be navigating away
            log.debug("could not copy the page title to the window", exc_info=True)

    def _on_minimized(self) -> None:
        self._minimized = True

    def _on_restored(self) -> None:
        self._minimized = False

    def present(self) -> None:
        """Bring the window to the front, un-minimising it only if it is minimised: restore() on a
        maximised window would un-maximise it (WinForms sets Normal). A window hidden to the tray
        shows again."""
        if self._window is not None and not self.closed.is_set():
            self._hidden = False
            if self._minimized:
                self._window.restore()
            self._window.show()

    def toggle_visibility(self) -> None:
        """Hide the window to the tray, or show it again (the tray's first item)."""
        if self._window is None or self.closed.is_set():
            return
        if self._hidden:
            self.present()
        else:
            self._hidden = True
            self._window.hide()
            log.info("the window is hidden in the tray")

    @property
    def hidden(self) -> bool:
        return self._hidden

    def is_active(self) -> bool:
        """Whether the window has the keyboard focus (False when that can't be told)."""
        if self._window is None or self.closed.is_set():
            return False
        return bool(platforms.current().window_is_active(self._window))

    @property
    def native_window(self) -> Any:
        """pywebview's window object (what the platform backends act on)."""
        return self._window

    def watch_kiosk_input(self, *, on_exit_keys: Callable[[], None], on_activity: Callable[[], None]) -> None:
        """Kiosk mode: hand keyboard and pointer activity to the shell (call once the window exists)."""
        platforms.current().watch_kiosk_input(self._window, exit_keys=self.kiosk.exit_keys,
                                              on_exit_keys=on_exit_keys, on_activity=on_activity)

    def watch_close_keys(self) -> None:
        """Ctrl+Q / Ctrl+W close the window (saving first), as in any desktop app; not in a kiosk."""
        if self.kiosk is None:
            platforms.current().watch_close_keys(self._window, self.close)

    def kiosk_state(self) -> dict[str, Any]:
        """What the self-test reports about kiosk mode."""
        if self.kiosk is None:
            return {"enabled": False}
        return {
            "enabled": True,
            "fullscreen": bool(getattr(self._window, "fullscreen", False)),
            "frameless": bool(getattr(self._window, "frameless", False)),
            "resizable": bool(getattr(self._window, "resizable", True)),
            "close_button_refused": not self._closing_allowed,
            "links_outside_the_app": "blocked",
            "home": self.kiosk.home,
            "idle_minutes": self.kiosk.idle_minutes,
        }

    def _terminating(self) -> None:
        """The OS ends the app from inside the GUI loop (Cocoa's Cmd+Q, logout), so run() never
        returns: do here what would follow it. The page has saved its edits by then."""
        self.closed.set()
        if self._tracker is not None and self.state_file is not None:
            save_window_state(self.state_file, self._tracker.state)
        for hook in self.shutdown_hooks:
            hook()
        log.info("shut down for the system's quit")

    def close(self) -> None:
        """Close the window (safe from any thread, and more than once)."""
        self._closing_allowed = True
        self._quitting = True
        if self._window is not None and not self.closed.is_set():
            if self._tracker is not None:  # a move just before Ctrl+C or logout still counts
                # Bounded: with a modal dialog up, the GUI loop may not answer in time.
                reader = threading.Thread(target=self._tracker.refresh, name="window-geometry-last", daemon=True)
                reader.start()
                reader.join(0.5)
            platforms.current().close_modal_dialogs()  # e.g. a save dialog left open
            self._window.destroy()


def _route_pywebview_logs_to_root() -> None:
    """pywebview adds its own stderr handler at import; ours already log to file and console."""
    pywebview_log = logging.getLogger("pywebview")
    for handler in list(pywebview_log.handlers):
        pywebview_log.removeHandler(handler)
