"""Kit settings: the `[tool.desktop]` table of pyproject.toml, read at run time.

The source tree reads the pyproject.toml beside the `desktop` package; a frozen bundle carries a
copy at its root. `DESKTOP_PYPROJECT` points at another file (a user's own project).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PYPROJECT_ENV = "DESKTOP_PYPROJECT"


@dataclass(frozen=True)
class WindowSettings:
    """First-run window geometry and title."""

    title: str = "Inkwell"
    width: int = 1100
    height: int = 760
    min_width: int = 640
    min_height: int = 480


@dataclass(frozen=True)
class KitSettings:
    """What the shell and the packaging know about the hosted app."""

    name: str = "Inkwell"
    version: str = "0.0.0"
    app_id: str = "io.github.inkwell"
    factory: str = "webapp:create_app"
    icon: str = "assets/icon.png"
    health_path: str = "/healthz"
    bearer_path: str = ""  # URL prefix where the app's own bearer tokens replace the window's session
    open_file: str = ""  # 'module:function' taking a file the app is asked to open; returns a URL path
    check_password: str = ""  # 'module:function' checking the app's lock password (to leave kiosk mode)
    mime_types: str = ""  # what the installers register the app to open, e.g. "text/markdown"
    window: WindowSettings = field(default_factory=WindowSettings)
    root: Path | None = None  # folder the relative paths (icon) are resolved against

    def icon_path(self) -> Path | None:
        """Absolute path of the icon, or None when the file is not there."""
        if not self.icon or self.root is None:
            return None
        path = self.root / self.icon
        return path if path.is_file() else None


def bundle_root() -> Path | None:
    """The folder a PyInstaller bundle unpacks its data into, or None when running from source."""
    meipass = getattr(sys, "_MEIPASS", None)
    return Path(meipass) if getattr(sys, "frozen", False) and meipass else None


def find_pyproject() -> Path | None:
    """Locate the pyproject.toml holding the kit settings, if any."""
    explicit = os.environ.get(PYPROJECT_ENV)
    if explicit:
        return Path(explicit)
    candidates = []
    root = bundle_root()
    if root is not None:
        candidates.append(root / "pyproject.toml")
    candidates.append(Path(__file__).resolve().parent.parent / "pyproject.toml")
    return next((path for path in candidates if path.is_file()), None)


def load_kit_settings(path: Path | None = None) -> KitSettings:
    """Read the kit settings, falling back to the defaults when there is no pyproject.toml."""
    path = path or find_pyproject()
    if path is None:
        return KitSettings()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read the kit settings in {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    return parse_kit_settings(data, root=path.resolve().parent)


def parse_kit_settings(pyproject: dict, *, root: Path | None = None) -> KitSettings:
    """Build KitSettings from a parsed pyproject.toml, checking every value's type."""
    table = dict(pyproject.get("tool", {}).get("desktop", {}))
    window_table = table.pop("window", {})
    project = pyproject.get("project", {})
    values = _typed(table, KitSettings, "tool.desktop", skip={"window", "root"})
    values.setdefault("version", project.get("version", KitSettings.version))
    if "name" not in values and isinstance(project.get("name"), str):
        values["name"] = project["name"]
    window = WindowSettings(**_typed(window_table, WindowSettings, "tool.desktop.window"))
    if "title" not in window_table:
        window = WindowSettings(**{**window.__dict__, "title": values.get("name", window.title)})
    if ":" not in values.get("factory", KitSettings.factory):
        raise ConfigError("[tool.desktop] factory must look like 'module:function', e.g. 'webapp:create_app'")
    return KitSettings(**values, window=window, root=root)


def _typed(table: dict, cls: type, where: str, skip: frozenset | set = frozenset()) -> dict:
    """Check a TOML table against a dataclass's field types; unknown keys are errors."""
    known = {f.name: f for f in fields(cls) if f.name not in skip}
    if not isinstance(table, dict):
        raise ConfigError(f"[{where}] must be a table")
    values = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"[{where}] has an unknown key {key!r}; known keys: {', '.join(sorted(known))}")
        expected = int if known[key].type == "int" else str
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"[{where}] {key} must be a {expected.__name__}, not {value!r}")
        values[key] = value
    return values
