"""`python -m desktop init`: make a Flask project a desktop project.

Finds the app as `flask run` would (see appfinder.py), reads what the source says about its
database, migrations and set-up commands (projectfacts.py), and appends a commented [tool.desktop]
table to the project's pyproject.toml, which it creates if there is none. The rest of the file is
left exactly as it was; the result is parsed back before anything is written, so a file init would
break is never saved. Then it prints the readiness findings and the commands to try next.

`--spec` copies the kit's PyInstaller spec into the project, for projects that need to edit it.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path

from ..errors import ConfigError, UsageError
from ..kit import KitSettings, parse_kit_settings, read_pyproject, slugify, tomllib
from .appfinder import AppCandidate, FoundApp, find_app
from .inittable import TableChoices, render_table, spec_line, toml_string
from .projectfacts import display_name, read_facts, suggest_app_id
from .readiness import check_project, format_findings
from .specfile import RESOURCES

KIT_SPEC = "app.spec"


def main(argv: list[str], *, project: Path | None = None) -> int:
    """Run `init` in `project` (default: the current directory); return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m desktop init",
        description="Add a [tool.desktop] table for your Flask app to pyproject.toml (created if missing).")
    parser.add_argument("--app", metavar="MODULE:NAME",
                        help="the app, as for `flask --app`: module, module:create_app, module:create_app(), "
                             "or path/to/file.py (default: $FLASK_APP, .flaskenv, or a guess)")
    parser.add_argument("--name", help="the app's name as users see it (default: from [project] name)")
    parser.add_argument("--spec", action="store_true",
                        help="also copy the kit's PyInstaller spec into the project, to edit it")
    parser.add_argument("--force", action="store_true", help="overwrite an existing spec file (with --spec)")
    args = parser.parse_args(argv)
    root = (project or Path.cwd()).resolve()
    pyproject = root / "pyproject.toml"
    original = pyproject.read_bytes() if pyproject.is_file() else None
    document = read_pyproject(pyproject) if original is not None else {}
    if "desktop" in document.get("tool", {}):
        return _spec_for_existing_table(root, document, args)
    found = _choose_app(root, args.app)
    facts = read_facts(root)
    project_table = document.get("project", {})
    project_name = project_table.get("name") if isinstance(project_table.get("name"), str) else ""
    name = args.name or display_name(project_name or root.name)
    spec = f"{slugify(name)}.spec" if args.spec else ""
    if spec:
        _check_spec_target(root / spec, force=args.force)
    choices = TableChoices(name=name, app_id=suggest_app_id(name, _author_email(project_table)),
                           factory=found.factory, factory_source=_source(found), facts=facts, spec=spec)
    new_content = _new_content(original, root, choices)
    settings = _checked_settings(new_content, root)
    pyproject.write_bytes(new_content)
    _report(choices, created=original is None)
    if original is not None and not isinstance(project_table.get("version"), str):
        print(f"Note: pyproject.toml has no [project] version, so the app's is {settings.version} until you add one.")
    if spec:
        _copy_spec(root / spec)
        print(f"Wrote {spec}: the kit's PyInstaller spec, now yours to edit ([tool.desktop.bundle] spec names it).")
    _print_readiness_and_next_steps(root, settings)
    return 0


def _spec_for_existing_table(root: Path, document: dict, args: argparse.Namespace) -> int:
    """A project that already has its table: only `--spec` has something left to do."""
    if not args.spec or args.app or args.name:
        raise ConfigError(f"{root / 'pyproject.toml'} already has a [tool.desktop] table; init leaves it alone. "
                          "Edit it by hand (or delete it and run init again); `python -m desktop init --spec` "
                          "adds a PyInstaller spec to a project that has one")
    settings = parse_kit_settings(document, root=root)
    spec = f"{settings.slug}.spec"
    _check_spec_target(root / spec, force=args.force)
    _copy_spec(root / spec)
    print(f"Wrote {spec}: the kit's PyInstaller spec, now yours to edit.")
    if settings.bundle.spec == spec:
        print("[tool.desktop.bundle] already names it: `python -m desktop build` uses it.")
    else:
        print("To build with it, add this line to the [tool.desktop.bundle] table of pyproject.toml "
              "(create the table if there is none):\n"
              f"    {spec_line(spec)}")
    return 0


