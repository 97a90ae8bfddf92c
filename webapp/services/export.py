"""Export: every note to a zip (Markdown with front matter, attachments, a JSON manifest).

Archive layout, read back by services/importer.py:
    manifest.json              {"format": "inkwell-export", "version": 1, "notes": [...]}
    notes/<id> <title>.md      front matter (JSON-quoted values) + the Markdown body
    attachments/<stored name>  the files, under the names the manifest gives

The export streams: memory stays the same however many notes there are. Notes are read a
batch at a time (keyset pagination on id), each is written into the zip as it comes, its
manifest entry goes to a temporary file (added to the zip, as its last entry, at the end), and
so does the zip's own record of each entry (see _StreamingZip).
"""

from __future__ import annotations

import json
import marshal
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import __version__
from ..extensions import db
from ..models import Note, utcnow
from . import attachments

FORMAT = "inkwell-export"
FORMAT_VERSION = 1
_UNSAFE = re.compile(r"[^\w\- ]+", re.UNICODE)
BATCH = 500  # notes read (with their tags and attachments) per query


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


def export_zip(target: IO[bytes], *, progress: Callable[[int, int], None] | None = None,
               scratch: Path | None = None) -> int:
    """Write every live note (with attachments) as a zip to `target`; return how many notes.

    Memory does not grow with the notes: see the module's docstring. `scratch` is the folder for
    the temporary files (the manifest and the zip's directory, until they are written at the end;
    the system's temporary folder by default).

    The notes are read in several queries, so a note saved during a long export is exported as it
    was when its batch was read; every note that exists throughout is exported exactly once.
    """
    total = db.session.scalar(select(func.count(Note.id)).where(Note.deleted_at.is_(None)))
    header = {"format": FORMAT, "version": FORMAT_VERSION, "app_version": __version__,
              "exported_at": utcnow().isoformat() + "Z"}
    folder = attachments.storage_dir()
    done = 0
    with tempfile.TemporaryFile(dir=scratch) as manifest, \
            _StreamingZip(target, compression=zipfile.ZIP_DEFLATED, scratch=scratch) as archive:
        writer = _ManifestWriter(manifest, header)
        for note in _live_notes(BATCH):
            name = f"notes/{note.id} {safe_filename(note.display_title)}.md"
            archive.writestr(name, note_to_markdown(note))
            entry = {"file": name, **front_matter(note), "attachments": []}
            for attachment in note.attachments:
                path = folder / attachment.stored_name
                if path.is_file():
                    archive.write(path, f"attachments/{attachment.stored_name}")
                    entry["attachments"].append({
                        "file": f"attachments/{attachment.stored_name}", "name": attachment.original_name,
                        "id": attachment.id,  # what the note's text links to: the importer relinks it
                        "content_type": attachment.content_type, "size": attachment.size,
                    })
            writer.add(entry)
            done += 1
            if progress:
                progress(done, max(total, done))
        writer.finish()
        _write_file(archive, "manifest.json", manifest)
    return done


def _live_notes(batch: int) -> Iterator[Note]:
    """Every live note in id order, with its tags and attachments, read about `batch` at a time.

    Keyset pagination: each batch starts after the last id seen, so every note is read once and
    each query costs the same however far the export has got. Two steps per batch, because with
    `deleted_at IS NULL` in the same statement SQLite prefers the index on deleted_at and sorts
    every live note by id for each batch (O(n²) in all): first the next `batch` ids in the
    primary key (a range scan that stops there) with their deleted_at, then the live ones among
    them by id. Nothing keeps a batch once it is done: the session's identity map holds
    unmodified objects weakly.
    """
    after = 0
    while True:
        rows = db.session.execute(
            select(Note.id, Note.deleted_at).where(Note.id > after).order_by(Note.id).limit(batch)
        ).all()
        if not rows:
            return
        after = rows[-1].id
        live = [row.id for row in rows if row.deleted_at is None]
        if not live:
            continue
        notes = db.session.scalars(
            select(Note).where(Note.id.in_(live)).options(selectinload(Note.tags), selectinload(Note.attachments))
            .order_by(Note.id)
        ).all()
        yield from (note for note in notes if note.deleted_at is None)  # not trashed meanwhile


