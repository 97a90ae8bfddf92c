"""Error pages: HTML for people, JSON for scripts; never a traceback."""

from __future__ import annotations

import errno

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from .. import recovery, sqlite
from ..negotiation import json_error, wants_json
from ..extensions import db

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    """Render any HTTP error (404, 405, 413, ...) for the client."""
    if error.code == 413:
        limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
        return error_response(413, "File too large", f"The file is larger than {limit / 2**20:,.0f} MB, the most "
                              "this app accepts. Nothing was saved; choose a smaller file.", code="too_large")
    body, status = error_response(error.code or 500, error.name, error.description or "")
    return body, status, allow_header(error)


def allow_header(error: HTTPException) -> dict[str, str]:
    """A 405 names the methods the address does take (RFC 9110, 15.5.6)."""
    methods = getattr(error, "valid_methods", None)
    return {"Allow": ", ".join(sorted(methods))} if error.code == 405 and methods else {}


@bp.app_errorhandler(CSRFError)
def handle_csrf_error(error: CSRFError):
    """A form without a valid CSRF token: most often a page left open across a restart."""
    return error_response(400, "Form expired", "This form has expired or did not come from this app. "
                          "Go back, reload the page and try again; nothing was changed.", code="csrf_failed")


@bp.app_errorhandler(DatabaseError)
def handle_database_error(error: DatabaseError):
    """The database failed: damaged (recovery mode), full disk, or something unexpected."""
    db.session.rollback()
    if sqlite.is_damaged(error):
        recovery.enter(current_app._get_current_object(), str(error.orig))
        if not wants_json():
            return redirect(url_for("recovery.index"))
        return error_response(503, "Database damaged", "The notes database can't be read. Open the app to "
                              "restore a backup.", code="database_damaged")
    if sqlite.is_disk_full(error):
        return disk_full_response(error.orig)
    return handle_unexpected_error(error)


def is_disk_full(error: BaseException) -> bool:
    """A write failed because the disk (or the user's quota, or the database's size limit) is full."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    return sqlite.is_disk_full(error)


def disk_full_response(error: BaseException):
    """The 507 every write path answers when the disk is full: nothing was changed, nothing lost."""
    current_app.logger.error("the disk is full: a change was not saved (%s)", error)
    return error_response(507, "Disk full", "The disk is full, so this change was not saved. Free some "
                          "space and try again; everything saved before is safe.", code="disk_full")


@bp.app_errorhandler(OSError)
def handle_os_error(error: OSError):
    """A file could not be written: a full disk is said as such (uploads, exports, backups)."""
    if is_disk_full(error):
        db.session.rollback()
        return disk_full_response(error)
    return handle_unexpected_error(error)


@bp.app_errorhandler(StaleDataError)
def handle_concurrent_change(error: StaleDataError):
    """Two changes to the same note crossed (another window, a script): the later one is refused."""
    db.session.rollback()
    return error_response(409, "Changed elsewhere", "This note was changed somewhere else at the same moment, "
                          "so this change was not saved. Reload the page and try again.", code="version_conflict")


@bp.app_errorhandler(Exception)
def handle_unexpected_error(error: Exception):
    """Log the traceback; show the user a plain apology, not the traceback."""
    propagate = current_app.config["PROPAGATE_EXCEPTIONS"]
    if propagate or propagate is None and (current_app.testing or current_app.debug):
        raise error  # tests see the real traceback; development mode shows the debugger
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "Internal Server Error", "Something went wrong on our side. "
                          "Your saved notes are safe; the details are in the log file.", code="internal_server_error")


def error_response(status: int, title: str, message: str, *, code: str | None = None):
    """An error as JSON {"error": {"code", "message"}} or as an HTML page, with `status`."""
    if wants_json():
        code = code or title.lower().replace(" ", "_").replace("'", "")
        return json_error(status, code, message)
    return render_template("errors/error.html", status=status, title=title, message=message), status
