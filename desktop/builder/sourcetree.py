"""Reading a developer's project without importing it: which files are theirs, and their syntax trees.

`init` and the readiness checks look at the project's source before the app has ever run under
the kit, so nothing here imports the app: a broken or slow import must not stop either of them.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

# Not the developer's own code, or not shipped: virtualenvs, installed packages, build output, tests,
# and the folders of scripts and docs that live beside an app but never run inside it.
SKIP_DIRS = frozenset({".venv", "venv", "site-packages", "node_modules", ".git", "dist", ".pyinstaller", "build",
                       "__pycache__", "tests", "test", "benchmarks", "docs", "examples", "scripts"})
TEXT_LIMIT = 2_000_000  # bytes: larger files are data, not source worth scanning
# Folders of other people's code shipped inside the project (a vendored editor, its sample pages
# and logos): not the project's own, so neither checked nor picked as its icon.
VENDORED_DIRS = frozenset({"vendor", "vendors", "vendored", "third_party", "thirdparty", "third-party",
                           "bower_components", "external", "externals"})


def skipped_dir(folder: Path) -> bool:
    """True for folders that hold no code of the project's own."""
    name = folder.name
    return (name in SKIP_DIRS or name.lower() in VENDORED_DIRS or name.startswith(".") or name.endswith(".egg-info")
            or (folder / "pyvenv.cfg").is_file())  # a virtualenv by another name


def walk_files(root: Path, suffixes: tuple[str, ...] | None = None) -> Iterator[Path]:
    """The project's files (sorted, so findings come in a stable order), outside skipped folders."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not skipped_dir(here / d))
        for name in sorted(files):
            if suffixes is None or name.lower().endswith(suffixes):
                yield here / name


def read_text(path: Path) -> str | None:
    """A source file's text, or None when it is too big or unreadable (nothing to report on then)."""
    try:
        if path.stat().st_size > TEXT_LIMIT:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def parse_python(path: Path) -> ast.Module | None:
    """The module's syntax tree, or None when it does not parse (the app's own run will say why)."""
    text = read_text(path)
    if text is None:
        return None
    try:
        return ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError):
        return None


def relative(path: Path, root: Path) -> str:
    """`path` as the developer sees it from the project folder."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def import_roots(root: Path) -> list[Path]:
    """The folders the kit puts on sys.path (see project.make_importable): src/ first, then the project."""
    return [folder for folder in (root / "src", root) if folder.is_dir()]


def module_name(path: Path, root: Path) -> str | None:
    """The dotted name `path` is imported as from the project's import roots, or None if it is not importable."""
    for base in import_roots(root):
        try:
            parts = list(path.with_suffix("").relative_to(base).parts)
        except ValueError:
            continue
        if parts and parts[-1] == "__init__":
            parts.pop()
        packages = [base.joinpath(*parts[:depth]) for depth in range(1, len(parts))]
        if parts and all(p.isidentifier() for p in parts) and all((p / "__init__.py").is_file() for p in packages):
            return ".".join(parts)
    return None


def module_file(name: str, root: Path) -> Path | None:
    """The file of the dotted module `name` under the project's import roots."""
    for base in import_roots(root):
        target = base.joinpath(*name.split("."))
        for candidate in (target / "__init__.py", target.with_suffix(".py")):
            if candidate.is_file():
                return candidate
    return None


def dotted(node: ast.AST) -> str:
    """`a.b.c` for Name/Attribute chains (`a.b()` gives "a.b()"), "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    if isinstance(node, ast.Call):
        base = dotted(node.func)
        return f"{base}()" if base else ""
    return ""


def is_main_guard(node: ast.AST) -> bool:
    """True for `if __name__ == "__main__":` (either way round)."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare) or len(node.test.comparators) != 1:
        return False
    sides = [node.test.left, node.test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    strings = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return bool(names and strings and isinstance(node.test.ops[0], ast.Eq))


def module_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """Statements that run when the module is imported: the top level and inside its if/try/with
    blocks, but not in functions, classes or the `if __name__ == "__main__":` block."""
    pending = list(tree.body)
    while pending:
        statement = pending.pop(0)
        yield statement
        if is_main_guard(statement) or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            pending[0:0] = getattr(statement, field, []) or []
        for handler in getattr(statement, "handlers", []) or []:
            pending[0:0] = handler.body


def imported_modules(tree: ast.Module) -> set[str]:
    """Every module name an `import` or `from ... import` in the tree names (absolute ones)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names
