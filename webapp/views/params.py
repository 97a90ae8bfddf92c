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


def local_target(target: object, default: str) -> str:
    """A `next` page to redirect to, if it is a page of this app, else `default`: one slash, never
    two (`//evil.example` is another site), no backslash (browsers read `/\\x` as `//x`), and no
    control or line-separator character (browsers drop tabs and newlines from URLs, so
    `/\\t/evil.example` is `//evil.example`; in a header they would start another header)."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in target):
        return default
    from urllib.parse import quote

    return quote(target, safe="/?&=%#:;@!$'()*+,~-._[]")  # text beyond ASCII percent-encoded
