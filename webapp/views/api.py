"""The JSON API, /api/v1: notes, tags, search. Described by /api/v1/openapi.json.

Scripts authenticate with a personal token (Authorization: Bearer ink_...). Requests that
change something must send JSON: a cross-site HTML form cannot, so these need no CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from ..extensions import csrf, db
from ..jsonbody import ApiError, Field, query_bool, query_int, read_object
from ..negotiation import json_error
from ..models import BODY_MAX, TITLE_MAX, Attachment, Note
from ..services import attachments as attachment_service
from ..services import notes as note_service
from ..services import search as search_service
from ..services import tags as tag_service
from ..services import tokens
from .attachments import file_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
NOTE_FIELDS = {
    "title": Field(str, max_length=TITLE_MAX),
    "body": Field(str, max_length=BODY_MAX),
    "tags": Field(list, max_length=tag_service.MAX_TAGS_PER_NOTE, item_kind=str),
    "pinned": Field(bool),
}
MAX_PER_PAGE = 100


@bp.before_request
def authenticate() -> None:
    """A Bearer token, if given, must be valid; changes must come as JSON."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        g.api_token = tokens.verify(token.strip()) if scheme.lower() == "bearer" else None
        if g.api_token is None:
            raise ApiError(401, "invalid_token", "the API token is missing, malformed or revoked")
    # Only POST can come from a cross-site HTML form; DELETE and PATCH need a script, which a
    # browser stops at the CORS preflight. So a POST without a token must be JSON.
    if request.method == "POST" and not request.is_json and g.api_token is None:
        if request.mimetype == "multipart/form-data":  # a cross-site form can send this: a token is needed
            raise ApiError(401, "token_required", "sending files through the API needs a personal token "
                           "(Authorization: Bearer ink_...)")
        raise ApiError(415, "unsupported_media_type", "send the request body as JSON (Content-Type: application/json)")


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    """Our own validation errors."""
    return json_error(error.status, error.code, error.message, error.fields)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Werkzeug's errors (404, 405, 413, ...) in the API's shape."""
    from .errors import allow_header

    code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
    body, status = json_error(error.code or 500, code, error.description or error.name)
    return body, status, allow_header(error)


def note_json(note: Note) -> dict[str, Any]:
    """A note as the API shows it."""
    return {
        "id": note.id,
        "title": note.title,
        "body": note.body,
        "tags": [tag.name for tag in note.tags],
        "pinned": note.pinned,
        "version": note.version,
        "created_at": note.created_at.isoformat() + "Z",
        "updated_at": note.updated_at.isoformat() + "Z",
        "deleted_at": note.deleted_at.isoformat() + "Z" if note.deleted_at else None,
        "url": url_for("notes.view", note_id=note.id),
    }


def find_note(note_id: int) -> Note:
    """The note with `note_id`, trashed or not, else a JSON 404."""
    note = db.session.get(Note, note_id)
    if note is None:
        raise ApiError(404, "not_found", f"there is no note with id {note_id}")
    return note


def validated(data: dict[str, Any], note: Note | None = None) -> note_service.NoteInput:
    """Domain checks on top of the field types; a missing field keeps the note's value."""
    try:
        return note_service.validate(
            data.get("title", note.title if note else ""),
            data.get("body", note.body if note else ""),
            data["tags"] if "tags" in data else [t.name for t in note.tags] if note else [],
        )
    except note_service.NoteError as exc:
        raise ApiError(422, "validation_failed", str(exc), {exc.field or "body": str(exc)}) from exc


def page_params() -> tuple[int, int]:
    """?page= and ?per_page=, checked."""
    return (query_int("page", 1, minimum=1, maximum=1_000_000),
            query_int("per_page", 30, minimum=1, maximum=MAX_PER_PAGE))


@bp.get("/notes")
def list_notes():
    """Notes, newest change first (pinned first), optionally by tag or from the trash."""
    page, per_page = page_params()
    tag_name = request.args.get("tag")
    tag = tag_service.find(tag_name) if tag_name else None
    if tag_name and tag is None:
        raise ApiError(404, "not_found", f"there is no tag called {tag_name[:64]!r}")
    sort = request.args.get("sort", "updated")
    if sort not in note_service.SORTS:
        raise ApiError(400, "bad_parameter", f"sort must be one of: {', '.join(note_service.SORTS)}", {"sort": "unknown"})
    result = db.paginate(note_service.listing(trashed=query_bool("trashed"), tag=tag, sort=sort),
                         page=page, per_page=per_page, error_out=False)
    return jsonify(items=[note_json(n) for n in result.items], page=page, per_page=per_page,
                   total=result.total, pages=result.pages)


