"""Signed updates, the app's side: is there a newer version, and fetch it verified.

Everything the app trusts comes through python-tuf's client (ngclient): the repository's metadata
is checked against the root metadata shipped in the bundle (signatures, expiry, no rollback to
older metadata), and every file downloaded is checked against the signed hashes and length. A
repository that can't be reached, or is slow, is simply "no update": checks run in the background
with a short timeout, never on the start-up path.

What is trusted between checks (the newest metadata seen) is kept in the user's data folder, so
metadata older than what this machine has seen is refused even across restarts.
"""

from __future__ import annotations

import json
import logging
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import DesktopError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


def platform_tag() -> str:
    """The platform a build runs on, as the repository names its files ("linux-x86_64",
    "macos-arm64", "windows-x86_64"): one repository carries every platform's builds, and an app
    is offered only its own."""
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    machine = platform.machine().lower()
    return f"{system}-{ {'amd64': 'x86_64', 'aarch64': 'arm64'}.get(machine, machine)}"


def channel_index_name(channel: str, platform: str) -> str:
    return f"{channel}-{platform}.json"


class UpdateError(DesktopError):
    """An update was found to be unsafe (bad signature, hash, expired or rolled-back metadata)."""


@dataclass(frozen=True)
class UpdateSource:
    """Where a shipped app looks for updates, and what it trusts."""

    url: str  # the repository's base URL: metadata/ and targets/ below it
    channel: str  # "stable" or "beta"
    trusted_root: bytes  # the root metadata shipped with the app
    state_dir: Path  # the trusted metadata seen so far (user data folder)
    download_dir: Path  # archives (user cache folder)
    platform: str = field(default_factory=platform_tag)  # whose builds to take


@dataclass(frozen=True)
class Offer:
    """A newer version the repository offers."""

    version: str
    archive: str  # target name
    size: int
    patch: str | None = None  # target name of the patch from the running version, if published
    patch_size: int = 0


class UpdateClient:
    """Check for, and download, a newer version than `current_version` from `source`."""

    def __init__(self, source: UpdateSource, current_version: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.source = source
        self.current_version = current_version
        self.timeout = timeout
        self._updater = None
        self.progress: Callable[[int], None] | None = None  # bytes of the archive downloaded so far

    def check(self) -> Offer | None:
        """The newest version on the channel if newer than ours; None if there is none or the
        repository can't be reached. Raises UpdateError when what it serves can't be trusted."""
        from packaging.version import Version
        from tuf.api import exceptions

        try:
            updater = self._fresh_updater()
            updater.refresh()
            index_info = updater.get_targetinfo(channel_index_name(self.source.channel, self.source.platform))
            if index_info is None:
                log.info("updates: nothing published on the %s channel for %s yet", self.source.channel,
                         self.source.platform)
                return None
            index = json.loads(Path(updater.download_target(index_info)).read_text())
            version, archive = str(index["version"]), str(index["archive"])
            if Version(version) <= Version(self.current_version):
                log.info("updates: %s is the newest on the %s channel", self.current_version, self.source.channel)
                return None
            archive_info = updater.get_targetinfo(archive)
            patch = dict(index.get("patches", {})).get(self.current_version)
            patch_info = updater.get_targetinfo(str(patch)) if patch else None
        except exceptions.DownloadError as exc:  # offline, server down or slow: try again later
            log.info("updates: the update server can't be reached (%s)", exc)
            return None
        except exceptions.RepositoryError as exc:
            raise UpdateError(f"the update server's answer was refused: {type(exc).__name__}: {exc}") from exc
        except (KeyError, ValueError) as exc:  # a signed but malformed channel index
            raise UpdateError(f"the update server's channel index is not usable: {exc}") from exc
        if archive_info is None:
            raise UpdateError(f"the {self.source.channel} channel names {archive}, which the repository doesn't sign")
        return Offer(version=version, archive=archive, size=archive_info.length,
                     patch=patch_info.path if patch_info else None, patch_size=patch_info.length if patch_info else 0)

    def download(self, offer: Offer, *, patch: bool = False) -> Path:
        """Download `offer`'s archive, or its patch (or find it downloaded before) and return it, verified."""
        from tuf.api import exceptions

        name = offer.patch if patch else offer.archive
        updater = self._updater or self._fresh_updater()
        try:
            info = updater.get_targetinfo(name) if name else None
            if info is None:
                raise UpdateError(f"{name} is no longer offered")
            cached = updater.find_cached_target(info)
            if cached:
                return Path(cached)
            return Path(updater.download_target(info))
        except exceptions.DownloadError as exc:
            raise UpdateError(f"the download of {offer.version} failed: {exc}") from exc
        except exceptions.RepositoryError as exc:  # a length or hash that doesn't match: tampered
            raise UpdateError(f"the download of {offer.version} was refused: {type(exc).__name__}: {exc}") from exc

    def _fresh_updater(self):
        """An ngclient Updater for one check (an Updater refreshes once)."""
        from tuf.ngclient import Updater, UpdaterConfig

        source = self.source
        metadata_dir = source.state_dir / "metadata"
        metadata_dir.mkdir(parents=True, exist_ok=True)
        source.download_dir.mkdir(parents=True, exist_ok=True)
        base = source.url.rstrip("/")
        self._updater = Updater(
            metadata_dir=str(metadata_dir), metadata_base_url=f"{base}/metadata/",
            target_dir=str(source.download_dir), target_base_url=f"{base}/targets/",
            fetcher=_fetcher(self.timeout, lambda done: self.progress and self.progress(done)),
            config=UpdaterConfig(app_user_agent="flask-desktop"), bootstrap=source.trusted_root,
        )
        return self._updater


def _fetcher(timeout: float, progress: Callable[[int], None]):
    """urllib3 as python-tuf uses it, with our timeout and a progress report per chunk."""
    from tuf.ngclient.urllib3_fetcher import Urllib3Fetcher

    class ProgressFetcher(Urllib3Fetcher):
        def _fetch(self, url: str):
            done = 0
            for chunk in super()._fetch(url):
                done += len(chunk)
                progress(done)
                yield chunk

    return ProgressFetcher(socket_timeout=int(max(1, timeout)))