def _choose_app(root: Path, app_option: str | None) -> FoundApp:
    """The app to ship: found, picked by the developer at a terminal, or an error naming --app."""
    result = find_app(root, app_option)
    if isinstance(result, FoundApp):
        return result
    if not result:
        raise UsageError(f"found no Flask app in {root}: there is no wsgi.py or app.py, and no package or module "
                         "here (or in src/) defines create_app/make_app or a module-level `app = Flask(...)`. "
                         "Name it: python -m desktop init --app yourpackage:create_app")
    listing = "\n".join(f"  {index}. {candidate.describe()}" for index, candidate in enumerate(result, 1))
    if not sys.stdin.isatty():
        raise UsageError(f"found several Flask apps; name the one to ship with --app:\n{listing}\n"
                         f"e.g. python -m desktop init --app {result[0].factory}")
    return FoundApp(_ask(result, listing).factory, "chosen by you")


def _ask(candidates: list[AppCandidate], listing: str) -> AppCandidate:
    print(f"Found several Flask apps:\n{listing}")
    while True:
        try:
            answer = input(f"Which one is the app to ship? [1-{len(candidates)}] ").strip()
        except EOFError:
            raise UsageError("no app chosen; name it with --app MODULE:NAME") from None
        if answer.isdigit() and 1 <= int(answer) <= len(candidates):
            return candidates[int(answer) - 1]
        print(f"Type a number from 1 to {len(candidates)} (or press Ctrl+C and use --app).")


def _source(found: FoundApp) -> str:
    if found.candidate is not None:
        return f"found in {found.candidate.file}:{found.candidate.line}"
    return f"from {found.source}"


def _author_email(project_table: dict) -> str:
    authors = project_table.get("authors")
    if isinstance(authors, list):
        for author in authors:
            if isinstance(author, dict) and isinstance(author.get("email"), str):
                return author["email"]
    return ""


def _new_content(original: bytes | None, root: Path, choices: TableChoices) -> bytes:
    """The pyproject.toml's bytes with the table appended (or a minimal new file with it)."""
    table = render_table(choices)
    if original is None:
        head = f"[project]\nname = {toml_string(slugify(root.name))}\nversion = \"0.1.0\"\n"
        return (head + table).encode("utf-8")
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    separator = b"" if not original or original.endswith(b"\n") else newline
    return original + separator + table.replace("\n", newline.decode()).encode("utf-8")


def _checked_settings(content: bytes, root: Path) -> KitSettings:
    """Parse the new file as TOML and as kit settings: never save a file the kit (or pip) can't read."""
    try:
        document = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"adding [tool.desktop] to {root / 'pyproject.toml'} would make it invalid TOML ({exc}); "
                          "nothing was written. Does the file define `tool` in an unusual way (e.g. an inline "
                          "table)? Add the table by hand") from exc
    return parse_kit_settings(document, root=root)


def _report(choices: TableChoices, *, created: bool) -> None:
    facts = choices.facts
    print(f"App: {choices.factory} ({choices.factory_source})")
    print(f"Name: {choices.name}; app id: {choices.app_id} (change it to a domain you own)")
    print(f"Icon: {facts.icon}" if facts.icon else
          "Icon: none found (a square PNG of 256x256 or more, outside vendored folders); set `icon` to one, or "
          "the app gets one made of its initial")
    if facts.migrations:
        print(f"Flask-Migrate: {facts.migrations.where()}, so migrate = true (the database is upgraded at start)")
    if facts.setup_command and not facts.migrations:
        print(f"Set-up command: `flask {facts.setup_command.value}` ({facts.setup_command.where()}), "
              f"so first_run runs it once per user data folder")
    elif facts.setup_command:
        print(f"Set-up command: `flask {facts.setup_command.value}` ({facts.setup_command.where()}) left commented "
              "out in first_run: Flask-Migrate creates the tables")
    if facts.sqlite_database:
        print(f"Database: SQLite ({facts.sqlite_database.where()}), moved to the user data folder by "
              f"[tool.desktop.config] SQLALCHEMY_DATABASE_URI")
    action = "Created pyproject.toml with" if created else "Appended to pyproject.toml"
    print(f"{action} a [tool.desktop] table; its comments explain each setting.")


def _print_readiness_and_next_steps(root: Path, settings: KitSettings) -> None:
    findings = check_project(settings)
    print()
    print(format_findings(findings) if findings else "Desktop readiness: nothing found to fix.")
    command = "python -m desktop"
    if root != Path.cwd().resolve():
        command += f" --project {shlex.quote(str(root))}"
    print("\nNext:")
    for step, what in (("run", "the app in its window"), ("self-test", "open it, check it, print one JSON line"),
                       ("build", "a bundle in dist/"), ("package", "the installers this OS can make")):
        print(f"  {command} {step}".ljust(len(command) + 14) + f"  # {what}")


def _check_spec_target(path: Path, *, force: bool) -> None:
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; pass --force to replace it with the kit's spec")


def _copy_spec(path: Path) -> None:
    shutil.copyfile(RESOURCES / KIT_SPEC, path)
