"""Reading JSON request bodies strictly: bad input is a 4xx naming each bad field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request


class ApiError(Exception):
    """An error answered as {"error": {"code", "message", "fields"}} with `status` (negotiation.json_error)."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


@dataclass(frozen=True)
class Field:
    """One accepted JSON field: its type and limits."""

    kind: type | tuple[type, ...]
    max_length: int | None = None  # characters for strings, items for lists
    item_kind: type | None = None
    minimum: int | None = None


def read_object(fields: dict[str, Field], *, required: set[str] = frozenset()) -> dict[str, Any]:
    """The request's JSON object, checked against `fields`; unknown fields are refused too."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the request body as JSON (Content-Type: application/json)")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # thousands of nested arrays: Python's parser gives up
        raise ApiError(400, "malformed_json", "the request body is nested too deeply") from None
    if data is None:
        raise ApiError(400, "malformed_json", "the request body is not valid JSON")
    if not isinstance(data, dict):
        raise ApiError(422, "validation_failed", "the request body must be a JSON object")
    problems: dict[str, str] = {}
    for name in data.keys() - fields.keys():
        problems[str(name)[:100]] = "unknown field"
    for name in required - data.keys():
        problems[name] = "this field is required"
    for name, spec in fields.items():
        if name in data:
            data[name] = _whole_float_as_int(data[name], spec)
            problem = _check(data[name], spec)
            if problem:
                problems[name] = problem
    if problems:
        raise ApiError(422, "validation_failed", "some fields need attention", problems)
    return data


def _whole_float_as_int(value: Any, spec: Field) -> Any:
    """2.0 is a whole number, as JSON Schema (and our OpenAPI document) counts them."""
    kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
    if int in kinds and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _check(value: Any, spec: Field) -> str | None:
    kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
    # bool is an int in Python; JSON true is not a number
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        return f"must be {_describe(kinds)}"
    if spec.max_length is not None and isinstance(value, (str, list)) and len(value) > spec.max_length:
        unit = "characters" if isinstance(value, str) else "items"
        return f"can have at most {spec.max_length:,} {unit}"
    if spec.minimum is not None and isinstance(value, int) and value < spec.minimum:
        return f"must be at least {spec.minimum}"
    if spec.item_kind is not None and isinstance(value, list):
        if not all(isinstance(item, spec.item_kind) for item in value):
            return f"every item must be {_describe((spec.item_kind,))}"
    return None


def _describe(kinds: tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", bool: "true or false", list: "a list", type(None): "null"}
    return " or ".join(names.get(kind, kind.__name__) for kind in kinds)


def query_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """A whole-number query parameter within bounds, else a 400 naming it."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:  # "²".isdigit() is True
        raise ApiError(400, "bad_parameter", f"{name} must be a whole number from {minimum} to {maximum}",
                       {name: "out of range or not a number"})
    return int(raw)


def query_bool(name: str) -> bool:
    """A true/false query parameter, else a 400 naming it."""
    raw = request.args.get(name, "false").lower()
    if raw not in {"true", "false", "1", "0"}:
        raise ApiError(400, "bad_parameter", f"{name} must be true or false", {name: "not true or false"})
    return raw in {"true", "1"}
