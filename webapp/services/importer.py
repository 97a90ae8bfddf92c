"""Import: an Inkwell export zip (or any zip of Markdown files), checked before anything is saved.

Safety, in order: the archive must be a zip; every entry name must be a plain relative path
(zip-slip archives are refused whole); entry count, total size and compression ratios must be
sane (zip bombs are refused before anything is inflated); entries are only ever read by name
and attachments are stored under new generated names, so nothing is extracted where an entry
says. The import is one transaction: an archive that fails half-way leaves nothing behind.
"""

from __future__ import annotations

import json
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import BODY_MAX, Note, Revision
from . import attachments
from . import notes as note_service
from .export import FORMAT, FORMAT_VERSION

MAX_RATIO = 100  # a text file compresses about 3-10x; a bomb compresses thousands of times
RATIO_CHECK_FROM = 1 << 20  # small entries can't do harm whatever their ratio


class ArchiveError(ValueError):
    """The archive can't be imported; the message says why, for the user."""


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    duplicates: int = 0
    attachments: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    file: str
    title: str | None = None
    tags: list[str] | None = None
    pinned: bool = False
    created: datetime | None = None
    updated: datetime | None = None
    attachments: list[dict] = field(default_factory=list)


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse unsafe or oversized archives before reading any entry."""
    infos = archive.infolist()
    if len(infos) > current_app.config["IMPORT_MAX_ENTRIES"]:
        raise ArchiveError(f"the archive has {len(infos):,} entries; at most "
                           f"{current_app.config['IMPORT_MAX_ENTRIES']:,} can be imported")
    total = 0
    for info in infos:
        name = info.filename
        normalised = posixpath.normpath(name)
        if (name.startswith(("/", "\\")) or "\\" in name or ":" in name or normalised.startswith("..")
                or "/../" in f"/{name}/" or "\x00" in name):
            raise ArchiveError(f"the archive contains an unsafe path ({name[:80]!r}): it was not imported")
        total += info.file_size
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveError(f"{name[:80]!r} would inflate {info.file_size // max(info.compress_size, 1):,} times: "
                               "the archive looks like a zip bomb and was not imported")
    if total > current_app.config["IMPORT_MAX_BYTES"]:
        raise ArchiveError(f"the archive would unpack to {total / 2**20:,.0f} MB; at most "
                           f"{current_app.config['IMPORT_MAX_BYTES'] / 2**20:,.0f} MB can be imported")
    # Many entries each just small enough to pass alone inflate as much as one big one: the
    # archive as a whole must not inflate like a bomb either.
    packed = sum(info.compress_size for info in infos)
    if total > RATIO_CHECK_FROM and total > MAX_RATIO * max(packed, 1):
        raise ArchiveError(f"the archive would inflate {total // max(packed, 1):,} times (to {total / 2**20:,.0f} MB): "
                           "it looks like a zip bomb and was not imported")


def _read_text(archive: zipfile.ZipFile, name: str, limit: int) -> str:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ArchiveError(f"{name[:80]!r} is too large ({info.file_size:,} bytes)")
    try:
        return archive.read(info).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{name[:80]!r} is not UTF-8 text") from exc


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.removesuffix("Z")).replace(tzinfo=None)
    except ValueError:
        return None


def _entries(archive: zipfile.ZipFile) -> list[_Entry]:
    """What to import: from the manifest if there is one, else every .md file."""
    names = set(archive.namelist())
    if "manifest.json" not in names:
        return [_Entry(file=name) for name in sorted(names) if name.lower().endswith((".md", ".markdown", ".txt"))]
    try:
        manifest = json.loads(_read_text(archive, "manifest.json", 64 << 20))
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"manifest.json is not valid JSON ({exc.msg})") from exc
    except RecursionError:
        raise ArchiveError("manifest.json is nested too deeply to be an Inkwell export manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("manifest.json is not an Inkwell export manifest")
    if not isinstance(manifest.get("version"), int) or manifest["version"] > FORMAT_VERSION:
        raise ArchiveError("the archive comes from a newer version of the app: update the app first")
    items = manifest.get("notes")
    if not isinstance(items, list):
        raise ArchiveError("manifest.json has no list of notes")
    entries = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("file"), str) or item["file"] not in names:
            raise ArchiveError("manifest.json names a note file the archive doesn't contain")
        tags = item.get("tags")
        entries.append(_Entry(
            file=item["file"],
            title=item["title"] if isinstance(item.get("title"), str) else None,
            tags=tags if isinstance(tags, list) and all(isinstance(t, str) for t in tags) else None,
            pinned=item.get("pinned") is True,
            created=_parse_time(item.get("created")),
            updated=_parse_time(item.get("updated")),
            attachments=[a for a in item.get("attachments", []) if isinstance(a, dict)
                         and isinstance(a.get("file"), str) and a["file"] in names],
        ))
    return entries


def split_front_matter(text: str) -> tuple[dict, str]:
    """Front matter (key: JSON value lines between --- fences) and the body after it."""
    if not text.startswith("---\n"):
        return {}, text
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        return {}, text
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            try:
                meta[key.strip()] = json.loads(value.strip())
            except (json.JSONDecodeError, RecursionError):  # plain text, or nested past Python's parser
                meta[key.strip()] = value.strip()
    return meta, body.removeprefix("\n")


def import_zip(path: Path, *, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import the archive at `path` in one transaction (a failure half-way leaves nothing); entries
    that can't be read or aren't notes are skipped and named in the report."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError("the file is not a zip archive (or it is damaged)") from exc
    report = ImportReport()
    stored: list[Path] = []
    with archive:
        check_archive(archive)
        entries = _entries(archive)
        if not entries:
            raise ArchiveError("the archive contains no notes (no manifest.json and no .md files)")
        try:
            for done, entry in enumerate(entries, 1):
                _import_one(archive, entry, report, stored)
                if progress:
                    progress(done, len(entries))
            db.session.commit()
        except Exception:
            db.session.rollback()
            for file in stored:  # the rows are gone with the rollback; so go their files
                file.unlink(missing_ok=True)
            raise
    return report


def _import_one(archive: zipfile.ZipFile, entry: _Entry, report: ImportReport, stored: list[Path]) -> None:
    try:
        text = _read_text(archive, entry.file, BODY_MAX * 4)
    except ArchiveError as exc:
        report.problems.append(str(exc))
        return
    except (zipfile.BadZipFile, OSError) as exc:  # a damaged entry (bad CRC, truncated)
        report.problems.append(f"{entry.file[:80]!r} is damaged ({exc}) and was skipped")
        return
    meta, body = split_front_matter(text)
    body = body.removesuffix("\n")  # the one the exporter added (see note_to_markdown)
    title = entry.title if entry.title is not None else meta.get("title")
    if not isinstance(title, str):
        title = posixpath.splitext(posixpath.basename(entry.file))[0]
    tags = entry.tags if entry.tags is not None else meta.get("tags")
    tags = tags if isinstance(tags, list) and all(isinstance(t, str) for t in tags) else []
    try:
        data = note_service.validate(title[:200], body, tags)
    except note_service.NoteError as exc:
        report.problems.append(f"{entry.file[:80]!r}: {exc}; skipped")
        return
    if _is_duplicate(data):
        report.duplicates += 1
        return
    with db.session.no_autoflush:
        note = note_service.add(data, pinned=entry.pinned or meta.get("pinned") is True,
                                created_at=entry.created or _parse_time(meta.get("created")),
                                updated_at=entry.updated or _parse_time(meta.get("updated")))
    new_ids: dict[int, int] = {}  # the attachment's id in the exporting app -> its id here
    new_by_name: dict[str, int] = {}  # for archives from before the manifest kept ids
    for item in entry.attachments:
        try:
            content = archive.read(item["file"])
        except (zipfile.BadZipFile, OSError):
            report.problems.append(f"attachment {item['file'][:80]!r} is damaged and was skipped")
            continue
        name = item.get("name") if isinstance(item.get("name"), str) else posixpath.basename(item["file"])
        try:
            attachment = attachments.store(note, name, content)
        except attachments.AttachmentError as exc:
            report.problems.append(f"attachment {name[:80]!r}: {exc}; skipped")
            continue
        stored.append(attachments.storage_dir() / attachment.stored_name)
        report.attachments += 1
        db.session.flush()  # its id, for the note's links
        if isinstance(item.get("id"), int) and not isinstance(item["id"], bool):
            new_ids[item["id"]] = attachment.id
        else:
            new_by_name[attachment.original_name] = attachment.id
    relinked = relink_attachments(note.body, new_ids, new_by_name)
    if relinked != note.body:  # the text links the files by their ids in the exporting app
        note.body = relinked
        db.session.execute(update(Revision).where(Revision.note_id == note.id).values(body=relinked))
    report.created += 1


ATTACHMENT_LINK = re.compile(r"(?<![\w/.-])/attachments/(\d+)/([^\s()<>\"'\]\[]+)")


def relink_attachments(body: str, new_ids: dict[int, int], new_by_name: dict[str, int]) -> str:
    """`body` with its links to attachments (`/attachments/<id>/<name>`) pointing at the ids this
    import gave them: by the old id where the manifest gives it, else by the file's name. Links to
    files this import didn't bring are left alone."""
    from urllib.parse import unquote

    def relink(match: re.Match) -> str:
        old, name = int(match.group(1)), match.group(2)
        new = new_ids.get(old) if new_ids else new_by_name.get(unquote(name))
        return f"/attachments/{new}/{name}" if new is not None else match.group(0)

    return ATTACHMENT_LINK.sub(relink, body) if (new_ids or new_by_name) else body


