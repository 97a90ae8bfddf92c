"""Kit settings: the `[tool.desktop]` table of a project's pyproject.toml, read once.

One `KitSettings` object drives the shell, the PyInstaller spec and every packager. Defaults come
from the project's own `[project]` table (name, version, description, authors), never from any
particular app. From source the table is read from the project's pyproject.toml (see
`desktop.project`); a frozen bundle carries the settings as JSON (`to_json` / `from_json`).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

BUNDLED_SETTINGS = "desktop-settings.json"  # at the root of a frozen bundle
PLACEHOLDERS = ("data", "config", "cache", "logs")  # user folders usable in [tool.desktop.config] and .env


@dataclass(frozen=True)
class WindowSettings:
    """First-run window geometry and title."""

    title: str = ""  # "" : the app's name
    width: int = 1100
    height: int = 760
    min_width: int = 640
    min_height: int = 480


@dataclass(frozen=True)
class BundleSettings:
    """What the builder adds to, or leaves out of, what it finds by asking the app."""

    hidden_imports: list[str] = field(default_factory=list)
    datas: list[str] = field(default_factory=list)  # "SOURCE:DEST", SOURCE relative to the project
    excludes: list[str] = field(default_factory=list)
    spec: str = ""  # a project's own PyInstaller spec (written by `init --spec`), relative to the project


@dataclass(frozen=True)
class UpdateSettings:
    """Signed updates ([tool.desktop.update]): where the app looks, and how often."""

    url: str = ""  # the update repository's base URL ("": the app never looks for updates)
    channel: str = "stable"  # "stable", or "beta" (beta users get stable releases too)
    check_hours: int = 24  # at most one check in this many hours, in the background
    root: str = "update/root.json"  # the repository's first root metadata (public), shipped in the bundle
    kiosk_hour: int = -1  # a kiosk applies a downloaded update at this hour (0-23); -1: at its next start only


@dataclass(frozen=True)
class KitSettings:
    """What the shell and the builder know about the hosted app."""

    name: str = "App"
    version: str = "0.0.0"
    description: str = ""
    author: str = ""
    app_id: str = ""  # reverse-DNS id; "" : derived from the name
    factory: str = ""  # 'module:create_app' or 'module:app'
    icon: str = ""
    health_path: str = ""  # "" : the self-test checks the start page
    bearer_path: str = ""  # URL prefix where the app's own bearer tokens replace the window's session
    open_file: str = ""  # 'module:function' taking a file the app is asked to open; returns a URL path
    kiosk_hidden: list[str] = field(default_factory=list)  # paths or URL rules a kiosk never shows (kioskgate.py)
    mime_types: str = ""  # what the installers register the app to open, e.g. "text/markdown"
    migrate: bool = False  # upgrade the database with Flask-Migrate at start (after a backup)
    first_run: list[str] = field(default_factory=list)  # the app's Flask CLI commands run once per data folder
    config: dict[str, Any] = field(default_factory=dict)  # Flask config keys, with {data}-style placeholders
    env: dict[str, str] = field(default_factory=dict)  # environment set before the app's module is imported
    menu: dict[str, Any] = field(default_factory=dict)  # the app's menu items, per menu (desktop.menus)
    tray: dict[str, Any] = field(default_factory=dict)  # a tray icon and its menu (desktop.menus.parse_tray)
    url_scheme: str = ""  # app links: 'notes' makes notes://... open pages of the app (desktop.applinks)
    open_link: str = ""  # 'module:function' mapping an app link to a page of the app; "" : scheme://x -> /x
    allowed_origins: list[str] = field(default_factory=list)  # sites the start page may load from (self-test)
    window: WindowSettings = field(default_factory=WindowSettings)
    bundle: BundleSettings = field(default_factory=BundleSettings)
    update: UpdateSettings = field(default_factory=UpdateSettings)
    root: Path | None = None  # the project folder (source) or the bundle's data folder (frozen)
    migrations_dir: str = ""  # frozen only: where the builder put the app's Flask-Migrate folder

    def __post_init__(self) -> None:
        if not self.app_id:
            object.__setattr__(self, "app_id", default_app_id(self.name))
        if not self.window.title:
            object.__setattr__(self, "window", replace(self.window, title=self.name))

    @property
    def slug(self) -> str:
        """The name as a lower-case word: package names, commands."""
        return slugify(self.name)

    def icon_path(self) -> Path | None:
        """Absolute path of the icon, or None when the file is not there."""
        if not self.icon or self.root is None:
            return None
        path = self.root / self.icon
        return path if path.is_file() else None

    def expand(self, value: Any, folders: dict[str, Path]) -> Any:
        """`value` with {data}, {config}, {cache} and {logs} replaced by the user's folders."""
        if not isinstance(value, str):
            return value
        try:
            return value.format(**{key: str(path) for key, path in folders.items()})
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"[tool.desktop] {value!r}: unknown placeholder {exc}; use "
                              + ", ".join("{" + p + "}" for p in PLACEHOLDERS)) from exc

    def to_json(self) -> str:
        """The settings a bundle carries (paths relative to the bundle)."""
        data = asdict(self)
        data.pop("root")
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str, *, root: Path) -> KitSettings:
        """Settings written by `to_json`, with `root` the bundle's data folder."""
        data = json.loads(text)
        window = WindowSettings(**data.pop("window"))
        bundle = BundleSettings(**data.pop("bundle"))
        update = UpdateSettings(**data.pop("update", {}))
        return cls(**data, window=window, bundle=bundle, update=update, root=root)


