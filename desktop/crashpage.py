"""What the window process answers while the app process is down (or hung), and how the user brings it back.

The page the user is on stays put (an editor keeps what was typed); a banner over it says what
happened, names the log file and offers Restart. Pages asked for meanwhile get the same message as
a page of its own; the app's background requests get a JSON 503, so a page's own retry logic
says "not saved" rather than losing anything. Restart is a POST with a header a cross-site page
can't send without a CORS preflight (which this server never grants), behind the session guard
(see banner.py).
"""

from __future__ import annotations

import html
import json
import secrets
from pathlib import Path
from typing import Callable, Iterable

from .banner import answer_action, banner_js
from .guard import shell_page_headers

RESTART_PATH = "/__desktop__/restart"
RESTART_ACTION = "restart-app"
RESTARTED_EVENT = "desktop:app-restarted"  # the page may listen, e.g. to save what is still unsaved
BANNER_ID = "desktop-app-stopped"


def stopped_message(app_name: str, why: str) -> str:
    return f"{app_name} stopped unexpectedly ({why})."


def hung_message(app_name: str, seconds: float) -> str:
    return f"{app_name} is not responding (no answer for {seconds:.0f} s)."


def banner_call(app_name: str, message: str, log_file: Path) -> str:
    """The script the window runs in the current page (and the stopped page runs) to show the banner."""
    return banner_js(BANNER_ID, f"{message} Nothing you saved is lost. The log: {log_file}", tone="error", button={
        "label": "Restart", "busy": "Restarting\u2026", "action": RESTART_ACTION, "path": RESTART_PATH,
        "event": RESTARTED_EVENT})


def stopped_app(app_name: str, message: str, log_file: Path, restart: Callable[[], None], *,
                headline: str = "") -> Callable:
    """The WSGI app answering while the app process is down (or hung); `restart` brings it back."""
    headline = headline or f"{app_name} stopped"

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == RESTART_PATH:
            return answer_action(environ, start_response, RESTART_ACTION, restart)
        if "text/html" in environ.get("HTTP_ACCEPT", ""):
            nonce = secrets.token_urlsafe(16)
            return _answer(start_response, "503 Service Unavailable", "text/html; charset=utf-8",
                           _page(app_name, headline, message, log_file, nonce).encode(), nonce)
        body = json.dumps({"error": {"message": f"{message} Restart it from its window."}}).encode()
        return _answer(start_response, "503 Service Unavailable", "application/json", body)

    return app


def _page(app_name: str, headline: str, message: str, log_file: Path, nonce: str) -> str:
    # Inline script: this page is the shell's, not the app's, and carries no content from elsewhere.
    return (
        "<!doctype html><html data-desktop-stopped><meta charset=utf-8>"
        f"<title>{html.escape(headline)}</title>"
        "<body style='font-family:system-ui,sans-serif;margin:5rem 3rem;line-height:1.5'>"
        f"<h1>{html.escape(headline)}</h1><p>{html.escape(message)}</p>"
        f"<p>The details are in the log file:<br><code>{html.escape(str(log_file))}</code></p>"
        f"<script nonce={nonce}>{banner_call(app_name, message, log_file)}</script></body></html>"
    )


def _answer(start_response: Callable, status: str, content_type: str, body: bytes, nonce: str = "") -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), ("Retry-After", "2"),
                            *shell_page_headers(script_nonce=nonce)])
    return [body]
