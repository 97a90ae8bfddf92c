"""Desktop readiness: each check finds its problem at the right line, and a clean project gives none."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.builder.readiness import Finding, check_project, findings_as_dicts, format_findings
from desktop.kit import BundleSettings, KitSettings
from tests.support.projects import write_project


def findings_for(root: Path, **settings) -> list[Finding]:
    return check_project(KitSettings(name="Sample", factory="sample:create_app", root=root, **settings))


def where(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.file, f.line) for f in findings]


CLEAN_APP = '''
    import os

    from flask import Flask


    def create_app(test_config=None):
        app = Flask(__name__, instance_relative_config=True)
        app.config.from_mapping(
            SECRET_KEY=os.environ.get("SECRET_KEY"),
            DATABASE=os.path.join(app.instance_path, "sample.sqlite"),
        )
        os.makedirs(app.instance_path, exist_ok=True)
        with open(os.path.join(app.instance_path, "state.json"), "w") as fh:
            fh.write("{}")
        with open("README.md") as fh:  # reading is fine
            fh.read()
        return app


    if __name__ == "__main__":
        app = create_app()
        app.debug = True
        app.run(debug=True)
'''


def test_a_clean_project_has_no_findings(tmp_path):
    write_project(tmp_path, {
        "sample/__init__.py": CLEAN_APP,
        "sample/templates/base.html": """
            <!doctype html>
            <link rel="stylesheet" href="{{ url_for('static', filename='style.css') }}">
            <link rel="canonical" href="https://example.com/">
            <link rel="preconnect" href="https://fonts.googleapis.com">
            <!-- <script src="https://cdn.example.com/old.js"></script> -->
            {# <img src="https://example.com/old.png"> #}
            <script src="{{ url_for('static', filename='vendor/htmx.min.js') }}"></script>
            <a href="https://example.com/docs">docs</a>
        """,
        "sample/static/style.css": """
            /* @import url("https://fonts.googleapis.com/css2?family=Inter"); */
            @font-face { font-family: Inter; src: url("fonts/inter.woff2"); }
            body { background: url(data:image/png;base64,AAAA); }
        """,
        ".env": "SECRET_KEY=local\n",  # beside the project: never bundled
        "instance/sample.sqlite": b"SQLite format 3\x00",
    })
    findings = findings_for(tmp_path)
    assert findings == []
    assert format_findings(findings) == ""


def test_vendored_code_is_not_the_projects_own(tmp_path):
    """Issue 27: a vendored editor's sample page was reported."""
    write_project(tmp_path, {"sample/__init__.py": "", "sample/static/vendor/editor/sample.html":
                             '<script src="https://cdn.example.invalid/editor.js"></script>\n'})
    assert findings_for(tmp_path) == []


def test_skipped_folders_are_not_checked(tmp_path):
    bad = "DEBUG = True\nSECRET_KEY = 'x'\n"
    write_project(tmp_path, {
        "sample/__init__.py": "from flask import Flask\n",
        ".venv/lib/python3.11/site-packages/other/settings.py": bad,
        "venv/settings.py": bad,
        "tests/conftest.py": bad,
        "node_modules/lib/index.html": '<script src="https://cdn.example.com/x.js"></script>',
        "build/page.html": '<script src="https://cdn.example.com/x.js"></script>',
        "dist/app/settings.py": bad,
        "conftest.py": bad,
        "sample/test_settings.py": bad,
    })
    assert findings_for(tmp_path) == []


def test_resources_from_other_sites_are_found_by_line(tmp_path):
    write_project(tmp_path, {
        "sample/templates/base.html": """
            <!doctype html>
            <html>
            <link rel="stylesheet"
                  href="https://cdn.jsdelivr.net/npm/bootstrap@5/dist/css/bootstrap.min.css">
            <link href="//fonts.googleapis.com/css?family=Roboto" rel="stylesheet">
            <script defer src="https://unpkg.com/htmx.org@2"></script>
            <img alt="logo" src="https://example.com/logo.png">
            <style>body { font-family: x; background: url('https://example.com/bg.jpg'); }</style>
            <script type="module">import confetti from "https://esm.sh/canvas-confetti";</script>
        """,
        "sample/static/style.css": """
            @import url("http://fonts.googleapis.com/css2?family=Inter");

            @font-face { src: url(https://fonts.gstatic.com/s/inter/v1/inter.woff2) format("woff2"); }
        """,
    })
    findings = findings_for(tmp_path)
    assert where(findings) == [
        ("sample/static/style.css", 1), ("sample/static/style.css", 3),
        ("sample/templates/base.html", 4), ("sample/templates/base.html", 5), ("sample/templates/base.html", 6),
        ("sample/templates/base.html", 7), ("sample/templates/base.html", 8), ("sample/templates/base.html", 9),
    ]
    problems = [f.problem for f in findings]
    assert problems[0].startswith("loads a stylesheet from another site (http://fonts.googleapis.com/")
    assert problems[1].startswith("loads a font from another site (https://fonts.gstatic.com/")
    assert problems[2].startswith("loads a stylesheet from another site (https://cdn.jsdelivr.net/")
    assert problems[4].startswith("loads a script from another site (https://unpkg.com/htmx.org@2)")
    assert problems[5].startswith("loads an image from another site")
    assert problems[7].startswith("loads a module from another site (https://esm.sh/canvas-confetti)")
    assert all("static/" in f.fix for f in findings)
    assert "url_for('static'" in findings[2].fix and "relative path" in findings[0].fix


@pytest.mark.parametrize("source, line", [
    ('class Config:\n    SECRET_KEY = "you-will-never-guess"\n', 2),
    ('import os\nclass Config:\n    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev"\n', 3),
    ('import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev")\n', 2),
    ('from flask import Flask\napp = Flask(__name__)\napp.secret_key = "abc"\n', 3),
    ('from flask import Flask\napp = Flask(__name__)\napp.config["SECRET_KEY"] = "abc"\n', 3),
    ('from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    app.config.from_mapping(\n'
     '        SECRET_KEY="dev",\n    )\n    return app\n', 6),
    ('settings = {\n    "DEBUG": False,\n    "SECRET_KEY": "abc",\n}\n', 3),
])
def test_a_hard_coded_secret_key_is_not_reported(tmp_path, source, line):
    """Issue 27: the kit gives every install its own SECRET_KEY, whatever the code says: noise."""
    write_project(tmp_path, {"sample/__init__.py": source})
    assert findings_for(tmp_path) == []


def test_secret_keys_read_at_run_time_or_in_test_configs_are_fine(tmp_path):
    write_project(tmp_path, {"sample/config.py": """
        import os
        class Config:
            SECRET_KEY = os.environ["SECRET_KEY"]
        class TestingConfig(Config):
            SECRET_KEY = "test"
        secret_key = "a plain variable, not the setting"
    """})
    assert findings_for(tmp_path) == []


@pytest.mark.parametrize("source, line", [
    ("DEBUG = True\n", 1),
    ("class Config:\n    DEBUG = True\n", 2),
    ("from flask import Flask\napp = Flask(__name__)\napp.debug = True\n", 3),
    ('from flask import Flask\napp = Flask(__name__)\n\napp.config["DEBUG"] = True\n', 4),
    ("from flask import Flask\napp = Flask(__name__)\napp.config.update(DEBUG=True)\n", 3),
])
def test_debug_on_is_found(tmp_path, source, line):
    write_project(tmp_path, {"sample/__init__.py": source})
    findings = findings_for(tmp_path)
    assert where(findings) == [("sample/__init__.py", line)]
    assert findings[0].problem.startswith("DEBUG is on")


def test_debug_in_development_configs_or_overridden_is_fine(tmp_path):
    write_project(tmp_path, {"sample/config.py": """
        class DevelopmentConfig:
            DEBUG = True
        debug = True
    """, "sample/other.py": "DEBUG = True\n"})
    assert findings_for(tmp_path, config={"DEBUG": False}) == []
    assert where(findings_for(tmp_path)) == [("sample/other.py", 1)]


def test_app_run_on_import_is_found(tmp_path):
    write_project(tmp_path, {
        "app.py": """
            from flask import Flask

            app = Flask(__name__)


            @app.get("/")
            def index():
                return "hi"


            app.run(debug=True)
        """,
        "wsgi.py": """
            from sample import create_app

            application = create_app()
            if __name__ == "__main__":
                application.run()
        """,
        "socket_app.py": "from app import app, socketio\nsocketio.run(app)\n",
        "tasks.py": "import asyncio, subprocess\nsubprocess.run(['true'])\nasyncio.run(main())\n",
    })
    findings = findings_for(tmp_path)
    assert where(findings) == [("app.py", 11), ("socket_app.py", 2)]
    assert findings[0].problem.startswith("app.run() with debug=True runs when the module is imported")
    assert '__name__ == "__main__"' in findings[0].fix


def test_files_beside_the_code_or_in_the_current_directory_are_found(tmp_path):
    write_project(tmp_path, {"sample/__init__.py": """
        import logging
        import os
        import sqlite3
        from logging.handlers import RotatingFileHandler
        from pathlib import Path

        basedir = os.path.abspath(os.path.dirname(__file__))


        class Config:
            SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(basedir, "app.db")


        def setup(app):
            db = sqlite3.connect("sample.db")
            with open("export.csv", "w") as fh:
                fh.write("")
            os.makedirs("logs", exist_ok=True)
            handler = RotatingFileHandler(os.path.join(basedir, "logs", "sample.log"))
            logging.basicConfig(filename="debug.log")
            Path("state.json").write_text("{}")
            uri = f"sqlite:///{os.getcwd()}/other.db"
            with open(os.path.join(app.instance_path, "ok.txt"), "a") as fh:
                fh.write("")
            return db, handler, uri
    """})
    findings = findings_for(tmp_path)
    assert where(findings) == [("sample/__init__.py", line) for line in (11, 15, 16, 18, 19, 20, 21, 22)]
    by_line = {f.line: f for f in findings}
    assert "SQLite database is beside the code" in by_line[11].problem
    assert "sqlite:///{data}/app.db" in by_line[11].fix
    assert "opens a SQLite database at a relative path" in by_line[15].problem
    assert "writes a file at a relative path" in by_line[16].problem
    assert "creates a folder at a relative path" in by_line[18].problem
    assert "writes a log file beside the code" in by_line[19].problem and "{logs}" in by_line[19].fix
    assert "writes a log file at a relative path" in by_line[20].problem
    assert "writes a file at a relative path" in by_line[21].problem
    assert "SQLite database is in the current directory" in by_line[22].problem
    assert "app.instance_path" in by_line[16].fix and "[tool.desktop.config]" in by_line[16].fix


def test_a_log_folder_derived_from_the_code_is_followed_to_where_it_is_written(tmp_path):
    """Issue 27: `log_dir = os.path.join(basedir, "logs")`, then a handler under it: the frozen app
    crashed writing into its install folder, and the report said nothing."""
    write_project(tmp_path, {"blog/__init__.py": """
        import logging
        import os
        from logging.handlers import RotatingFileHandler

        basedir = os.path.abspath(os.path.dirname(__file__))
        log_dir = os.path.join(basedir, "logs")
        log_file = os.path.join(log_dir, "blog.log")


        def setup(app):
            os.makedirs(log_dir, exist_ok=True)
            handler = RotatingFileHandler(log_file, maxBytes=10240)
            uploads = os.path.join(app.instance_path, "uploads")
            os.makedirs(uploads, exist_ok=True)
            return handler
    """})
    findings = findings_for(tmp_path)
    assert where(findings) == [("blog/__init__.py", 11), ("blog/__init__.py", 12)]
    by_line = {f.line: f for f in findings}
    assert "creates a folder beside the code" in by_line[11].problem
    assert "writes a log file beside the code" in by_line[12].problem


def test_relative_sqlite_uris_depend_on_flask_sqlalchemy(tmp_path):
    write_project(tmp_path, {"sample/config.py": 'SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"\n'})
    assert where(findings_for(tmp_path)) == [("sample/config.py", 1)]
    # Flask-SQLAlchemy puts a relative file in the instance folder, which the kit makes the data folder.
    write_project(tmp_path, {"sample/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"})
    assert findings_for(tmp_path) == []


def test_a_database_uri_set_in_the_desktop_config_is_not_reported(tmp_path):
    write_project(tmp_path, {"sample/config.py": """
        import os
        basedir = os.path.dirname(__file__)
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(basedir, "app.db")
    """})
    assert where(findings_for(tmp_path)) == [("sample/config.py", 3)]
    assert findings_for(tmp_path, config={"SQLALCHEMY_DATABASE_URI": "sqlite:///{data}/app.db"}) == []


def test_secrets_and_databases_that_would_be_bundled_are_found(tmp_path):
    write_project(tmp_path, {
        "sample/__init__.py": "",
        "sample/static/.env": "API_TOKEN=abc\n",
        "sample/certs/server.pem": "-----BEGIN PRIVATE KEY-----\n",
        "sample/data.db": b"SQLite format 3\x00",
        "templates/credentials-prod.json": "{}",
        "extra/id_rsa": "key",
        "static/.env.example": "API_TOKEN=\n",
        "static/app.css": "body {}\n",
        "instance/sample.sqlite": b"SQLite format 3\x00",
        ".env": "API_TOKEN=abc\n",
        "server.key": "key",
    })
    findings = findings_for(tmp_path, bundle=BundleSettings(datas=["extra:extra"]))
    assert where(findings) == [("extra/id_rsa", 0), ("sample/certs/server.pem", 0), ("sample/data.db", 0),
                               ("sample/static/.env", 0), ("templates/credentials-prod.json", 0)]
    by_file = {f.file: f for f in findings}
    assert "an environment file (.env) in the static folder sample/static/" in by_file["sample/static/.env"].problem
    assert "the app package sample/" in by_file["sample/certs/server.pem"].problem
    assert "a database in the app package sample/" in by_file["sample/data.db"].problem
    assert "[tool.desktop.bundle] datas (extra)" in by_file["extra/id_rsa"].problem
    assert "every user" in by_file["templates/credentials-prod.json"].problem
    assert "{data}" in by_file["sample/data.db"].fix


def test_format_and_dicts(tmp_path):
    findings = [Finding("app.py", 3, "DEBUG is on", "turn it off"), Finding("static/.env", 0, "a secret", "move it.")]
    assert format_findings(findings) == ("Desktop readiness:\n"
                                         "  app.py:3: DEBUG is on. Fix: turn it off.\n"
                                         "  static/.env: a secret. Fix: move it.")
    assert findings_as_dicts(findings)[0] == {"file": "app.py", "line": 3, "problem": "DEBUG is on",
                                              "fix": "turn it off"}


def test_findings_are_sorted_by_file_and_line(tmp_path):
    write_project(tmp_path, {"b.py": "DEBUG = True\n", "a.py": "x = 1\nDEBUG = True\nopen('x.txt', 'w')\n"})
    assert where(findings_for(tmp_path)) == [("a.py", 2), ("a.py", 3), ("b.py", 1)]


def test_a_folder_setting_beside_the_code_is_found(tmp_path):
    """Issue 27: an uploads folder next to the code was not reported."""
    write_project(tmp_path, {"sample/config.py": """
        import os

        basedir = os.path.abspath(os.path.dirname(__file__))


        class Config:
            UPLOAD_FOLDER = os.path.join(basedir, "uploads")
            TEMPLATE_DIR = "templates"
            CACHE_DIR = os.environ.get("CACHE_DIR", "/var/cache/sample")
    """})
    findings = findings_for(tmp_path)
    assert where(findings) == [("sample/config.py", 7)]  # a plain name is read, not written; an env one is chosen
    assert "UPLOAD_FOLDER is a folder beside the code" in findings[0].problem
    assert 'UPLOAD_FOLDER = "{data}/upload"' in findings[0].fix
    overridden = findings_for(tmp_path, config={"UPLOAD_FOLDER": "{data}/uploads", "TEMPLATE_DIR": "x"})
    assert overridden == []
