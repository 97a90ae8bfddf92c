"""The app lock: an optional password that locks the UI on start and after idle time.

The password is stored as a salted scrypt hash (Werkzeug). Being unlocked is remembered in
the signed session together with this process's boot id, so every start of the app asks
again, whatever cookies the web view kept.
"""

from __future__ import annotations

import secrets
import time

from flask import Flask, current_app, g, session
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Setting

HASH_KEY = "lock_password_hash"
IDLE_KEY = "lock_idle_minutes"
MIN_LENGTH = 4  # also a kiosk PIN
MAX_LENGTH = 200


class LockError(ValueError):
    """A password the user must change."""


def init_app(app: Flask) -> None:
    """Give this process its boot id."""
    app.extensions["inkwell_boot_id"] = secrets.token_hex(8)


def _get(key: str) -> str | None:
    row = db.session.get(Setting, key)
    return row.value if row else None


def enabled() -> bool:
    """A lock password is set (looked up once per request)."""
    if "lock_enabled" not in g:
        g.lock_enabled = _get(HASH_KEY) is not None
    return g.lock_enabled


def idle_minutes() -> int:
    """Minutes without activity before the app locks itself (0: never)."""
    value = _get(IDLE_KEY)
    return int(value) if value and value.isascii() and value.isdigit() else 0


def check_password(password: str) -> bool:
    """The password is the lock password."""
    stored = _get(HASH_KEY)
    return stored is not None and len(password) <= MAX_LENGTH and check_password_hash(stored, password)


def set_password(password: str | None, *, idle: int) -> None:
    """Set (or with None, remove) the lock password, and the idle time."""
    if password is not None and not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise LockError(f"the password must have {MIN_LENGTH} to {MAX_LENGTH} characters")
    if not 0 <= idle <= 24 * 60:
        raise LockError("the idle time must be 0 to 1440 minutes")
    g.pop("lock_enabled", None)
    if password is None:
        row = db.session.get(Setting, HASH_KEY)
        if row is not None:
            db.session.delete(row)
    else:
        db.session.merge(Setting(key=HASH_KEY, value=generate_password_hash(password)))
    db.session.merge(Setting(key=IDLE_KEY, value=str(idle)))
    db.session.commit()


def set_idle_minutes(idle: int) -> None:
    """Change only the idle time."""
    if not 0 <= idle <= 24 * 60:
        raise LockError("the idle time must be 0 to 1440 minutes")
    db.session.merge(Setting(key=IDLE_KEY, value=str(idle)))
    db.session.commit()


def is_unlocked() -> bool:
    """This session unlocked the app since it started, and has not been idle too long."""
    if session.get("unlocked") != current_app.extensions["inkwell_boot_id"]:
        return False
    idle = idle_minutes()
    return not idle or time.time() - session.get("seen_at", 0) <= idle * 60


def mark_unlocked() -> None:
    """Remember in the session that the right password was given."""
    session["unlocked"] = current_app.extensions["inkwell_boot_id"]
    touch()


def touch() -> None:
    """Record activity (pushes the idle lock back)."""
    session["seen_at"] = int(time.time())


def lock() -> None:
    """Lock now."""
    session.pop("unlocked", None)
