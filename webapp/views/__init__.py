"""Blueprints, one per module, each exporting `bp`."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter


class RowIdConverter(IntegerConverter):
    """<int:...> in URLs, limited to what a database id can be: a larger number is a 404, not an error."""

    LARGEST = 2**63 - 1  # SQLite's (and PostgreSQL's bigint) largest integer

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > self.LARGEST:
            raise NotFound()  # not ValidationError: that would make the router answer 405 here
        return number


def init_app(app: Flask) -> None:
    """Register every blueprint."""
    app.url_map.converters["int"] = RowIdConverter
    from . import (
        api,
        attachments,
        backups,
        errors,
        health,
        lock,
        notes,
        recovery,
        search,
        settings,
        tags,
        transfer,
    )

    for module in (lock, notes, attachments, tags, search, settings, backups, transfer, api, health, recovery,
                   errors):
        app.register_blueprint(module.bp)
