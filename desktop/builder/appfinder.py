"""Finding the project's Flask app the way `flask run` does, without importing it.

Order: `--app`, then $FLASK_APP, then `FLASK_APP=` in the project's .env / .flaskenv (.env wins,
as in Flask), then a guess: `wsgi.py` or `app.py`, then the project's packages and modules (and
those under src/) that define `create_app` / `make_app` or a module-level `app` / `application`.
Every form Flask's `--app` takes is turned into the kit's factory string: 'module:name', or
'module:create_app("production")' where it names the factory's arguments. A module named alone
means its module-level `app` first, as in Flask (a `flasky.py` that makes the app with the
package's factory and then adds its migrations and commands); a guessed `app = create_app()`
that nothing extends means the factory itself.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .sourcetree import dotted, import_roots, module_file, module_level, module_name, parse_python, relative, \
    skipped_dir

FACTORY_NAMES = ("create_app", "make_app")
APP_NAMES = ("app", "application")
ENV_FILES = (".env", ".flaskenv")  # the first one that sets FLASK_APP wins, as in Flask
NOT_APP_MODULES = frozenset({"setup", "conftest", "noxfile", "fabfile", "docs"})


@dataclass(frozen=True)
class AppCandidate:
    """One place the app could be: the factory string and where it was seen."""

    factory: str  # 'module:name'
    file: str  # relative to the project
    line: int
    kind: str  # "factory" or "app"
    imported: bool = False  # seen where it is imported and called (`app = create_app()`), not defined
    made_from: str = ""  # the factory this app object was made with (and then extended)

    def describe(self) -> str:
        """One line for a list the developer picks from."""
        what = "an app factory" if self.kind == "factory" else "a module-level Flask app"
        return f"{self.factory}  ({what}, {self.file}:{self.line})"


@dataclass(frozen=True)
class FoundApp:
    """The app init settles on, and how it got there (printed to the developer)."""

    factory: str
    source: str  # "--app", "$FLASK_APP", ".flaskenv", "guessed from app.py", ...
    candidate: AppCandidate | None = None


def find_app(root: Path, app_option: str | None = None, *,
             environ: dict | None = None) -> FoundApp | list[AppCandidate]:
    """The app to host, or the list of candidates when there is not exactly one (the caller asks or fails)."""
    environ = os.environ if environ is None else environ
    if app_option:
        return FoundApp(resolve_app_spec(app_option, root, given_by="--app"), "--app")
    if environ.get("FLASK_APP"):
        return FoundApp(resolve_app_spec(environ["FLASK_APP"], root, given_by="$FLASK_APP"), "$FLASK_APP")
    for env_file in ENV_FILES:
        value = dotenv_value(root / env_file, "FLASK_APP")
        if value:
            given_by = f"FLASK_APP in {env_file}"
            return FoundApp(resolve_app_spec(value, root, given_by=given_by), given_by)
    candidates = guess_candidates(root)
    if len(candidates) == 1:
        return FoundApp(candidates[0].factory, f"found in {candidates[0].file}", candidates[0])
    return candidates


def dotenv_value(path: Path, key: str) -> str | None:
    """`key`'s value in a dotenv file (`KEY=value`, `export KEY=value`, quoted or not), or None."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    pattern = re.compile(rf"^\s*(?:export\s+)?{re.escape(key)}\s*=\s*(.*)$")
    for line in lines:
        match = pattern.match(line)
        if not match:
            continue
        value = match.group(1).strip()
        if value[:1] in ("'", '"'):
            end = value.find(value[0], 1)
            return value[1:end] if end > 0 else value[1:]
        return value.split(" #", 1)[0].strip() or None
    return None


def resolve_app_spec(spec: str, root: Path, *, given_by: str) -> str:
    """Flask's `--app` forms ('module', 'module:name', 'module:create_app()', 'path/to/file.py[:name]')
    as the kit's 'module:name'."""
    target, _, attribute = spec.strip().partition(":")
    attribute, call = attribute.strip(), ""
    if attribute.endswith(")") and "(" in attribute:
        attribute, _, arguments = attribute[:-1].partition("(")
        attribute = attribute.strip()
        if arguments.strip():  # create_app("production"): the kit calls it so, adding its settings
            call = f"({arguments.strip()})"
            from ..errors import AppLoadError
            from ..host import split_call

            try:
                split_call(f"m:{attribute}{call}")
            except AppLoadError as exc:
                raise UsageError(f"{given_by} {spec!r}: {exc}") from None
    if attribute and not attribute.isidentifier():
        raise UsageError(f"{given_by} {spec!r}: {attribute!r} is not a Python name; "
                         "use 'module:create_app' or 'module:app'")
    module = _module_from_target(target, root, spec=spec, given_by=given_by)
    if attribute:
        return f"{module}:{attribute}{call}"
    path = module_file(module, root)
    # As flask does with a module alone: its `app` (or `application`) first, however it is made
    # (`app = create_app(...)` then extended: migrations, commands), then a factory.
    named_app = _module_level_app(path) if path else None
    if named_app:
        return f"{module}:{named_app}"
    found = candidates_in(path, root) if path else []
    if not found:
        problem = (f"{relative(path, root)} has no create_app/make_app or module-level app" if path
                   else f"there is no module {module} in the project folder (or src/) to look for the app in")
        raise UsageError(f"{given_by} {spec!r}: {problem}; name the app: --app '{module}:create_app' (or ':app')")
    return _best(found).factory


