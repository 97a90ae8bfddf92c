"""Developer mode (`--dev`): edit the app and see it in the same window, at once.

The shell keeps the window and the listening socket; a child process serves the app on that
socket, with Flask's debug mode and the Werkzeug debugger behind the window's session. The
shell watches the app's files:

- a template or static file changed: the window reloads; the server keeps running;
- a Python file changed: the child is replaced (requests wait in the socket's backlog, the port
  and the window's session stay the same), then the window reloads;
- the new code does not even import: the child serves the traceback, so the window shows what
  is wrong, and the next save that fixes it brings the app back.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

CHILD_ENV = "DESKTOP_DEV_CHILD"  # the child's settings: in its environment, never on its command line
READY_LINE = "desktop-dev-server-ready"
POLL_SECONDS = 0.2
SETTLE_SECONDS = 0.05
CODE_SUFFIXES = (".py",)
IGNORED_PARTS = {"__pycache__", ".git", "node_modules"}


def app_folder(spec: str) -> Path:
    """The folder of the hosted app's package (or module), which dev mode watches."""
    import importlib.util

    module_name = spec.partition(":")[0]
    found = importlib.util.find_spec(module_name.split(".")[0])
    if found is None or found.origin is None:
        raise FileNotFoundError(f"cannot find the module {module_name!r} to watch")
    origin = Path(found.origin)
    return origin.parent if origin.name == "__init__.py" else origin


def snapshot(folder: Path) -> dict[Path, float]:
    """Modification times of the files under `folder` (or of `folder`, a single module)."""
    if folder.is_file():
        return {folder: folder.stat().st_mtime}
    times = {}
    for path in folder.rglob("*"):
        if IGNORED_PARTS.intersection(path.parts) or path.suffix in (".pyc", ".sqlite3") or not path.is_file():
            continue
        try:
            times[path] = path.stat().st_mtime
        except OSError:  # deleted while we looked
            continue
    return times


def changed_files(before: dict[Path, float], after: dict[Path, float]) -> set[Path]:
    """Files added, removed or modified between two snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def forget_bytecode(sources) -> None:
    """Delete the cached bytecode of changed modules.

    Python trusts a .pyc whose recorded source mtime (whole seconds) and size match: an edit
    that keeps the size, within the second of the last compile, would run the old code.
    """
    import importlib.util

    for source in sources:
        try:
            Path(importlib.util.cache_from_source(str(source))).unlink(missing_ok=True)
        except (OSError, ValueError, NotImplementedError):
            pass


class DevServer:
    """Runs the app in a child process on the shell's socket and reloads the window on changes."""

    def __init__(self, *, spec: str, config: dict, kit, paths, server, reload_window: Callable[[], None]) -> None:
        self._settings = {
            "spec": spec, "config": config, "kit": kit.to_json(), "root": str(kit.root or ""),
            "paths": {name: str(folder) for name, folder in paths.placeholders().items()}, "fd": server.fileno(),
            "port": server.port, "guard": server.guard.secrets(), "app_name": kit.name, "bearer_path": kit.bearer_path,
            "parent": os.getpid(),
        }
        self._fd = server.fileno()
        self._reload_window = reload_window
        self._folder = app_folder(spec)
        self._child: subprocess.Popen | None = None
        self._stop = threading.Event()
        self.restarts = 0

    def start(self) -> None:
        """Start the first child and the watcher thread."""
        log.info("dev mode: serving %s on http://127.0.0.1:%d/ from a child process; watching %s",
                 self._settings["spec"], self._settings["port"], self._folder)
        self._spawn()
        threading.Thread(target=self._watch, name="dev-watcher", daemon=True).start()

    def stop(self) -> None:
        """Stop watching and end the child."""
        self._stop.set()
        self._end_child()

    def _spawn(self) -> None:
        env = {**os.environ, CHILD_ENV: json.dumps(self._settings)}
        self._child = subprocess.Popen(
            [sys.executable, "-m", "desktop.reload"], env=env, pass_fds=(self._fd,),
            stdout=subprocess.PIPE, text=True,
        )
        child = self._child
        threading.Thread(target=self._relay, args=(child,), name="dev-child-output", daemon=True).start()

    def _relay(self, child: subprocess.Popen) -> None:
        """Pass on the child's output; reload the window when it says it is serving."""
        for line in child.stdout:
            if line.strip() == READY_LINE:
                if self.restarts:  # the first child answers the window's first request itself
                    log.info("dev mode: the app is back (pid %d): reloading the window", child.pid)
                    self._reload_window()
            elif sys.stdout is not None:
                sys.stdout.write(line)

    def _end_child(self) -> None:
        child, self._child = self._child, None
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM if hasattr(signal, "SIGTERM") else signal.SIGINT)
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    def _watch(self) -> None:
        before = snapshot(self._folder)
        while not self._stop.wait(POLL_SECONDS):
            after = snapshot(self._folder)
            changed = changed_files(before, after)
            while changed and not self._stop.wait(SETTLE_SECONDS):  # an editor's save can be several writes
                settled = snapshot(self._folder)
                more = changed_files(after, settled)
                after = settled
                if not more:
                    break
                changed |= more
            before = after
            if not changed:
                continue
            names = ", ".join(sorted(str(p.relative_to(self._folder)) for p in changed)[:5])
            if any(path.suffix in CODE_SUFFIXES for path in changed):
                log.info("dev mode: code changed (%s): restarting the app", names)
                forget_bytecode(path for path in changed if path.suffix in CODE_SUFFIXES)
                self._end_child()
                self.restarts += 1
                self._spawn()
            else:
                log.info("dev mode: %s changed: reloading the window", names)
                self._reload_window()


