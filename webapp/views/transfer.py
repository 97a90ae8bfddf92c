"""Export everything to a zip; import such a zip (with progress for big archives)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ..forms import ActionForm, ImportForm
from ..negotiation import json_error
from ..models import utcnow
from ..services import export, importer, jobs

bp = Blueprint("transfer", __name__, url_prefix="/transfer")


@bp.get("/")
def index():
    """Export and import."""
    return render_template("transfer/index.html", form=ImportForm())


@bp.get("/export.zip")
def export_zip():
    """Download every note (with attachments) as a zip.

    The archive is written to a temporary file in the data folder (not memory: an export is as
    big as all the notes), then sent from it in chunks; the file is gone when the response
    closes. Writing it first keeps a failed export an error page rather than a truncated zip.
    """
    folder = Path(current_app.instance_path) / "tmp"
    folder.mkdir(exist_ok=True)
    archive = tempfile.TemporaryFile(dir=folder)
    try:
        export.export_zip(archive, scratch=folder)
        size = archive.seek(0, os.SEEK_END)
        archive.seek(0)
    except BaseException:
        archive.close()
        raise
    name = f"inkwell-export-{utcnow().strftime('%Y%m%d-%H%M%S')}.zip"
    response = send_file(archive, mimetype="application/zip", as_attachment=True, download_name=name)
    response.content_length = size  # send_file can't tell for a file object; the download's progress can
    return response


@bp.post("/import")
def start_import():
    """Receive an archive and import it in the background."""
    request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("transfer/index.html", form=form), 422
    folder = Path(current_app.instance_path) / "tmp"
    folder.mkdir(exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, suffix=".zip")
    with os.fdopen(fd, "wb") as fh:
        form.archive.data.save(fh)
    upload = Path(name)
    if upload.stat().st_size == 0:
        upload.unlink()
        form.archive.errors.append("The file is empty.")
        return render_template("transfer/index.html", form=form), 422

    return _import_in_background(upload)


@bp.get("/opened/<staged>")
def opened(staged: str):
    """An archive the user opened with the app: what it holds, and whether to import it."""
    archive = importer.staged_archive(staged)
    if archive is None:
        abort(404, description="That archive is no longer waiting to be imported: open it again.")
    return render_template("transfer/opened.html", staged=staged, name=request.args.get("name", "the archive"),
                           size=archive.stat().st_size, form=ActionForm())


@bp.post("/opened/<staged>")
def import_opened(staged: str):
    """Import the opened archive (the user said so), or drop it."""
    archive = importer.staged_archive(staged)
    if archive is None:
        abort(404, description="That archive is no longer waiting to be imported: open it again.")
    if not ActionForm().validate_on_submit():
        abort(400, description="This form has expired: open the archive again.")
    if request.form.get("answer") != "import":
        archive.unlink(missing_ok=True)
        return redirect(url_for("notes.index"))
    return _import_in_background(archive)


def _import_in_background(upload: Path):
    """Import the archive `upload` (then delete it) in a job; show the job's page."""
    def work(job):
        try:
            report = importer.import_zip(upload, progress=job.progress)
        finally:
            upload.unlink(missing_ok=True)
        message = f"Imported {report.created} note{'s' if report.created != 1 else ''}"
        message += f" and {report.attachments} attachment{'s' if report.attachments != 1 else ''}"
        if report.duplicates:
            message += f"; skipped {report.duplicates} already here"
        if report.problems:
            message += f"; {len(report.problems)} skipped: " + "; ".join(report.problems[:5])
        return report, message + "."

    job = jobs.start("import", work, page_endpoint="transfer.job")
    return redirect(url_for("transfer.job", job_id=job.id))


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    """A job's progress page (updates itself)."""
    found = jobs.get(job_id)
    if found is None:
        abort(404, description="That import is not known (the app may have restarted since).")
    return render_template("transfer/job.html", job=found.as_dict())


@bp.get("/jobs/<job_id>.json")
def job_status(job_id: str):
    """A job's progress, for the page's script."""
    found = jobs.get(job_id)
    if found is None:
        return json_error(404, "not_found", "no such job")
    return jsonify(found.as_dict())
