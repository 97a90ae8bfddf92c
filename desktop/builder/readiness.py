"""Desktop readiness: what in a project works in a browser setup but breaks, or leaks, as a desktop app.

`init`, `build` and `package` print these findings; none stops a build (each may be deliberate).
Checks, each naming the file and line and what to do instead:

- templates and static files loading scripts, styles, fonts or images from other origins (offline,
  the page breaks);
- a hard-coded SECRET_KEY (every install would share it; the kit gives each its own);
- DEBUG on;
- `app.run()` that runs on import (the kit imports the app: a second server);
- a database, log or other file written beside the code or in the current directory (read-only or
  arbitrary once installed: the user's folders are the place);
- secrets and databases inside the folders the bundle collects (the app package, templates/ and
  static/, [tool.desktop.bundle] datas), which would ship to every user.

Python is read as syntax trees (see readiness_python.py), templates with regular expressions; the
app is never imported, so a project that cannot start yet can still be checked.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..kit import KitSettings
from .readiness_python import check_python
from .sourcetree import imported_modules, parse_python, read_text, relative, walk_files

KIT_DIR = Path(__file__).resolve().parent.parent  # the kit itself, when a project vendors it: not the app's code
TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".css", ".js", ".mjs")
TEST_FILES = ("conftest.py", "test_*.py", "*_test.py")

_URL = r"""["']?\s*((?:https?:)?//[^"'\s>)]+)"""
# (pattern, what it loads); group 1 is the URL. `[^>]*` crosses line breaks, as tags do.
_TEMPLATE_PATTERNS = [
    (re.compile(r"<script\b[^>]*?\bsrc\s*=\s*" + _URL, re.IGNORECASE), "a script"),
    (re.compile(r"<img\b[^>]*?\bsrc\s*=\s*" + _URL, re.IGNORECASE), "an image"),
    (re.compile(r"@import\s+(?:url\(\s*)?" + _URL, re.IGNORECASE), "a stylesheet"),
    (re.compile(r"\burl\(\s*" + _URL, re.IGNORECASE), "a file"),
    (re.compile(r"""\bimport\s*(?:[\w*{}\s,$]+?\s*from\s*)?\(?\s*["']((?:https?:)?//[^"']+)"""), "a module"),
]
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_LINK_HREF = re.compile(r"\bhref\s*=\s*" + _URL, re.IGNORECASE)
_LINK_REL = re.compile(r"""\brel\s*=\s*["']?([\w\s-]+)""", re.IGNORECASE)
_HARMLESS_RELS = {"canonical", "alternate", "preconnect", "dns-prefetch", "author", "license", "help", "next",
                  "prev", "search", "me", "external", "nofollow", "noopener", "noreferrer", "bookmark"}
_COMMENTS = re.compile(r"<!--.*?-->|\{#.*?#\}|/\*.*?\*/", re.DOTALL)
_FONT = re.compile(r"\.(?:woff2?|ttf|otf|eot)(?:[?#]|$)|//fonts\.|font", re.IGNORECASE)

SECRET_FILES = {".env": "an environment file (.env)", "*.pem": "a key or certificate (.pem)",
                "*.key": "a private key (.key)", "*.p12": "a key store (.p12)", "*.pfx": "a key store (.pfx)",
                "id_rsa": "an SSH private key", "id_dsa": "an SSH private key", "id_ecdsa": "an SSH private key",
                "id_ed25519": "an SSH private key", "credentials*.json": "a credentials file",
                ".env.*": "an environment file"}
DATABASE_FILES = ("*.sqlite", "*.sqlite3", "*.db")
_HARMLESS_ENV = (".env.example", ".env.sample", ".env.template", ".env.dist")


@dataclass
class Finding:
    """One thing to look at before shipping: where it is, what goes wrong, what to do.
    `line` 0 means the file as a whole (a file that should not be in the bundle)."""

    file: str  # relative to the project folder
    line: int
    problem: str
    fix: str


def check_project(settings: KitSettings) -> list[Finding]:
    """Every finding in the project at `settings.root`, by file and line."""
    root = (settings.root or Path.cwd()).resolve()
    findings = _python_findings(root, settings) + _template_findings(root) + _bundled_file_findings(root, settings)
    return sorted(findings, key=lambda f: (f.file, f.line, f.problem))


def format_findings(findings: list[Finding]) -> str:
    """The findings as the commands print them ("" when there are none)."""
    if not findings:
        return ""
    lines = ["Desktop readiness:"]
    for finding in findings:
        where = f"{finding.file}:{finding.line}" if finding.line else finding.file
        fix = finding.fix if finding.fix.endswith((".", "!", "?", ")")) else finding.fix + "."
        lines.append(f"  {where}: {finding.problem}. Fix: {fix}")
    return "\n".join(lines)


def findings_as_dicts(findings: list[Finding]) -> list[dict]:
    """The findings as JSON-ready dicts (for machine-readable output)."""
    return [asdict(finding) for finding in findings]


def _project_files(root: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    return [path for path in walk_files(root, suffixes) if KIT_DIR not in path.parents]


def _python_findings(root: Path, settings: KitSettings) -> list[Finding]:
    trees = []
    for path in _project_files(root, (".py",)):
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in TEST_FILES):
            continue
        tree = parse_python(path)
        if tree is not None:
            trees.append((relative(path, root), tree))
    uses_flask_sqlalchemy = any("flask_sqlalchemy" in {m.split(".")[0] for m in imported_modules(tree)}
                                for _, tree in trees)
    overridden = frozenset(settings.config)
    return [Finding(file, line, problem, fix)
            for file, tree in trees
            for line, problem, fix in check_python(tree, overridden=overridden, flask_sqlalchemy=uses_flask_sqlalchemy)]


def _template_findings(root: Path) -> list[Finding]:
    findings = []
    for path in _project_files(root, TEMPLATE_SUFFIXES):
        text = read_text(path)
        if text is None:
            continue
        text = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)  # keeps line numbers
        file = relative(path, root)
        static = path.suffix.lower() in (".css", ".js", ".mjs")
        for position, url, what in _external_loads(text):
            line = text.count("\n", 0, position) + 1
            how = ("refer to it with a relative path" if static
                   else "load it with url_for('static', filename='vendor/...')")
            findings.append(Finding(file, line, f"loads {what} from another site ({url}): without a network "
                                                f"connection the page breaks",
                                    f"download the file into the app's static/ folder (e.g. static/vendor/) and {how}"))
    return findings


