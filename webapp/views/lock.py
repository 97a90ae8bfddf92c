"""The lock screen, and the guard that sends every request there while the app is locked."""

from __future__ import annotations

import threading
import time

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import recovery
from ..forms import ActionForm, UnlockForm
from ..services import lock as lock_service
from ..negotiation import json_error, wants_json
from .params import local_target

bp = Blueprint("lock", __name__)

OPEN_ENDPOINTS = {"lock.unlock", "lock.unlock_submit", "static", "health.healthz", "api.openapi"}
FAILED_ATTEMPT_DELAY = 1.0  # seconds: slows guessing down; the app is local, so it is enough
_ONE_ATTEMPT_AT_A_TIME = threading.Lock()  # per process: the desktop app has one


@bp.before_app_request
def require_unlock():
    """While the app is locked, only the lock screen answers (API token requests excepted)."""
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    if recovery.active():  # only the recovery page gets this far; the password can't be read
        return None
    if request.blueprint == "api" and request.headers.get("Authorization"):
        return None  # scripts with a personal token; the API checks the token itself
    if not lock_service.enabled() or lock_service.is_unlocked():
        if lock_service.enabled() and not request.path.endswith(".json"):
            lock_service.touch()  # activity; progress polling doesn't count
        return None
    if wants_json():
        return json_error(403, "locked", "the app is locked: unlock it in its window")
    target = request.full_path if request.method == "GET" else url_for("notes.index")
    return redirect(url_for("lock.unlock", next=target.rstrip("?")))


@bp.get("/lock")
def unlock():
    """The lock screen (with no password set, or unlocked already: the notes)."""
    if not lock_service.enabled() or lock_service.is_unlocked():
        return redirect(url_for("notes.index"))
    return render_template("lock.html", form=UnlockForm(next=request.args.get("next", "")))


@bp.post("/lock")
def unlock_submit():
    """Check the password."""
    if not lock_service.enabled():  # nothing to unlock: no password is set
        return redirect(url_for("notes.index"))
    form = UnlockForm()
    if form.validate_on_submit():
        # One attempt at a time, a wrong one holding the next back: guesses sent in parallel
        # queue up instead of each waiting on a thread of its own.
        with _ONE_ATTEMPT_AT_A_TIME:
            right = lock_service.check_password(form.password.data)
            if not right:
                time.sleep(FAILED_ATTEMPT_DELAY if not current_app.testing else 0)
        if right:
            lock_service.mark_unlocked()
            return redirect(local_target(form.next.data, url_for("notes.index")))  # never an open redirect
        form.password.errors.append("That is not the password.")
    return render_template("lock.html", form=form), 401


@bp.post("/lock/now")
def lock_now():
    """Lock the app at once."""
    if ActionForm().validate_on_submit():
        lock_service.lock()
    return redirect(url_for("lock.unlock"))


@bp.app_context_processor
def lock_state():
    """Templates show "Lock now" and the idle timer when a lock is set."""
    if recovery.active():  # the password is in the database that can't be read
        return {"lock_enabled": False, "lock_idle_minutes": 0}
    enabled = lock_service.enabled()
    return {"lock_enabled": enabled, "lock_idle_minutes": lock_service.idle_minutes() if enabled else 0}
