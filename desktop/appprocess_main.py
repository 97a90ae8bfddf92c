"""Inside the app process: build the hosted Flask app and serve it on the shell's socket.

The window process starts this at its first instant (see appprocess.py), so the app's imports and
factory run on a core of their own while the GUI toolkit and the web engine start, instead of
taking turns with them on one interpreter lock. Its first line of input says what to serve; after
that its stdin and (a copy of) its stdout are the channel to the window process, and fd 1 is
pointed at stderr so an app's print() can't garble the channel. Its log goes to stderr, which the
window process writes into the app's log file.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from .earlystart import ENV, receive_socket

log = logging.getLogger("desktop.app")

LOG_SEPARATOR = "\x1f"  # between the fields of a log line the window process reads back


def main() -> int:
    """The app process's whole life: returns when told to stop, or when the window process is gone."""
    gc.disable()  # as in the shell's start-up: AppLaunch re-enables it once the app is served
    os.environ.pop(ENV, None)  # not for the app's own subprocesses
    # By file descriptor: a windowed build's sys.stdin and sys.stdout are None, its pipes are not.
    stdin, channel_out = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() from the app goes to the log, not into the channel
    # Started at the window process's first instant (see earlystart.py), before it knows
    # what to serve: import what every hosted app needs while it gets there.
    from .channel import Channel
    from .kit import KitSettings
    from .launch import AppLaunch
    from .paths import AppPaths
    from .server import LocalServer

    _import_quietly("flask", "werkzeug.serving")
    hello = json.loads(stdin.readline() or "{}")
    if not hello:
        return 0  # the window process went away (or didn't need an app) before saying anything
    _take_over_surroundings(hello)
    _configure_logging(hello["log_level"], access_log=hello.get("access_log", False))

    kit = KitSettings.from_json(hello["kit"], root=Path(hello["root"]) if hello["root"] else None)
    paths = AppPaths(**{name: Path(folder) for name, folder in hello["paths"].items()})
    stopped = threading.Event()
    channel = Channel(stdin, channel_out, name="app-channel", on_closed=stopped.set)
    server = LocalServer(app_name=kit.name, bearer_path=kit.bearer_path, sock=receive_socket(hello),
                         guard_secrets=hello["guard"])
    config = hello["config"]
    dev = hello.get("dev", False)
    if dev:
        config = {**config, "DEBUG": True, "TEMPLATES_AUTO_RELOAD": True, "SEND_FILE_MAX_AGE_DEFAULT": 0}
    launch = AppLaunch(kit, paths, hello["spec"], config, server)
    _add_shell_parts(launch, channel, hello, dev=dev)
    channel.handlers.update(open_file=lambda path: launch.open_file(Path(path)), open_link=launch.open_link,
                            accept_token=server.guard.accept_token, alive=lambda: True, stop=stopped.set)
    # A spent launch token is spent in the window process too: a restarted app process never takes it again.
    server.guard.on_spent = lambda token: channel.send("token_spent", token=token)
    channel.start()
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    launch.run()
    if launch.error is None:
        channel.send("ready", pid=os.getpid())
    else:
        from .errors import DesktopError, describe

        channel.send("failed", message=describe(launch.error),
                     exit_code=getattr(launch.error, "exit_code", getattr(os, "EX_SOFTWARE", 70)),
                     expected=isinstance(launch.error, DesktopError))
    while not stopped.wait(0.5):  # a timed wait keeps signals responsive on Windows
        pass
    from .host import close_app_resources

    server.stop()
    if launch.app is not None:
        close_app_resources(launch.app)
    log.info("the app process stopped")
    # The app's exit hooks run; the interpreter's module-by-module teardown (~50 ms, nothing of
    # the user's in it: the database is closed) is skipped, so the window closes sooner.
    import atexit

    atexit._run_exitfuncs()
    logging.shutdown()
    os._exit(0)


def _import_quietly(*names: str) -> None:
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # said properly when the app itself is imported
            pass


def _take_over_surroundings(hello: dict) -> None:
    """The window process's working directory, environment and import path as they are now:
    it set them up ([tool.desktop.env], the data folder, the project) after starting this one."""
    for key, value in hello.get("environ", {}).items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    if hello.get("cwd"):
        os.chdir(hello["cwd"])
    missing = [entry for entry in hello.get("sys_path", []) if entry not in sys.path]
    sys.path[:0] = missing


