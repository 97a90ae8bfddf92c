"""Inkwell's app links, handed over by the desktop kit ([tool.desktop] open_link):

    inkwell://note/42          the note
    inkwell://search?q=tram    a search
    inkwell://                 the notes list

Anything else is refused with a message saying what a link looks like.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import url_for


def open_link(link: str) -> str:
    """The page of the app an inkwell:// link shows."""
    parts = urlsplit(link)
    kind, rest = parts.netloc.lower(), parts.path.strip("/")
    if kind == "note" and rest.isdigit():
        return url_for("notes.view", note_id=int(rest))
    if kind == "search" and not rest:
        return url_for("search.results", q=parse_qs(parts.query).get("q", [""])[0])
    if kind in ("", "notes") and not rest and not parts.query:
        return url_for("notes.index")
    raise ValueError("Inkwell's links look like inkwell://note/42 or inkwell://search?q=words")
