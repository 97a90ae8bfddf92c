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


def _with_export(app):
    app.get("/export.zip", endpoint="export")(
        lambda: (b"PK\x05\x06" + bytes(18), {"Content-Type": "application/zip",
                                             "Content-Disposition": "attachment; filename=notes.zip"})
    )
    return app


def create_download_app():
    """A start page that immediately downloads a file (as the notes export does when clicked)."""
    app = Flask(__name__)
    app.get("/")(lambda: '<title>Download</title><meta http-equiv="refresh" content="0;url=/export.zip">')
    return _with_export(app)


def create_download_link_app():
    """The export as apps should link it: with the `download` attribute (on macOS the only way a
    download keeps the window's session cookie), clicked once the page shows."""
    app = Flask(__name__)
    app.get("/")(lambda: '<title>Download</title><a id=get href="/export.zip" download>Export</a>'
                         "<script>setTimeout(() => document.getElementById('get').click(), 300)</script>")
    return _with_export(app)


def create_app_with_links():
    """A page whose links leave the app: to another site, and to another local port."""
    app = Flask(__name__)
    app.get("/")(lambda: '<title>Links</title><a id=out href="https://example.invalid/page?q=1">out</a>'
                         '<a id=local href="http://127.0.0.1:1234/">other port</a><a id=own href="/second">own</a>'
                         "<script>const click = (id, ms) => setTimeout(() => document.getElementById(id).click(), ms);"
                         "click('out', 300); click('local', 600); click('own', 900);</script>")
    app.get("/second", endpoint="second")(lambda: "<title>Second</title>second page")
    return app


# Every common factory shape, each with an "extension" that reads the config when it is set up,
# as Flask-SQLAlchemy reads SQLALCHEMY_DATABASE_URI in init_app: the shell's settings must be
# there by then. Each page shows what the extension saw.
def _extension_reads_config(app):
    app.extensions["seen"] = {key: app.config.get(key) for key in ("SECRET_KEY", "DATABASE", "GREETING")}
    app.get("/")(lambda: f"<title>{app.config['GREETING']}</title>")


class ShapeConfig:
    SECRET_KEY = "hard-coded"
    DATABASE = "next-to-the-code.db"
    GREETING = "from the class"


def create_app_with_test_config(test_config=None):
    """Flask's tutorial: a mapping that replaces the instance config.py when given."""
    app = Flask("tutorial_shape", instance_relative_config=True)
    app.config.from_mapping(SECRET_KEY="dev", DATABASE="tutorial.sqlite", GREETING="tutorial")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    _extension_reads_config(app)
    return app


def create_app_with_config_class(config_class=ShapeConfig):
    """The config-class shape: `app.config.from_object(config_class)`."""
    app = Flask("class_shape")
    app.config.from_object(config_class)
    _extension_reads_config(app)
    return app


CONFIGS_BY_NAME = {"production": ShapeConfig}


def create_app_by_name(config_name="production"):
    """The named-config shape: `create_app("production")`."""
    app = Flask("named_shape")
    app.config.from_object(CONFIGS_BY_NAME[config_name])
    _extension_reads_config(app)
    return app


class DevelopmentShapeConfig(ShapeConfig):
    DEBUG = True
    GREETING = "from development"


# The table Flask's best-known tutorials keep beside the factory: `config[config_name]`.
CONFIGS_BY_NAME["development"] = DevelopmentShapeConfig
CONFIGS_BY_NAME["default"] = DevelopmentShapeConfig


def create_app_needing_a_config_name(config_name):
    """The Flask-book shape: the config's name is a required argument."""
    app = Flask("required_name_shape")
    app.config.from_object(CONFIGS_BY_NAME[config_name])
    _extension_reads_config(app)
    return app


def create_app_with_an_optional_config_name(config_name=None):
    """The blog shape: no name means the environment's, else the app's default (development here)."""
    import os

    app = Flask("optional_name_shape")
    app.config.from_object(CONFIGS_BY_NAME[config_name or os.environ.get("FLASK_CONFIG", "default")])
    _extension_reads_config(app)
    return app


def create_app_keyword_only(*, config=None, debug=False):
    """Keyword-only parameters."""
    app = Flask("keyword_only_shape")
    app.config.from_mapping(SECRET_KEY="hard-coded", DATABASE="kw.db", GREETING="keyword only", DEBUG=debug)
    app.config.from_mapping(config or {})
    _extension_reads_config(app)
    return app


