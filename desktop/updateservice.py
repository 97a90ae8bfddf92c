"""Updates in the running app (window process): check in the background, download, verify, stage,
and tell the user in the page; Help > Check for updates asks now.

Never on the start-up path: the first automatic check waits until the window has shown its page,
runs on a thread, and at most once per `check_hours` (the time of the last check is kept in the
user's data folder). A kiosk is never interrupted: it applies a staged update at `kiosk_hour` or
at its next start.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Callable

from .errors import sentence
from .kit import KitSettings, bundle_root
from .paths import AppPaths
from .updateinstall import install_dir, stage, stage_patch, staged_version, updates_itself
from .updates import Offer, UpdateClient, UpdateError, UpdateSource

log = logging.getLogger(__name__)

FIRST_CHECK_DELAY = 5.0  # seconds after the page has loaded: the start-up has settled


class UpdateService:
    """Checks, downloads and stages updates for the running bundle; reports through `notify(status)`.

    A status is a dict: {"state": "checking" | "none" | "downloading" | "ready" | "managed" | "error",
    "version": ..., "percent": ..., "message": ...}."""

    def __init__(self, kit: KitSettings, paths: AppPaths, notify: Callable[[dict], None], *,
                 install: Path | None = None) -> None:
        self.kit = kit
        self.paths = paths
        self.notify = notify
        self.install = install if install is not None else install_dir()
        self.state_dir = paths.data / "updates"
        self._busy = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.kit.update.url)

    def start_in_background(self, delay: float = FIRST_CHECK_DELAY) -> None:
        """The automatic check, if one is due."""
        if not self.enabled:
            return
        threading.Thread(target=self._background, args=(delay,), name="update-check", daemon=True).start()

    def _background(self, delay: float) -> None:
        threading.Event().wait(delay)  # nothing to poll for: the start-up settles first
        if self.due():
            self.check_now(asked=False)

    def watch_kiosk_hour(self, on_due: Callable[[], None], *, clock: Callable[[], time.struct_time] = time.localtime,
                         poll_seconds: float = 60) -> None:
        """A kiosk: at `kiosk_hour`, if an update is staged, `on_due` (which restarts the app)."""
        hour = self.kit.update.kiosk_hour
        if not self.enabled or hour < 0 or self.install is None:
            return

        def watch() -> None:
            while not threading.Event().wait(poll_seconds):
                if clock().tm_hour == hour and staged_version(self.install):
                    log.info("updates: the kiosk applies the staged update at its hour (%02d:00)", hour)
                    on_due()
                    return

        threading.Thread(target=watch, name="kiosk-update-hour", daemon=True).start()

    def due(self) -> bool:
        try:
            last = json.loads((self.state_dir / "last-check.json").read_text())["checked_at"]
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return True
        return time.time() - float(last) >= self.kit.update.check_hours * 3600

    def check_now(self, *, asked: bool = True) -> dict:
        """Check, and if there is a newer version download and stage it. `asked`: the user asked
        (Help menu), so "nothing new" and "not here" are said too; a background check is quiet."""
        if not self._busy.acquire(blocking=False):
            return {"state": "checking"}
        try:
            status = self._check(asked)
        finally:
            self._busy.release()
        if asked or status["state"] in ("ready", "error"):
            self.notify(status)
        return status

    def _check(self, asked: bool) -> dict:
        if not self.enabled:
            return {"state": "none", "message": f"{self.kit.name} does not look for updates."}
        allowed, why = updates_itself(self.install)
        if not allowed:
            log.info("updates: not applied by the app: %s", why)
            return {"state": "managed", "message": sentence(f"{self.kit.name} is not updated from here: {why}")}
        already = staged_version(self.install)
        if already:
            return {"state": "ready", "version": already}
        source = self.source()
        if source is None:
            return {"state": "error", "message": "the app carries no trusted update key (update-root.json)"}
        client = UpdateClient(source, self.kit.version)
        if asked:
            self.notify({"state": "checking"})
        try:
            offer = client.check()
            self._remember_check()
            if offer is None:
                return {"state": "none", "message": f"{self.kit.name} {self.kit.version} is the newest version."}
            log.info("updates: %s %s is available (%d bytes, or a %d-byte patch)", self.kit.name, offer.version,
                     offer.size, offer.patch_size)
            self._download_and_stage(client, offer)
        except UpdateError as exc:
            log.error("updates: %s", exc)
            return {"state": "error", "message": str(exc)}
        except OSError as exc:
            log.error("updates: the update could not be staged: %s", exc)
            return {"state": "error", "message": f"the update could not be unpacked: {exc.strerror or exc}"}
        return {"state": "ready", "version": offer.version}

    def _download_and_stage(self, client: UpdateClient, offer: Offer) -> None:
        """The patch from this version when there is one, else (or if it doesn't fit) the whole archive."""
        def progress(size: int):
            return lambda done: self.notify({"state": "downloading", "version": offer.version,
                                             "percent": min(100, done * 100 // max(1, size))})

        if offer.patch:
            client.progress = progress(offer.patch_size)
            try:
                stage_patch(client.download(offer, patch=True), self.install, offer.version)
                log.info("updates: %s was rebuilt from this version and a %d-byte patch", offer.version,
                         offer.patch_size)
                return
            except (UpdateError, OSError) as exc:
                log.warning("updates: the patch to %s was not used (%s): downloading the whole version",
                            offer.version, exc)
        client.progress = progress(offer.size)
        stage(client.download(offer), self.install, offer.version)

    def source(self) -> UpdateSource | None:
        root_dir = bundle_root() or self.kit.root
        root_file = root_dir / self.kit.update.root if root_dir is not None and self.kit.update.root else None
        if root_file is None or not root_file.is_file():
            return None
        return UpdateSource(url=self.kit.update.url, channel=self.kit.update.channel,
                            trusted_root=root_file.read_bytes(), state_dir=self.state_dir,
                            download_dir=self.paths.cache / "updates")

    def _remember_check(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "last-check.json").write_text(json.dumps({"checked_at": time.time()}))


RESTART_PATH = "/__desktop__/update/restart"
RESTART_ACTION = "restart-for-update"
BANNER_ID = "desktop-update"


def banner_for(status: dict, app_name: str) -> str:
    """The page's banner for an update status (see UpdateService)."""
    from .banner import banner_js

    state, version = status["state"], status.get("version", "")
    if state == "checking":
        return banner_js(BANNER_ID, "Checking for updates\u2026")
    if state == "downloading":
        return banner_js(BANNER_ID, f"Downloading {app_name} {version}\u2026 {status.get('percent', 0)}%")
    if state == "ready":
        return banner_js(BANNER_ID, f"{app_name} {version} is ready: it starts the next time you open {app_name}.",
                         button={"label": "Restart now", "busy": "Restarting\u2026", "action": RESTART_ACTION,
                                 "path": RESTART_PATH, "event": ""})
    if state == "error":
        return banner_js(BANNER_ID, f"The update failed: {status.get('message', '')}", tone="error", dismiss_after=15)
    return banner_js(BANNER_ID, status.get("message", ""), dismiss_after=8)


def attach_to_window(service: UpdateService, window, app_process) -> threading.Event:
    """Updates in the window: the page's banner, Help > Check for updates, Restart now; a kiosk
    shows nothing and restarts only at its update hour. Returns the event set when a restart is asked."""
    relaunch = threading.Event()

    def restart() -> None:
        relaunch.set()
        window.close()

    if window.kiosk is not None:
        service.notify = lambda status: log.info("updates: %s", status)
        service.watch_kiosk_hour(restart)
        return relaunch

    def show(status: dict) -> None:
        if window.loaded.is_set() and window.shows_own_page():
            window.run_js(banner_for(status, service.kit.name))

    service.notify = show
    window.check_updates = lambda: threading.Thread(target=service.check_now, name="update-check", daemon=True).start()
    app_process.handlers["restart_for_update"] = restart
    return relaunch
