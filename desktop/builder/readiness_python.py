"""The readiness checks that read Python: secrets, DEBUG, stray servers and files written in the wrong place.

Each check looks at the syntax tree of one module (nothing is imported) and yields
(line, problem, fix); readiness.py names the file. Code under `if __name__ == "__main__":` is
skipped: the kit imports the app's modules, so that block never runs inside the desktop app.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from .sourcetree import dotted, is_main_guard, module_level

Issue = tuple[int, str, str]  # (line, problem, fix)

# Names that say "the folder of this code": from __file__, or what projects call it.
CODE_DIR_NAMES = frozenset({"__file__", "basedir", "base_dir", "BASEDIR", "BASE_DIR", "root_path", "BASE_PATH",
                            "base_path", "APP_ROOT", "PROJECT_ROOT", "PROJECT_DIR", "HERE", "here"})
CWD_NAMES = frozenset({"getcwd", "cwd"})
# Names that say "a folder chosen at run time": the kit can point those at the user's folders.
RUNTIME_NAMES = frozenset({"instance_path", "environ", "getenv", "config", "gettempdir", "mkdtemp", "expanduser",
                           "home", "user_data_dir", "user_log_dir", "platformdirs", "appdirs"})
PATH_HELPERS = frozenset({"os.path.join", "path.join", "join", "Path", "pathlib.Path", "PurePath", "str"})
LOG_HANDLERS = ("FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler", "WatchedFileHandler")
# Config keys naming a folder the app writes to (UPLOAD_FOLDER, MEDIA_DIR, CACHE_DIR, ...).
FOLDER_SETTING = re.compile(r"^[A-Z][A-Z0-9_]*_(FOLDER|DIR|DIRECTORY)$")
NOT_SHIPPED_CLASS = re.compile(r"test", re.IGNORECASE)  # config classes for the test suite
DEV_CLASS = re.compile(r"test|dev|debug", re.IGNORECASE)  # ...and for development, where DEBUG belongs

PLACES = {
    "code": "beside the code (the install folder: read-only, and replaced on every update)",
    "cwd": "in the current directory (wherever the app happens to be started from)",
    "relative": "at a relative path, so in the current directory (wherever the app happens to be started from)",
}
FILES_FIX = ("put it in the user's folders: under app.instance_path (the kit makes it the user data folder), or "
             "in a [tool.desktop.config] / [tool.desktop.env] value using {data} or {logs}")


def check_python(tree: ast.Module, *, overridden: frozenset[str] = frozenset(),
                 flask_sqlalchemy: bool = False) -> list[Issue]:
    """Issues in one module. `overridden`: Flask config keys [tool.desktop.config] sets (the kit's value
    wins, so the module's own value does no harm); `flask_sqlalchemy`: relative SQLite URIs then land in
    the instance folder, which the kit makes the user data folder."""
    checker = _Checker(overridden, flask_sqlalchemy)
    checker.visit(tree, None)
    checker.issues += list(_module_level_runs(tree))
    return sorted(set(checker.issues))


def path_origin(expr: ast.AST, derived: dict[str, str] | None = None) -> str | None:
    """Where a path expression points: "code", "cwd", "relative", or None (absolute, or chosen at run time).
    `derived`: names assigned such a path earlier (`log_dir = os.path.join(basedir, "logs")`) -> where it points."""
    names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(expr) if isinstance(n, ast.Attribute)}
    if names & RUNTIME_NAMES:
        return None
    if names & CODE_DIR_NAMES:
        return "code"
    if names & CWD_NAMES:
        return "cwd"
    for name in sorted(names & set(derived or {})):
        return (derived or {})[name]
    constant = _constant_path(expr)
    if constant is not None and not _absolute(constant):
        return "relative"
    return None


def _path_like(expr: ast.AST) -> bool:
    """A path join, a Path(...), a `/` of paths or a name: what a folder variable is assigned."""
    if isinstance(expr, ast.Call):
        return dotted(expr.func) in PATH_HELPERS or dotted(expr.func).endswith(("dirname", "abspath", "resolve",
                                                                                "realpath"))
    return isinstance(expr, (ast.BinOp, ast.Name, ast.Attribute))


def _constant_path(expr: ast.AST) -> str | None:
    """The path a expression made only of literals and path joins starts with ("logs" for
    os.path.join("logs", "x.log") or Path("logs") / "x.log"), None when anything else is in it."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Div, ast.Add)):
        left, right = _constant_path(expr.left), _constant_path(expr.right)
        return left if left is not None and right is not None else None
    if isinstance(expr, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in expr.values):
        return "".join(str(v.value) for v in expr.values)
    if isinstance(expr, ast.Call) and dotted(expr.func) in PATH_HELPERS and expr.args and not expr.keywords:
        parts = [_constant_path(a) for a in expr.args]
        return parts[0] if all(p is not None for p in parts) else None
    return None


def _absolute(path: str) -> bool:
    return (not path or path == ":memory:" or path.startswith(("/", "~", "\\\\", "sqlite:", "file:", "http:", "https:"))
            or re.match(r"^[A-Za-z]:[\\/]", path) is not None)


def _leading_string(expr: ast.AST) -> str | None:
    """The text an expression starts with: "a" for "a" + x, f"a{x}", "a{}".format(x), "a%s" % x."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return _leading_string(expr.left)
    if isinstance(expr, ast.JoinedStr) and expr.values:
        return _leading_string(expr.values[0])
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        return _leading_string(expr.func.value)
    return None


def _literal(value: ast.AST | None) -> bool:
    """A hard-coded string, also as a fallback: "x", env.get(..., "x"), env.get(...) or "x"."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and bool(value.value)
    if isinstance(value, ast.BoolOp):
        return any(_literal(v) for v in value.values)
    if isinstance(value, ast.IfExp):
        return _literal(value.body) or _literal(value.orelse)
    if isinstance(value, ast.Call) and dotted(value.func).rpartition(".")[2] in ("get", "getenv"):
        return (len(value.args) > 1 and _literal(value.args[1])) or any(
            k.arg == "default" and _literal(k.value) for k in value.keywords)
    return False


def _is_true(value: ast.AST | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is True


def _key(target: ast.AST) -> str | None:
    """The setting an assignment target names: NAME, obj.NAME, config["NAME"] (a plain `debug = True`
    variable is not a setting: it stays lower-case, and only upper-case names are checked)."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):  # app.secret_key, app.debug: Flask's attribute forms of the keys
        return target.attr.upper() if target.attr in ("secret_key", "debug") else target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return target.slice.value if isinstance(target.slice.value, str) else None
    return None


class _Checker:
    """Walks a module, knowing which class and which config key each value belongs to."""

    def __init__(self, overridden: frozenset[str], flask_sqlalchemy: bool) -> None:
        self.overridden, self.flask_sqlalchemy = overridden, flask_sqlalchemy
        self.issues: list[Issue] = []
        self.classes: list[str] = []
        self.derived: dict[str, str] = {}  # names given a path beside the code or in the cwd -> which

    def visit(self, node: ast.AST, key: str | None) -> None:
        if is_main_guard(node):
            for child in node.orelse:
                self.visit(child, key)
            return
        if isinstance(node, ast.ClassDef):
            self.classes.append(node.name)
            for child in node.body:
                self.visit(child, key)
            self.classes.pop()
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            origin = path_origin(node.value, self.derived) if _path_like(node.value) else None
            for target in targets:  # log_dir = os.path.join(basedir, "logs"): a path beside the code
                if isinstance(target, ast.Name) and origin in ("code", "cwd"):
                    self.derived[target.id] = origin
            keys = [_key(t) for t in targets]
            for setting in keys:
                self.setting(setting, node.value, node.lineno)
            self.visit(node.value, next((k for k in keys if k), key))
            return
        if isinstance(node, ast.Dict):
            for name, value in zip(node.keys, node.values):
                setting = name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None
                self.setting(setting, value, value.lineno)
                self.visit(value, setting or key)
            return
        if (_leading_string(node) or "").startswith("sqlite:///"):
            self.sqlite_uri(node, key)
            return
        if isinstance(node, ast.Call):
            self.call(node, key)
            return
        for child in ast.iter_child_nodes(node):
            self.visit(child, key)

    def setting(self, name: str | None, value: ast.AST, line: int) -> None:
        """NAME = value, wherever it is written: a module, a config class, app.config, a dict, a keyword."""
        if name is None:
            return
        if FOLDER_SETTING.search(name) and name not in self.overridden and _path_like(value):
            origin = path_origin(value, self.derived)
            if origin is not None:  # UPLOAD_FOLDER = os.path.join(basedir, "uploads"): written to at run time
                self.issues.append((line, f"{name} is a folder {PLACES[origin]}",
                                    f"set it in [tool.desktop.config], e.g. {name} = \"{{data}}/"
                                    f"{name.lower().removesuffix('_folder').removesuffix('_dir')}\" (the user's "
                                    "data folder), or derive it from app.instance_path"))
        if (name == "DEBUG" and _is_true(value) and "DEBUG" not in self.overridden
                and not any(DEV_CLASS.search(c) for c in self.classes)):
            self.issues.append((line, "DEBUG is on: the debugger lets any page run Python code, and errors show "
                                      "tracebacks to the user",
                                "leave DEBUG off in the shipped config (`python -m desktop dev` reloads on edits "
                                "without it), or set DEBUG = false in [tool.desktop.config]"))

    def call(self, node: ast.Call, key: str | None) -> None:
        name = dotted(node.func)
        short = name.rpartition(".")[2]
        for keyword in node.keywords:
            if keyword.arg:
                self.setting(keyword.arg, keyword.value, keyword.value.lineno)
        if short == "setdefault" and len(node.args) == 2 and isinstance(node.args[0], ast.Constant):
            self.setting(node.args[0].value if isinstance(node.args[0].value, str) else None, node.args[1], node.lineno)
        target = self.written_path(node, name, short)
        if target is not None and key not in self.overridden:
            what, path = target
            origin = path_origin(path, self.derived)
            if origin is not None:
                fix = FILES_FIX.replace("{data} or {logs}", "{logs}") if what.startswith("writes a log") else FILES_FIX
                self.issues.append((node.lineno, f"{what} {PLACES[origin]}", fix))
        self.visit(node.func, key)
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            self.visit(argument, key)

    @staticmethod
    def written_path(node: ast.Call, name: str, short: str) -> tuple[str, ast.AST] | None:
        """(what the call does, the path it writes to) for calls that write files or make folders."""
        first = node.args[0] if node.args else None
        keyword = {k.arg: k.value for k in node.keywords if k.arg}
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        path_receiver = receiver if isinstance(receiver, ast.Call) and dotted(receiver.func).endswith("Path") else None
        if name in ("open", "io.open", "codecs.open") or (short == "open" and path_receiver is not None):
            mode_node = (node.args[1] if len(node.args) > 1 else keyword.get("mode")) if path_receiver is None \
                else (first or keyword.get("mode"))
            mode = mode_node.value if isinstance(mode_node, ast.Constant) and isinstance(mode_node.value, str) else "r"
            path = path_receiver or first or keyword.get("file")
            if set(mode) & set("wax+") and path is not None:
                return "writes a file", path
        if short in ("write_text", "write_bytes", "mkdir", "touch") and path_receiver is not None:
            return ("creates a folder" if short == "mkdir" else "writes a file"), path_receiver
        if name in ("os.makedirs", "os.mkdir", "makedirs", "mkdir") and first is not None:
            return "creates a folder", first
        if short in LOG_HANDLERS or name == "logging.basicConfig":
            path = first if short in LOG_HANDLERS else None
            path = path or keyword.get("filename")
            return ("writes a log file", path) if path is not None else None
        if name == "sqlite3.connect" and (first or keyword.get("database")) is not None:
            return "opens a SQLite database", first or keyword.get("database")
        return None

    def sqlite_uri(self, node: ast.AST, key: str | None) -> None:
        if key in self.overridden or "SQLALCHEMY_DATABASE_URI" in self.overridden:
            return
        if isinstance(node, ast.Constant):
            origin = None if _absolute(node.value[len("sqlite:///"):]) else "relative"
        else:
            origin = path_origin(node)  # "sqlite:///" + ...: "code", "cwd", or None
        if origin is None or (origin == "relative" and self.flask_sqlalchemy):
            return  # Flask-SQLAlchemy puts relative files in the instance folder: the user data folder here
        self.issues.append((node.lineno, f"the SQLite database is {PLACES[origin]}",
                            'set SQLALCHEMY_DATABASE_URI = "sqlite:///{data}/app.db" in [tool.desktop.config] '
                            "(the kit's value wins), or build the path from app.instance_path"))


def _module_level_runs(tree: ast.Module) -> Iterator[Issue]:
    """`app.run()` that runs on import: the kit imports the module, and would get a second server."""
    apps = {"app", "application"}
    for statement in module_level(tree):
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(statement.value, ast.Call):
            called = dotted(statement.value.func).rpartition(".")[2]
            if called.endswith("Flask") or called in ("create_app", "make_app"):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                apps |= {t.id for t in targets if isinstance(t, ast.Name)}
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            continue
        call = statement.value
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "run"):
            continue
        receiver = call.func.value
        on_app = (isinstance(receiver, ast.Name) and receiver.id in apps) or isinstance(receiver, ast.Call) or any(
            isinstance(a, ast.Name) and a.id in apps for a in call.args)  # socketio.run(app)
        if on_app:
            debug = " with debug=True" if any(k.arg == "debug" and _is_true(k.value) for k in call.keywords) else ""
            yield (call.lineno, f"{dotted(call.func)}(){debug} runs when the module is imported: the kit imports "
                                f"it to host the app, so a second server would start (and never return)",
                   'move it under `if __name__ == "__main__":` (`python -m desktop run` serves the app itself)')
