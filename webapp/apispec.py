"""The OpenAPI 3.1 document for /api/v1. Tests check live responses against these schemas."""

from __future__ import annotations

from typing import Any

from . import __version__
from .models import BODY_MAX, TAG_MAX, TITLE_MAX
from .services.tags import MAX_TAGS_PER_NOTE

# A tag name: something besides spaces, no comma (the form's separator), no control characters
# (tab, CR and LF count as spaces), at most TAG_MAX long.
_TAG_CHAR = r"[^,\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
TAG_NAME = {"type": "string", "maxLength": TAG_MAX,
            "pattern": rf"^{_TAG_CHAR}*[^\s,\x00-\x1f\x7f-\x9f]{_TAG_CHAR}*$"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "Bad parameter or malformed JSON"),
    "401": _json(_ref("Error"), "Invalid API token"),
    "404": _json(_ref("Error"), "No such note or tag"),
    "415": _json(_ref("Error"), "The body is not JSON"),
    "422": _json(_ref("Error"), "A field is invalid; `fields` says which"),
}
PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 30}},
]
NOTE_ID = {"name": "note_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
NOTE_FIELDS = {
    "title": {"type": "string", "maxLength": TITLE_MAX},
    "body": {"type": "string", "maxLength": BODY_MAX},
    "tags": {"type": "array", "maxItems": MAX_TAGS_PER_NOTE, "items": TAG_NAME},
    "pinned": {"type": "boolean"},
}
TIMESTAMP = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Note": {
        "type": "object",
        "required": ["id", "title", "body", "tags", "pinned", "version", "created_at", "updated_at", "deleted_at", "url"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            **NOTE_FIELDS,
            "version": {"type": "integer", "minimum": 1, "description": "send it back with a change (optimistic locking)"},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
            "deleted_at": {"oneOf": [TIMESTAMP, {"type": "null"}], "description": "set while in the trash"},
            "url": {"type": "string", "description": "the note's page in the app"},
        },
    },
    "NoteList": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": _ref("Note")},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "total": {"type": "integer"}, "pages": {"type": "integer"},
        },
    },
    "NewNote": {"type": "object", "additionalProperties": False, "properties": NOTE_FIELDS},
    "NoteChange": {
        "type": "object", "additionalProperties": False, "required": ["version"],
        "properties": {**NOTE_FIELDS, "version": {"type": "integer", "minimum": 1}},
    },
    "TagList": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "notes"], "additionalProperties": False,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "notes": {"type": "integer"}},
        }}},
    },
    "SearchResults": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "total_is_capped"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": {
                "type": "object", "required": ["note", "title_html", "snippet_html"], "additionalProperties": False,
                "properties": {
                    "note": _ref("Note"),
                    "title_html": {"type": "string", "description": "escaped, matches in <mark>"},
                    "snippet_html": {"type": "string", "description": "escaped, matches in <mark>"},
                },
            }},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "total": {"type": "integer"}, "total_is_capped": {"type": "boolean"},
        },
    },
    "Attachment": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "name", "content_type", "size", "created_at", "url"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "content_type": {"type": "string", "description": "decided from the file's bytes"},
            "size": {"type": "integer"}, "created_at": TIMESTAMP, "url": {"type": "string"},
        },
    },
    "AttachmentList": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": _ref("Attachment")}},
    },
    "Error": {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {
            "type": "object", "required": ["code", "message"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }},
    },
}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inkwell API",
            "version": __version__,
            "description": "Your notes, for scripts. Authenticate with a personal token from Settings "
                           "(Authorization: Bearer ink_...). Changes must be sent as JSON.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}, {}],
        "paths": {
            "/notes": {
                "get": {
                    "operationId": "listNotes", "summary": "List notes (pinned first)",
                    "parameters": [
                        *PAGE_PARAMS,
                        {"name": "tag", "in": "query", "schema": {"type": "string"}},
                        {"name": "sort", "in": "query", "schema": {"enum": ["updated", "created", "title"]}},
                        {"name": "trashed", "in": "query", "schema": {"enum": ["true", "false", "1", "0"]}},
                    ],
                    "responses": {"200": _json(_ref("NoteList"), "One page of notes"), **ERRORS},
                },
                "post": {
                    "operationId": "createNote", "summary": "Create a note",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewNote")}}},
                    "responses": {"201": {**_json(_ref("Note"), "The new note"), "links": {
                        name: {"operationId": operation, "parameters": {"note_id": "$response.body#/id"}}
                        for name, operation in (("GetNote", "getNote"), ("UpdateNote", "updateNote"),
                                                ("DeleteNote", "deleteNote"), ("AttachFiles", "uploadAttachments"))
                    }}, **ERRORS},
                },
            },
            "/notes/{note_id}": {
                "parameters": [NOTE_ID],
                "get": {
                    "operationId": "getNote", "summary": "Read a note (also from the trash)",
                    "responses": {"200": _json(_ref("Note"), "The note"), **ERRORS},
                },
                "patch": {
                    "operationId": "updateNote", "summary": "Change a note",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NoteChange")}}},
                    "responses": {
                        "200": _json(_ref("Note"), "The changed note"),
                        "409": _json(_ref("Error"), "Changed since `version`, or in the trash"),
                        **ERRORS,
                    },
                },
                "delete": {
                    "operationId": "deleteNote", "summary": "Move to the trash, or delete a trashed note for good",
                    "parameters": [{"name": "permanent", "in": "query", "schema": {"enum": ["true", "false", "1", "0"]}}],
                    "responses": {
                        "204": {"description": "Done"},
                        "409": _json(_ref("Error"), "permanent=true on a note not in the trash"),
                        **ERRORS,
                    },
                },
            },
            "/notes/{note_id}/restore": {
                "parameters": [NOTE_ID],
                "post": {
                    "operationId": "restoreNote", "summary": "Take a note out of the trash",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "additionalProperties": False}}}},
                    "responses": {"200": _json(_ref("Note"), "The restored note"), **ERRORS},
                },
            },
            "/notes/{note_id}/attachments": {
                "parameters": [NOTE_ID],
                "get": {
                    "operationId": "listAttachments", "summary": "A note's attachments",
                    "responses": {"200": _json(_ref("AttachmentList"), "The attachments"), **ERRORS},
                },
                "post": {
                    "operationId": "uploadAttachments", "summary": "Attach files (needs a personal token)",
                    "security": [{"token": []}],
                    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                        "type": "object", "required": ["files"], "properties": {"files": {
                            "type": "array", "minItems": 1, "items": {  # an empty file is refused
                                "type": "string", "contentMediaType": "application/octet-stream",
                                "minLength": 1}}}}}}},
                    "responses": {"201": {**_json(_ref("AttachmentList"), "The new attachments"), "links": {
                        "DeleteAttachment": {"operationId": "deleteAttachment",
                                             "parameters": {"attachment_id": "$response.body#/items/0/id"}},
                    }}, **ERRORS},
                },
            },
            "/attachments/{attachment_id}": {
                "parameters": [{"name": "attachment_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 0}}],
                "delete": {
                    "operationId": "deleteAttachment", "summary": "Remove an attachment",
                    "responses": {"204": {"description": "Removed"}, **ERRORS},
                },
            },
            "/tags": {
                "get": {
                    "operationId": "listTags", "summary": "Tags with their number of notes",
                    "responses": {"200": _json(_ref("TagList"), "Every tag"), **ERRORS},
                },
            },
            "/search": {
                "get": {
                    "operationId": "search", "summary": "Full-text search, best match first",
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 500}},
                        {"name": "tag", "in": "query", "schema": {"type": "string"}},
                        *PAGE_PARAMS,
                    ],
                    "responses": {"200": _json(_ref("SearchResults"), "One page of results"), **ERRORS},
                },
            },
        },
    }
