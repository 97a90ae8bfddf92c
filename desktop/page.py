"""Talking to the page shown in the window: scripts, navigation, and the flush before it goes.

NativeWindow (window.py) is a PageControl: it provides `_window` (pywebview's window), `loaded`,
`closed`, `base_url`, `navigation` and `keys_sent()`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

# Before the window closes (close button, Ctrl+Q, SIGTERM, kiosk exit, logout), the page may save
# what the user typed: the shell calls its `window.desktopFlush()` (which may return a Promise)
# and waits for it, up to FLUSH_SECONDS. A page without one closes at once. No "Leave page?".
FLUSH_SECONDS = 3.0
# Keys typed just before, still on their way to the page: waited for while they keep coming (a
# busy machine hands them over a few per 100 ms), but no longer than FLUSH_SECONDS less the time
# the save itself is left.
KEYS_STALL_SECONDS = 0.5
SAVE_SECONDS = 1.0
KEY_COUNTER = "__desktopKeys"  # the page's count of the key presses it received (platforms/gtk_input.py)
FLUSH_JS = (
    "window.__desktopFlushed = false;"
    "Promise.resolve(typeof window.desktopFlush === 'function' ? window.desktopFlush() : null)"
    ".catch(() => null).then(() => { window.__desktopFlushed = true; });"
    "'asked';"  # a plain value: WebKit can't hand a Promise back to pywebview (an error in the log)
)


def ascii_script(script: str) -> str:
    """`script` with every non-ASCII character as a JavaScript escape (valid in string literals,
    where ours have them). pywebview's GTK backend gives WebKit the script's length in characters
    where it wants bytes: a script with a "…" in it would be cut short, a syntax error."""
    if script.isascii():
        return script
    return "".join(char if char.isascii() else _utf16_escape(char) for char in script)


def _utf16_escape(char: str) -> str:
    units = char.encode("utf-16-be")  # two units (a surrogate pair) for characters past U+FFFF
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}" for i in range(0, len(units), 2))


class PageControl:
    """What the shell asks of the page in its window."""

    def flush_page(self, timeout: float | None = None) -> bool:
        """Ask the page to save what the user typed (`window.desktopFlush()`) and wait for it."""
        timeout = FLUSH_SECONDS if timeout is None else timeout
        started = time.monotonic()
        self._wait_for_typed_keys(deadline=started + max(0.0, timeout - SAVE_SECONDS))
        self.run_js(FLUSH_JS)
        left = max(0.0, timeout - (time.monotonic() - started))
        done = self.wait_for_js("window.__desktopFlushed === true", timeout=left, interval=0.01)
        elapsed = (time.monotonic() - started) * 1000
        if done:
            log.info("the page saved its edits in %.0f ms before closing", elapsed)
        else:
            log.warning("the page did not finish saving within %.1f s: closing anyway", timeout)
        return done

    def keys_sent(self) -> int | None:
        """How many key presses the window has passed to the page shown (None: not counted)."""
        return None

    def _wait_for_typed_keys(self, deadline: float) -> None:
        """Until the page has had every key the window passed it (see platforms/gtk_input.py): the
        flush must not overtake keys still on their way. Pages that don't count go on at once."""
        sent = self.keys_sent()
        if not sent:
            return
        waited = progress = time.monotonic()
        received = -1
        while True:
            landed = self._keys_received()
            now = time.monotonic()
            if landed is None or landed >= sent:
                log.debug("keys typed on this page: %d, all there after %.0f ms", sent, (now - waited) * 1000)
                return
            if landed > received:
                received, progress = landed, now
            if now - progress > KEYS_STALL_SECONDS or now > deadline:
                log.warning("the page had had %d of the %d keys typed after %.1f s: saving anyway",
                            landed, sent, now - waited)
                return
            if self.closed.wait(0.01):
                return

    def _keys_received(self) -> int | None:
        """The page's own count of the key presses it received (None: it doesn't count)."""
        value = str(self.run_js(f"String(window.{KEY_COUNTER})"))
        return int(value) if value.isdigit() else None

    def wait_loaded(self, timeout: float) -> bool:
        """Wait until the page has loaded (True), or until the window closed or `timeout` passed (False).

        Never only on `loaded`: pywebview's start-up thread is not a daemon, so a wait that outlived a
        window closed before its first page loaded (Ctrl+C at once) would keep the process alive."""
        deadline = time.monotonic() + timeout
        while not self.loaded.wait(0.01):  # short slices: what waits here starts as soon as the page is up
            if self.closed.is_set() or time.monotonic() > deadline:
                return self.loaded.is_set()
        return True

    def run_js(self, script: str) -> Any:
        """Run JavaScript in the page as is and return its last value (as pywebview converts it).

        pywebview's evaluate_js() wraps scripts in eval(), which a strict Content-Security-Policy
        (no 'unsafe-eval', as our webapp sends) refuses; run_js() hands the script to the engine.
        """
        return self._window.run_js(ascii_script(script))

    def wait_for_js(self, condition: str, *, timeout: float = 10.0, interval: float = 0.02) -> bool:
        """Poll the JavaScript expression `condition` until it is true or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if str(self.run_js(f"String(Boolean({condition}))")).lower() == "true":
                return True
            if self.closed.wait(interval):
                return False
        return False

    def show_path(self, path: str) -> None:
        """Show a page of the app."""
        self._window.load_url(self.base_url + path.lstrip("/"))

    def go_to(self, path: str) -> None:
        """Show a page of the app once the page shown has saved what the user typed (a menu item)."""
        if self.loaded.is_set():
            try:
                self.flush_page()
            except Exception:  # noqa: BLE001 - the page may be gone or still loading: go anyway
                log.debug("could not ask the page to save before leaving it", exc_info=True)
        self.show_path(path)

    def shows_own_page(self) -> bool:
        """Whether the window shows a page of the app (never tell another site anything)."""
        try:
            return self.navigation.is_own(self.current_url() or "")
        except Exception:  # noqa: BLE001 - closing, or no page yet
            return False

    def reload(self) -> None:
        """Reload the page shown (dev mode, after a change)."""
        if self._window is not None and self.loaded.is_set() and not self.closed.is_set():
            self.run_js("location.reload()")

    def alert(self, message: str) -> None:
        """Tell the user something in a modal message over the page (returns at once)."""
        script = f"alert({json.dumps(message)})"
        threading.Thread(target=self.run_js, args=(script,), name="window-alert", daemon=True).start()

    def current_url(self) -> str | None:
        """The address of the page shown."""
        return self._window.get_current_url() if self._window is not None else None

