"""Tags: parsing, lookup, rename and merge."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import TAG_MAX, Tag, note_tags

MAX_TAGS_PER_NOTE = 30


class TagError(ValueError):
    """A tag name or list the user must correct."""


def normalize(name: str) -> str:
    """Trim and collapse whitespace; refuse empty or over-long names, commas and control characters."""
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in name if c not in "\t\n\r"):
        raise TagError("a tag name can't contain control characters")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TagError("a tag name can't be empty")
    if len(cleaned) > TAG_MAX:
        raise TagError(f"a tag name can be at most {TAG_MAX} characters")
    if "," in cleaned:
        raise TagError("a tag name can't contain a comma")
    return cleaned


def parse_tag_list(text: str) -> list[str]:
    """Names from a comma-separated field (the HTML form), checked by clean_names()."""
    return clean_names([part for part in text.split(",") if part.strip()])


def clean_names(names: list[str]) -> list[str]:
    """Normalised names, de-duplicated without regard to case, in order; a TagError if bad."""
    unique: dict[str, str] = {}
    for raw in names:
        name = normalize(raw)
        unique.setdefault(name.lower(), name)
    if len(unique) > MAX_TAGS_PER_NOTE:
        raise TagError(f"a note can have at most {MAX_TAGS_PER_NOTE} tags")
    return list(unique.values())


def get_or_create(names: list[str]) -> list[Tag]:
    """The Tag rows for `names`, creating the missing ones.

    Safe when another writer creates the same tag at the same moment (two API clients, two
    gunicorn workers): each new tag is inserted in a savepoint, and one that lost the race to the
    unique key is read back instead of failing the whole request.
    """
    if not names:
        return []
    keys = {name.lower(): name for name in names}
    existing = {tag.key: tag for tag in db.session.scalars(select(Tag).where(Tag.key.in_(keys)))}
    tags = []
    for key, name in keys.items():
        tag = existing.get(key)
        if tag is None:
            tag = _create(key, name)
        tags.append(tag)
    return tags


def _create(key: str, name: str) -> Tag:
    tag = Tag(name=name, key=key)
    try:
        with db.session.begin_nested():
            db.session.add(tag)
    except IntegrityError:  # created meanwhile by another writer: use theirs
        winner = db.session.scalar(select(Tag).where(Tag.key == key))
        if winner is None:
            raise
        return winner
    return tag


def find(name: str) -> Tag | None:
    """The tag called `name` (any case), if there is one."""
    return db.session.scalar(select(Tag).where(Tag.key == name.strip().lower()))


def all_tags() -> list[Tag]:
    """Every tag, by name."""
    return list(db.session.scalars(select(Tag).order_by(Tag.key)))


def with_counts() -> list[tuple[Tag, int]]:
    """Every tag with how many live notes carry it, by name."""
    from ..models import Note

    count = func.count(Note.id)
    rows = db.session.execute(
        select(Tag, count)
        .outerjoin(note_tags, note_tags.c.tag_id == Tag.id)
        .outerjoin(Note, (Note.id == note_tags.c.note_id) & Note.deleted_at.is_(None))
        .group_by(Tag.id)
        .order_by(Tag.key)
    )
    return [(tag, n) for tag, n in rows]


def delete(tag: Tag) -> int:
    """Take `tag` off every note and forget it; the notes stay. Returns how many notes had it."""
    count = len(tag.notes)
    db.session.delete(tag)  # the note_tags rows go with it
    db.session.commit()
    return count


def rename(tag: Tag, new_name: str) -> Tag:
    """Rename `tag`; if another tag already has that name, merge `tag` into it."""
    new_name = normalize(new_name)
    other = find(new_name)
    if other is None or other.id == tag.id:
        tag.name, tag.key = new_name, new_name.lower()
        db.session.commit()
        return tag
    for note in list(tag.notes):
        if other not in note.tags:
            note.tags.append(other)
    db.session.delete(tag)
    db.session.commit()
    return other


def delete_unused() -> int:
    """Remove tags no note carries any more; return how many."""
    unused = db.session.scalars(select(Tag).where(~Tag.notes.any())).all()
    for tag in unused:
        db.session.delete(tag)
    return len(unused)
