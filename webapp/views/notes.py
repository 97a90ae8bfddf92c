"""Notes: the list, reading, writing (with autosave), pinning, the trash, revisions."""

from __future__ import annotations


from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from ..extensions import db
from ..forms import ActionForm, NoteForm
from ..markdown import render
from ..models import Note, Revision
from ..services import notes as note_service
from ..services.diff import word_diff
from ..services import settings as settings_service
from ..services import tags as tag_service
from ..negotiation import json_error, wants_json
from .params import local_target, page_arg

bp = Blueprint("notes", __name__)


def get_note(note_id: int, *, trashed: bool | None = False) -> Note:
    """The note, or a 404 page; `trashed` says where it must be (None: anywhere)."""
    note = db.session.get(Note, note_id)
    if note is None or (trashed is not None and note.in_trash != trashed):
        abort(404, description="That note does not exist, or it was moved to the trash.")
    return note


@bp.get("/")
def index():
    """The notes list: pinned first, optionally filtered by tag, paginated."""
    tag_name = request.args.get("tag", "")
    tag = tag_service.find(tag_name) if tag_name else None
    if tag_name and tag is None:
        abort(404, description=f"There is no tag called “{tag_name}”.")
    sort = request.args.get("sort") or settings_service.get("default_sort")
    if sort not in note_service.SORTS:
        abort(400, description=f"sort must be one of: {', '.join(note_service.SORTS)}")
    pinned = request.args.get("pinned") == "1"
    page = note_service.list_page(tag=tag, sort=sort, pinned_only=pinned, page=page_arg(),
                                  per_page=current_app.config["NOTES_PER_PAGE"])
    return render_template("notes/list.html", page=page, tag=tag, sort=sort, pinned=pinned, action_form=ActionForm())


@bp.get("/sidebar")
def sidebar():
    """The notebook sidebar's contents (counts, most used tags), fetched by the page after it shows."""
    return render_template("sidebar.html", counts=note_service.notebook_counts())


@bp.post("/notes/preview")
def preview():
    """The editor's live preview: the text rendered by the very pipeline that renders the saved
    note (markdown-it-py, then nh3), so the two can never differ and the preview is as safe."""
    if not ActionForm().validate_on_submit():
        return json_error(400, "csrf_failed", "Reload the page to preview again.")
    body = request.form.get("body", "")
    if len(body) > note_service.BODY_MAX:
        return json_error(413, "too_long", "The text is too long to preview.")
    return jsonify(html=str(render(body)))


@bp.route("/notes/new", methods=["GET", "POST"])
def new():
    """Write a new note."""
    form = NoteForm()
    if form.validate_on_submit():
        data = _validated(form)
        if data is not None:
            note = note_service.create(data)
            if wants_json():
                return jsonify(_saved_json(note)), 201
            flash("Note saved.", "success")
            return redirect(url_for("notes.view", note_id=note.id))
    return _form_response(form, note=None)


@bp.get("/notes/<int:note_id>")
def view(note_id: int):
    """Read a note, rendered from Markdown."""
    note = get_note(note_id)
    return render_template("notes/view.html", note=note, html=render(note.body), action_form=ActionForm())


@bp.route("/notes/<int:note_id>/edit", methods=["GET", "POST"])
def edit(note_id: int):
    """Edit a note. The editor's script posts here too (JSON answers) to autosave."""
    note = get_note(note_id)
    form = NoteForm(obj=note) if request.method == "GET" else NoteForm()
    if request.method == "GET":
        form.tags.data = ", ".join(tag.name for tag in note.tags)
    if form.validate_on_submit():
        data = _validated(form)
        if data is not None:
            try:
                changed = note_service.update(note, data, expected_version=form.version.data,
                                              amend_revision=_amend_revision())
            except note_service.VersionConflict:
                return _conflict(form, note)
            if wants_json():
                return jsonify(_saved_json(note, changed=changed))
            flash("Note saved." if changed else "No changes to save.", "success")
            return redirect(url_for("notes.view", note_id=note.id))
    return _form_response(form, note=note)


def _validated(form: NoteForm) -> note_service.NoteInput | None:
    """Domain validation on top of the form's; errors go next to their field."""
    try:
        return note_service.validate(form.title.data or "", form.body.data or "", form.tags.data or "")
    except note_service.NoteError as exc:
        getattr(form, exc.field or "body").errors.append(str(exc))
        return None


def _form_response(form: NoteForm, *, note: Note | None):
    """The editor page, or a JSON 4xx naming each bad field for the autosave script."""
    if request.method == "POST" and wants_json():
        fields = {name: errors[0] for name, errors in form.errors.items()}
        message = fields.pop("csrf_token", None) or "Some fields need attention."
        code = "csrf_failed" if "csrf" in message.lower() else "validation_failed"
        return json_error(400 if code == "csrf_failed" else 422, code, message, fields)
    status = 422 if request.method == "POST" else 200
    return render_template("notes/edit.html", form=form, note=note), status


