"""Recovery mode: the notes database can't be read, and the app says so instead of failing.

Started when the database file is damaged (garbage, truncated) at start or found damaged while
running. Every page then leads to the recovery page, which explains what happened and offers
the backups; nothing is overwritten until the user chooses, and the damaged file is kept.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, redirect, request, url_for

from .negotiation import json_error, wants_json

log = logging.getLogger(__name__)

STATE_KEY = "inkwell_recovery"
OPEN_ENDPOINTS = {"static", "health.healthz"}


def init_app(app: Flask) -> None:
    """Put the recovery gate in front of every other request hook (they may need the database)."""
    app.before_request(_gate)


def enter(app: Flask, reason: str) -> None:
    """Switch the app to recovery mode."""
    log.error("the notes database can't be read (%s): recovery mode", reason)
    app.extensions[STATE_KEY] = {"reason": reason}


def leave(app: Flask) -> None:
    """Back to normal: the database is readable again."""
    app.extensions.pop(STATE_KEY, None)


def active(app: Flask | None = None) -> dict | None:
    """The recovery state ({"reason": ...}) when in recovery mode, else None."""
    return (app or current_app).extensions.get(STATE_KEY)


def _gate():
    state = active()
    if state is None or request.endpoint in OPEN_ENDPOINTS or (request.endpoint or "").startswith("recovery."):
        return None
    if wants_json():
        message = f"The notes database can't be read ({state['reason']}). Open the app to restore a backup."
        return json_error(503, "database_damaged", message)
    return redirect(url_for("recovery.index"))
