"""Attachment files: stored under the instance folder with generated names."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from ..models import Attachment

log = logging.getLogger(__name__)


def storage_dir() -> Path:
    """Where attachment files live (inside the app's instance folder, i.e. the user's data dir)."""
    return Path(current_app.instance_path) / "attachments"


def delete_files(attachments: list[Attachment]) -> None:
    """Remove the files behind `attachments` (the rows go with their note)."""
    for attachment in attachments:
        path = storage_dir() / attachment.stored_name
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not delete attachment file %s", path, exc_info=True)