def _conflict(form: NoteForm, note: Note):
    """Someone saved a newer version first: keep the user's text, explain, never overwrite."""
    message = ("This note was changed somewhere else after you opened it. "
               "Your text is still in the editor: copy what you need, then reload.")
    if wants_json():
        # The other version, so the editor can show both and let the user choose (app.js).
        current = {"title": note.title, "body": note.body, "tags": ", ".join(t.name for t in note.tags),
                   "version": note.version}
        return json_error(409, "version_conflict", message, {"version": f"the note is at version {note.version}"},
                          current=current)
    flash(message, "error")
    return render_template("notes/edit.html", form=form, note=note), 409


def _amend_revision() -> int | None:
    """The revision an autosave of the same sitting amends (the editor sends it; see update())."""
    value = request.form.get("amend_revision", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def _saved_json(note: Note, *, changed: bool = True) -> dict:
    return {
        "id": note.id,
        "version": note.version,
        "changed": changed,
        "updated_at": note.updated_at.isoformat() + "Z",
        "edit_url": url_for("notes.edit", note_id=note.id),
        "view_url": url_for("notes.view", note_id=note.id),
        "display_title": note.display_title,
        "revision_id": note_service.latest_revision_id(note),
    }


@bp.post("/notes/<int:note_id>/pin")
def pin(note_id: int):
    """Pin or unpin."""
    note = get_note(note_id)
    if ActionForm().validate_on_submit():
        note_service.set_pinned(note, not note.pinned)
    return redirect(local_next(url_for("notes.view", note_id=note.id)))


def local_next(default: str) -> str:
    """The form's `next` page, if it is a page of this app (never another site), else `default`."""
    return local_target(request.form.get("next", ""), default)


@bp.post("/notes/<int:note_id>/trash")
def trash(note_id: int):
    """Move to the trash (the message offers an undo)."""
    note = get_note(note_id)
    if ActionForm().validate_on_submit():
        note_service.trash(note)
        flash(f"“{note.display_title}” moved to the trash.", "success")
        flash(str(note.id), "undo-trash")  # base.html turns it into an Undo button
    return redirect(url_for("notes.index"))


@bp.get("/trash")
def trash_list():
    """What is in the trash."""
    page = note_service.list_page(trashed=True, page=page_arg(), per_page=current_app.config["NOTES_PER_PAGE"])
    return render_template("notes/trash.html", page=page, action_form=ActionForm())


@bp.post("/notes/<int:note_id>/restore")
def restore(note_id: int):
    """Take a note out of the trash."""
    note = get_note(note_id, trashed=True)
    if ActionForm().validate_on_submit():
        note_service.restore(note)
        flash(f"“{note.display_title}” restored.", "success")
    # From the trash list: stay there (restoring several in a row); from an Undo: back where it was.
    return redirect(local_next(url_for("notes.view", note_id=note.id)))


@bp.post("/notes/<int:note_id>/purge")
def purge(note_id: int):
    """Delete one trashed note for good."""
    note = get_note(note_id, trashed=True)
    if ActionForm().validate_on_submit():
        title = note.display_title
        note_service.purge(note)
        flash(f"“{title}” deleted for good.", "success")
    return redirect(url_for("notes.trash_list"))


@bp.post("/trash/empty")
def empty_trash():
    """Delete everything in the trash for good."""
    if ActionForm().validate_on_submit():
        count = note_service.empty_trash()
        flash(f"Deleted {count} note{'s' if count != 1 else ''} for good.", "success")
    return redirect(url_for("notes.trash_list"))


@bp.get("/notes/<int:note_id>/revisions")
def revisions(note_id: int):
    """Every saved version of a note, newest first."""
    note = get_note(note_id, trashed=None)
    return render_template("notes/revisions.html", note=note)


@bp.get("/notes/<int:note_id>/revisions/<int:revision_id>")
def revision(note_id: int, revision_id: int):
    """One older version, and what changed between it and the current text."""
    note = get_note(note_id, trashed=None)
    old = db.session.get(Revision, revision_id)
    if old is None or old.note_id != note.id:
        abort(404, description="That version of the note does not exist.")
    changes = word_diff(old.body, note.body)
    title_changes = word_diff(old.title, note.title) if old.title != note.title else []
    current_tags = ", ".join(tag.name for tag in note.tags)
    return render_template("notes/revision.html", note=note, revision=old, html=render(old.body),
                           changes=changes, title_changes=title_changes, current_tags=current_tags,
                           same=all(kind == "same" for kind, _ in changes), action_form=ActionForm())


@bp.post("/notes/<int:note_id>/revisions/<int:revision_id>/restore")
def restore_revision(note_id: int, revision_id: int):
    """Make an older version current (the current text stays in the history)."""
    note = get_note(note_id)
    old = db.session.get(Revision, revision_id)
    if old is None or old.note_id != note.id:
        abort(404, description="That version of the note does not exist.")
    if ActionForm().validate_on_submit():
        with_tags = request.form.get("with_tags") == "1"
        note_service.restore_revision(note, old, with_tags=with_tags)
        flash("The older version is back" + (" with its tags" if with_tags else "; the tags are as they were")
              + ". The text it replaced is kept in the history.", "success")
    return redirect(url_for("notes.view", note_id=note.id))


@bp.get("/notes/<int:note_id>.md")
def export_markdown(note_id: int):
    """Download one note as a Markdown file."""
    note = get_note(note_id, trashed=None)
    from ..services.export import note_to_markdown, safe_filename

    return Response(
        note_to_markdown(note), mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="{safe_filename(note.display_title)}.md"'},
    )
