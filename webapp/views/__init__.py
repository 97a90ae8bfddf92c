"""Blueprints, one per module, each exporting `bp`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint."""
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
