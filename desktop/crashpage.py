"""What the window process answers while the app process is down, and how the user brings it back.

The page the user is on stays put (an editor keeps what was typed); a banner over it says what
happened, names the log file and offers Restart. Pages asked for meanwhile get the same message as
a page of its own; the app's background requests get a JSON 503, so a page's own retry logic
says "not saved" rather than losing anything. Restart is a POST with a header a cross-site page
can't send without a CORS preflight (which this server never grants), behind the session guard.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Callable, Iterable

RESTART_PATH = "/__desktop__/restart"
RESTART_HEADER = "X-Desktop-Restart"
RESTARTED_EVENT = "desktop:app-restarted"  # the page may listen, e.g. to save what is still unsaved

# Shown over the current page (run in it by the window) and on the stopped page itself; at the
# bottom, where it hides the least of what the user was typing.
BANNER_SCRIPT = """(function (message, logFile) {
  var old = document.getElementById("desktop-app-stopped");
  if (old) { old.remove(); }
  var bar = document.createElement("div");
  bar.id = "desktop-app-stopped";
  bar.setAttribute("role", "alert");
  var s = bar.style;
  s.position = "fixed"; s.bottom = "0"; s.left = "0"; s.right = "0"; s.zIndex = "2147483647";
  s.padding = "0.8em 1.2em"; s.background = "#8b1c1c"; s.color = "#fff"; s.font = "15px system-ui, sans-serif";
  s.display = "flex"; s.gap = "1em"; s.alignItems = "center"; s.flexWrap = "wrap";
  var text = document.createElement("span");
  text.textContent = message + " Nothing you saved is lost. The log: " + logFile;
  text.style.flex = "1";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Restart";
  button.setAttribute("data-desktop-restart", "");
  button.style.font = "inherit"; button.style.padding = "0.3em 1.2em";
  button.addEventListener("click", function () {
    button.disabled = true; button.textContent = "Restarting\\u2026";
    fetch("%(path)s", { method: "POST", headers: { "%(header)s": "1" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        bar.remove();
        if (document.documentElement.hasAttribute("data-desktop-stopped")) { window.location.reload(); return; }
        window.dispatchEvent(new CustomEvent("%(event)s"));
      })
      .catch(function () { button.disabled = false; button.textContent = "Restart"; });
  });
  bar.appendChild(text); bar.appendChild(button);
  document.body.appendChild(bar);
})""" % {"path": RESTART_PATH, "header": RESTART_HEADER, "event": RESTARTED_EVENT}


def stopped_message(app_name: str, why: str) -> str:
    return f"{app_name} stopped unexpectedly ({why})."


def banner_call(app_name: str, why: str, log_file: Path) -> str:
    """The script the window runs in the current page to show the banner."""
    return f"{BANNER_SCRIPT}({json.dumps(stopped_message(app_name, why))}, {json.dumps(str(log_file))});"


def stopped_app(app_name: str, why: str, log_file: Path, restart: Callable[[], None]) -> Callable:
    """The WSGI app answering while the app process is down; `restart` brings it back."""
    message = stopped_message(app_name, why)

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == RESTART_PATH:
            if environ.get("REQUEST_METHOD") != "POST" or not environ.get("HTTP_" + RESTART_HEADER.upper().replace("-", "_")):
                return _answer(start_response, "400 Bad Request", "text/plain", b"Restart takes a POST from the window")
            restart()
            return _answer(start_response, "200 OK", "application/json", b'{"restarted": true}')
        if "text/html" in environ.get("HTTP_ACCEPT", ""):
            return _answer(start_response, "503 Service Unavailable", "text/html; charset=utf-8",
                           _page(app_name, message, log_file).encode())
        body = json.dumps({"error": {"message": f"{message} Restart it from its window."}}).encode()
        return _answer(start_response, "503 Service Unavailable", "application/json", body)

    return app


def _page(app_name: str, message: str, log_file: Path) -> str:
    # Inline script: this page is the shell's, not the app's, and carries no content from elsewhere.
    return (
        "<!doctype html><html data-desktop-stopped><meta charset=utf-8>"
        f"<title>{html.escape(app_name)} stopped</title>"
        "<body style='font-family:system-ui,sans-serif;margin:5rem 3rem;line-height:1.5'>"
        f"<h1>{html.escape(app_name)} stopped</h1><p>{html.escape(message)}</p>"
        f"<p>The details are in the log file:<br><code>{html.escape(str(log_file))}</code></p>"
        f"<script>{BANNER_SCRIPT}({json.dumps(message)}, {json.dumps(str(log_file))});</script></body></html>"
    )


def _answer(start_response: Callable, status: str, content_type: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), ("Retry-After", "2")])
    return [body]
