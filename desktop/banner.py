"""A one-line banner the shell puts over the app's page: the app stopped, an update is ready.

Run in the page by the window (run_js) or inlined in the shell's own pages. Built with the DOM and
the CSSOM only, so a strict Content-Security-Policy on the app's page doesn't block it, and at the
bottom, where it hides the least of what the user is typing. Its button POSTs to one of the
shell's own paths with a header a cross-site page can't send without a CORS preflight (which the
local server never grants); the session guard stands in front of it as in front of everything.
"""

from __future__ import annotations

import json

ACTION_HEADER = "X-Desktop-Action"
COLORS = {"error": "#8b1c1c", "info": "#1d4f91"}

_SCRIPT = """(function (id, message, color, button, dismissAfter) {
  var old = document.getElementById(id);
  if (old) { old.remove(); }
  if (message === null) { return; }
  var bar = document.createElement("div");
  bar.id = id;
  bar.setAttribute("role", id.indexOf("stopped") >= 0 ? "alert" : "status");
  var s = bar.style;
  s.position = "fixed"; s.bottom = "0"; s.left = "0"; s.right = "0"; s.zIndex = "2147483647";
  s.padding = "0.8em 1.2em"; s.background = color; s.color = "#fff"; s.font = "15px system-ui, sans-serif";
  s.display = "flex"; s.gap = "1em"; s.alignItems = "center"; s.flexWrap = "wrap";
  var text = document.createElement("span");
  text.textContent = message;
  text.style.flex = "1";
  bar.appendChild(text);
  if (button) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = button.label;
    b.setAttribute("data-desktop-action", button.action);
    b.style.font = "inherit"; b.style.padding = "0.3em 1.2em";
    b.addEventListener("click", function () {
      b.disabled = true; b.textContent = button.busy;
      var headers = {}; headers["%(header)s"] = button.action;
      fetch(button.path, { method: "POST", headers: headers, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          bar.remove();
          if (document.documentElement.hasAttribute("data-desktop-stopped")) { window.location.reload(); return; }
          if (button.event) { window.dispatchEvent(new CustomEvent(button.event)); }
        })
        .catch(function () { b.disabled = false; b.textContent = button.label; });
    });
    bar.appendChild(b);
  }
  document.body.appendChild(bar);
  if (dismissAfter) { setTimeout(function () { bar.remove(); }, dismissAfter); }
})""" % {"header": ACTION_HEADER}


def banner_js(banner_id: str, message: str | None, *, tone: str = "info", button: dict | None = None,
              dismiss_after: float = 0) -> str:
    """The script showing (or, with message None, removing) banner `banner_id`. `button`: label,
    busy (its label while it works), action, path (POSTed with the action header), event (a DOM
    event for the page once it worked). `dismiss_after` seconds: it goes by itself (0: it stays).
    JSON keeps the text inert and the script ASCII."""
    return f"{_SCRIPT}({json.dumps(banner_id)}, {json.dumps(message)}, {json.dumps(COLORS[tone])}, " \
           f"{json.dumps(button)}, {int(dismiss_after * 1000)});"


def asked_for(environ: dict, action: str) -> bool:
    """Whether a request is the banner button's POST for `action`."""
    header = "HTTP_" + ACTION_HEADER.upper().replace("-", "_")
    return environ.get("REQUEST_METHOD") == "POST" and environ.get(header) == action


def answer_action(environ: dict, start_response, action: str, do) -> list[bytes]:
    """Answer a POST to a banner button's path: run `do` if the request is the button's own
    (the action header), else refuse it with a 400."""
    if not asked_for(environ, action):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"This takes a POST from the app's window"]
    do()
    body = b'{"done": true}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
