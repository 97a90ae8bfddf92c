"""Start-up and shutdown of the shell: user dirs, config, the Flask app, the server, the UI."""

from __future__ import annotations

import gc
import html
import logging
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from . import platforms
from .cli import Options
from .config import InstanceConfig, load_instance_config, load_secret_key
from .errors import DesktopError, DisplayError, SelfTestFailed
from .host import close_app_resources, load_flask_app
from .kit import KitSettings
from .logs import set_level
from .paths import AppPaths
from .server import LocalServer
from .window import NativeWindow

log = logging.getLogger(__name__)

EX_SOFTWARE = 70  # sysexits.h: internal software error


def run(kit: KitSettings, paths: AppPaths, options: Options) -> int:
    """Run the app until the user closes it; return the process exit code."""
    instance = load_instance_config(paths.config_file, kit.name)
    set_level(options.log_level or instance.log_level, access_log=instance.access_log)
    platform = platforms.current()
    platform.prepare_environment()
    use_window = options.self_test or not options.browser and platform.has_display()
    if not use_window and not options.browser:
        _tell("No display found: opening the app in your web browser instead.")

    # Listening already; requests wait until the app is served.
    server = LocalServer(app_name=kit.name, bearer_path=kit.bearer_path)
    launch = AppLaunch(kit, paths, options.app, flask_config(paths, instance), server)
    # Build the Flask app while the main thread starts the GUI toolkit and the web engine
    # (which spawns its own processes): importing Flask-SQLAlchemy alone takes ~0.5 s here.
    launch_thread = threading.Thread(target=launch.run, name="app-launch", daemon=True)
    launch_thread.start()
    try:
        if options.self_test:
            return _run_self_test(kit, paths, server, launch)
        if use_window:
            _run_in_window(kit, paths, server)
            if launch.error is not None:  # the window showed the error page: don't repeat it
                return getattr(launch.error, "exit_code", EX_SOFTWARE)
            return 0
        launch_thread.join()
        if launch.error is not None:
            raise launch.error
        return _run_in_browser(kit, paths, server, open_browser=options.open_browser)
    finally:
        shutdown_started = time.perf_counter()
        server.stop()
        if launch.app is not None:
            close_app_resources(launch.app)
        log.info("shut down in %.0f ms", (time.perf_counter() - shutdown_started) * 1000)


class AppLaunch:
    """Builds the Flask app and starts serving it.

    If the app cannot be built, the server answers every request with a page naming the log
    file (so the window explains what happened), and `error` holds the reason.
    """

    def __init__(self, kit: KitSettings, paths: AppPaths, spec: str, config: dict, server: LocalServer) -> None:
        self._kit, self._paths, self._spec, self._config, self._server = kit, paths, spec, config, server
        self.app = None
        self.error: BaseException | None = None

    def run(self) -> None:
        """Build the app and serve it (or the start-up error page)."""
        try:
            self.app = load_flask_app(self._spec, config=self._config, instance_path=self._paths.data)
            self._server.serve(self.app)
        except BaseException as exc:  # noqa: BLE001 - reported by run() once the UI has closed
            self.error = exc
            log.error("the app could not be started: %s", exc, exc_info=not isinstance(exc, DesktopError))
            self._server.serve(_static_page_app(startup_error_page(self._kit, exc, self._paths.log_file)))
        finally:
            # The start-up objects live as long as the app: keep them out of future collections.
            gc.freeze()
            gc.enable()


def flask_config(paths: AppPaths, instance: InstanceConfig) -> dict:
    """Flask settings the shell hands to the app: the user's overrides, then the shell's own."""
    return {
        **instance.flask,
        "SECRET_KEY": load_secret_key(paths.secret_key_file),
        "DESKTOP": True,
        "DESKTOP_CACHE_DIR": str(paths.cache),  # for what the app can rebuild (compiled templates)
    }


def startup_error_page(kit: KitSettings, exc: BaseException, log_file) -> str:
    """The page the window shows when the app could not be created."""
    reason = str(exc) if isinstance(exc, DesktopError) else f"{type(exc).__name__}: {exc}"
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
        start_response("500 Internal Server Error", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
        ])
        return [body]

    return app


