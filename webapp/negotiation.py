"""What the client asked for, JSON (scripts, the page's own fetches) or HTML (people), and the one
shape of a JSON error: {"error": {"code", "message", "fields"?}}.

Apart from the error handlers so that anything may ask, the recovery gate among them, without
importing a blueprint (the recovery module and the errors blueprint used to import each other).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request


def wants_json() -> bool:
    """The client prefers JSON: an API path, or an Accept header that ranks JSON above HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def json_error(status: int, code: str, message: str, fields: dict[str, str] | None = None, **beside: Any):
    """A JSON error answer with `status`; `beside`: more top-level keys (a conflict's other version)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return jsonify(error=error, **beside), status