def _module_from_target(target: str, root: Path, *, spec: str, given_by: str) -> str:
    """A dotted module name from a module name or a file/folder path (as Flask's prepare_import)."""
    looks_like_path = target.endswith(".py") or "/" in target or os.sep in target
    if not looks_like_path:
        if not all(part.isidentifier() for part in target.split(".")):
            raise UsageError(f"{given_by} {spec!r} is neither a module name nor a .py file")
        return target
    path = (root / target).resolve()
    if path.is_dir() and (path / "__init__.py").is_file():
        path = path / "__init__.py"
    if not path.is_file():
        raise UsageError(f"{given_by} {spec!r}: there is no {target} in {root}")
    name = module_name(path, root.resolve())
    if name is None:
        roots = " or ".join(relative(r, root) or "." for r in import_roots(root))
        raise UsageError(f"{given_by} {spec!r}: {target} cannot be imported from the project folder (the kit puts "
                         f"{roots} on sys.path); move it there, or pass --app 'package.module:name'")
    return name


def guess_candidates(root: Path) -> list[AppCandidate]:
    """Flask's guesses (wsgi.py, app.py), then every top-level package and module that defines an app."""
    for conventional in ("wsgi.py", "app.py"):
        found = candidates_in(root / conventional, root) if (root / conventional).is_file() else []
        if found:
            return [_best(found)]
    found: dict[str, AppCandidate] = {}
    for path in _top_level_sources(root):
        for candidate in candidates_in(path, root):
            seen = found.get(candidate.factory)
            if seen is None or (seen.imported and not candidate.imported):  # name where it is defined
                found[candidate.factory] = candidate
    for made_from in {candidate.made_from for candidate in found.values()} - {""}:
        found.pop(made_from, None)  # the app it makes, then extends, is the app to ship
    by_module: dict[str, list[AppCandidate]] = {}
    for candidate in found.values():
        by_module.setdefault(candidate.factory.partition(":")[0], []).append(candidate)
    return [_best(group) for group in by_module.values()]


def _top_level_sources(root: Path) -> list[Path]:
    """Top-level modules, and each top-level package's __init__.py and direct submodules."""
    sources: list[Path] = []
    for base in import_roots(root):
        for entry in sorted(base.iterdir()):
            if entry.is_file() and entry.suffix == ".py" and entry.stem not in NOT_APP_MODULES:
                sources.append(entry)
            elif entry.is_dir() and (entry / "__init__.py").is_file() and not skipped_dir(entry):
                sources.append(entry / "__init__.py")
                sources += sorted(p for p in entry.glob("*.py") if p.name != "__init__.py")
    return sources


def candidates_in(path: Path, root: Path) -> list[AppCandidate]:
    """Apps and factories defined in one module (`app = create_app()` points back at the factory)."""
    tree = parse_python(path)
    module = module_name(path.resolve(), root.resolve())
    if tree is None or module is None:
        return []
    imported = _imported_factories(tree, module, is_package=path.name == "__init__.py")
    found: list[AppCandidate] = []
    where = relative(path, root)
    for node in module_level(tree):
        if isinstance(node, ast.FunctionDef) and node.name in FACTORY_NAMES:
            found.append(AppCandidate(f"{module}:{node.name}", where, node.lineno, "factory"))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name) and t.id in APP_NAMES]
            if not names:
                continue
            called = dotted(node.value.func)
            if called in imported and _extended_after(tree, names[0], node.lineno):
                # flasky.py's `app = create_app(...)` and then its migrations and commands: that app
                found.append(AppCandidate(f"{module}:{names[0]}", where, node.lineno, "app",
                                          made_from=imported[called]))
            elif called in imported:  # wsgi.py's `app = create_app()`: host the factory itself
                found.append(AppCandidate(imported[called], where, node.lineno, "factory", imported=True))
            elif called in FACTORY_NAMES:  # defined in this module
                found.append(AppCandidate(f"{module}:{called}", where, node.lineno, "factory"))
            elif called.rpartition(".")[2].endswith("Flask") or called.rpartition(".")[2] in FACTORY_NAMES:
                # Flask(...), flask.Flask(...), APIFlask(...), or some_module.create_app(): the app object
                found.append(AppCandidate(f"{module}:{names[0]}", where, node.lineno, "app"))
    return found


def _module_level_app(path: Path) -> str | None:
    """The name of a module-level `app` / `application` the module assigns from a call, if any."""
    tree = parse_python(path)
    for node in module_level(tree) if tree is not None else []:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in APP_NAMES:
                    return target.id
    return None


def _extended_after(tree: ast.Module, name: str, line: int) -> bool:
    """Whether module-level code after `line` uses `name` (`@app.cli.command`, `Migrate(app, db)`, ...)."""
    for node in module_level(tree):
        if node.lineno <= line:
            continue
        if any(isinstance(inner, ast.Name) and inner.id == name for inner in ast.walk(node)):
            return True
    return False


def _imported_factories(tree: ast.Module, module: str, *, is_package: bool) -> dict[str, str]:
    """Names bound by `from X import create_app` (relative imports resolved) -> 'X:create_app'."""
    found: dict[str, str] = {}
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in module_level(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package_parts[:len(package_parts) - (node.level - 1)] if node.level - 1 <= len(package_parts) else []
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        for alias in node.names:
            if alias.name in FACTORY_NAMES and source:
                found[alias.asname or alias.name] = f"{source}:{alias.name}"
    return found


def _best(candidates: list[AppCandidate]) -> AppCandidate:
    """In one module, a factory beats an app object: the kit can pass its settings to a factory."""
    return sorted(candidates, key=lambda c: (c.kind != "factory", c.line))[0]
