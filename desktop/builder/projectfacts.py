"""What `init` reads from a project's source to fill in its [tool.desktop] table (never importing it).

Each fact carries where it was seen, so `init` can tell the developer why a setting has its value.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from ..kit import slugify
from .sourcetree import dotted, imported_modules, parse_python, relative, walk_files

# Commands that set up an empty database: what a fresh install must run once (first_run).
SETUP_COMMANDS = frozenset({"init-db", "init_db", "initdb", "create-db", "create_db", "createdb"})
# click (8.2+) drops these suffixes from a function's name to name its command.
_COMMAND_SUFFIXES = ("_command", "_cmd", "_group", "_grp")
# Mail domains that say nothing about who publishes the app: no app id from them.
_SHARED_MAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
                                  "yahoo.com", "icloud.com", "me.com", "proton.me", "protonmail.com",
                                  "users.noreply.github.com", "example.com", "example.org"})
_DATABASE_FILE = re.compile(r"([\w.-]+\.(?:db|sqlite3?))$")


@dataclass(frozen=True)
class SeenAt:
    """A fact and the place in the project that shows it."""

    value: str
    file: str
    line: int

    def where(self) -> str:
        """file:line, or the file (or folder) alone when the fact is about all of it."""
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class ProjectFacts:
    """What the source says about settings the kit has."""

    icon: str = ""
    migrations: SeenAt | None = None  # a Flask-Migrate folder or import: migrate = true
    setup_command: SeenAt | None = None  # an init-db-like click command: first_run
    sqlite_database: SeenAt | None = None  # Flask-SQLAlchemy on a SQLite file: its file name


def read_facts(root: Path) -> ProjectFacts:
    """Scan the project once for the facts `init` uses."""
    migrations = setup_command = None
    sqlite_files: list[SeenAt] = []  # the URI often lives in a config module that doesn't import the extension
    uses_sqlalchemy = False
    for path in walk_files(root, (".py",)):
        where = relative(path, root)
        if path.name == "env.py" and path.parent.name == "migrations" and migrations is None:
            migrations = SeenAt("migrations folder", relative(path.parent, root), 0)
        tree = parse_python(path)
        if tree is None:
            continue
        modules = {m.split(".")[0] for m in imported_modules(tree)}
        if migrations is None and "flask_migrate" in modules:
            migrations = SeenAt("flask_migrate import", where, _import_line(tree, "flask_migrate"))
        if setup_command is None:
            setup_command = _setup_command(tree, where)
        uses_sqlalchemy = uses_sqlalchemy or "flask_sqlalchemy" in modules
        database = _sqlite_database(tree, where)
        if database is not None:
            sqlite_files.append(database)
    sqlite_database = sqlite_files[0] if uses_sqlalchemy and sqlite_files else None
    return ProjectFacts(find_icon(root), migrations, setup_command, sqlite_database)


def _import_line(tree: ast.Module, module: str) -> int:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == module for a in node.names):
            return node.lineno
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == module:
            return node.lineno
    return 0


def command_name(function: ast.FunctionDef | ast.AsyncFunctionDef, decorator: ast.expr) -> str | None:
    """The name click gives the command a `@click.command(...)` / `@app.cli.command(...)` decorator
    makes of `function`, or None when the decorator is not one of those."""
    call = decorator if isinstance(decorator, ast.Call) else None
    name = dotted(call.func if call else decorator)
    if name not in ("click.command", "command") and not name.endswith("cli.command"):
        return None
    if call is not None:
        explicit = [a.value for a in call.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        explicit += [k.value.value for k in call.keywords
                     if k.arg == "name" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)]
        if explicit:
            return explicit[0]
    base = function.name.lower()
    for suffix in _COMMAND_SUFFIXES:
        if base.endswith(suffix) and base != suffix.lstrip("_"):
            base = base[: -len(suffix)]
            break
    return base.replace("_", "-")


def _setup_command(tree: ast.Module, where: str) -> SeenAt | None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                name = command_name(node, decorator)
                if name in SETUP_COMMANDS:
                    return SeenAt(name, where, decorator.lineno)
    return None


def _sqlite_database(tree: ast.Module, where: str) -> SeenAt | None:
    """A SQLite file the app keeps beside its code, in its instance folder or in the current directory
    (not an absolute path, not in memory): its file name, for a {data}/NAME URI."""
    for node in ast.walk(tree):
        values = []
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return)) and node.value is not None:
            values = [node.value]
        elif isinstance(node, ast.keyword):
            values = [node.value]
        elif isinstance(node, ast.Dict):
            values = [v for v in node.values if v is not None]
        for value in values:
            strings = [c.value for c in ast.walk(value) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            uris = [s for s in strings if s.startswith("sqlite:///")]
            if not uris or any(u.startswith("sqlite:////") or ":memory:" in u for u in uris):
                continue
            names = [m.group(1) for s in strings if (m := _DATABASE_FILE.search(s.replace("\\", "/").split("/")[-1]))]
            return SeenAt(names[-1] if names else "app.db", where, value.lineno)
    return None


# Beyond vendored folders (which walk_files skips), folders whose logos are not the app's either.
NOT_THE_APPS_IMAGES = frozenset({"libs", "lib", "plugins", "samples", "examples", "demo", "docs", "tests"})
MIN_ICON = 256  # as `build` requires


def find_icon(root: Path) -> str:
    """The project's best icon-like PNG (icon.png over logo.png over favicon.png, bigger first), or "":
    square and at least MIN_ICON pixels, and never from a vendored folder."""
    ranked = []
    for path in walk_files(root, (".png",)):
        stem = path.stem.lower()
        if "icon" not in stem and "logo" not in stem:
            continue
        parts = {part.lower() for part in path.relative_to(root).parts[:-1]}
        if parts & NOT_THE_APPS_IMAGES or any("vendor" in part for part in parts):
            continue
        size = png_size(path)
        if size is None or size[0] != size[1] or size[0] < MIN_ICON:
            continue
        exact = stem in ("icon", "app-icon", "app_icon", "appicon", "logo")
        ranked.append((not exact, "favicon" in stem, -size[0], relative(path, root)))
    return min(ranked)[3] if ranked else ""


def png_size(path: Path) -> tuple[int, int] | None:
    """A PNG's width and height from its header (None: not a PNG)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(24)
    except OSError:
        return None
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        return None
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def display_name(project_name: str) -> str:
    """`my-notes_app` -> "My Notes App"; a name that already has capitals is kept as written."""
    if any(ch.isupper() for ch in project_name):
        return project_name
    words = [w for w in re.split(r"[-_.\s]+", project_name) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or "App"


def suggest_app_id(name: str, author_email: str = "") -> str:
    """A reverse-DNS id: from the author's own mail domain when there is one, else io.github.<name>."""
    leaf = slugify(name).replace("-", "_")
    domain = author_email.rpartition("@")[2].strip().lower()
    if domain and "." in domain and domain not in _SHARED_MAIL_DOMAINS and not domain.endswith(".invalid"):
        labels = [re.sub(r"[^a-z0-9_]", "_", label) for label in reversed(domain.split(".")) if label]
        return ".".join([*labels, leaf])
    return f"io.github.{leaf}"
