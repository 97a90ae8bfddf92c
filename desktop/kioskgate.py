"""The kiosk's gate (in the app process): the pages an app hides from a kiosk answer "not available here".

What is hidden is decided on the route Flask will dispatch to, never on how the path is spelled:
`/%2Fsettings/`, `//settings`, `/notes/01/purge` and an absolute-form request target all reach
the same view as the plain path, so the gate asks the app's own URL map which rule a request
matches (following its redirects, e.g. a missing trailing slash), and compares that rule with the
hidden entries. On top of that a kiosk refuses every request its own links could not produce: an
app builds its links with `url_for`, which never doubles a slash, writes `.` or `..` segments,
encodes a slash, a backslash or a letter, or names the server in the request line.

An entry of `kiosk_hidden` is a path (`/settings`: that page and everything below it) or a URL
rule as the app declares it (`/notes/<int:note_id>/purge`: every page of that rule).
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
from typing import Any, Callable, Iterable
from urllib.parse import unquote, urlsplit

from .guard import shell_page_headers
from .kiosk import kiosk_page

log = logging.getLogger(__name__)

# What a link built by url_for (or typed in the app's own pages, then canonicalised by the web
# engine) never escapes: unreserved characters, which need no escape, and the separators that
# would change which segments the path has.
_NEEDLESS_ESCAPES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/\\")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def unusual_spelling(raw_target: str) -> str | None:
    """Why a request target is not one a kiosk's own link produces, or None if it is plain."""
    if not raw_target.startswith("/") or raw_target.startswith("//"):
        return "the request line names a server or no path"
    path = raw_target.split("?", 1)[0].split("#", 1)[0]
    if "//" in path:
        return "the path has an empty segment (//)"
    if "\\" in path:
        return "the path has a backslash"
    if _CONTROL.search(path):
        return "the path has a space or a control character"
    for escape in _ESCAPE.finditer(path):
        byte = int(escape.group(1), 16)
        if byte in _NEEDLESS_ESCAPES:
            return "the path escapes a letter, digit or separator that needs no escape"
        if byte < 0x20 or byte == 0x7F:
            return "the path has a control character"
    if any(segment in (".", "..") for segment in path.split("/")):
        return "the path has a . or .. segment"
    return None


def normalised(path: str) -> str:
    """`path` with empty, `.` and `..` segments resolved and `;` parameters dropped, as a file
    server or another framework mounted beside the app might read it."""
    segments = [segment.split(";", 1)[0] for segment in path.split("/")]
    joined = posixpath.normpath("/" + "/".join(segment for segment in segments if segment))
    return "/" + joined.lstrip("/") + ("/" if path.endswith("/") and joined != "/" else "")


class HiddenPages:
    """Which requests reach a page the app hides from kiosks, decided through the app's URL map."""

    def __init__(self, hidden: Iterable[str], flask_app: Any = None) -> None:
        entries = [entry.strip() for entry in hidden if entry.strip()]
        self.rules = frozenset(entry for entry in entries if "<" in entry)
        self.prefixes = tuple(entry.rstrip("/") or "/" for entry in entries if "<" not in entry)
        self._url_map = getattr(flask_app, "url_map", None)
        self.endpoints = frozenset(rule.endpoint for rule in self._url_map.iter_rules()
                                   if self._hides_rule(rule.rule)) if self._url_map is not None else frozenset()

    def _under_prefix(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix.rstrip("/") + "/") for prefix in self.prefixes)

    def _hides_rule(self, rule: str) -> bool:
        return rule in self.rules or self._under_prefix(rule)

    def hides(self, path: str, method: str = "GET", host: str = "localhost") -> bool:
        """Whether a request for `path` (decoded, as PATH_INFO) reaches a hidden page."""
        if self._under_prefix(path) or self._under_prefix(normalised(path)):
            return True
        return self._url_map is not None and self._routes_to_hidden(path, method, host, hops=5)

    def _routes_to_hidden(self, path: str, method: str, host: str, hops: int) -> bool:
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RequestRedirect

        adapter = self._url_map.bind(host)
        try:
            rule, _arguments = adapter.match(path, method=method, return_rule=True)
        except RequestRedirect as redirect:  # where the app would send the window instead
            target = unquote(urlsplit(redirect.new_url).path)
            if hops <= 0:
                return True  # a redirect loop: nothing a kiosk needs
            return self._under_prefix(target) or self._routes_to_hidden(target, method, host, hops - 1)
        except HTTPException:  # 404, 405: the app answers that itself
            return False
        return self._hides_rule(rule.rule)


class KioskGate:
    """WSGI middleware: the pages the app hides from a kiosk, and requests spelled as no link of
    the kiosk's is, answer 403 "not available here"."""

    def __init__(self, app: Callable, *, hidden: Iterable[str], app_name: str, flask_app: Any = None) -> None:
        self._app, self._name = app, app_name
        self.pages = HiddenPages(hidden, flask_app)

    def refusal(self, environ: dict) -> str | None:
        """Why this request is refused at a kiosk, or None."""
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if raw is not None:
            problem = unusual_spelling(raw)
            if problem:
                return problem
        path = _decoded(environ.get("PATH_INFO") or "/")
        host = environ.get("HTTP_HOST") or "localhost"
        if self.pages.hides(path, environ.get("REQUEST_METHOD", "GET"), host):
            return "the app hides this page from kiosks"
        return None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        reason = self.refusal(environ)
        if reason is None:
            return self._app(environ, start_response)
        log.info("kiosk mode: refused %r: %s", environ.get("REQUEST_URI") or environ.get("PATH_INFO"), reason)
        if "application/json" in environ.get("HTTP_ACCEPT", ""):
            body = b'{"error": {"code": "kiosk", "message": "This is not available at this kiosk."}}'
            content_type = "application/json"
        else:
            body = not_available_page(self._name).encode()
            content_type = "text/html; charset=utf-8"
        start_response("403 Forbidden", [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                         ("Cache-Control", "no-store"), *shell_page_headers()])
        return [body]


def _decoded(path_info: str) -> str:
    """PATH_INFO as text (WSGI hands it over as latin-1 code points of the UTF-8 bytes)."""
    try:
        return path_info.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return path_info


def not_available_page(app_name: str) -> str:
    """The page a kiosk shows for what it hides, with the way back."""
    return kiosk_page("Not available here", f"<h1>Not available here</h1><p>This page of {html.escape(app_name)} "
                                            "is not available at this kiosk.</p><p><a href='/'>Back to the start</a></p>")
