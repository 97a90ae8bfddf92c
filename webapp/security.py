"""Security headers on every response. All scripts and styles are our own files, so the
Content-Security-Policy can forbid inline code and every other origin."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g

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
    """Register the header hook, and `csp_nonce()` for templates."""
    app.after_request(_add_security_headers)
    app.add_template_global(csp_nonce)
    if not app.config.get("DESKTOP"):
        # In the desktop window there is no other origin to isolate from (the shell keeps every
        # other site out), and WebKit answers this header by swapping in a new web process for
        # the first page: about 190 ms more before the app shows. Servers keep it.
        app.after_request(_add_opener_policy)


def _add_opener_policy(response: Response) -> Response:
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def csp_nonce() -> str:
    """A nonce that lets this response's own scripts add a <style> element (the Markdown editor
    mounts its layout rules that way); made only for the pages that ask for one."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _add_security_headers(response: Response) -> Response:
    policy = CONTENT_SECURITY_POLICY
    if "csp_nonce" in g:
        policy = policy.replace("style-src 'self'", f"style-src 'self' 'nonce-{g.csp_nonce}'")
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
