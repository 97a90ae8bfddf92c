"""Export: every note to a zip (Markdown with front matter, attachments, a JSON manifest).

Archive layout, read back by services/importer.py:
    manifest.json              {"format": "inkwell-export", "version": 1, "notes": [...]}
    notes/<id> <title>.md      front matter (JSON-quoted values) + the Markdown body
    attachments/<stored name>  the files, under the names the manifest gives
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import __version__
from ..extensions import db
from ..models import Note, utcnow
from . import attachments

FORMAT = "inkwell-export"
FORMAT_VERSION = 1
_UNSAFE = re.compile(r"[^\w\- ]+", re.UNICODE)


def safe_filename(title: str, fallback: str = "note") -> str:
    """A file name made from a title: no path separators or odd characters, not too long."""
    name = " ".join(_UNSAFE.sub(" ", title).split())[:80].strip(" .")
    return name or fallback


def front_matter(note: Note) -> dict:
    """The note's metadata, as written above its body."""
    return {
        "title": note.title,
        "tags": [tag.name for tag in note.tags],
        "pinned": note.pinned,
        "created": note.created_at.isoformat() + "Z",
        "updated": note.updated_at.isoformat() + "Z",
    }


def note_to_markdown(note: Note) -> str:
    """The note as Markdown, with its metadata in front matter (values JSON-quoted).

    Exactly one newline is added after the body (text files end with one); the importer
    removes exactly one, so every body survives a round trip unchanged.
    """
    lines = ["---", *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front_matter(note).items()),
             "---", ""]
    return "\n".join(lines) + note.body + "\n"


def export_zip(target: IO[bytes], *, progress: Callable[[int, int], None] | None = None) -> int:
    """Write every live note (with attachments) as a zip to `target`; return how many notes."""
    notes = db.session.scalars(
        select(Note).where(Note.deleted_at.is_(None)).options(selectinload(Note.tags), selectinload(Note.attachments))
        .order_by(Note.id)
    ).all()
    manifest: dict = {"format": FORMAT, "version": FORMAT_VERSION, "app_version": __version__,
                      "exported_at": utcnow().isoformat() + "Z", "notes": []}
    folder = attachments.storage_dir()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, note in enumerate(notes, 1):
            name = f"notes/{note.id} {safe_filename(note.display_title)}.md"
            archive.writestr(name, note_to_markdown(note))
            entry = {"file": name, **front_matter(note), "attachments": []}
            for attachment in note.attachments:
                path = folder / attachment.stored_name
                if path.is_file():
                    archive.write(path, f"attachments/{attachment.stored_name}")
                    entry["attachments"].append({
                        "file": f"attachments/{attachment.stored_name}", "name": attachment.original_name,
                        "content_type": attachment.content_type, "size": attachment.size,
                    })
            manifest["notes"].append(entry)
            if progress:
                progress(done, len(notes))
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return len(notes)
