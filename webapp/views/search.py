"""Search: full-text, ranked, with highlighted snippets, combinable with a tag."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..services import search as search_service
from ..services import tags as tag_service
from .params import page_arg

bp = Blueprint("search", __name__)


@bp.get("/search")
def results():
    """Results for ?q=words[&tag=name][&page=n]."""
    query = request.args.get("q", "").strip()
    tag_name = request.args.get("tag", "")
    tag = tag_service.find(tag_name) if tag_name else None
    if tag_name and tag is None:
        abort(404, description=f"There is no tag called “{tag_name}”.")
    try:
        found = search_service.search(query, tag=tag, page=page_arg(),
                                      per_page=current_app.config["NOTES_PER_PAGE"])
    except search_service.SearchError as exc:
        abort(400, description=str(exc))
    return render_template("search/results.html", query=query, tag=tag, results=found,
                           tags=tag_service.all_tags())
