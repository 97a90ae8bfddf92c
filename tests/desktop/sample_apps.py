"""Flask apps of other shapes, to prove the shell hosts any factory (importable via PYTHONPATH)."""

from __future__ import annotations

from flask import Flask


def create_minimal_app():
    """A factory that takes no arguments at all."""
    app = Flask(__name__)
    app.get("/")(lambda: "<title>Minimal</title><p>minimal app</p>")
    return app


def create_app_with_config(config=None, *, instance_path=None):
    """A factory shaped like the kit's own."""
    app = Flask(__name__, instance_path=instance_path)
    app.config.update(config or {})
    app.get("/")(lambda: f"<title>Configured</title><p>{app.config.get('GREETING', 'none')}</p>")
    return app


plain_app = Flask("plain")
plain_app.get("/")(lambda: "<title>Plain</title>")


def create_failing_app():
    """A factory with a bug in it."""
    raise RuntimeError("the factory is broken")


not_an_app = 42


def create_download_app():
    """A start page that immediately downloads a file (as the notes export does when clicked)."""
    app = Flask(__name__)
    app.get("/")(lambda: '<title>Download</title><meta http-equiv="refresh" content="0;url=/export.zip">')
    app.get("/export.zip", endpoint="export")(
        lambda: (b"PK\x05\x06" + bytes(18), {"Content-Type": "application/zip",
                                             "Content-Disposition": "attachment; filename=notes.zip"})
    )
    return app


def create_app_with_links():
    """A page whose links leave the app: to another site, and to another local port."""
    app = Flask(__name__)
    app.get("/")(lambda: '<title>Links</title><a id=out href="https://example.invalid/page?q=1">out</a>'
                         '<a id=local href="http://127.0.0.1:1234/">other port</a><a id=own href="/second">own</a>'
                         "<script>const click = (id, ms) => setTimeout(() => document.getElementById(id).click(), ms);"
                         "click('out', 300); click('local', 600); click('own', 900);</script>")
    app.get("/second", endpoint="second")(lambda: "<title>Second</title>second page")
    return app
