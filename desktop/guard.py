"""The local server's gatekeeper: only the app's own window (or the browser the shell opened) gets in.

Anything on the machine can reach a loopback port: another user, or a web page in the user's
browser (through DNS rebinding or a cross-site form). So every request must:

- name the server by its loopback address in `Host` (a rebound domain name is refused);
- carry the session cookie the window got by trading in the per-launch token, which the shell
  hands to the window once, in memory (never on a command line or in a log);
- if it changes something, come from the app's own origin (or say nothing of its origin).

Scripts using the app's own API tokens (`Authorization: Bearer ...`) skip the cookie on the
kit's `bearer_path` only: the app checks those tokens itself.
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
from typing import Callable, Iterable
from urllib.parse import parse_qs

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HANDSHAKE_PATH = "/__desktop__/session"


def shell_page_headers(*, script_nonce: str = "") -> list[tuple[str, str]]:
    """Headers for the shell's own pages (refusals, the hand-over, the stopped-app and kiosk pages):
    nothing runs on them but their own style and, with `script_nonce`, their one script; no
    frame of another page may hold them."""
    script = f"'nonce-{script_nonce}'" if script_nonce else "'none'"
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; script-src {script}; connect-src 'self'; "
              "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    return [("Content-Security-Policy", policy), ("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer")]


class SessionGuard:
    """WSGI middleware admitting only requests from the session the window opened."""

    def __init__(self, port: int, *, app_name: str = "the app", bearer_path: str = "",
                 secrets_from: dict[str, str] | None = None) -> None:
        self.port = port
        self.app_name = app_name
        self.bearer_path = bearer_path
        # The app process takes over the window process's secrets, so the window's session is one
        # for the whole launch, however often the app process restarts.
        secrets_from = secrets_from or {}
        # Launch tokens: each opens one session, once (the window's first page, or a browser
        # opening the launch file), then it is spent, though it may linger in a cache or a history.
        self._tokens = set(secrets_from.get("tokens") or [secrets.token_urlsafe(32)])
        self.token = next(iter(self._tokens))  # the one the window (or the first launch file) is given
        self._session = secrets_from.get("session") or secrets.token_urlsafe(32)  # the cookie: never in a URL
        self._tokens_lock = threading.Lock()
        self.on_spent: Callable[[str], None] = lambda token: None  # the app process tells the window process
        # Cookies are per host, not per port: a name per port keeps two apps' sessions apart.
        self.cookie_name = f"desktop_session_{port}"
        self.hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})
        self.origins = frozenset(f"http://{host}" for host in self.hosts)

    def entry_url(self, next_path: str = "/", token: str | None = None) -> str:
        """The URL that opens a session: for the window (in memory) or the 0600 launch file only."""
        return f"http://127.0.0.1:{self.port}{HANDSHAKE_PATH}?token={token or self.token}&next={next_path}"

    def issue_token(self) -> str:
        """A new launch token (a browser opening the app again), good for one session."""
        token = secrets.token_urlsafe(32)
        self.accept_token(token)
        return token

    def accept_token(self, token: str) -> None:
        """Take `token`, issued by the other process of this launch, as good for one session."""
        with self._tokens_lock:
            self._tokens.add(token)

    def spend(self, token: str) -> None:
        """`token` has opened its session (here or in the other process): it opens no other."""
        with self._tokens_lock:
            self._tokens.discard(token)

    def _trade(self, token: str) -> bool:
        with self._tokens_lock:
            good = any(hmac.compare_digest(token.encode(), known.encode()) for known in self._tokens)
            if good:
                self._tokens.discard(token)
        if good:
            self.on_spent(token)
        return good

    def secrets(self) -> dict:
        """The unspent tokens and the session value, for the app process of the same launch."""
        with self._tokens_lock:
            return {"tokens": sorted(self._tokens), "session": self._session}

    def cookie_header(self) -> str:
        """A Cookie header for the shell's own requests (the self-test's health check)."""
        return f"{self.cookie_name}={self._session}"

    def wrap(self, app: Callable) -> Callable:
        """`app` behind the guard."""

        def guarded(environ: dict, start_response: Callable) -> Iterable[bytes]:
            refusal = self.check(environ)
            if refusal is not None:
                return self._refuse(environ, start_response, refusal)
            if environ.get("PATH_INFO") == HANDSHAKE_PATH:
                return self._open_session(environ, start_response)
            return app(environ, start_response)

        return guarded

    def check(self, environ: dict) -> str | None:
        """Why this request is refused, or None when it may go through."""
        if environ.get("HTTP_HOST", "") not in self.hosts:
            return "the request names another host (Host header)"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        # Browsers send "Origin: null" for the app's own forms when its Referrer-Policy is
        # no-referrer; a truly foreign opaque origin (a sandboxed frame, a file) is cross-site,
        # so it carries no SameSite=Strict cookie and is refused below.
        origin = environ.get("HTTP_ORIGIN", "null")
        if method not in SAFE_METHODS and origin != "null" and origin not in self.origins:
            return "the request comes from another site (Origin header)"
        if environ.get("HTTP_SEC_FETCH_SITE") == "cross-site":
            return "the request comes from another site (Sec-Fetch-Site header)"
        path = environ.get("PATH_INFO", "")
        if path == HANDSHAKE_PATH or self._has_session(environ):
            return None
        if self._uses_bearer_token(environ, path):
            return None
        return "the request does not come from the app's window"

    def _has_session(self, environ: dict) -> bool:
        from werkzeug.http import parse_cookie

        # A page on another local port can set a cookie of the same name for 127.0.0.1 (cookies
        # ignore ports): the browser then sends both. Ours is among them, or there is none.
        values = parse_cookie(environ.get("HTTP_COOKIE", "")).getlist(self.cookie_name)
        return any(hmac.compare_digest(value.encode(), self._session.encode()) for value in values)

    def _uses_bearer_token(self, environ: dict, path: str) -> bool:
        if not self.bearer_path or not path.startswith(self.bearer_path):
            return False
        return environ.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer ")

    def _open_session(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        token = query.get("token", [""])[0]
        if not self._has_session(environ) and not self._trade(token):
            return self._refuse(environ, start_response, "the session link is not valid: each one opens the app "
                                                         "once, in the launch that made it")
        from .localurls import redirect_target

        next_path = redirect_target(query.get("next", ["/"])[0])  # this server's, and nothing but a path
        start_response("303 See Other", [
            ("Location", next_path),
            ("Set-Cookie", f"{self.cookie_name}={self._session}; Path=/; HttpOnly; SameSite=Strict"),
            ("Cache-Control", "no-store"),
            ("Content-Length", "0"),
            *shell_page_headers(),
        ])
        return [b""]

    def _refuse(self, environ: dict, start_response: Callable, reason: str) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if self.bearer_path and path.startswith(self.bearer_path):
            body = json.dumps({"error": {"code": "forbidden", "message": f"forbidden: {reason}"}}).encode()
            content_type = "application/json"
        else:
            name = html.escape(self.app_name)
            body = (
                "<!doctype html><meta charset=utf-8><title>Forbidden</title>"
                "<body style='font-family:system-ui,sans-serif;margin:3rem;line-height:1.5'>"
                f"<h1>Forbidden</h1><p>This address belongs to {name}, an app on this computer, "
                f"and {html.escape(reason)}.</p><p>Open {name} from its launcher instead.</p></body>"
            ).encode()
            content_type = "text/html; charset=utf-8"
        start_response("403 Forbidden", [
            ("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store"),
            *shell_page_headers(),
        ])
        return [body]