def slugify(name: str) -> str:
    """A lower-case, dash-separated form of `name`."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "app"


def default_app_id(name: str) -> str:
    """A reverse-DNS id from the name, for apps that don't set one."""
    return "local." + slugify(name).replace("-", "_")


def bundle_root() -> Path | None:
    """The folder a PyInstaller bundle unpacks its data into, or None when running from source."""
    meipass = getattr(sys, "_MEIPASS", None)
    return Path(meipass) if getattr(sys, "frozen", False) and meipass else None


def load_bundled_settings() -> KitSettings | None:
    """The settings a frozen bundle carries, or None when running from source."""
    root = bundle_root()
    if root is None or not (root / BUNDLED_SETTINGS).is_file():
        return None
    return KitSettings.from_json((root / BUNDLED_SETTINGS).read_text(encoding="utf-8"), root=root)


def read_pyproject(path: Path) -> dict:
    """Parse a pyproject.toml, with errors that name the file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def load_kit_settings(path: Path) -> KitSettings:
    """Read the kit settings from the pyproject.toml at `path`."""
    return parse_kit_settings(read_pyproject(path), root=path.resolve().parent)


def parse_kit_settings(pyproject: dict, *, root: Path | None = None) -> KitSettings:
    """Build KitSettings from a parsed pyproject.toml, checking every value's type."""
    table = dict(pyproject.get("tool", {}).get("desktop", {}))
    if not isinstance(table, dict):
        raise ConfigError("[tool.desktop] must be a table")
    window_table = table.pop("window", {})
    bundle_table = table.pop("bundle", {})
    update_table = table.pop("update", {})
    project = pyproject.get("project", {})
    values = _typed(table, KitSettings, "tool.desktop", skip={"window", "bundle", "update", "root", "migrations_dir"})
    for key in ("name", "version", "description"):
        if key not in values and isinstance(project.get(key), str):
            values[key] = project[key]
    if "author" not in values:
        values["author"] = _first_author(project.get("authors"))
    factory = values.get("factory", "")
    if factory and ":" not in factory:
        raise ConfigError("[tool.desktop] factory must look like 'module:function' or 'module:app', "
                          "e.g. 'myapp:create_app'")
    for origin in values.get("allowed_origins", []):
        if not isinstance(origin, str) or not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ConfigError("[tool.desktop] allowed_origins lists sites as scheme://host[:port], "
                              f"e.g. \"https://fonts.example.org\", not {origin!r}")
    for key, value in values.get("env", {}).items():
        if not isinstance(value, str):
            raise ConfigError(f"[tool.desktop.env] {key} must be a string, not {value!r}")
    if values.get("url_scheme"):
        from .applinks import check_scheme

        check_scheme(values["url_scheme"])
    if "menu" in values or "tray" in values:
        from .menus import parse_menu, parse_tray

        parse_menu(values.get("menu", {}))  # wrong items are reported now, not when the window opens
        parse_tray(values.get("tray"))
    window = WindowSettings(**_typed(window_table, WindowSettings, "tool.desktop.window"))
    bundle = BundleSettings(**_typed(bundle_table, BundleSettings, "tool.desktop.bundle"))
    update = UpdateSettings(**_typed(update_table, UpdateSettings, "tool.desktop.update"))
    if update.channel not in ("stable", "beta"):
        raise ConfigError(f"[tool.desktop.update] channel is 'stable' or 'beta', not {update.channel!r}")
    if update.url and not update.url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ConfigError("[tool.desktop.update] url must be https:// (signatures protect what arrives, "
                          "https keeps who asks for what private)")
    if not -1 <= update.kiosk_hour <= 23:
        raise ConfigError("[tool.desktop.update] kiosk_hour is an hour, 0 to 23, or -1 (at the next start only)")
    for entry in bundle.datas:
        if ":" not in entry:
            raise ConfigError(f"[tool.desktop.bundle] datas entries look like 'SOURCE:DEST', not {entry!r}")
    return KitSettings(**values, window=window, bundle=bundle, update=update, root=root)


def _first_author(authors: Any) -> str:
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        first = authors[0]
        name, email = first.get("name", ""), first.get("email", "")
        return f"{name} <{email}>" if name and email else name or email
    return ""


_TYPES = {"int": int, "str": str, "bool": bool, "list[str]": list, "dict[str, Any]": dict, "dict[str, str]": dict}


def _typed(table: Any, cls: type, where: str, skip: frozenset | set = frozenset()) -> dict:
    """Check a TOML table against a dataclass's field types; unknown keys are errors."""
    known = {f.name: f for f in fields(cls) if f.name not in skip}
    if not isinstance(table, dict):
        raise ConfigError(f"[{where}] must be a table")
    values = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"[{where}] has an unknown key {key!r}; known keys: {', '.join(sorted(known))}")
        type_name = str(known[key].type)
        expected = _TYPES.get(type_name, str)
        wrong = not isinstance(value, expected) or (expected is int and isinstance(value, bool))
        if expected is list and not wrong:
            wrong = not all(isinstance(item, str) for item in value)
        if wrong:
            label = {"list": "list of strings", "dict": "table"}.get(expected.__name__, expected.__name__)
            raise ConfigError(f"[{where}] {key} must be a {label}, not {value!r}")
        values[key] = value
    return values
