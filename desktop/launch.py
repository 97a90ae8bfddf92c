"""Building the hosted Flask app (in the app process), and what the shell asks of it once it runs."""

from __future__ import annotations

import gc
import html
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Any, Callable

from .config import InstanceConfig, load_secret_key
from .errors import AppLoadError, DataDirError, DesktopError, FileOpenError, describe
from .firstrun import run_first_run
from .host import import_target, load_flask_app
from .kit import KitSettings
from .logs import restore_shell_logging
from .migrate import fix_migrations_directory, upgrade_database
from .paths import AppPaths
from .server import LocalServer
from .warmup import cache_compiled_templates, warm_up_in_background

log = logging.getLogger(__name__)


class AppLaunch:
    """Builds the Flask app and starts serving it.

    If the app cannot be built, the server answers every request with a page naming the log
    file (so the window explains what happened), and `error` holds the reason.
    """

    def __init__(self, kit: KitSettings, paths: AppPaths, spec: str, config: dict, server: LocalServer) -> None:
        self._kit, self._paths, self._spec, self._config, self._server = kit, paths, spec, config, server
        self.app = None
        self.error: BaseException | None = None
        self.wrappers: list[Callable[[Callable], Callable]] = []  # WSGI middleware the shell adds
        self.on_built: list[Callable[[Any], None]] = []  # called with the app before it is served
        # What answers when the app could not be built (dev mode shows the traceback instead).
        self.failure_app: Callable[[BaseException], Callable] = lambda exc: _static_page_app(
            startup_error_page(kit, exc, paths.log_file))

    def open_file(self, path: Path) -> str:
        """Hand a file the user opened with the app to the app's `open_file` hook; return the page to show."""
        if self.app is None or not self._kit.open_file:
            raise FileOpenError(f"{self._kit.name} does not open files")
        try:  # a FIFO or a device would block the app's read, or never end
            regular = stat.S_ISREG(os.stat(path).st_mode)
        except OSError as exc:
            raise FileOpenError(f"Cannot open {path.name}: {exc.strerror or exc}") from exc
        if not regular:
            raise FileOpenError(f"Cannot open {path.name}: it is not a file (a folder, a pipe or a device)")
        hook = import_target(self._kit.open_file)
        try:
            with self.app.test_request_context("/"):  # the hook may build URLs with url_for()
                return hook(path)
        except (ValueError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise FileOpenError(f"Cannot open {path.name}: {reason}") from exc

    def open_link(self, link: str) -> str:
        """The page an app link shows (the app's `open_link` hook may map or refuse it)."""
        from . import applinks

        if self.app is None or not self._kit.url_scheme:
            raise FileOpenError(f"Refused {applinks.shorten(link)}: {self._kit.name} opens no links.")
        path = applinks.default_path(link, self._kit.url_scheme)
        if self._kit.open_link:
            hook = import_target(self._kit.open_link)
            try:
                with self.app.test_request_context("/"):  # the hook may build URLs with url_for()
                    path = hook(link)
            except ValueError as exc:
                raise FileOpenError(f"Refused {applinks.shorten(link)}: {exc}") from exc
        return applinks.checked_path(path, link)

    def run(self) -> None:
        """Build the app and serve it (or the start-up error page)."""
        try:
            app = build_app(self._kit, self._paths, self._spec, self._config)
            self.app = app
            for hook in self.on_built:
                hook(app)
            cache_compiled_templates(app, self._paths.compiled_templates)
            wsgi_app = app
            for wrap in self.wrappers:
                wsgi_app = wrap(wsgi_app)
            self._server.serve(wsgi_app)
            warm_up_in_background()
        except BaseException as exc:  # noqa: BLE001 - reported by run() once the UI has closed
            exc = explained_install_folder_write(exc) or exc
            self.error = exc
            log.error("the app could not be started: %s", exc, exc_info=not isinstance(exc, DesktopError))
            self._server.serve(self.failure_app(exc))
        finally:
            # The start-up objects live as long as the app: keep them out of future collections.
            gc.freeze()
            gc.enable()


def build_app(kit: KitSettings, paths: AppPaths, spec: str, config: dict):
    """The hosted Flask app, ready to serve: built with the shell's settings, and before anything is
    served, its own `flask db` finds its migrations, the database is at the newest schema (after a
    backup) and the first-run commands have run."""
    app = load_flask_app(spec, config=config, instance_path=paths.data)
    fix_migrations_directory(app, kit)
    upgrade_database(app, kit, paths)
    run_first_run(app, kit, paths)
    restore_shell_logging()  # whatever the app's code did to logging on the way
    return app


def flask_config(kit: KitSettings, paths: AppPaths, instance: InstanceConfig) -> dict:
    """Flask settings the shell hands to the app, later layers winning: the project's
    [tool.desktop.config] (user folders filled in), the user's config.toml, then the shell's own."""
    folders = paths.placeholders()
    return {
        **{key: kit.expand(value, folders) for key, value in kit.config.items()},
        **instance.flask,
        "SECRET_KEY": load_secret_key(paths.secret_key_file),
        "DESKTOP": True,
        # Whatever config the app picks (many default to their development one, DEBUG = True):
        # no debug mode outside --dev, which turns it on again in the app process.
        "DEBUG": False,
        "DESKTOP_URL_SCHEME": kit.url_scheme,  # app links (scheme://...), "" if the app has none
        "DESKTOP_CACHE_DIR": str(paths.cache),  # for what the app can rebuild (compiled templates)
    }


def prepare_process(kit: KitSettings, paths: AppPaths) -> None:
    """Make the process safe for an app that doesn't know about user folders, before it is imported.

    [tool.desktop.env] is set (user folders filled in), and the working directory becomes the user
    data folder: an app that writes `logs/` or a database relative to where it runs then writes
    there, never into the install folder, the source tree or wherever the user started it.
    """
    folders = paths.placeholders()
    for key, value in kit.env.items():
        os.environ[key] = kit.expand(value, folders)
    try:
        os.chdir(paths.data)
    except OSError as exc:
        raise DataDirError(f"cannot work in the data folder {paths.data}: {exc.strerror}") from exc


def explained_install_folder_write(exc: BaseException) -> AppLoadError | None:
    """A frozen app that failed writing into its own install folder (a log folder derived from
    `__file__`, a database beside the code): said as such, with what its developer must change."""
    if not getattr(sys, "frozen", False) or not isinstance(exc, OSError) or not exc.filename:
        return None
    install = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)).resolve()
    written = Path(os.fsdecode(exc.filename)).resolve()
    if written != install and install not in written.parents:
        return None
    error = AppLoadError(f"the app tried to write {written}, inside its install folder, which a user's machine "
                         f"doesn't let it change ({exc.strerror or type(exc).__name__}). Its developer must keep "
                         "such files in the user's folders (app.instance_path, or a {data} / {logs} path in "
                         "[tool.desktop.config]); `python -m desktop build` names the line that does it.")
    error.__cause__ = exc
    return error


def startup_error_page(kit: KitSettings, exc: BaseException, log_file) -> str:
    """The page the window shows when the app could not be created."""
    reason = describe(exc)
    return (
        "<!doctype html><meta charset=utf-8>"
        f"<title>{html.escape(kit.name)} could not start</title>"
        "<body style='font-family:system-ui,sans-serif;margin:3rem;line-height:1.5'>"
        f"<h1>{html.escape(kit.name)} could not start</h1>"
        f"<p>{html.escape(reason)}</p>"
        f"<p>The details are in the log file:<br><code>{html.escape(str(log_file))}</code></p>"
        "<p>Close this window and start the app again once the problem is fixed.</p></body>"
    )


def _static_page_app(page: str):
    """A WSGI app that answers every request with `page` (status 500)."""
    body = page.encode()

    def app(environ, start_response):
        from .guard import shell_page_headers

        start_response("500 Internal Server Error", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))), *shell_page_headers(),
        ])
        return [body]

    return app
