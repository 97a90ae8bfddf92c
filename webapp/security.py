"""Security headers on every response. All scripts and styles are our own files, so the
Content-Security-Policy can forbid inline code and every other origin."""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(_add_security_headers)
    if not app.config.get("DESKTOP"):
        # In the desktop window there is no other origin to isolate from (the shell keeps every
        # other site out), and WebKit answers this header by swapping in a new web process for
        # the first page: about 190 ms more before the app shows. Servers keep it.
        app.after_request(_add_opener_policy)


def _add_opener_policy(response: Response) -> Response:
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def _add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
