"""Inkwell: an offline notes app. Runs inside the desktop shell or as a plain Flask app.

    flask --app webapp run            a plain web app, data in Flask's instance folder
    python -m desktop                 the same app in a native window, data in the user's dirs
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask
    from markupsafe import Markup

__version__ = "0.1.0"
# Nothing heavy at import: `inkwell` (webapp.__main__) imports this package before it starts the
# desktop shell, whose app process must start before Flask and SQLAlchemy are imported here.


def when(moment, seconds: bool = False) -> Markup:
    """A moment stored in UTC, as a <time> the page script shows in the user's own time zone and
    locale (the UTC text is what shows without the script; the tooltip keeps it). A function, not a
    macro: the notes list calls it once per note."""
    from markupsafe import Markup

    iso = moment.isoformat() if moment.tzinfo else moment.isoformat() + "Z"
    exact = moment.strftime("%Y-%m-%d %H:%M:%S")
    shown = exact if seconds else exact[:16]
    return Markup('<time datetime="{}" data-local{} title="{} UTC">{} UTC</time>').format(
        iso, Markup('="seconds"') if seconds else "", exact, shown)


def create_app(config: Mapping[str, Any] | type | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app. Config is layered at call time, later layers winning:

    1. the config class (`config` if it is a class, else ProductionConfig),
    2. `config.py` in the instance folder, if the user wrote one,
    3. environment variables prefixed WEBAPP_ (e.g. WEBAPP_MAX_CONTENT_LENGTH=1000000),
    4. `config` itself when it is a mapping (what the desktop shell or a test passes).
    """
    from flask import Flask
    from sqlalchemy.exc import DatabaseError

    from . import config as config_classes
    from .extensions import csrf, db
    from .secret import ensure_secret_key

    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    overrides: Mapping[str, Any] = {}
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_classes.ProductionConfig)
        overrides = config or {}
    if not app.config["TESTING"]:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("WEBAPP")
    app.config.update(overrides)

    os.makedirs(app.instance_path, exist_ok=True)
    ensure_secret_key(app)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        "sqlite:///" + os.path.join(app.instance_path, app.config["DATABASE_FILENAME"]),
    )

    db.init_app(app)
    csrf.init_app(app)
    from . import models, recovery, schema, sqlite  # noqa: F401 - models registers the tables

    recovery.init_app(app)  # first of the request hooks: the others read the database
    sqlite.init_app(app)
    with app.app_context():
        emptied = sqlite.emptied_beside_backups(db.engine, Path(app.instance_path) / "backups")
    try:
        if emptied:
            recovery.enter(app, emptied)  # offer the backups rather than start with no notes
        else:
            schema.init_app(app)
    except DatabaseError as exc:
        if not sqlite.is_damaged(exc):
            raise
        recovery.enter(app, str(exc.orig))
    else:
        if not emptied:
            from .services import backups

            backups.schedule(app)

    from . import cli, security, static_files, views
    from .services import lock

    lock.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    views.init_app(app)
    cli.init_app(app)

    # In the desktop app the kit keeps the compiled templates across launches (its warmup.py).

    _add_template_helpers(app)
    return app


def _add_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use (formatting, links, what a desktop kiosk hides)."""
    from . import recovery
    from .markdown import plain_excerpt
    from .views.attachments import file_url, markdown_link

    app.add_template_filter(plain_excerpt, "excerpt")
    app.add_template_global(file_url)
    app.add_template_global(markdown_link)
    app.add_template_global(when)
    from .markdown import render

    app.add_template_global(render, "render_markdown")

    @app.context_processor
    def inject_app_info() -> dict[str, Any]:
        from .services import settings

        # In recovery mode the database can't be read: pages use the default settings.
        values = settings.defaults() if recovery.active(app) else settings.all_settings()
        return {"app_name": app.config["APP_NAME"], "app_version": __version__, "settings": values}

    @app.template_global()
    def kiosk_shows(endpoint: str) -> bool:
        """False for a view the desktop kiosk hides (the kit lists them in DESKTOP_KIOSK_HIDDEN_ENDPOINTS,
        from [tool.desktop] kiosk_hidden): leave its links and buttons out."""
        return endpoint not in (app.config.get("DESKTOP_KIOSK_HIDDEN_ENDPOINTS") or ())

    @app.template_global()
    def kiosk_files() -> bool:
        """False at a kiosk that shows no file dialog (the default): leave file pickers out."""
        return not app.config.get("DESKTOP_KIOSK") or bool(app.config.get("DESKTOP_KIOSK_FILE_DIALOGS"))

    @app.template_global()
    def kiosk_downloads() -> bool:
        """False at a kiosk that refuses downloads (the default): leave download links out."""
        return not app.config.get("DESKTOP_KIOSK") or bool(app.config.get("DESKTOP_KIOSK_DOWNLOADS"))
