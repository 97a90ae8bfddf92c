"""Start-up and shutdown of the shell: user dirs, config, the server, the app process, the UI."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from dataclasses import replace
from typing import Callable

from . import platforms
from .bridge import NativeBridge
from .cli import Options
from .config import KioskConfig, load_instance_config
from .errors import DisplayError, RelaunchRequested, SelfTestFailed, UsageError
from .frontdesk import READY_TIMEOUT, Frontdesk
from .appprocess import AppProcess
from .apprecovery import AppRecovery
from .instance import InstanceLock, hand_over
from .kiosk import EXIT_PATH, KioskSupervisor
from .kit import KitSettings
from .launch import flask_config, prepare_process
from .logs import print_line, set_level, tell
from .paths import AppPaths
from .server import LocalServer, bind_remembered
from .signals import stop_on_signals
from .window import NativeWindow

log = logging.getLogger(__name__)


def run(kit: KitSettings, paths: AppPaths, options: Options) -> int:
    """Run the app until the user closes it; return the process exit code."""
    instance = load_instance_config(paths.config_file, kit.name)
    log_level = options.log_level or instance.log_level
    set_level(log_level, access_log=instance.access_log)
    lock = InstanceLock(paths.data, kit.name)
    # The self-test checks this launch's own window: it neither defers to nor blocks a running app.
    if not options.self_test and not lock.acquire():
        hand_over(lock, options.files)
        opened = f" and opens {len(options.files)} file(s)" if options.files else ""
        tell(f"{kit.name} is already running for this data folder: it comes to the front{opened}.")
        return 0
    kiosk = replace(instance.kiosk, enabled=options.kiosk or instance.kiosk.enabled)
    try:
        config = flask_config(kit, paths, instance)
        if kiosk.enabled:
            config.update(_kiosk_flask_config(kit, kiosk, paths))
        prepare_process(kit, paths)
        return _run_locked(kit, paths, options, config, lock, kiosk, log_level, instance.access_log)
    finally:
        lock.release()


def _run_locked(kit: KitSettings, paths: AppPaths, options: Options, config: dict, lock: InstanceLock,
                kiosk: KioskConfig, log_level: str, access_log: bool) -> int:
    platform = platforms.current()
    platform.prepare_environment()
    use_window = options.self_test or not options.browser and platform.has_display()
    if not use_window and not options.browser:
        tell("No display found: opening the app in your web browser instead.")

    # Listening from here on; requests wait in the backlog until the app process serves.
    server = LocalServer(app_name=kit.name, bearer_path=kit.bearer_path, sock=bind_remembered(paths.origin_port_file))
    # Browsers keep cookies per host, not per port: every Flask app on 127.0.0.1 would share the one
    # "session" cookie (and its CSRF token), so each app's is named after the app and its port.
    config = {"SESSION_COOKIE_NAME": f"{kit.slug}_session_{server.port}", **config}
    kiosk_parts = None
    if use_window and kiosk.enabled:
        kiosk_parts = {"hidden": config["DESKTOP_KIOSK_HIDDEN"], "exit_pin": kiosk.exit_pin}
    app_process = AppProcess(kit, paths, options.app, config, server, log_level=log_level, access_log=access_log,
                             native=use_window, kiosk=kiosk_parts, dev=options.dev)
    # The app process starts first: its imports and factory run on the other core while this
    # process starts the GUI toolkit and the web engine.
    app_process.start()
    try:
        return _run_with_app_process(kit, paths, options, lock, kiosk, server, app_process, use_window,
                                     kiosk_hidden=config.get("DESKTOP_KIOSK_HIDDEN", []))
    finally:
        shutdown_started = time.perf_counter()
        app_process.stop()
        server.stop()
        log.info("shut down in %.0f ms", (time.perf_counter() - shutdown_started) * 1000)


def _run_with_app_process(kit: KitSettings, paths: AppPaths, options: Options, lock: InstanceLock,
                          kiosk: KioskConfig, server: LocalServer, app_process: AppProcess, use_window: bool,
                          kiosk_hidden: list[str]) -> int:
    window = None
    if use_window:
        window = NativeWindow(kit, server.entry_url, base_url=server.url, storage_path=paths.webview_storage,
                              icon_cache=paths.icons,
                              state_file=None if options.self_test else paths.window_state_file, kiosk=kiosk,
                              log_folder=paths.logs)
        if window.kiosk is not None:
            log.info("kiosk mode: leaving it takes %s, then the exit PIN", kiosk.exit_keys)
        # The app's calls to desktop.native (notifications, dialogs) and the kiosk's exit act on this window.
        app_process.handlers.update(NativeBridge(window, kit).handlers(), close_window=window.close)
        # Cocoa's Cmd+Q and logout end the process inside the GUI loop: shut down from there too.
        window.shutdown_hooks.append(lambda: _shut_down(server, app_process, lock))
    AppRecovery(app_process, server, window).watch()
    if options.dev:
        return _run_dev(kit, options, app_process, window)
    frontdesk = Frontdesk(app_process)
    frontdesk.submit(options.files, present=False)
    if not options.self_test:
        lock.listen(lambda files: frontdesk.submit(files, present=True))
    if options.self_test:
        return _run_self_test(kit, window, server, app_process, kiosk_hidden)
    if window is not None:
        from .updateservice import UpdateService, attach_to_window

        updates = UpdateService(kit, paths, notify=lambda status: None)
        relaunch = attach_to_window(updates, window, app_process)
        _run_in_window(window, frontdesk, after_load=updates.start_in_background)
        if relaunch.is_set():
            raise RelaunchRequested()
        if app_process.error is not None:  # the window showed the error page: don't repeat it
            return app_process.error.exit_code
        return 0
    app_process.wait_settled()
    if app_process.error is not None:
        raise app_process.error
    _start_up_done()
    from .browser import run_in_browser

    return run_in_browser(kit, paths, server, frontdesk, open_browser=options.open_browser,
                          share_token=app_process.accept_token)


def _shut_down(server: LocalServer, app_process: AppProcess, lock: InstanceLock) -> None:
    app_process.stop()
    server.stop()
    lock.release()


def _kiosk_flask_config(kit: KitSettings, kiosk: KioskConfig, paths: AppPaths) -> dict:
    """What the app learns of a kiosk (to leave out links to what it hides); refuses a kiosk with no way out."""
    if not getattr(platforms.current(), "KIOSK", False):
        raise UsageError(f"kiosk mode is not available on {_os_name()} yet: the window can't block the close and "
                         "reload keys or see activity there, so it would offer no way out. Run it without --kiosk "
                         "(and without [kiosk] enabled in config.toml).")
    if not kiosk.exit_pin:
        raise UsageError(f"kiosk mode needs an exit PIN: set one with `{kit.slug} --set-kiosk-pin` (it is kept "
                         f"hashed in {paths.config_file}, where the app's own pages can't change it)")
    hidden = [path for path in kit.kiosk_hidden if path not in kiosk.allow]
    return {"DESKTOP_KIOSK": True, "DESKTOP_KIOSK_HIDDEN": hidden, "DESKTOP_KIOSK_FILE_DIALOGS": kiosk.file_dialogs,
            "DESKTOP_KIOSK_DOWNLOADS": bool(kiosk.downloads)}


def _os_name() -> str:
    return {"win32": "Windows", "darwin": "macOS"}.get(sys.platform, sys.platform)


def _run_in_window(window: NativeWindow, frontdesk: Frontdesk, after_load: Callable[[], None]) -> None:
    def on_started(window: NativeWindow) -> None:
        window.watch_close_keys()
        if window.kiosk is not None:
            _supervise_kiosk(window)
        if window.wait_loaded(READY_TIMEOUT):
            _start_up_done()
            frontdesk.attach(window)
            after_load()  # what must never slow the start: the update check

    with stop_on_signals(window.close):
        window.run(on_started)
    log.info("window closed")


def _start_up_done() -> None:
    """The launcher paused the cyclic GC for the start-up's imports: back to normal, with what was
    built so far (GTK, pywebview, the shell) kept out of every later collection."""
    gc.freeze()
    gc.enable()


def _run_dev(kit: KitSettings, options: Options, app_process: AppProcess, window: NativeWindow) -> int:
    from .reload import CodeWatcher

    watcher = CodeWatcher(options.app, app_process, reload_window=window.reload, project_root=kit.root)
    watcher.start()
    _start_up_done()  # a developer's session is long: no start-up tweaks
    try:
        with stop_on_signals(window.close):
            window.run(NativeWindow.watch_close_keys)
        log.info("window closed")
    finally:
        watcher.stop()
    return 0


def _supervise_kiosk(window: NativeWindow) -> None:
    supervisor = KioskSupervisor(window, window.kiosk)
    window.watch_kiosk_input(on_exit_keys=lambda: window.show_path(EXIT_PATH), on_activity=supervisor.activity)
    supervisor.start()


def _run_self_test(kit: KitSettings, window: NativeWindow, server: LocalServer, app_process: AppProcess,
                   kiosk_hidden: list[str]) -> int:
    from .selftest import SelfTestReport, check_window, http_status  # only needed here

    report = SelfTestReport(app=kit.name, url=server.url, health_path=kit.health_path,
                            allowed_origins=list(kit.allowed_origins))
    cookie = server.guard.cookie_header()
    # The project scan (~0.1 s) runs once the page has loaded, beside the window checks, so it
    # neither slows the start nor delays the exit.
    readiness: list[list[dict]] = []
    scan = threading.Thread(target=lambda: readiness.append(_readiness(kit)), name="readiness", daemon=True)
    try:
        with stop_on_signals(window.close):
            window.run(lambda w: check_window(w, report, server.url, cookie=cookie, after_load=scan.start))
    except DisplayError as exc:
        report.errors.append(str(exc))
    if report.closing_at is not None:
        report.exit_ms = round((time.time() - report.closing_at) * 1000)
    if window.kiosk is not None:  # the pages the app hides from a kiosk must be refused
        refused = {path: http_status(server.url.rstrip("/") + path, cookie=cookie)
                   for path in kiosk_hidden if "<" not in path}  # URL rules (/notes/<int:id>/purge) name no page
        report.kiosk["hidden"] = refused
        report.errors += [f"the kiosk shows {path} ({status})" for path, status in refused.items() if status != 403]
    if scan.ident is not None:
        scan.join(10)
    report.readiness = readiness[0] if readiness else []
    app_process.wait_settled(READY_TIMEOUT)
    if app_process.crashed:
        report.errors.insert(0, f"the app process stopped: {app_process.crashed}")
    if app_process.error is not None:
        report.errors.insert(0, f"the app could not start: {app_process.error}")
    print_line(report.to_json())
    if app_process.error is not None:
        raise app_process.error
    if not report.ok:
        raise SelfTestFailed(f"{kit.name}: self-test failed: " + ("; ".join(report.errors) or "see the JSON line"))
    return 0


def _readiness(kit: KitSettings) -> list[dict]:
    """From source, what in the project will hurt it as a desktop app (the builder's checks)."""
    import sys

    if getattr(sys, "frozen", False) or kit.root is None:
        return []
    try:
        from .builder.readiness import check_project, findings_as_dicts
    except ImportError:  # the builder is not part of a frozen app
        return []
    try:
        return findings_as_dicts(check_project(kit))
    except Exception:  # noqa: BLE001 - advice must never fail the self-test
        log.warning("could not check the project's desktop readiness", exc_info=True)
        return []
