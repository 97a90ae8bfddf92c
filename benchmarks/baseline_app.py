"""The bare baseline: Flask + pywebview in the fewest lines, as a tutorial would write it.

Prints one JSON line with wall-clock marks so startup.py can time it like our self-test.
With --hold it stays open (for memory measurements). With --orm the page also reads a SQLite file through Flask-SQLAlchemy, as our webapp does:
that separates what the ORM costs from what our shell costs.
"""

import json
import os
import resource
import sys
import threading
import time

import webview
from flask import Flask
from werkzeug.serving import make_server

os.environ.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")  # same renderer setting as ours
app = Flask(__name__)
app.get("/")(lambda: "<title>Baseline</title><h1>Hello</h1>")
if "--orm" in sys.argv:
    import tempfile

    from flask_sqlalchemy import SQLAlchemy

    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tempfile.mkdtemp()}/baseline.db"
    db = SQLAlchemy(app)
    app.view_functions["<lambda>"] = lambda: f"<title>Baseline</title><h1>{db.session.execute(db.text('select 1')).scalar()}</h1>"
server = make_server("127.0.0.1", 0, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
window = webview.create_window("Baseline", f"http://127.0.0.1:{server.server_port}/")
marks = {}


def on_loaded():
    marks["loaded_at"] = time.time()
    marks["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if "--hold" in sys.argv:  # stay up: the memory benchmark measures, then sends SIGTERM
        return
    marks["closing_at"] = time.time()
    window.destroy()


window.events.loaded += on_loaded
webview.start()
server.shutdown()
print(json.dumps(marks), flush=True)
