"""Error pages: HTML for people, JSON for scripts; never a traceback."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

bp = Blueprint("errors", __name__)


def wants_json() -> bool:
    """The client prefers JSON: an API path, or an Accept header that ranks JSON above HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    """Render any HTTP error (404, 405, 413, ...) for the client."""
    return error_response(error.code or 500, error.name, error.description or "")


@bp.app_errorhandler(Exception)
def handle_unexpected_error(error: Exception):
    """Log the traceback; show the user a plain apology, not the traceback."""
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, InternalServerError.name, "Something went wrong on our side. "
                          "Your saved notes are safe; the details are in the log file.")


def error_response(status: int, title: str, message: str):
    """An error as JSON {"error": {...}} or as an HTML page, with `status`."""
    if wants_json():
        code = title.lower().replace(" ", "_").replace("'", "")
        return jsonify(error={"code": code, "message": message}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status
