"""Personal API tokens for scripts. Only a hash is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, utcnow

PREFIX = "ink_"


def _digest(token: str) -> str:
    # The token is 256 random bits, not a password: a fast hash is the right tool here
    # (a slow password hash would only slow every API call down).
    return hashlib.sha256(token.encode()).hexdigest()


def create(name: str) -> tuple[ApiToken, str]:
    """A new token called `name`; returns the row and the token itself (shown only now)."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name.strip()[:100] or "API token", token_hash=_digest(token))
    db.session.add(row)
    db.session.commit()
    return row, token


def verify(token: str) -> ApiToken | None:
    """The stored token matching `token`, or None; records when it was last used."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is not None:
        row.last_used_at = utcnow()
        db.session.commit()
    return row


def revoke(token_id: int) -> bool:
    """Delete a token; False if there was none."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    return True
