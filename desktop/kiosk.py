"""Kiosk mode: the app alone on the screen, for a shop counter, a lab bench or a public terminal.

Full screen, no frame, not resizable, no context menu or dev tools, links outside the app
blocked, the usual close and reload keys off, the window's close button refused. Leaving takes
the exit keys, then the operator's exit PIN (kioskpin.py: hashed in config.toml, set from the
command line, out of reach of the app's own pages) on a page the shell serves behind the same
guard as the app. The pages the app declares `kiosk_hidden` (its settings, backups, ...) answer
"not available here" unless the operator allows them. An idle kiosk goes back to its home page;
a page that stops answering is reloaded.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from typing import Callable, Iterable
from urllib.parse import parse_qs, urlsplit

from .config import KioskConfig
from .guard import shell_page_headers
from .kioskpin import verify_pin

log = logging.getLogger(__name__)

EXIT_PATH = "/__desktop__/kiosk/exit"
MAX_FORM_BYTES = 4096
CHECK_SECONDS = 5.0  # how often the supervisor looks at idleness and at the page's health
HEARTBEAT_TIMEOUT = 10.0  # a page that takes this long to run "1+1" has stopped answering


class KioskExit:
    """WSGI middleware serving the "leave kiosk mode" page in front of the hosted app."""

    def __init__(self, app: Callable, *, exit_pin: str, on_exit: Callable[[], None], app_name: str) -> None:
        self._app, self._exit_pin, self._on_exit, self._name = app, exit_pin, on_exit, app_name
        self._failures = 0
        self._one_guess_at_a_time = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != EXIT_PATH:
            return self._app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            return self._page(start_response, "200 OK")
        pin = _form_field(environ, "pin")
        # One guess at a time, each after the brake of the guesses before it: guesses sent in
        # parallel wait for each other instead of each sleeping on a thread of its own.
        with self._one_guess_at_a_time:
            if self._failures:
                time.sleep(min(self._failures, 5))
            right = bool(pin) and verify_pin(pin, self._exit_pin)
            self._failures = 0 if right else self._failures + 1
            failures = self._failures
        if right:
            log.info("kiosk mode: the exit PIN was given; leaving")
            threading.Thread(target=self._on_exit, name="kiosk-exit", daemon=True).start()
            return self._page(start_response, "200 OK", done=True)
        log.warning("kiosk mode: a wrong PIN to leave (%d in a row)", failures)
        return self._page(start_response, "403 Forbidden", error="That is not the exit PIN.")

    def _page(self, start_response: Callable, status: str, *, error: str = "", done: bool = False) -> list[bytes]:
        name = html.escape(self._name)
        if done:
            body = f"<h1>Leaving kiosk mode</h1><p>{name} is closing.</p>"
        else:
            body = (
                f"<h1>Leave kiosk mode</h1><p>Enter the exit PIN to close the {name} kiosk.</p>"
                + (f"<p role=alert class=error>{html.escape(error)}</p>" if error else "")
                + f"<form method=post action='{EXIT_PATH}'>"
                "<input type=password name=pin autofocus required autocomplete=off aria-label='Exit PIN'>"
                " <button>Leave</button></form><p><a href='/'>Back to the app</a></p>"
            )
        page = kiosk_page("Leave kiosk mode", body).encode()
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page))),
                                ("Cache-Control", "no-store"), *shell_page_headers()])
        return [page]


_KIOSK_STYLE = ("body{font:18px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;"
                "margin:0;background:#f4f3ef;color:#222}main{background:#fff;padding:2rem 2.5rem;border-radius:12px;"
                "box-shadow:0 2px 12px #0002;max-width:28rem}input,button{font:inherit;padding:.4rem .6rem}"
                "button{background:#2d4a7a;color:#fff;border:0;border-radius:6px}a{color:#2d4a7a}"
                ".error{color:#b00020}")


def kiosk_page(title: str, body_html: str) -> str:
    """A page of the kiosk's own (leaving it, what it hides), in one style."""
    return (f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_KIOSK_STYLE}</style><main>{body_html}</main>")


def _form_field(environ: dict, name: str) -> str:
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_FORM_BYTES)
    except ValueError:
        return ""
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    return parse_qs(raw.decode("utf-8", "replace")).get(name, [""])[0]


class KioskSupervisor:
    """Sends an idle kiosk back home, and reloads a page that stopped answering."""

    def __init__(self, window, config: KioskConfig) -> None:
        self._window = window
        self._config = config
        self._last_activity = time.monotonic()

    def activity(self) -> None:
        """The user touched the keyboard, mouse or screen."""
        self._last_activity = time.monotonic()

    def start(self) -> None:
        """Supervise on a daemon thread until the window closes."""
        threading.Thread(target=self._watch, name="kiosk-supervisor", daemon=True).start()

    def _watch(self) -> None:
        unanswered = 0
        while not self._window.closed.wait(CHECK_SECONDS):
            unanswered = 0 if self._page_answers() else unanswered + 1
            if unanswered >= 2:  # two checks in a row, 25 s without an answer
                log.warning("kiosk mode: the page stopped answering: reloading the home page")
                self._go_home()
                unanswered = 0
            elif self._config.idle_minutes and self._idle_for() >= self._config.idle_minutes * 60:
                if urlsplit(self._window.current_url() or "").path != self._config.home:
                    log.info("kiosk mode: idle for %d min: back to the home page", self._config.idle_minutes)
                    self._go_home()
                self.activity()

    def _idle_for(self) -> float:
        return time.monotonic() - self._last_activity

    def _go_home(self) -> None:
        self._window.show_path(self._config.home)

    def _page_answers(self) -> bool:
        """False only when the page hangs: an error means it is alive (e.g. in mid-navigation)."""
        probe = threading.Thread(target=self._probe, name="kiosk-heartbeat", daemon=True)
        probe.start()
        probe.join(HEARTBEAT_TIMEOUT)
        return not probe.is_alive()

    def _probe(self) -> None:
        try:
            self._window.run_js("1+1")
        except Exception:  # noqa: BLE001 - answered, if only with an error
            log.debug("kiosk heartbeat: the page answered with an error", exc_info=True)
