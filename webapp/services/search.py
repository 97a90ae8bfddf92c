"""Full-text search over notes: SQLite FTS5 here; other databases fall back to LIKE."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import sqlite
from ..extensions import db
from ..markdown import plain_text
from ..models import Note, Tag

MAX_QUERY = 500


class SearchError(ValueError):
    """A query the user must change."""


@dataclass
class Hit:
    """One result: the note and its highlighted title and snippet (safe HTML)."""

    note: Note
    title: Markup
    snippet: Markup


@dataclass
class Results:
    """One page of results."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int
    cap: int = sqlite.COUNT_CAP

    @property
    def pages(self) -> int:
        """How many pages there are (as far as the capped count can tell)."""
        return max(1, -(-min(self.total, sqlite.COUNT_CAP) // self.per_page))

    @property
    def total_is_capped(self) -> bool:
        """There are more matches than were counted."""
        return self.total > sqlite.COUNT_CAP


def highlight(marked: str) -> Markup:
    """Escape FTS output, then turn its \\x02...\\x03 markers into <mark> tags."""
    return Markup(str(escape(marked)).replace("\x02", "<mark>").replace("\x03", "</mark>"))


def search(query: str, *, tag: Tag | None = None, page: int = 1, per_page: int = 30) -> Results:
    """Live notes matching every word of `query` (as prefixes), best first.

    When more than COUNT_CAP notes match, "best" is among the newest of them (see
    sqlite.RANK_WINDOW): ranking every note that contains a very common word is what made
    such a search slow, and the pages stop at COUNT_CAP results anyway.
    """
    if len(query) > MAX_QUERY:
        raise SearchError(f"a search can be at most {MAX_QUERY} characters")
    match = sqlite.fts_query(query)
    if match is None:
        return Results([], 0, page, per_page)
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return _like_search(query, tag=tag, page=page, per_page=per_page)
    params = {"query": match, "limit": per_page, "offset": (page - 1) * per_page}
    if tag is not None:
        params["tag_id"] = tag.id
    rows = sqlite.run(connection, sqlite.search_notes_sql(tag is not None), **params).all()
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:  # past the last page: the rows that carry the count are not there
        total = sqlite.run(connection, sqlite.count_search_sql(tag is not None), **params).scalar()
    notes = {n.id: n for n in db.session.scalars(
        select(Note).options(selectinload(Note.tags)).where(Note.id.in_([r.id for r in rows]))
    )}
    hits = [Hit(notes[r.id], highlight(r.title_hl or notes[r.id].display_title), highlight(plain_text(r.body_hl or "")))
            for r in rows if r.id in notes]
    return Results(hits, total, page, per_page)


def like_query(query: str, *, limit: int = 30):
    """The plain LIKE scan FTS replaces (used by the benchmark as the comparison)."""
    pattern = f"%{query}%"
    return (select(Note).where(Note.deleted_at.is_(None), or_(Note.title.like(pattern), Note.body.like(pattern)))
            .order_by(Note.updated_at.desc()).limit(limit))


def _like_search(query: str, *, tag: Tag | None, page: int, per_page: int) -> Results:
    """Portable fallback for databases without FTS5 (no ranking, plain snippets)."""
    statement = like_query(query, limit=per_page).offset((page - 1) * per_page)
    if tag is not None:
        statement = statement.where(Note.tags.contains(tag))
    notes = db.session.scalars(statement).all()
    total = db.session.scalar(select(func.count()).select_from(like_query(query, limit=10**9).subquery()))
    return Results([Hit(n, escape(n.display_title), escape(n.body[:200])) for n in notes], total, page, per_page)
