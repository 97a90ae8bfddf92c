"""Notes as Markdown files with YAML-style front matter."""

from __future__ import annotations

import json
import re

from ..models import Note

_UNSAFE = re.compile(r"[^\w\- ]+", re.UNICODE)


def safe_filename(title: str, fallback: str = "note") -> str:
    """A file name made from a title: no path separators or odd characters, not too long."""
    name = " ".join(_UNSAFE.sub(" ", title).split())[:80].strip(" .")
    return name or fallback


def note_to_markdown(note: Note) -> str:
    """The note as Markdown, with its metadata in front matter (values JSON-quoted)."""
    lines = [
        "---",
        f"title: {json.dumps(note.title, ensure_ascii=False)}",
        f"tags: {json.dumps([tag.name for tag in note.tags], ensure_ascii=False)}",
        f"pinned: {'true' if note.pinned else 'false'}",
        f"created: {note.created_at.isoformat()}Z",
        f"updated: {note.updated_at.isoformat()}Z",
        "---",
        "",
    ]
    return "\n".join(lines) + note.body + ("\n" if not note.body.endswith("\n") else "")
