"""User preferences stored in the database, with defaults and validation."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Setting

# name -> (default, allowed values or a (min, max) range for numbers)
DEFINITIONS: dict[str, tuple[Any, Any]] = {
    "theme": ("system", {"system", "light", "dark"}),
    "font_size": (16, (12, 24)),
    "default_sort": ("updated", {"updated", "created", "title"}),
}


class SettingError(ValueError):
    """A value the user must correct."""


def get(name: str) -> Any:
    """The stored value, or the default (also when the stored value is no longer valid)."""
    return all_settings()[name]


def defaults() -> dict[str, Any]:
    """Every setting's default value."""
    return {name: default for name, (default, _) in DEFINITIONS.items()}


def all_settings() -> dict[str, Any]:
    """Every setting's current value (one query; every page needs them)."""
    rows = {row.key: row.value for row in db.session.scalars(select(Setting).where(Setting.key.in_(DEFINITIONS)))}
    values = {}
    for name, (default, _) in DEFINITIONS.items():
        try:
            values[name] = check(name, json.loads(rows[name])) if name in rows else default
        except (ValueError, SettingError):
            values[name] = default
    return values


def check(name: str, value: Any) -> Any:
    """Validate one value; raise SettingError saying what is allowed."""
    if name not in DEFINITIONS:
        raise SettingError(f"unknown setting {name!r}")
    default, allowed = DEFINITIONS[name]
    if isinstance(allowed, set):
        if value not in allowed:
            raise SettingError(f"{name} must be one of: {', '.join(sorted(allowed))}")
        return value
    low, high = allowed
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingError(f"{name} must be a whole number from {low} to {high}")
    return value


def save(values: dict[str, Any]) -> None:
    """Validate and store several settings at once (all or nothing)."""
    checked = {name: check(name, value) for name, value in values.items()}
    for name, value in checked.items():
        db.session.merge(Setting(key=name, value=json.dumps(value)))
    db.session.commit()
