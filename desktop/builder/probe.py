"""Ask the app itself what a bundle needs: run in a subprocess by the builder, prints one JSON line.

The app is built once, exactly as the shell builds it (its settings, user folders in a throwaway
place), and reports the folders it reads at run time: the template and static folders of the app
and of every blueprint, the template loader's folders, and its Flask-Migrate directory. Each gets
the place it must have inside the bundle: its path relative to the import root (sys.path entry)
its module was found under, so `Flask(__name__)` finds it there once frozen.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

PROBE_ENV = "DESKTOP_PROBE"  # the settings, as JSON (kit.to_json) plus "root"
MARK = "desktop-probe:"


def collect(app, roots: list[Path]) -> dict:
    """What `app` reads from disk at run time, each folder with its place in the bundle."""
    folders: dict[str, str] = {}

    def add(folder) -> None:
        if not folder:
            return
        path = Path(folder).resolve()
        if not path.is_dir():
            return
        place = bundle_place(path, roots)
        if place is not None:
            folders[str(path)] = place

    for owner in (app, *app.blueprints.values()):
        root_path = Path(owner.root_path)
        for folder in (owner.template_folder, owner.static_folder):
            add(root_path / folder if folder else None)
    for environment in (app.jinja_env, *_extension_environments(app)):
        for loader_path in _loader_folders(getattr(environment, "loader", None)):
            add(loader_path)
    for loader_path in _loader_folders(getattr(app, "jinja_loader", None)):
        add(loader_path)
    modules = sorted({_top_module(name) for name in (app.import_name, *(bp.import_name for bp in app.blueprints.values()))}
                     - {"__main__"})
    # Alembic folders the app keeps in its package (read as files at run time, .py included),
    # whether or not it registers Flask-Migrate.
    for env_py in Path(app.root_path).glob("**/env.py"):
        if (env_py.parent / "versions").is_dir():
            add(env_py.parent)
    migrate = app.extensions.get("migrate")
    migrations = ""
    if migrate is not None:
        directory = Path(getattr(migrate, "directory", "migrations"))
        directory = directory if directory.is_absolute() else Path.cwd() / directory
        if directory.is_dir():
            migrations = bundle_place(directory.resolve(), roots) or "migrations"
            folders[str(directory.resolve())] = migrations
    packages = [name for name in modules if _is_project_package(name)]
    return {"folders": folders, "modules": modules, "packages": packages, "migrations": migrations,
            "sqlalchemy": "sqlalchemy" in app.extensions}


def bundle_place(path: Path, roots: list[Path]) -> str | None:
    """`path` relative to the deepest of `roots` holding it (None: under none of them)."""
    for root in sorted(roots, key=lambda r: len(r.parts), reverse=True):
        try:
            return path.relative_to(root).as_posix() or "."
        except ValueError:
            continue
    return None


def _loader_folders(loader, depth: int = 0) -> list[str]:
    """The folders a Jinja loader reads: FileSystemLoader's search path, PackageLoader's folder in
    its (maybe installed) package, and those of Choice and Prefix loaders' children."""
    if loader is None or depth > 5:
        return []
    found = list(getattr(loader, "searchpath", []) or [])
    template_root = getattr(loader, "_template_root", None)  # PackageLoader (Jinja 3)
    if isinstance(template_root, str):
        found.append(template_root)
    children = list(getattr(loader, "loaders", []) or [])  # ChoiceLoader
    mapping = getattr(loader, "mapping", None)  # PrefixLoader
    if isinstance(mapping, dict):
        children += list(mapping.values())
    for child in children:
        found += _loader_folders(child, depth + 1)
    return found


def _extension_environments(app) -> list:
    """Jinja environments extensions keep of their own (Flask-DebugToolbar renders its toolbar with
    one loading from its package): their templates must be in the bundle too."""
    from jinja2 import Environment

    found = []
    for extension in app.extensions.values():
        candidates = [extension, *(vars(extension).values() if hasattr(extension, "__dict__") else [])]
        found += [value for value in candidates if isinstance(value, Environment) and value is not app.jinja_env]
    return found


def _is_project_package(name: str) -> bool:
    """Whether `name` is a package of the project itself (not one installed in site-packages)."""
    module = sys.modules.get(name)
    path = Path(getattr(module, "__file__", "") or "")
    return path.name == "__init__.py" and "site-packages" not in path.parts and "dist-packages" not in path.parts


def _top_module(import_name: str) -> str:
    return import_name.split(".")[0]


def main() -> None:
    """Build the app described in $DESKTOP_PROBE and print what it needs."""
    from desktop.host import load_flask_app
    from desktop.kit import KitSettings
    from desktop.paths import resolve_paths
    from desktop.project import make_importable

    data = json.loads(os.environ[PROBE_ENV])
    root = Path(data.pop("root"))
    settings = KitSettings.from_json(json.dumps(data), root=root)
    make_importable(settings)
    roots = [Path(p).resolve() for p in sys.path if p and Path(p).is_dir()]
    with tempfile.TemporaryDirectory(prefix="desktop-probe-") as scratch:
        paths = resolve_paths(settings.name, scratch)
        paths.create()
        folders = paths.placeholders()
        for key, value in settings.env.items():
            os.environ[key] = settings.expand(value, folders)
        config = {key: settings.expand(value, folders) for key, value in settings.config.items()}
        config.update(SECRET_KEY="probe", DESKTOP=True)
        app = load_flask_app(settings.factory, config=config, instance_path=paths.data)
        result = collect(app, roots)
        from desktop.host import close_app_resources

        close_app_resources(app)
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
