"""Backups: see them, make one now, put one back."""

from __future__ import annotations

import shutil

from desktop import native
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from jinja2.filters import do_filesizeformat

from ..forms import ActionForm
from ..services import backups
from .errors import disk_full_response, is_disk_full

bp = Blueprint("backups", __name__, url_prefix="/settings/backups")


@bp.get("/")
def index():
    """The backups there are."""
    return render_template("backups.html", backups=backups.list_backups(), action_form=ActionForm())


@bp.post("/")
def create():
    """Back up now."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        backup = backups.create()
    except backups.BackupError as exc:
        if exc.__cause__ is not None and is_disk_full(exc.__cause__):
            return disk_full_response(exc.__cause__)
        flash(f"No backup was made: {exc}.", "error")
    else:
        flash(f"Backed up ({do_filesizeformat(backup.size)}).", "success")
    return redirect(url_for("backups.index"))


@bp.post("/restore")
def restore():
    """Put a backup back; the notes as they are now are kept too."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        kept = backups.restore(request.form.get("name", ""))
    except backups.BackupError as exc:
        flash(f"Nothing was restored: {exc}.", "error")
        return redirect(url_for("backups.index"))
    flash(f"Restored. Your notes as they were just before are kept in {kept.name}.", "success")
    return redirect(url_for("notes.index"))


@bp.post("/save-copy")
def save_copy():
    """Desktop app: save a copy of a backup where the user chooses (the system's save dialog), for
    another disk or another computer. The page never learns the path; the flash names the file."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        backup = backups.find(request.form.get("name", ""))
    except backups.BackupError as exc:
        flash(f"Nothing was saved: {exc}.", "error")
        return redirect(url_for("backups.index"))
    chosen = native.open_dialog("save", save_name=backup.name, file_types=("Inkwell backup (*.sqlite3)",))
    if chosen:
        try:
            shutil.copyfile(backup.path, chosen[0])
        except OSError as exc:
            flash(f"The copy could not be saved: {exc.strerror or exc}.", "error")
        else:
            flash(f"Saved a copy as {chosen[0].name}.", "success")
    return redirect(url_for("backups.index"))
