"""The start page."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """The start page; for now it greets a first-time user."""
    return render_template("index.html")