def _is_duplicate(data: note_service.NoteInput) -> bool:
    """A live note with the same title and text exists already."""
    return _find_duplicate(data) is not None


def _find_duplicate(data: note_service.NoteInput) -> Note | None:
    # `pinned IN (1, 0)` matches every note (the column is NOT NULL and only ever 0 or 1) and is
    # there for the index: ix_notes_by_title is (deleted_at, pinned DESC, lower(title)), so
    # without a constraint on pinned SQLite can use only its first column and reads every live
    # note's title (an import slowed from 162 to 6 notes/s between 10k and 1M notes); with it,
    # each duplicate check is two index lookups, however many notes there are.
    candidates = db.session.scalars(
        select(Note).where(Note.deleted_at.is_(None), Note.pinned.in_([True, False]),
                           func.lower(Note.title) == data.title.lower())
    )
    return next((note for note in candidates if note.body == data.body), None)


MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
STAGED_PREFIX = "opened-"


def staging_dir() -> Path:
    folder = Path(current_app.instance_path) / "tmp"
    folder.mkdir(exist_ok=True)
    return folder


def stage_archive(path: Path) -> Path:
    """A checked copy of the archive at `path`, in the data folder's scratch space, to import later."""
    import secrets
    import shutil

    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive)
            if not _entries(archive):
                raise ArchiveError("the archive contains no notes (no manifest.json and no .md files)")
    except zipfile.BadZipFile as exc:
        raise ArchiveError("the file is not a zip archive (or it is damaged)") from exc
    staged = staging_dir() / f"{STAGED_PREFIX}{secrets.token_urlsafe(12)}.zip"
    shutil.copyfile(path, staged)
    return staged


