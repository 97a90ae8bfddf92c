"""A persistent secret key for plain `flask run`; the desktop shell passes its own."""

from __future__ import annotations

import os
import secrets

from flask import Flask


def ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY if set, else one kept in the instance folder (created 0600 on first use)."""
    if app.config.get("SECRET_KEY"):
        return
    path = os.path.join(app.instance_path, "secret_key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as fh:
            app.config["SECRET_KEY"] = fh.read().strip()
        return
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    app.config["SECRET_KEY"] = key
