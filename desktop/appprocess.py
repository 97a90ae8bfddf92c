"""The hosted app in a process of its own, beside the window process.

Why a process: the app's imports and factory (Flask, SQLAlchemy, the app: half a second) then run
on the second core while this process starts the GUI toolkit, instead of taking turns with it on
one interpreter lock; and an app that crashes or hangs no longer takes the window with it.

What crosses between the two: the listening socket (handed over: see earlystart.py) and the
session guard's secrets, once at start; then the channel (channel.py): the app's desktop.native
calls come here, and files or links the user opens go there. The window talks to the app over
HTTP only, as before. Frozen bundles start the same executable for both roles (see launcher.py).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
from pathlib import Path
from typing import Any, Callable

from .appprocess_main import LOG_SEPARATOR
from .channel import Channel, ChannelClosed, RemoteError
from .earlystart import child_command, hand_over_socket, spawn_child, take_early
from .errors import AppLoadError, FileOpenError
from .kit import KitSettings
from .paths import AppPaths
from .server import LocalServer

log = logging.getLogger(__name__)

STOP_TIMEOUT = 3.0  # a clean stop takes ~0.1 s: past this the app process is killed
CALL_TIMEOUT = 30.0  # opening a file may read it whole; past this the app is stuck
LEVELS = {name: getattr(logging, name) for name in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")}


class AppProcessFailed(AppLoadError):
    """The app process could not build the app (it serves a page saying why)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class AppProcess:
    """Starts, watches, restarts and stops the process serving the hosted app on `server`'s socket.

    `settled` is set once the process serves: the app, or the page saying why it could not be
    built (then `error` says why). `on_crash` callbacks run when the process ends by itself.
    """

    def __init__(self, kit: KitSettings, paths: AppPaths, spec: str, config: dict, server: LocalServer, *,
                 log_level: str = "INFO", access_log: bool = False, native: bool = False,
                 kiosk: dict | None = None, dev: bool = False) -> None:
        self._server = server
        self._early = take_early()
        self._hello = {
            "spec": spec, "config": config, "kit": kit.to_json(), "root": str(kit.root or ""),
            "paths": {name: str(folder) for name, folder in paths.placeholders().items()},
            "app_name": kit.name, "log_level": log_level, "access_log": access_log,
            "native": native, "kiosk": kiosk, "dev": dev,
        }
        self.app_name = kit.name
        self.log_file = paths.log_file
        # What the app process may ask of this one (desktop.native, the kiosk's exit): set by the shell.
        self.handlers: dict[str, Callable[..., Any]] = {"ready": self._ready, "failed": self._failed,
                                                         "token_spent": server.guard.spend}
        self.on_settled: list[Callable[[], None]] = []
        self.on_crash: list[Callable[[str], None]] = []
        self.settled = threading.Event()
        self.error: AppProcessFailed | None = None
        self.crashed: str | None = None  # why the app process ended by itself, until it is restarted
        self.starts = 0
        self._process: subprocess.Popen | None = None
        self._channel: Channel | None = None
        self._lock = threading.Lock()
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the app process (it serves once the app is built; requests wait in the socket's backlog)."""
        with self._lock:
            self._stopping = False
            self.settled.clear()
            self.error = None
            self.crashed = None
            self._spawn()

    @property
    def stopping(self) -> bool:
        return self._stopping

    def restart(self, *, kill: bool = False) -> None:
        """Replace the app process with a new one (after a crash, a hang (`kill`: no time to stop
        cleanly), or dev mode's code change)."""
        self.stop(timeout=0 if kill else STOP_TIMEOUT)
        self._server.pause()  # the page this shell served while the app was down
        self.start()

    def wait_settled(self, timeout: float | None = None) -> bool:
        return self.settled.wait(timeout)

    def open_file(self, path: Path) -> str:
        """The page showing `path`, from the app's open_file hook (FileOpenError if it can't)."""
        return self._ask("open_file", path=str(path))

    def open_link(self, link: str) -> str:
        """The page an app link shows (FileOpenError if refused)."""
        return self._ask("open_link", link=link)

    def answers(self, timeout: float) -> bool:
        """Whether the app process answers over the pipe within `timeout` (its interpreter runs)."""
        channel = self._channel
        if channel is None or self.crashed:
            return False
        try:
            return channel.call("alive", timeout=timeout) is True
        except (ChannelClosed, RemoteError, TimeoutError):
            return False

    def accept_token(self, token: str) -> None:
        """The app process takes `token` (a new launch token of this process's guard) for one session."""
        self._ask("accept_token", token=token)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Ask the app process to stop (it closes the app's database) and wait for it; kill it if it hangs."""
        with self._lock:
            self._stopping = True
            process, channel = self._process, self._channel
        if process is None or process.poll() is not None:
            return
        if channel is not None:
            channel.send("stop")
            channel.close()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("the app process (pid %d) did not stop within %.0f s: killing it", process.pid, timeout)
            process.kill()
            process.wait()

    def _ask(self, name: str, **args: Any) -> str:
        channel = self._channel
        if channel is None or self.crashed or not self.settled.wait(CALL_TIMEOUT):
            raise FileOpenError(f"{self.app_name} is not running: restart it, then try again")
        try:
            return channel.call(name, timeout=CALL_TIMEOUT, **args)
        except RemoteError as exc:
            raise FileOpenError(str(exc)) from exc
        except (ChannelClosed, TimeoutError) as exc:
            raise FileOpenError(f"{self.app_name} did not answer: {exc}") from exc

    def _spawn(self) -> None:
        early, self._early = self._early, None
        try:
            process, handover = early if early is not None else spawn_child()
        except OSError as exc:
            raise AppLoadError(f"cannot start the app process ({' '.join(child_command()[0][:1])}): "
                               f"{exc.strerror or exc}") from exc
        hello = dict(self._hello, guard=self._server.guard.secrets())  # a restarted process: the unspent tokens
        # What changed since the process started: the working directory, [tool.desktop.env], sys.path.
        hello.update(environ=dict(os.environ), cwd=os.getcwd(), sys_path=child_command()[1])
        hello.update(hand_over_socket(process, handover, self._server.socket))
        self.starts += 1
        log.info("app process started (pid %d)%s", process.pid, " again" if self.starts > 1 else "")
        channel = Channel(process.stdout, process.stdin, self.handlers, name="app-process")
        self._process, self._channel = process, channel
        process.stdin.write(json.dumps(hello).encode() + b"\n")
        process.stdin.flush()
        channel.start()
        threading.Thread(target=relay_log, args=(process.stderr,), name="app-process-log", daemon=True).start()
        threading.Thread(target=self._watch, args=(process,), name="app-process-watch", daemon=True).start()

    def _ready(self, pid: int) -> None:
        log.info("the app process serves the app (pid %d)", pid)
        self._settle()

    def _failed(self, message: str, exit_code: int, expected: bool) -> None:
        self.error = AppProcessFailed(message, exit_code)
        self._settle()

    def _settle(self) -> None:
        self.settled.set()
        for callback in self.on_settled:
            callback()

    def _watch(self, process: subprocess.Popen) -> None:
        code = process.wait()
        with self._lock:
            if self._stopping or process is not self._process:
                return
        self.crashed = describe_exit(code)
        log.error("the app process (pid %d) ended by itself: %s", process.pid, self.crashed)
        self.settled.set()  # nobody waits for an app that is gone
        for callback in self.on_crash:
            callback(self.crashed)


def describe_exit(code: int) -> str:
    if code < 0:
        import signal

        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def relay_log(stream) -> None:
    """Write the app process's log lines (stderr) into this process's log, at their own level."""
    level, name = logging.INFO, "desktop.app"
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        fields = line.split(LOG_SEPARATOR, 3)
        if len(fields) == 4 and fields[0] in LEVELS:
            level, name, thread, message = LEVELS[fields[0]], fields[1], fields[2], fields[3]
            logging.getLogger(name).log(level, "(app process, %s) %s", thread, message)
            continue
        if line.startswith("Traceback "):  # an uncaught exception: the lines up to the next record
            level, name = logging.ERROR, "desktop.app"
        if line:  # a traceback's next line (at its record's level), or something the app printed
            logging.getLogger(name).log(level, "%s", line)
