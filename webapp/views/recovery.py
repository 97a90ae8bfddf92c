"""The recovery page: the database can't be read; restore a backup or start afresh (the damaged file is kept)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import recovery, schema, sqlite
from ..extensions import db
from ..services import backups

bp = Blueprint("recovery", __name__, url_prefix="/recovery")


@bp.get("/")
def index():
    """What happened, and the ways out."""
    state = recovery.active()
    if state is None:
        return redirect(url_for("notes.index"))
    return render_template("recovery.html", reason=state["reason"], backups=backups.list_backups(),
                           database=sqlite.database_file(db.engine)), 503


@bp.post("/restore")
def restore():
    """Set the damaged database aside and put a backup (or a new empty database) in its place."""
    if recovery.active() is None:
        abort(404)
    name = request.form.get("backup", "")
    try:
        replacement = backups.find(name) if name else None
        if replacement is not None:
            backups.check(replacement.path)
        live = sqlite.database_file(db.engine)
        kept = backups.set_aside(live, label="damaged-", damaged=True)  # byte for byte, whatever SQLite reads
        sqlite.remove_database(db.engine)
        if replacement is not None:
            sqlite.restore_database(db.engine, replacement.path)
        schema.upgrade_database(current_app._get_current_object())
    except (backups.BackupError, OSError, schema.SchemaUpgradeError) as exc:
        return render_template("recovery.html", reason=recovery.active()["reason"], error=str(exc),
                               backups=backups.list_backups(), database=sqlite.database_file(db.engine)), 503
    recovery.leave(current_app._get_current_object())
    current_app.logger.warning("recovered: %s; the damaged database was kept as %s",
                               f"restored {name}" if name else "started an empty database", kept)
    return redirect(url_for("notes.index"))
