"""The bare baseline: Flask + pywebview in the fewest lines, as a tutorial would write it.

Prints one JSON line with wall-clock marks so startup.py can time it like our self-test.
"""

import json
import os
import resource
import threading
import time

import webview
from flask import Flask
from werkzeug.serving import make_server

os.environ.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")  # same renderer setting as ours
app = Flask(__name__)
app.get("/")(lambda: "<title>Baseline</title><h1>Hello</h1>")
server = make_server("127.0.0.1", 0, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
window = webview.create_window("Baseline", f"http://127.0.0.1:{server.server_port}/")
marks = {}


def on_loaded():
    marks["loaded_at"] = time.time()
    marks["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks["closing_at"] = time.time()
    window.destroy()


window.events.loaded += on_loaded
webview.start()
server.shutdown()
print(json.dumps(marks), flush=True)