def staged_archive(token: str) -> Path | None:
    """The archive staged as `token` (stage_archive's file stem), if it is still there."""
    if not token.startswith(STAGED_PREFIX) or not token[len(STAGED_PREFIX):].replace("-", "").replace("_", "").isalnum():
        return None
    staged = staging_dir() / f"{token}.zip"
    return staged if staged.is_file() else None


def import_markdown(path: Path) -> Note:
    """Import one Markdown file (front matter optional) as a note; an identical live note is reused."""
    with open(path, "rb") as fh:
        raw = fh.read(BODY_MAX * 4 + 1)
    if len(raw) > BODY_MAX * 4:
        raise ArchiveError(f"the file is too large (more than {BODY_MAX * 4:,} bytes)")
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise ArchiveError("the file is not UTF-8 text") from exc
    meta, body = split_front_matter(text)
    title = meta.get("title") if isinstance(meta.get("title"), str) else path.stem
    tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
    data = note_service.validate(title[:200], body.removesuffix("\n"), [t for t in tags if isinstance(t, str)])
    existing = _find_duplicate(data)
    if existing is not None:
        return existing
    note = note_service.add(data, pinned=meta.get("pinned") is True)
    db.session.commit()
    return note


def open_file(path: Path) -> str:
    """The desktop shell's hook for a file opened with the app: a note is imported at once (it is one
    note, and a duplicate is reused); an archive is checked, kept aside and imported only once
    the user says so on the page this returns (opening a file must not add thousands of notes)."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        staged = stage_archive(path)
        return url_for("transfer.opened", staged=staged.stem, name=path.name)
    if suffix in MARKDOWN_SUFFIXES:
        return url_for("notes.view", note_id=import_markdown(path).id)
    kind = f"{suffix} files" if suffix else "files without an extension"
    raise ValueError(f"Inkwell opens Markdown notes (.md) and Inkwell exports (.zip), not {kind}")