class _ManifestWriter:
    """Writes manifest.json ({**header, "notes": [entries]}) to a file an entry at a time.

    The bytes are exactly those of json.dumps(manifest, ensure_ascii=False, indent=1) for the
    whole manifest (how it was written when it was built in memory): the header, then each
    entry dumped alone and indented two levels deeper (JSON strings never contain a raw
    newline, so indenting line by line is safe). tests/webapp/test_transfer.py checks this.
    """

    def __init__(self, file: IO[bytes], header: dict) -> None:
        text = json.dumps({**header, "notes": []}, ensure_ascii=False, indent=1)
        self._file = file
        self._count = 0
        file.write(text.removesuffix("[]\n}").encode())  # up to '"notes": '

    def add(self, entry: dict) -> None:
        text = json.dumps(entry, ensure_ascii=False, indent=1)
        indented = "\n".join("  " + line for line in text.split("\n"))
        self._file.write(((",\n" if self._count else "[\n") + indented).encode())
        self._count += 1

    def finish(self) -> None:
        self._file.write(("\n ]\n}" if self._count else "[]\n}").encode())
        self._file.flush()


def _write_file(archive: zipfile.ZipFile, name: str, source: IO[bytes]) -> None:
    """Add the contents of the file `source` as `name`, just as archive.writestr would (same
    header fields), copying it in chunks rather than reading it whole."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = archive.compression
    info.external_attr = 0o600 << 16  # what writestr gives a name
    info.file_size = source.seek(0, 2)  # the size decides whether the entry needs ZIP64 fields
    source.seek(0)
    with archive.open(info, "w") as dest:
        shutil.copyfileobj(source, dest, 1 << 20)


class _StreamingZip(zipfile.ZipFile):
    """A zip being written whose memory does not grow with its entries.

    A ZipFile keeps a ZipInfo per entry (about 500 bytes) until close() writes the central
    directory from them: 500 MB for a million notes. Here each finished entry's ZipInfo is
    written to a temporary file instead (filelist) and read back one at a time by close(); the
    name index used only to warn about duplicate names is not kept (every name in an export is
    unique: it carries the note's id or the attachment's unique stored name). The archive is
    byte for byte what a plain ZipFile would write. Write-only: the archive can't be read back
    through this object.
    """

    def __init__(self, file: IO[bytes], *, compression: int, scratch: Path | None = None) -> None:
        super().__init__(file, "w", compression=compression)
        self.filelist = _SpooledInfos(scratch)
        self.NameToInfo = _NoNames()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if isinstance(self.filelist, _SpooledInfos):
                self.filelist.close()


class _NoNames(dict):
    """ZipFile.NameToInfo that remembers nothing."""

    def __setitem__(self, key, value) -> None:
        pass


class _SpooledInfos:
    """ZipFile.filelist on disk: append() stores each ZipInfo's fields (marshal, in __slots__
    order), iterating reads them back into fresh ZipInfo objects one at a time."""

    _SLOTS = tuple(zipfile.ZipInfo.__slots__)
    _UNSET = ...  # a slot the ZipInfo never set (marshal stores Ellipsis; no field ever holds it)

    def __init__(self, scratch: Path | None) -> None:
        self._file = tempfile.TemporaryFile(dir=scratch)
        self._count = 0

    def append(self, info: zipfile.ZipInfo) -> None:
        marshal.dump(tuple(getattr(info, slot, self._UNSET) for slot in self._SLOTS), self._file)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        self._file.flush()
        end = self._file.tell()
        self._file.seek(0)
        try:
            for _ in range(self._count):
                info = zipfile.ZipInfo.__new__(zipfile.ZipInfo)
                for slot, value in zip(self._SLOTS, marshal.load(self._file)):
                    if value is not self._UNSET:
                        setattr(info, slot, value)
                yield info
        finally:
            self._file.seek(end)

    def close(self) -> None:
        self._file.close()
