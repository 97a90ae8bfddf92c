"""The data model: notes with tags, revisions and attachments; settings; API tokens.

Portable SQLAlchemy only (SQLite on the desktop, PostgreSQL on a server). Full-text search is
database-specific and lives in `webapp/sqlite.py` and `webapp/search.py`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

TITLE_MAX = 200
BODY_MAX = 1_000_000  # characters: a long book chapter; larger bodies are refused with a 4xx
TAG_MAX = 64


def utcnow() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


note_tags = Table(
    "note_tags",
    db.metadata,
    Column("note_id", ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Note(db.Model):
    """A note. In the trash while `deleted_at` is set; gone for good when purged."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Optimistic locking: an edit based on an older version is refused (409), never silently lost.
    version: Mapped[int] = mapped_column(Integer, default=1)

    tags: Mapped[list[Tag]] = relationship(secondary=note_tags, back_populates="notes", order_by="Tag.name")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="note", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Revision.id.desc()",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="note", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Attachment.id",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The notes list: live notes, pinned first, then by the chosen order.
        Index("ix_notes_listing", "deleted_at", "pinned", "updated_at"),
        Index("ix_notes_by_title", "deleted_at", pinned.desc(), func.lower(title)),
    )

    @property
    def in_trash(self) -> bool:
        """The note was deleted but can still be restored."""
        return self.deleted_at is not None

    @property
    def display_title(self) -> str:
        """The title, or the first line of the body for untitled notes."""
        if self.title.strip():
            return self.title.strip()
        first_line = next((line.strip("# ").strip() for line in self.body.splitlines() if line.strip()), "")
        return first_line[:80] or "Untitled note"


class Tag(db.Model):
    """A label; names are unique regardless of case."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX))
    # Lower-cased name: uniqueness without case, on any database.
    key: Mapped[str] = mapped_column(String(TAG_MAX), unique=True)

    notes: Mapped[list[Note]] = relationship(secondary=note_tags, back_populates="tags")


class Revision(db.Model):
    """A note as it was after one save."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="")  # comma-separated names at that time
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    note: Mapped[Note] = relationship(back_populates="revisions")


class Attachment(db.Model):
    """A file attached to a note, stored under the data dir with a generated name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    note: Mapped[Note] = relationship(back_populates="attachments")


class Setting(db.Model):
    """One user preference, stored as JSON text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ApiToken(db.Model):
    """A personal API token; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