def serve_child() -> None:
    """The child: build the app (or a page showing why it can't be built) and serve it on the inherited socket."""
    settings = json.loads(os.environ.pop(CHILD_ENV))
    logging.basicConfig(level=logging.INFO, format="[dev server] %(levelname)s %(name)s: %(message)s")
    from werkzeug.debug import DebuggedApplication
    from werkzeug.serving import make_server

    from .guard import SessionGuard
    from .kit import KitSettings
    from .launch import build_app
    from .paths import AppPaths
    from .server import LOOPBACK, request_handler

    config = {**settings["config"], "DEBUG": True, "TEMPLATES_AUTO_RELOAD": True, "SEND_FILE_MAX_AGE_DEFAULT": 0}
    kit = KitSettings.from_json(settings["kit"], root=Path(settings["root"]) if settings["root"] else None)
    paths = AppPaths(**{name: Path(folder) for name, folder in settings["paths"].items()})
    try:
        app = build_app(kit, paths, settings["spec"], config)  # migrations and first-run commands too
        app.debug = True
    except BaseException as exc:  # noqa: BLE001 - shown in the window until the next save fixes it
        log.error("the app could not be built: %s", exc)
        app = _failing_app(exc)
    guard = SessionGuard(settings["port"], app_name=settings["app_name"], bearer_path=settings["bearer_path"],
                         secrets_from=settings["guard"])
    # The debugger runs code typed into the page: it sits behind the guard, so only the
    # window's session reaches it, which is also why its PIN is not needed.
    wsgi_app = guard.wrap(DebuggedApplication(app, evalex=True, pin_security=False))
    server = make_server(LOOPBACK, settings["port"], wsgi_app, threaded=True, request_handler=request_handler(),
                         fd=settings["fd"])
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    threading.Thread(target=_exit_with_parent, args=(settings["parent"],), name="parent-watch", daemon=True).start()
    print(READY_LINE, flush=True)
    server.serve_forever(poll_interval=0.05)


def _exit_with_parent(parent_pid: int) -> None:
    """A shell that was killed can't stop its server: the server notices and ends itself."""
    while not threading.Event().wait(0.5):
        if os.getppid() != parent_pid:
            os._exit(0)


def _failing_app(exc: BaseException):
    """A WSGI app raising `exc` on every request, so the debugger shows its traceback in the window."""

    def app(environ, start_response):
        raise exc

    return app


if __name__ == "__main__":
    serve_child()
