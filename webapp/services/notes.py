"""Notes: create, edit (keeping a revision per save), pin, trash, restore, purge, list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import BODY_MAX, TITLE_MAX, Note, Revision, Tag, utcnow
from . import tags as tag_service

SORTS = {
    "updated": (Note.updated_at.desc(), Note.id.desc()),
    "created": (Note.created_at.desc(), Note.id.desc()),
    "title": (func.lower(Note.title), Note.id),
}


class NoteError(ValueError):
    """Input the user must correct; `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class VersionConflict(Exception):
    """The note changed since the editor loaded it."""

    def __init__(self, note: Note) -> None:
        super().__init__(f"note {note.id} is at version {note.version}")
        self.note = note


@dataclass
class NoteInput:
    """Validated fields of a note edit."""

    title: str
    body: str
    tags: list[str]


def validate(title: str, body: str, tags: str | list[str]) -> NoteInput:
    """Check a note's fields; raise NoteError naming the field."""
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise NoteError(f"the title can be at most {TITLE_MAX} characters", "title")
    if len(body) > BODY_MAX:
        raise NoteError(f"the text can be at most {BODY_MAX:,} characters", "body")
    body = body.replace("\r\n", "\n")
    try:
        names = tag_service.parse_tag_list(tags) if isinstance(tags, str) else tag_service.clean_names(tags)
    except tag_service.TagError as exc:
        raise NoteError(str(exc), "tags") from exc
    return NoteInput(title=title, body=body, tags=names)


def create(data: NoteInput, *, pinned: bool = False) -> Note:
    """Save a new note and its first revision."""
    note = add(data, pinned=pinned)
    db.session.commit()
    return note


def add(data: NoteInput, *, pinned: bool = False, created_at=None, updated_at=None) -> Note:
    """Add a note and its first revision to the session, without committing (for bulk imports)."""
    now = utcnow()
    note = Note(title=data.title, body=data.body, pinned=pinned,
                created_at=created_at or now, updated_at=updated_at or created_at or now)
    note.tags = tag_service.get_or_create(data.tags)
    db.session.add(note)
    db.session.flush()
    _add_revision(note)
    return note


def update(note: Note, data: NoteInput, *, expected_version: int | None, amend_revision: int | None = None) -> bool:
    """Save an edit; return False when nothing changed. Refuse edits of an older version.

    `amend_revision`: the editor's autosaves of one sitting amend the revision its first save made
    (so history shows one entry per sitting, not one per pause in typing), as long as it is still
    the note's newest revision; an explicit save or a long pause starts the next one.
    """
    if expected_version is not None and expected_version != note.version:
        raise VersionConflict(note)
    new_tags = tag_service.get_or_create(data.tags)
    if note.title == data.title and note.body == data.body and note.tags == new_tags:
        return False
    # One flush for the whole edit: loading the old tag collection must not flush a half-done
    # edit first (each flush of the note bumps its version).
    with db.session.no_autoflush:
        note.title, note.body, note.tags = data.title, data.body, new_tags
        note.updated_at = utcnow()
        _record_revision(note, amend_revision)
    try:
        db.session.flush()
    except StaleDataError:
        # Another save of this note won the race between our version check and our write
        # (the UPDATE matched no row at the version we read): the same conflict, found later.
        db.session.rollback()
        raise VersionConflict(note) from None
    tag_service.delete_unused()
    db.session.commit()
    return True


def latest_revision_id(note: Note) -> int | None:
    """The id of the note's newest revision."""
    return db.session.scalar(select(func.max(Revision.id)).where(Revision.note_id == note.id))


def _record_revision(note: Note, amend_revision: int | None) -> None:
    if amend_revision is not None and amend_revision == latest_revision_id(note):
        revision = db.session.get(Revision, amend_revision)
        revision.title, revision.body = note.title, note.body
        revision.tags = ", ".join(t.name for t in note.tags)
        revision.created_at = utcnow()
        return
    _add_revision(note)


def _add_revision(note: Note) -> None:
    db.session.add(Revision(
        note_id=note.id, title=note.title, body=note.body, tags=", ".join(t.name for t in note.tags)
    ))


def restore_revision(note: Note, revision: Revision, *, with_tags: bool = False) -> None:
    """Make an older revision's title and text current (itself a new revision: nothing is lost).

    The note keeps its current tags unless `with_tags`: tags renamed or merged since would
    otherwise come back under their old names.
    """
    tags = revision.tags if with_tags else ", ".join(tag.name for tag in note.tags)
    update(note, validate(revision.title, revision.body, tags), expected_version=None)


def notebook_counts(top_tags: int = 15) -> dict:
    """What the sidebar shows: how many notes, pinned and in the trash, and the most used tags."""
    live = Note.deleted_at.is_(None)
    row = db.session.execute(select(
        func.count(Note.id).filter(live),
        func.count(Note.id).filter(live & Note.pinned.is_(True)),
        func.count(Note.id).filter(Note.deleted_at.is_not(None)),
    )).one()
    tags = sorted((pair for pair in tag_service.with_counts() if pair[1]), key=lambda pair: (-pair[1], pair[0].key))
    return {"notes": row[0], "pinned": row[1], "trash": row[2], "tags": tags[:top_tags], "more_tags": len(tags) > top_tags}


def set_pinned(note: Note, pinned: bool) -> None:
    """Pin or unpin a note."""
    note.pinned = pinned
    db.session.commit()


def trash(note: Note) -> None:
    """Move a note to the trash."""
    note.deleted_at = utcnow()
    note.pinned = False
    db.session.commit()


def restore(note: Note) -> None:
    """Take a note out of the trash."""
    note.deleted_at = None
    db.session.commit()


def purge(note: Note) -> None:
    """Delete a trashed note for good (with its revisions and attachments)."""
    from . import attachments

    attachments.delete_files(note.attachments)
    db.session.delete(note)
    tag_service.delete_unused()
    db.session.commit()


def empty_trash() -> int:
    """Purge every note in the trash; return how many."""
    notes = db.session.scalars(select(Note).where(Note.deleted_at.is_not(None))).all()
    for note in notes:
        purge(note)
    return len(notes)


def _filters(*, trashed: bool, tag: Tag | None, pinned_only: bool) -> list:
    """The WHERE conditions of a notes list."""
    filters = [Note.deleted_at.is_not(None) if trashed else Note.deleted_at.is_(None)]
    if pinned_only:
        filters.append(Note.pinned.is_(True))
    if tag is not None:
        filters.append(Note.tags.contains(tag))
    return filters


def listing(*, trashed: bool = False, tag: Tag | None = None, sort: str = "updated", pinned_only: bool = False):
    """The SELECT for a notes list: live or trashed, optionally by tag or pinned only, pinned first."""
    query = select(Note).options(selectinload(Note.tags))
    query = query.where(*_filters(trashed=trashed, tag=tag, pinned_only=pinned_only))
    order = (Note.deleted_at.desc(),) if trashed else (Note.pinned.desc(), *SORTS.get(sort, SORTS["updated"]))
    return query.order_by(*order)


# A list page counts the notes no further than this many past its first one: counting every
# note on each page load grew with the notebook (10 ms at 10k notes, 67 ms at 1M); this count
# costs about what the page's own OFFSET does. Beyond it the page count reads "34+".
COUNT_AHEAD = 1000


@dataclass
class ListPage:
    """One page of a notes list, with what the pagination shows (the attributes it uses of
    Flask-SQLAlchemy's Pagination, which counts every note)."""

    items: list[Note]
    page: int
    per_page: int
    total: int  # the notes counted: all of them unless total_is_capped
    total_is_capped: bool  # there are more than `total` notes; counting stopped there
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def pages(self) -> int:
        """How many pages there are (at least this many when the count is capped)."""
        counted = -(-self.total // self.per_page)
        return max(counted, self.page + 1 if self.has_next else 1)


def list_page(*, page: int, per_page: int, trashed: bool = False, tag: Tag | None = None, sort: str = "updated",
              pinned_only: bool = False) -> ListPage:
    """One page of a notes list (see listing()) without counting every note.

    The page's query fetches one note more than it shows: whether that one exists says whether
    there is a next page. The count stops COUNT_AHEAD notes past the page's first (past the
    end it is exact, so a page number beyond the last still learns how many notes there are).
    """
    offset = (page - 1) * per_page
    query = listing(trashed=trashed, tag=tag, sort=sort, pinned_only=pinned_only)
    rows = db.session.scalars(query.limit(per_page + 1).offset(offset)).all()
    limit = offset + COUNT_AHEAD
    ids = select(Note.id).where(*_filters(trashed=trashed, tag=tag, pinned_only=pinned_only)).limit(limit + 1)
    counted = db.session.scalar(select(func.count()).select_from(ids.subquery()))
    return ListPage(items=list(rows[:per_page]), page=page, per_page=per_page, total=min(counted, limit),
                    total_is_capped=counted > limit, has_next=len(rows) > per_page)
