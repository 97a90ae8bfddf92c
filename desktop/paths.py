"""Where the app keeps its files: the user's data, config, log and cache directories.

By default these come from platformdirs for the app's name. A data dir given on the command line
(or in DESKTOP_DATA_DIR) holds all four as sub-folders: portable mode, also used by the tests.
Nothing is ever written to the current directory, the source tree or the bundle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from .errors import DataDirError

DATA_DIR_ENV = "DESKTOP_DATA_DIR"


@dataclass(frozen=True)
class AppPaths:
    """The four user directories of one app."""

    data: Path
    config: Path
    logs: Path
    cache: Path

    @property
    def config_file(self) -> Path:
        """The user-editable instance config."""
        return self.config / "config.toml"

    @property
    def secret_key_file(self) -> Path:
        """The per-install secret key (0600)."""
        return self.config / "secret_key"

    @property
    def log_file(self) -> Path:
        """The rotating log file."""
        return self.logs / "app.log"

    @property
    def window_state_file(self) -> Path:
        """Size, position and maximised state of the window, as the user left it."""
        return self.config / "window-state.json"

    @property
    def browser_launch_file(self) -> Path:
        """The page that opens a browser-mode session (it holds the launch token: 0600)."""
        return self.cache / "open-in-browser.html"

    @property
    def webview_storage(self) -> Path:
        """Cookies, local storage and caches of the web view."""
        return self.cache / "webview"

    @property
    def origin_port_file(self) -> Path:
        """The port the app was served on last time: the same origin keeps the pages' web storage."""
        return self.webview_storage.parent / "webview-port"

    @property
    def icons(self) -> Path:
        """The app's icon at the sizes the desktop shows it, made from the project's one image."""
        return self.cache / "icons"

    @property
    def compiled_templates(self) -> Path:
        """The app's templates compiled to Python, kept between launches (see warmup.py)."""
        return self.cache / "templates"

    def placeholders(self) -> dict[str, Path]:
        """The folders a project's settings may name: {data}, {config}, {cache}, {logs}."""
        return {"data": self.data, "config": self.config, "cache": self.cache, "logs": self.logs}

    def create(self) -> None:
        """Create the directories, the user's only (owner-only where the OS supports it), and refuse
        one that another user owns or can change: they could read or swap what the app keeps there."""
        keep_files_private()
        for folder in (self.data, self.config, self.logs, self.cache):
            try:
                made = not folder.exists()
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                raise DataDirError(f"cannot create {folder}: {exc.strerror}") from exc
            if made:  # what the app keeps inside inherits it (Windows ignores the mode)
                from . import platforms

                platforms.current().restrict_to_owner(folder)
            else:
                _check_owned_by_user(folder)
            if not os.access(folder, os.W_OK):
                raise DataDirError(f"{folder} is not writable")


def keep_files_private() -> None:
    """From now on this process (and those it starts) creates files and folders only the user can
    read (umask 077): the database, attachments, logs and caches, whatever the login's umask is."""
    if os.name == "posix":
        os.umask(0o077)


def _check_owned_by_user(folder: Path) -> None:
    """An existing folder of the app's: refused if another user owns it or can write to it (they
    could read the notes or swap a file); opened up to the group or others, it is closed (0700)."""
    if os.name != "posix":
        return  # Windows: the folders' ACLs (restrict_to_owner)
    info = folder.stat()
    if os.geteuid() != 0 and info.st_uid != os.geteuid():
        raise DataDirError(f"{folder} belongs to another user, who could read or change what the app keeps there. "
                           f"Move it aside (mv {folder} {folder}.foreign) and start the app again to make a new one.")
    if info.st_mode & 0o002:
        raise DataDirError(f"{folder} can be changed by every user on this computer, so what it holds may have been "
                           f"tampered with. If you trust its contents, make it yours alone with: chmod 700 {folder}")
    if info.st_mode & 0o077:
        import logging

        logging.getLogger(__name__).warning("%s was open to other users (mode %o): made it the user's only (700)",
                                            folder, info.st_mode & 0o777)
        folder.chmod(0o700)


def resolve_paths(app_name: str, data_dir: str | os.PathLike | None = None) -> AppPaths:
    """Return the user directories for `app_name`, or the portable layout under `data_dir`."""
    data_dir = data_dir or os.environ.get(DATA_DIR_ENV) or None
    if data_dir:
        root = Path(data_dir).expanduser().absolute()
        return AppPaths(data=root / "data", config=root / "config", logs=root / "logs", cache=root / "cache")
    dirs = PlatformDirs(appname=app_name, appauthor=False)
    return AppPaths(
        data=Path(dirs.user_data_dir),
        config=Path(dirs.user_config_dir),
        logs=Path(dirs.user_log_dir),
        cache=Path(dirs.user_cache_dir),
    )