def _external_loads(text: str) -> list[tuple[int, str, str]]:
    """(position, URL, what) for every resource the text loads from another origin."""
    found: dict[int, tuple[str, str]] = {}
    for pattern, what in _TEMPLATE_PATTERNS:
        for match in pattern.finditer(text):
            url = match.group(1)
            kind = ("a font" if _FONT.search(url) else "an image or file") if what == "a file" else what
            found.setdefault(match.start(1), (url, kind))
    for tag in _LINK.finditer(text):
        href = _LINK_HREF.search(tag.group())
        rel_match = _LINK_REL.search(tag.group())
        rels = set(rel_match.group(1).lower().split()) if rel_match else set()
        if href is None or (rels and rels <= _HARMLESS_RELS):
            continue
        what = ("a stylesheet" if "stylesheet" in rels else "an icon" if "icon" in " ".join(rels)
                else "a font" if _FONT.search(href.group(1)) else "a file")
        found.setdefault(tag.start() + href.start(1), (href.group(1), what))
    return [(position, url, what) for position, (url, what) in sorted(found.items())]


def _bundled_folders(root: Path, settings: KitSettings) -> dict[Path, str]:
    """Folders whose files the builder copies into the bundle, each with how to name it to the developer."""
    folders: dict[Path, str] = {}  # the most telling name first: a file is reported once
    for path in _project_files(root):
        for parent in path.parents:
            if parent == root or root not in parent.parents:
                break
            if parent.name in ("templates", "static"):
                folders.setdefault(parent, f"the {parent.name} folder {relative(parent, root)}/")
    top = settings.factory.partition(":")[0].split(".")[0]
    for base in (root / "src", root):
        if top and (base / top / "__init__.py").is_file():
            folders[base / top] = f"the app package {relative(base / top, root)}/"
            break
    for entry in settings.bundle.datas:
        source = root / entry.rpartition(":")[0]
        folders.setdefault(source, f"[tool.desktop.bundle] datas ({entry.rpartition(':')[0]})")
    return folders


def _bundled_file_findings(root: Path, settings: KitSettings) -> list[Finding]:
    findings: dict[str, Finding] = {}
    for folder, label in _bundled_folders(root, settings).items():
        files = [folder] if folder.is_file() else walk_files(folder) if folder.is_dir() else []
        for path in files:
            name = path.name.lower()
            file = relative(path, root)
            secret = next((kind for pattern, kind in SECRET_FILES.items() if fnmatch.fnmatch(name, pattern)), None)
            if secret and name not in _HARMLESS_ENV:
                findings.setdefault(file, Finding(file, 0, f"{secret} in {label} would be copied into the bundle, "
                                                           "and so to every user",
                                                  "move it out of the app's folders (and keep it out of version "
                                                  "control); per-user secrets belong in the user's config folder, "
                                                  "e.g. a [tool.desktop.env] value using {config}"))
            elif any(fnmatch.fnmatch(name, pattern) for pattern in DATABASE_FILES):
                findings.setdefault(file, Finding(file, 0, f"a database in {label} would be copied into the bundle: "
                                                           "every user would start with this data, and the "
                                                           "install folder is read-only",
                                                  "move it out; let the app create its database in the user data "
                                                  "folder (app.instance_path, or {data} in [tool.desktop.config]), "
                                                  "e.g. with a first_run command"))
    return list(findings.values())
