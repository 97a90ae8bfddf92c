"""The user's instance config (config.toml) and the per-install secret key.

The first run writes a commented config file with the defaults. A malformed file never stops the
app: it starts on the defaults, logs a warning, and keeps the bad file beside the new one as
`config.toml.bad-<timestamp>` so nothing the user typed is lost.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataDirError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

DEFAULT_CONFIG_TEXT = """\
# {name} settings. Lines starting with # are comments.
# Delete this file to get the defaults back; a file the app cannot read is kept
# beside it as config.toml.bad-<time> and the defaults are used.

[logging]
# How much goes to the log file: DEBUG, INFO, WARNING or ERROR.
level = "INFO"
# Also log every HTTP request the window makes.
access_log = false

[flask]
# Extra Flask configuration for the hosted app, in UPPER_CASE, for example:
# MAX_CONTENT_LENGTH = 33554432

[kiosk]
# Kiosk mode (also: --kiosk): full screen, no frame, links outside the app blocked, the
# usual close and reload keys off. Leaving it takes the exit keys, then the exit PIN.
enabled = false
# The page an idle kiosk goes back to, and after how many minutes (0: never).
home = "/"
idle_minutes = 5
# The key combination that asks for the exit PIN to leave kiosk mode (GTK syntax).
exit_keys = "<Control><Shift>q"
# The exit PIN, hashed: set it with `{command} --set-kiosk-pin` (kiosk mode needs one).
# exit_pin = "scrypt$..."
# Pages the app hides from a kiosk that this kiosk may show anyway, e.g. ["/transfer"].
allow = []
# Whether a page may open the system's file chooser (to attach a file): it shows every folder.
file_dialogs = false
# Where downloads go, with no dialog (e.g. "/srv/kiosk/downloads"); empty: downloads are refused.
downloads = ""
"""


class ConfigFileError(ValueError):
    """The config file exists but cannot be used."""


@dataclass(frozen=True)
class KioskConfig:
    """The [kiosk] table."""

    enabled: bool = False
    home: str = "/"
    idle_minutes: int = 5
    exit_keys: str = "<Control><Shift>q"
    exit_pin: str = ""  # scrypt hash (kioskpin.py); set from the command line only
    allow: tuple[str, ...] = ()  # of the app's kiosk_hidden pages, those this kiosk shows anyway
    file_dialogs: bool = False  # file choosers (they show the whole file system) only if the operator says so
    downloads: str = ""  # the one folder downloads go to, with no dialog; "": downloads refused


@dataclass(frozen=True)
class InstanceConfig:
    """The settings a user can change in config.toml."""

    log_level: str = "INFO"
    access_log: bool = False
    flask: dict = field(default_factory=dict)
    kiosk: KioskConfig = field(default_factory=lambda: KioskConfig())
    problem: str | None = None  # why the file on disk was set aside, if it was


def load_instance_config(path: Path, app_name: str) -> InstanceConfig:
    """Read config.toml, writing the default one first if there is none."""
    if not path.exists():
        write_default_config(path, app_name)
    try:
        return parse_instance_config(path.read_bytes())
    except (ConfigFileError, OSError) as exc:
        kept = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        log.warning("config file %s is unusable (%s): using defaults; it was kept as %s", path, reason, kept.name)
        try:
            os.replace(path, kept)
            write_default_config(path, app_name)
        except OSError as move_exc:
            log.warning("could not set the bad config file aside: %s", move_exc)
        return InstanceConfig(problem=f"{reason} (kept as {kept.name})")


def parse_instance_config(raw: bytes) -> InstanceConfig:
    """Validate the bytes of a config.toml; raise ConfigFileError with a readable reason."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigFileError("it is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"not valid TOML: {exc}") from exc
    except RecursionError:  # tables or arrays nested thousands deep
        raise ConfigFileError("it is nested too deeply to be a config file") from None
    logging_table = _table(data, "logging")
    flask_table = _table(data, "flask")
    unknown = set(data) - {"logging", "flask", "kiosk"}
    if unknown:
        raise ConfigFileError(f"unknown section(s): {', '.join(sorted(unknown))}")
    level = logging_table.get("level", "INFO")
    if not isinstance(level, str) or level.upper() not in LOG_LEVELS:
        raise ConfigFileError(f"[logging] level must be one of {', '.join(LOG_LEVELS)}")
    access_log = logging_table.get("access_log", False)
    if not isinstance(access_log, bool):
        raise ConfigFileError("[logging] access_log must be true or false")
    bad_keys = [key for key in flask_table if not key.isupper()]
    if bad_keys:
        raise ConfigFileError(f"[flask] keys must be UPPER_CASE Flask settings: {', '.join(bad_keys)}")
    return InstanceConfig(log_level=level.upper(), access_log=access_log, flask=dict(flask_table),
                          kiosk=_kiosk_config(_table(data, "kiosk")))


def _kiosk_config(table: dict) -> KioskConfig:
    unknown = set(table) - {"enabled", "home", "idle_minutes", "exit_keys", "exit_pin", "allow", "file_dialogs",
                            "downloads"}
    if unknown:
        raise ConfigFileError(f"[kiosk] has unknown key(s): {', '.join(sorted(unknown))}")
    allow = table.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(p, str) and p.startswith("/") for p in allow):
        raise ConfigFileError('[kiosk] allow must be a list of the app\'s paths, like ["/transfer"]')
    from .kioskpin import is_pin_hash

    pin = table.get("exit_pin", "")
    if not isinstance(pin, str) or (pin and not is_pin_hash(pin)):
        raise ConfigFileError("[kiosk] exit_pin is not a PIN hash: set it with --set-kiosk-pin")
    config = KioskConfig(**{**table, "allow": tuple(allow)})
    if not isinstance(config.enabled, bool):
        raise ConfigFileError("[kiosk] enabled must be true or false")
    if not isinstance(config.home, str) or not config.home.startswith("/") or config.home.startswith("//"):
        raise ConfigFileError("[kiosk] home must be a path of the app, starting with /")
    if not isinstance(config.idle_minutes, int) or isinstance(config.idle_minutes, bool) \
            or not 0 <= config.idle_minutes <= 24 * 60:
        raise ConfigFileError("[kiosk] idle_minutes must be 0 to 1440")
    if not isinstance(config.exit_keys, str) or not config.exit_keys.strip():
        raise ConfigFileError("[kiosk] exit_keys must name a key combination, like \"<Control><Shift>q\"")
    if not isinstance(config.file_dialogs, bool):
        raise ConfigFileError("[kiosk] file_dialogs must be true or false")
    if not isinstance(config.downloads, str) or (config.downloads and not os.path.isabs(config.downloads)):
        raise ConfigFileError('[kiosk] downloads must be a folder\'s full path, like "/srv/kiosk/downloads", or ""')
    return config


def _table(data: dict, name: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigFileError(f"[{name}] must be a table")
    return value


def write_default_config(path: Path, app_name: str) -> None:
    """Write the commented default config file."""
    command = app_name.lower().replace(" ", "-")
    path.write_text(DEFAULT_CONFIG_TEXT.format(name=app_name, command=command), encoding="utf-8")


def load_secret_key(path: Path) -> str:
    """Return the install's secret key, creating it readable by the user only on first use."""
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        log.warning("secret key file %s is too short: making a new one", path)
        path.unlink()
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as exc:
        raise DataDirError(f"cannot read the secret key file {path}: {exc}") from exc
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise DataDirError(f"cannot write the secret key file {path}: {exc.strerror}") from exc
    from . import platforms

    platforms.current().restrict_to_owner(path)  # before the key is in it (Windows ignores the mode)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key
