"""Find the developer's project and read its settings once.

The project is the nearest folder, from the current directory upward, whose pyproject.toml has a
`[tool.desktop]` table, or the folder named by `--project` (or $DESKTOP_PROJECT). A frozen app
never looks for a project: it carries its settings (see `kit.load_bundled_settings`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import ConfigError
from .kit import KitSettings, load_bundled_settings, parse_kit_settings, read_pyproject

PROJECT_ENV = "DESKTOP_PROJECT"


class NoProject(ConfigError):
    """There is no pyproject.toml with a [tool.desktop] table here; `init` makes one."""


def find_project(start: Path | None = None) -> Path:
    """The project folder: $DESKTOP_PROJECT, or the nearest one upward from `start` with [tool.desktop]."""
    explicit = os.environ.get(PROJECT_ENV)
    if start is None and explicit:
        start = Path(explicit)
        if not (start / "pyproject.toml").is_file():
            raise NoProject(f"{start} has no pyproject.toml (from ${PROJECT_ENV})")
        return start.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "desktop" in read_pyproject(candidate).get("tool", {}):
            return folder
    raise NoProject(
        f"no pyproject.toml with a [tool.desktop] table in {here} or above it. "
        "Run `python -m desktop init` in your project's folder (or pass --project DIR)."
    )


def load_project(start: Path | None = None) -> KitSettings:
    """The settings of the project around `start` (see find_project)."""
    folder = find_project(start)
    settings = parse_kit_settings(read_pyproject(folder / "pyproject.toml"), root=folder)
    return settings


def current_settings(project: Path | None = None) -> KitSettings:
    """The frozen app's own settings, or the project's (from `project`, $DESKTOP_PROJECT or the cwd)."""
    bundled = load_bundled_settings()
    if bundled is not None:
        return bundled
    return load_project(project)


def make_importable(settings: KitSettings) -> None:
    """Put the project on sys.path, as `flask run` does with the current directory (and src/ layouts)."""
    if settings.root is None or getattr(sys, "frozen", False):
        return
    for folder in (settings.root / "src", settings.root):
        if folder.is_dir() and str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
            # Child processes (dev mode's server) import the app too, from the data folder.
            inherited = os.environ.get("PYTHONPATH")
            os.environ["PYTHONPATH"] = os.pathsep.join([str(folder), *([inherited] if inherited else [])])
