from flask import Blueprint, current_app, render_template

from . import db
from .models import Entry

bp = Blueprint("entries", __name__, template_folder="templates", static_folder="static")


@bp.get("/")
def index():
    entries = db.session.scalars(db.select(Entry)).all()
    current_app.logger.warning("listed %d entries", len(entries))
    return render_template("ledger_index.html", entries=entries, greeting=current_app.config["GREETING"],
                           database=current_app.config["SQLALCHEMY_DATABASE_URI"])