@bp.post("/notes")
def create_note():
    """Create a note."""
    data = read_object(NOTE_FIELDS)
    note = note_service.create(validated(data), pinned=data.get("pinned", False))
    return jsonify(note_json(note)), 201, {"Location": url_for("api.get_note", note_id=note.id)}


@bp.get("/notes/<int:note_id>")
def get_note(note_id: int):
    """One note."""
    return jsonify(note_json(find_note(note_id)))


@bp.patch("/notes/<int:note_id>")
def update_note(note_id: int):
    """Change a note. `version` must be the version the change is based on."""
    note = find_note(note_id)
    data = read_object({**NOTE_FIELDS, "version": Field(int, minimum=1)}, required={"version"})
    if note.in_trash:
        raise ApiError(409, "in_trash", "restore the note before changing it")
    try:
        note_service.update(note, validated(data, note), expected_version=data["version"])
    except note_service.VersionConflict:
        raise ApiError(409, "version_conflict", f"the note changed since version {data['version']}; "
                       f"it is now at version {note.version}", {"version": f"current version is {note.version}"})
    if "pinned" in data and data["pinned"] != note.pinned:
        note_service.set_pinned(note, data["pinned"])
    return jsonify(note_json(note))


@bp.delete("/notes/<int:note_id>")
def delete_note(note_id: int):
    """Move a note to the trash; with ?permanent=true, delete a trashed note for good."""
    note = find_note(note_id)
    if query_bool("permanent"):
        if not note.in_trash:
            raise ApiError(409, "not_in_trash", "only a note in the trash can be deleted for good")
        note_service.purge(note)
    elif not note.in_trash:
        note_service.trash(note)
    return "", 204


@bp.post("/notes/<int:note_id>/restore")
def restore_note(note_id: int):
    """Take a note out of the trash."""
    note = find_note(note_id)
    read_object({})
    if note.in_trash:
        note_service.restore(note)
    return jsonify(note_json(note))


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    """An attachment as the API shows it."""
    return {
        "id": attachment.id,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "created_at": attachment.created_at.isoformat() + "Z",
        "url": file_url(attachment),
    }


@bp.get("/notes/<int:note_id>/attachments")
def list_attachments(note_id: int):
    """A note's attachments."""
    return jsonify(items=[attachment_json(a) for a in find_note(note_id).attachments])


@bp.post("/notes/<int:note_id>/attachments")
def upload_attachments(note_id: int):
    """Attach files (multipart/form-data, field "files"; needs a personal token)."""
    note = find_note(note_id)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        raise ApiError(422, "validation_failed", "send one or more files in the field \"files\"",
                       {"files": "no file received"})
    added, problems = [], {}
    for upload in files:
        try:
            added.append(attachment_service.store(note, upload.filename, upload.read()))
        except attachment_service.AttachmentError as exc:
            problems[attachment_service.clean_name(upload.filename)] = str(exc)
    if problems:
        db.session.rollback()
        attachment_service.delete_files(added)
        raise ApiError(422, "validation_failed", "some files can't be attached; none were", problems)
    db.session.commit()
    return jsonify(items=[attachment_json(a) for a in added]), 201


@bp.delete("/attachments/<int:attachment_id>")
def delete_attachment(attachment_id: int):
    """Remove an attachment and its file."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise ApiError(404, "not_found", f"there is no attachment with id {attachment_id}")
    attachment_service.delete_files([attachment])
    db.session.delete(attachment)
    db.session.commit()
    return "", 204


@bp.get("/tags")
def list_tags():
    """Every tag with its number of live notes."""
    return jsonify(items=[{"id": t.id, "name": t.name, "notes": n} for t, n in tag_service.with_counts()])


@bp.get("/search")
def search():
    """Full-text search, best match first."""
    page, per_page = page_params()
    query = request.args.get("q")
    if query is None:  # as documented: q is required (an empty one is a valid, empty search)
        raise ApiError(400, "bad_parameter", "q is required: the words to search for", {"q": "required"})
    tag_name = request.args.get("tag")
    tag = tag_service.find(tag_name) if tag_name else None
    if tag_name and tag is None:
        raise ApiError(404, "not_found", f"there is no tag called {tag_name[:64]!r}")
    try:
        results = search_service.search(query, tag=tag, page=page, per_page=per_page)
    except search_service.SearchError as exc:
        raise ApiError(400, "bad_parameter", str(exc), {"q": str(exc)}) from exc
    return jsonify(
        items=[{"note": note_json(hit.note), "title_html": str(hit.title), "snippet_html": str(hit.snippet)}
               for hit in results.hits],
        page=page, per_page=per_page, total=min(results.total, results.cap), total_is_capped=results.total_is_capped,
    )


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    from ..apispec import document

    return jsonify(document())
