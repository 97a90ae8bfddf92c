"""Tags: the list with counts, rename, merge, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..extensions import db
from ..forms import ActionForm, TagRenameForm
from ..models import Tag
from ..services import tags as tag_service

bp = Blueprint("tags", __name__)


@bp.get("/tags")
def index():
    """Every tag and how many notes carry it."""
    return render_template("tags/list.html", tags=tag_service.with_counts(), form=TagRenameForm(),
                           action_form=ActionForm())


@bp.post("/tags/<int:tag_id>/delete")
def delete(tag_id: int):
    """Delete a tag: it comes off every note; the notes themselves stay."""
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        abort(404, description="That tag does not exist.")
    if ActionForm().validate_on_submit():
        name = tag.name
        count = tag_service.delete(tag)
        flash(f"Deleted the tag “{name}”" + (f" from {count} note{'s' if count != 1 else ''}; the notes stay."
                                               if count else "."), "success")
    return redirect(url_for("tags.index"))


@bp.post("/tags/<int:tag_id>/rename")
def rename(tag_id: int):
    """Rename a tag; renaming onto an existing tag's name merges the two."""
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        abort(404, description="That tag does not exist.")
    form = TagRenameForm()
    if not form.validate_on_submit():
        flash(f"Could not rename “{tag.name}”: " + "; ".join(e for errs in form.errors.values() for e in errs), "error")
        return redirect(url_for("tags.index")), 303
    old_name = tag.name
    try:
        result = tag_service.rename(tag, form.name.data)
    except tag_service.TagError as exc:
        flash(f"Could not rename “{old_name}”: {exc}.", "error")
        return redirect(url_for("tags.index")), 303
    if result.id != tag_id:
        flash(f"Merged “{old_name}” into “{result.name}”.", "success")
    else:
        flash(f"Renamed “{old_name}” to “{result.name}”.", "success")
    return redirect(url_for("tags.index"))
