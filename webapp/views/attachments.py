"""Attachments: upload (form or drag-and-drop), serve, delete."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    request,
    send_file,
    url_for,
)

from ..extensions import db
from ..forms import ActionForm
from ..models import Attachment
from ..services import attachments as attachment_service
from ..services import notes as note_service
from ..negotiation import wants_json
from .notes import get_note

bp = Blueprint("attachments", __name__)
MAX_FILES_PER_UPLOAD = 20


def file_url(attachment: Attachment) -> str:
    """Where an attachment is served; the name is only there for people and downloads."""
    return url_for("attachments.serve", attachment_id=attachment.id, name=attachment.original_name)


def markdown_link(attachment: Attachment) -> str:
    """The attachment as Markdown: an image shown in place, any other file as a link."""
    label = attachment.original_name.replace("[", "").replace("]", "")
    image = "!" if attachment.content_type.startswith("image/") else ""
    return f"{image}[{label}]({file_url(attachment).replace(' ', '%20')})"


def _insert_into_note(note, added: list[Attachment]) -> None:
    """Put the new attachments at the end of the note's text (a new revision, as any edit)."""
    links = "\n".join(markdown_link(a) for a in added)
    body = note.body.rstrip("\n") + ("\n\n" if note.body.strip() else "") + links + "\n"
    tags = ", ".join(tag.name for tag in note.tags)
    try:
        note_service.update(note, note_service.validate(note.title, body, tags), expected_version=None)
    except note_service.NoteError as exc:  # the text would be too long: the files stay attached
        flash(f"Attached, but not added to the text: {exc}.", "error")


@bp.post("/notes/<int:note_id>/attachments")
def upload(note_id: int):
    """Attach one or more files to a note."""
    note = get_note(note_id)
    if not ActionForm().validate_on_submit():
        abort(400, description="This form has expired or did not come from this app. Reload and try again.")
    files = [f for f in request.files.getlist("files") if f and f.filename]
    problems, added = [], []
    if not files:
        problems.append("Choose at least one file.")
    if len(files) > MAX_FILES_PER_UPLOAD:
        problems.append(f"Attach at most {MAX_FILES_PER_UPLOAD} files at a time.")
        files = []
    for upload in files:
        try:
            added.append(attachment_service.store(note, upload.filename, upload.read()))
        except attachment_service.AttachmentError as exc:
            problems.append(f"{attachment_service.clean_name(upload.filename)}: {exc}.")
    db.session.commit()
    if added and request.form.get("insert") == "1":  # the note page's Attach button and drops: into the text
        _insert_into_note(note, added)
    if wants_json():
        body = {"attachments": [{"id": a.id, "name": a.original_name, "url": file_url(a),
                                 "image": a.content_type.startswith("image/")} for a in added],
                "problems": problems}
        return jsonify(body), 201 if added else 422
    for problem in problems:
        flash(problem, "error")
    if added:
        flash(f"Attached {len(added)} file{'s' if len(added) != 1 else ''}.", "success")
    return redirect(url_for("notes.view", note_id=note.id) + "#attachments")


@bp.get("/attachments/<int:attachment_id>/<path:name>")
def serve(attachment_id: int, name: str):
    """The file, with the type decided at upload; only real images are shown inline."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.original_name != name:
        abort(404, description="That attachment does not exist.")
    path = attachment_service.storage_dir() / attachment.stored_name  # a generated name, never the URL's
    if not path.is_file():
        abort(404, description="That attachment's file is missing from the data folder.")
    inline = attachment.content_type.startswith("image/")
    response = send_file(path, mimetype=attachment.content_type, as_attachment=not inline,
                         download_name=attachment.original_name, conditional=True, max_age=3600)
    # Even if a file were opened directly, it could run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
def delete(attachment_id: int):
    """Remove an attachment."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404, description="That attachment does not exist.")
    note_id = attachment.note_id
    if ActionForm().validate_on_submit():
        attachment_service.delete_files([attachment])
        db.session.delete(attachment)
        db.session.commit()
        flash(f"Removed “{attachment.original_name}”.", "success")
    return redirect(url_for("notes.view", note_id=note_id) + "#attachments")
