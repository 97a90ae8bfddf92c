"""Developer mode (`--dev`): edit the app and see it in the same window, at once.

The same two processes as any launch (see appprocess.py); the app process runs with Flask's
debug mode and the Werkzeug debugger behind the window's session, and the shell watches the
app's files:

- a template or static file changed: the window reloads; the server keeps running;
- a Python file changed: the child is replaced (requests wait in the socket's backlog, the port
  and the window's session stay the same), then the window reloads;
- the new code does not even import: the child serves the traceback, so the window shows what
  is wrong, and the next save that fixes it brings the app back.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
SETTLE_SECONDS = 0.05
CODE_SUFFIXES = (".py",)
# Folders of a project that are not the app: tools' caches, virtual environments, build output,
# the app's own data (Flask's instance folder).
IGNORED_PARTS = {"__pycache__", ".git", ".hg", "node_modules", ".venv", "venv", ".tox", ".nox", ".mypy_cache",
                 ".pytest_cache", ".ruff_cache", "dist", "build", "instance", "htmlcov", ".artifacts", ".idea",
                 ".vscode"}
# Files that change while the app runs, not because the developer edited them.
DATA_SUFFIXES = (".pyc", ".sqlite3", ".sqlite", ".db", ".log", "-wal", "-shm", "-journal", ".swp", "~")


def app_folder(spec: str) -> Path:
    """The folder of the hosted app's package (or module), which dev mode watches."""
    import importlib.util

    module_name = spec.partition(":")[0]
    found = importlib.util.find_spec(module_name.split(".")[0])
    if found is None or found.origin is None:
        raise FileNotFoundError(f"cannot find the module {module_name!r} to watch")
    origin = Path(found.origin)
    return origin.parent if origin.name == "__init__.py" else origin


def watched_folders(spec: str, project_root: Path | None) -> list[Path]:
    """What dev mode watches: the whole project folder when there is one (the app's packages, its
    templates and static files wherever the factory sits: a `flasky.py` beside an `app/` package),
    and the factory's own package or module where it lies outside it."""
    folder = app_folder(spec)
    if project_root is None:
        return [folder]
    root = project_root.resolve()
    inside = folder.resolve() == root or root in folder.resolve().parents
    return [root] if inside else [root, folder]


def snapshot(folders: Path | list[Path]) -> dict[Path, float]:
    """Modification times of the files under `folders` (a folder, or a single module)."""
    times: dict[Path, float] = {}
    for folder in [folders] if isinstance(folders, Path) else folders:
        if folder.is_file():
            times[folder] = folder.stat().st_mtime
            continue
        for top, dirs, files in os.walk(folder):
            # Not into what isn't the app (a virtual environment by any name has its pyvenv.cfg).
            dirs[:] = [name for name in dirs if name not in IGNORED_PARTS
                       and not os.path.exists(os.path.join(top, name, "pyvenv.cfg"))]
            for name in files:
                if name.endswith(DATA_SUFFIXES):
                    continue
                path = Path(top, name)
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


class CodeWatcher:
    """Dev mode: watches the app's files; restarts the app process on code changes, reloads the window."""

    def __init__(self, spec: str, app_process, *, reload_window: Callable[[], None],
                 project_root: Path | None = None) -> None:
        self._app_process = app_process
        self._reload_window = reload_window
        self._folders = watched_folders(spec, project_root)
        self._stop = threading.Event()
        # The first app process answers the window's first request itself; later ones reload it.
        app_process.on_settled.append(self._app_is_back)

    def start(self) -> None:
        log.info("dev mode: watching %s", ", ".join(str(folder) for folder in self._folders))
        threading.Thread(target=self._watch, name="dev-watcher", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _app_is_back(self) -> None:
        if self._app_process.starts > 1:
            log.info("dev mode: the app is back (pid %s): reloading the window", self._app_process.pid)
            self._reload_window()

    def _watch(self) -> None:
        before = snapshot(self._folders)
        while not self._stop.wait(POLL_SECONDS):
            after = snapshot(self._folders)
            changed = changed_files(before, after)
            while changed and not self._stop.wait(SETTLE_SECONDS):  # an editor's save can be several writes
                settled = snapshot(self._folders)
                more = changed_files(after, settled)
                after = settled
                if not more:
                    break
                changed |= more
            before = after
            if not changed:
                continue
            names = ", ".join(sorted(p.name for p in changed)[:5])
            if any(path.suffix in CODE_SUFFIXES for path in changed):
                log.info("dev mode: code changed (%s): restarting the app", names)
                forget_bytecode(path for path in changed if path.suffix in CODE_SUFFIXES)
                self._app_process.restart()
            else:
                log.info("dev mode: %s changed: reloading the window", names)
                self._reload_window()