def _run_in_window(kit: KitSettings, paths: AppPaths, server: LocalServer) -> None:
    window = NativeWindow(kit, server.entry_url, storage_path=paths.webview_storage)
    with stop_on_signals(window.close):
        window.run()
    log.info("window closed")


def _run_self_test(kit: KitSettings, paths: AppPaths, server: LocalServer, launch: AppLaunch) -> int:
    from .selftest import SelfTestReport, check_window  # only needed here

    report = SelfTestReport(url=server.url)
    window = NativeWindow(kit, server.entry_url, storage_path=paths.webview_storage)
    health_url = server.url.rstrip("/") + (kit.health_path or "/")
    cookie = server.guard.cookie_header()
    try:
        with stop_on_signals(window.close):
            window.run(lambda w: check_window(w, report, health_url, cookie=cookie))
    except DisplayError as exc:
        report.errors.append(str(exc))
    if report.closing_at is not None:
        report.exit_ms = round((time.time() - report.closing_at) * 1000)
    if launch.error is not None:
        report.errors.insert(0, f"the app could not start: {launch.error}")
    _print(report.to_json())
    if launch.error is not None:
        raise launch.error
    if not report.ok:
        raise SelfTestFailed("self-test failed: " + ("; ".join(report.errors) or "see the JSON line"))
    return 0


def _run_in_browser(kit: KitSettings, paths: AppPaths, server: LocalServer, *, open_browser: bool) -> int:
    import webbrowser

    # The browser gets the launch token through a file only this user can read, as a command
    # line (seen by every process on the machine) or the console (often logged) would leak it.
    launch_file = write_launch_file(paths.browser_launch_file, server.entry_url, kit.name)
    stop = threading.Event()
    try:
        with stop_on_signals(stop.set):
            _tell(f"{kit.name} is running at {server.url}")
            if open_browser and not webbrowser.open(launch_file.as_uri()):
                _tell("Could not start a web browser.")
            _tell(f"To open it in a browser, open this file: {launch_file}")
            _tell("Press Ctrl+C to stop.")
            while not stop.wait(0.5):  # a timed wait keeps Ctrl+C responsive on Windows
                pass
        log.info("stopped from the console")
    finally:
        launch_file.unlink(missing_ok=True)
    return 0


def write_launch_file(path, entry_url: str, app_name: str):
    """Write the page that hands the launch token to a browser, readable by this user only."""
    page = (
        "<!doctype html><meta charset=utf-8>"
        f"<meta http-equiv=refresh content=\"0;url={html.escape(entry_url)}\">"
        f"<title>Opening {html.escape(app_name)}</title>"
        f"<p><a href=\"{html.escape(entry_url)}\">Open {html.escape(app_name)}</a></p>"
    )
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page)
    return path


@contextmanager
def stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """While inside, Ctrl+C and SIGTERM call `stop` (once) instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ["SIGINT", "SIGTERM"] + (["SIGBREAK"] if sys.platform == "win32" else [])
    wanted = [getattr(signal, name) for name in names if hasattr(signal, name)]

    def handler(signum, _frame) -> None:
        log.info("received %s: closing", signal.Signals(signum).name)
        # Closing may wait on the GUI loop, which runs on this thread: don't block the handler.
        threading.Thread(target=stop, name="stop-on-signal", daemon=True).start()
        threading.Thread(target=_exit_if_stuck, name="stop-watchdog", daemon=True).start()

    previous = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


STOP_GRACE_SECONDS = 5.0


def _exit_if_stuck() -> None:
    """A stop was asked for: if the process is still here after a grace period, end it.

    Every write is its own committed transaction, so ending the process loses nothing saved;
    a hung GUI toolkit must not keep the app (and its port) alive after logout or Ctrl+C.
    """
    time.sleep(STOP_GRACE_SECONDS)
    log.error("still running %.0f s after the stop request: exiting now", STOP_GRACE_SECONDS)
    logging.shutdown()
    os._exit(EX_SOFTWARE)


def _tell(message: str) -> None:
    """Tell the person at the console (and the log)."""
    log.info(message)
    _print(message)


def _print(line: str) -> None:
    if sys.stdout is not None:  # windowed builds have no stdout
        print(line, flush=True)