def create_app_taking_anything(*args, **kwargs):
    """A wrapper that hands everything on (decorated factories look like this)."""
    app = Flask("anything_shape")
    app.config.from_mapping(SECRET_KEY="hard-coded", DATABASE="any.db", GREETING="anything", **kwargs)
    _extension_reads_config(app)
    return app


def create_app_needing_two_things(config_name, region):
    """A second required argument the shell can't guess."""
    raise AssertionError("never called without both")


def create_app_without_parameters():
    """No parameter at all; settings set in the body."""
    app = Flask("bare_shape")
    app.config["SECRET_KEY"] = "hard-coded"
    app.config.update(DATABASE="bare.db", GREETING="bare")
    _extension_reads_config(app)
    return app


def create_erroring_app():
    """A start page that is a server error (with a title, as Werkzeug's error pages have)."""
    app = Flask(__name__)

    @app.get("/")
    def broken():
        return "<title>Internal Server Error</title><h1>Internal Server Error</h1>", 500

    app.get("/healthz", endpoint="health")(lambda: "ok")
    return app


def create_app_with_a_cdn():
    """A page that loads a script and a font from other origins: it breaks offline."""
    app = Flask(__name__)
    app.get("/")(lambda: '<title>CDN</title><script src="https://cdn.example.invalid/lib.js"></script>'
                         '<link rel="stylesheet" href="//fonts.example.invalid/css?family=Sans">'
                         '<a href="https://example.invalid/">a link is not a request</a>')
    return app


def create_retitling_app():
    """A page that changes its title after it has loaded (as an editor names a new document)."""
    app = Flask(__name__)
    app.get("/")(lambda: "<title>First title</title>"
                         "<script>setTimeout(() => { document.title = 'Renamed by the page'; }, 500)</script>")
    return app


def create_menu_app():
    """Three pages for the menu bar to go between; each page shows the menu actions it hears."""
    app = Flask(__name__)
    listen = ("<script>addEventListener('desktop:action', e => { document.title = 'heard ' + e.detail.action; })"
              "</script>")
    for path, title in (("/", "First"), ("/second", "Second"), ("/third", "Third")):
        app.add_url_rule(path, title.lower(), lambda title=title: f"<title>{title}</title>{title} page{listen}")
    return app


def create_notifying_app():
    """A start page that notifies (as an import finishing would), and the page the notification opens."""
    app = Flask(__name__)

    @app.get("/")
    def start():
        from desktop import native

        shown = native.notify("Import finished", "12 notes imported", url="/second")
        return f"<title>Notified {shown}</title>start"

    app.get("/second", endpoint="second")(lambda: "<title>Second</title>second")
    return app


def create_dialog_app():
    """A page whose form asks the server to save a report where the user chooses."""
    from flask import request

    app = Flask(__name__)

    @app.get("/")
    def start():
        return ("<title>Report</title><form method=post action=/save><button id=save>Save report</button></form>"
                "<script>setTimeout(() => document.getElementById('save').click(), 300)</script>")

    @app.post("/save")
    def save():
        from desktop import native

        chosen = native.open_dialog("save", save_name="report.txt", file_types=("Text (*.txt)",))
        if not chosen:
            return "<title>Not saved</title>"
        chosen[0].write_text(f"report for {request.remote_addr}\n")
        return f"<title>Saved {chosen[0].name}</title>"

    return app


def create_notepad_app():
    """A text box saved as you type (into the data folder), like an editor that must lose nothing:
    a failed save keeps the text marked unsaved and saves again when the shell says the app is back."""
    from pathlib import Path

    from flask import request

    app = Flask(__name__)

    def note() -> Path:
        return Path(app.instance_path) / "note.txt"

    @app.get("/")
    def page():
        text = note().read_text() if note().exists() else ""
        return ("<title>Notepad</title><textarea id=text autofocus style='width:90%;height:60vh'>"
                f"{text}</textarea><p id=state>saved</p><script>"
                "const box = document.getElementById('text'), state = document.getElementById('state');"
                "let dirty = false, timer = null;"
                "async function save() { dirty = false; state.textContent = 'saving';"
                "  try { const r = await fetch('/save', {method: 'POST', body: box.value});"
                "        if (!r.ok) { throw new Error(r.status); } state.textContent = 'saved'; }"
                "  catch (err) { dirty = true; state.textContent = 'not saved'; } }"
                "box.addEventListener('input', () => { dirty = true; clearTimeout(timer); timer = setTimeout(save, 150); });"
                "window.addEventListener('desktop:app-restarted', () => { if (dirty) { save(); } });"
                "window.desktopFlush = () => (dirty ? save() : null);"  # the shell's hook before closing
                "</script>")

    @app.post("/save")
    def save():
        note().write_text(request.get_data(as_text=True))
        return {"saved": True}

    return app


