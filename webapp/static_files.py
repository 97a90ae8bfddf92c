"""Static files the browser keeps: every URL of one carries the file's fingerprint (`?v=`), so the
answer can be cached for a year and a changed file comes under a new URL. Moving between pages
then asks the server for nothing but the page (no revalidation of the stylesheet and scripts),
and the editor's script is compiled once, not per page."""

from __future__ import annotations

import os
import zlib
from typing import Any

from flask import Flask, Response, current_app, request

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.url_defaults(_add_fingerprint)
    app.after_request(_cache_fingerprinted)


def _add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "v" in values or not current_app.static_folder:
        return
    try:  # a stat per URL: cheap, and right at once after an edit (no stale cache to clear)
        stat = os.stat(os.path.join(current_app.static_folder, values.get("filename", "")))
    except OSError:
        return
    values["v"] = format(zlib.crc32(f"{stat.st_mtime_ns}:{stat.st_size}".encode()), "08x")


def _cache_fingerprinted(response: Response) -> Response:
    if request.endpoint == "static" and request.args.get("v") and response.status_code in (200, 304):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response
