"""Attachment files: stored under the instance folder with generated names.

The original name is kept in the database only. The content type is decided from the bytes, not
from the name or the uploader: only real PNG, JPEG, GIF and WebP images are shown inline;
everything else is served as a download.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
import uuid
from pathlib import Path

from flask import current_app

from ..extensions import db
from ..models import Attachment, Note

log = logging.getLogger(__name__)

DOWNLOAD_TYPE = "application/octet-stream"
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


class AttachmentError(ValueError):
    """A file that can't be attached; the message says why."""


def storage_dir() -> Path:
    """Where attachment files live (inside the app's instance folder, i.e. the user's data dir)."""
    return Path(current_app.instance_path) / "attachments"


def sniff_type(content: bytes) -> str:
    """An inline-safe image type recognised from the first bytes, else a download."""
    for signature, content_type in IMAGE_SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return DOWNLOAD_TYPE


def clean_name(name: str) -> str:
    """The file's own name without folders or control characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name or "file"


def store(note: Note, original_name: str, content: bytes) -> Attachment:
    """Save `content` as a new attachment of `note` (added to the session, not committed)."""
    if not content:
        raise AttachmentError("the file is empty")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and len(content) > limit:
        raise AttachmentError(f"the file is larger than {limit / 2**20:,.0f} MB")
    name = clean_name(original_name)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    stored_name = uuid.uuid4().hex + (f".{extension}" if re.fullmatch(r"[a-z0-9]{1,10}", extension) else "")
    folder = storage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename: a crash never leaves half a file under the real name.
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(temporary, folder / stored_name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    attachment = Attachment(stored_name=stored_name, original_name=name, content_type=sniff_type(content),
                            size=len(content))
    note.attachments.append(attachment)
    db.session.add(attachment)
    return attachment


def delete_files(attachments: list[Attachment]) -> None:
    """Remove the files behind `attachments` (the rows go with their note)."""
    for attachment in attachments:
        path = storage_dir() / attachment.stored_name
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not delete attachment file %s", path, exc_info=True)