def _add_shell_parts(launch, channel, hello: dict, *, dev: bool) -> None:
    """What the shell adds around the app: the window's native calls, the kiosk's gates, dev mode's debugger."""
    launch.wrappers.append(_answering_alive)
    if hello.get("native"):
        launch.wrappers.append(without_opener_policy)
        launch.on_built.append(RemoteShell(channel).attach)
        launch.wrappers.append(lambda app: _with_update_restart(app, channel))
    kiosk = hello.get("kiosk")
    if kiosk:
        from .kiosk import KioskExit
        from .kioskgate import HiddenPages, KioskGate

        app_name = hello["app_name"]
        # The app learns which of its endpoints a kiosk hides, to leave their links and buttons out.
        launch.on_built.append(lambda app: app.config.__setitem__(
            "DESKTOP_KIOSK_HIDDEN_ENDPOINTS", sorted(HiddenPages(kiosk["hidden"], app).endpoints)))
        launch.wrappers.append(lambda app: KioskGate(app, hidden=kiosk["hidden"], app_name=app_name,
                                                     flask_app=launch.app))
        launch.wrappers.append(lambda app: KioskExit(app, exit_pin=kiosk["exit_pin"], app_name=app_name,
                                                     on_exit=lambda: channel.send("close_window")))
    if dev:
        from werkzeug.debug import DebuggedApplication

        # The debugger runs code typed into the page: it sits behind the guard, so only the
        # window's session reaches it, which is also why its PIN is not needed.
        launch.on_built.append(lambda app: setattr(app, "debug", True))
        launch.wrappers.append(lambda app: DebuggedApplication(app, evalex=True, pin_security=False))
        launch.failure_app = lambda exc: DebuggedApplication(_raising_app(exc), evalex=True, pin_security=False)


def without_opener_policy(app):
    """The window shows the app's pages only (other sites open in the browser), so there is no other
    origin for Cross-Origin-Opener-Policy to keep out; and WebKit answers that header by starting a
    second web process for the page (about 150 ms more before the first page shows). The app keeps
    it when it is served to a browser."""
    def wsgi(environ, start_response):
        def without(status, headers, exc_info=None):
            kept = [(name, value) for name, value in headers if name.lower() != "cross-origin-opener-policy"]
            return start_response(status, kept, exc_info)

        return app(environ, without)

    return wsgi


def _answering_alive(app):
    """The window process's "are you there?" (see apprecovery.py): answered by the app process's
    server, without the app, behind the guard like everything else."""
    from .server import ALIVE_PATH

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != ALIVE_PATH:
            return app(environ, start_response)
        start_response("204 No Content", [("Cache-Control", "no-store")])
        return []

    return wsgi


def _with_update_restart(app, channel):
    """The update banner's "Restart now" (a POST from the page) reaches the window process."""
    from .banner import answer_action
    from .updateservice import RESTART_ACTION, RESTART_PATH

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != RESTART_PATH:
            return app(environ, start_response)
        return answer_action(environ, start_response, RESTART_ACTION, lambda: channel.send("restart_for_update"))

    return wsgi


def _raising_app(exc: BaseException):
    """A WSGI app raising `exc` on every request: dev mode's debugger shows its traceback in the window."""

    def app(environ, start_response):
        raise exc

    return app


class RemoteShell:
    """desktop.native in the app process: each call is carried out by the window process."""

    def __init__(self, channel) -> None:
        self._channel = channel

    def attach(self, app) -> None:
        from .native import EXTENSION

        app.extensions[EXTENSION] = self

    def notify(self, title: str, body: str, *, url: str | None, only_when_away: bool = False) -> bool:
        return bool(self._call("notify", title=title, body=body, url=url, only_when_away=only_when_away))

    def open_dialog(self, kind: str, *, directory: Path | None, file_types, save_name: str,
                    multiple: bool) -> list[Path]:
        chosen = self._call("open_dialog", kind=kind, directory=str(directory) if directory else None,
                            file_types=list(file_types), save_name=save_name, multiple=multiple)
        return [Path(path) for path in chosen or []]

    def _call(self, name: str, **args):
        from .channel import ChannelClosed, RemoteError

        try:
            return self._channel.call(name, **args)
        except (ChannelClosed, RemoteError) as exc:  # the window is closing: as outside the window
            log.warning("%s: the window could not do it: %s", name, exc)
            return None


def _configure_logging(level: str, *, access_log: bool) -> None:
    from .logs import configure_logging

    fields = ("%(levelname)s", "%(name)s", "%(threadName)s", "%(message)s")
    configure_logging(None, level, access_log=access_log, console_level=level,
                      console_format=LOG_SEPARATOR.join(fields))


if __name__ == "__main__":
    sys.exit(main())