def create_storage_app():
    """A page that keeps something in localStorage, as apps keep a theme or a collapsed sidebar."""
    app = Flask(__name__)
    app.get("/")(lambda: "<title>Visits</title><script>const n = Number(localStorage.getItem('visits') || 0) + 1;"
                         "localStorage.setItem('visits', n); document.title = 'Visits ' + n;</script>")
    return app


# Spellings of the pages a kiosk hides (kiosk_hidden = ["/settings", "/notes/<int:note_id>/purge"]):
# case, dot segments, doubled and encoded slashes, `;` parameters, needless percent-escapes.
KIOSK_SPELLINGS = [
    "GET /settings/", "GET /settings", "GET /%2Fsettings/", "GET //settings/", "GET ///settings/", "GET /settings//",
    "GET /Settings/", "GET /SETTINGS/", "GET /./settings/", "GET /notes/../settings/", "GET /%2e/settings/",
    "GET /%2E%2E/settings/", "GET /settings;x/", "GET /settings/;x", "GET /%73ettings/", "GET /s%65ttings/",
    "GET /settings%2F", "GET /settings/%2e", "GET /%5Csettings/", "GET /%2Fsettings%2Ftokens",
    "POST /settings/tokens", "POST /%2Fsettings/tokens", "POST /notes/1/purge", "POST /notes/01/purge",
    "POST /%6Eotes/1/purge", "POST /notes/1/%70urge", "POST /notes//1/purge", "POST /notes/1/purge/",
    "POST /notes/1/./purge",
]


def create_kiosk_probe_app():
    """Pages a kiosk hides, and a start page that asks for each of them from inside the window under
    every spelling above (reporting what came back), then offers a file chooser, a download, a
    link to a hidden page spelled with an encoded slash and one to JSON (a dead end in a kiosk),
    each large enough to click blind."""
    import json
    from pathlib import Path

    from flask import request

    app = Flask(__name__)
    secret = "SECRET-PAGE"
    app.get("/settings/", endpoint="settings")(lambda: f"<title>Settings</title><p>{secret} settings")
    app.post("/settings/tokens", endpoint="tokens")(lambda: f"{secret} token made")
    app.post("/notes/<int:note_id>/purge", endpoint="purge")(lambda note_id: f"{secret} note {note_id} purged")
    app.get("/notes/<int:note_id>", endpoint="note")(lambda note_id: f"<title>Note {note_id}</title><p>note {note_id}")
    app.get("/data.json", endpoint="data")(lambda: {"raw": "data"})
    app.get("/file.txt", endpoint="file")(lambda: ("some text", {"Content-Type": "text/plain",
                                                                 "Content-Disposition": "attachment; filename=file.txt"}))

    @app.get("/")
    def start():
        return ("<title>Kiosk probe</title><body style='margin:0;font:20px sans-serif'>"
                "<input id=pick type=file style='display:block;width:100%;height:200px'>"
                "<a id=get href='/file.txt' download style='display:block;height:200px;background:#ccc'>Download</a>"
                "<a href='/%2Fsettings/' style='display:block;height:200px;background:#aaa'>Settings</a>"
                "<a href='/data.json' style='display:block;height:200px;background:#888'>Raw data</a>"
                "<script>"
                f"const spellings = {json.dumps(KIOSK_SPELLINGS)};"
                "(async () => { const seen = {};"
                "  for (const spelling of spellings) { const [method, path] = spelling.split(' ');"
                "    try { const r = await fetch(location.origin + path, {method});"
                "          seen[spelling] = [r.status, (await r.text()).includes('" + secret + "')]; }"
                "    catch (err) { seen[spelling] = [0, false]; } }"
                "  seen['GET /notes/1 (shown)'] = [(await fetch('/notes/1')).status, false];"
                "  await fetch('/report', {method: 'POST', body: JSON.stringify(seen)});"
                "  document.title = 'Kiosk probed'; })();"
                "</script>")

    @app.post("/report")
    def report():
        (Path(app.instance_path) / "kiosk-report.json").write_text(request.get_data(as_text=True))
        return "", 204

    return app
