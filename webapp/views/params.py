"""Query-string parameters, validated: bad values are a clear 400, never a 500."""

from __future__ import annotations

from flask import abort, request

MAX_PAGE = 1_000_000


def page_arg(name: str = "page") -> int:
    """A positive page number from the query string (default 1)."""
    raw = request.args.get(name, "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:  # "²".isdigit() is True
        abort(400, description=f"{name} must be a whole number from 1 to {MAX_PAGE:,}, not “{raw[:50]}”.")
    return int(raw)
