"""The commented [tool.desktop] table `init` appends to a project's pyproject.toml.

Written as text, not through a TOML writer: the developer's file stays byte-for-byte as it was, and
the new table explains itself in comments (what each key does, what init found, what to change).
Optional keys the project does not need yet are written commented out, as examples.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kit import WindowSettings
from .projectfacts import ProjectFacts

COMMENT_COLUMN = 44


@dataclass(frozen=True)
class TableChoices:
    """The values init settled on."""

    name: str
    app_id: str
    factory: str
    factory_source: str  # where the factory came from, for its comment
    facts: ProjectFacts
    spec: str = ""  # a project spec file written by --spec


def toml_string(value: str) -> str:
    """`value` as a TOML basic string."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _line(setting: str, comment: str = "") -> str:
    """A key = value line with its comment aligned (commented-out settings start with "# ")."""
    if not comment:
        return setting
    return f"{setting.ljust(COMMENT_COLUMN - 1)} # {comment}"


def render_table(choices: TableChoices) -> str:
    """The table's text, starting with a blank line and ending with a newline."""
    facts = choices.facts
    lines = [
        "",
        "# How flask-desktop ships this project as a desktop app (written by `python -m desktop init`).",
        "# Lines starting with `# key =` are optional settings, shown as examples: uncomment to use them.",
        "[tool.desktop]",
        _line(f"name = {toml_string(choices.name)}", "user folders, window title, bundle and executable name"),
        _line(f"app_id = {toml_string(choices.app_id)}",
              "reverse-DNS id (macOS bundle id, Linux desktop entry): change it to a domain you own"),
        _line(f"factory = {toml_string(choices.factory)}",
              f"the Flask app or factory the shell hosts ({choices.factory_source})"),
    ]
    if facts.icon:
        lines.append(_line(f"icon = {toml_string(facts.icon)}",
                           "one square PNG (512x512 or more); installers make every size"))
    else:
        lines.append(_line('# icon = "assets/icon.png"', "one square PNG (512x512 or more); none was found, so the "
                                                         "app gets one made of its initial"))
    lines.append(_line('# health_path = "/healthz"', "a page the self-test checks besides the start page"))
    if facts.migrations:
        lines.append(_line("migrate = true", f"Flask-Migrate upgrades the database at start, after a backup "
                                             f"({facts.migrations.where()})"))
    else:
        lines.append(_line("# migrate = true", "run Flask-Migrate's upgrade at start (after a backup)"))
    command = facts.setup_command
    if command and not facts.migrations:
        lines.append(_line(f"first_run = [{toml_string(command.value)}]",
                           f"run once per user data folder: `flask {command.value}` ({command.where()})"))
    elif command:
        lines.append(_line(f"# first_run = [{toml_string(command.value)}]",
                           "Flask-Migrate creates the tables; add commands that do more (e.g. seed data)"))
    else:
        lines.append(_line('# first_run = ["init-db"]', "the app's Flask commands, run once per user data folder"))
    lines += _config_lines(facts)
    lines += [
        "",
        "# Environment variables set before the app's module is imported ({data}-style folders work here too).",
        "# [tool.desktop.env]",
        '# MYAPP_SETTINGS = "{config}/settings.cfg"',
        "",
        "[tool.desktop.window]",
        _line(f"title = {toml_string(choices.name)}", "the window's title (and the Linux menu entry's)"),
        _line(f"width = {WindowSettings.width}", "the first window's size: later the user's own is kept"),
        f"height = {WindowSettings.height}",
        "",
        "# What the bundle needs beyond what `build` learns by asking the app (templates, static, migrations).",
    ]
    lines += ["[tool.desktop.bundle]", _line(f"spec = {toml_string(choices.spec)}",
                                             "this project's own PyInstaller spec (python -m desktop init --spec)")] \
        if choices.spec else ["# [tool.desktop.bundle]"]
    lines += [
        _line('# hidden_imports = ["myapp.plugins.extra"]', "modules the app imports by name at run time"),
        _line('# datas = ["seed/data.json:seed"]', '"SOURCE:DEST", SOURCE relative to this file'),
        _line('# excludes = ["matplotlib"]', "modules the desktop app never uses"),
    ]
    if not choices.spec:
        lines.append(_line('# spec = "app.spec"', "your own PyInstaller spec: python -m desktop init --spec"))
    return "\n".join(lines) + "\n"


def _config_lines(facts: ProjectFacts) -> list[str]:
    lines = [
        "",
        "# Flask config for the desktop app (it wins over the app's own); {data}, {config}, {cache} and {logs}",
        "# are the user's folders. The kit sets SECRET_KEY (one per install) and makes {data} the instance folder.",
    ]
    database = facts.sqlite_database
    if database:
        uri = f"sqlite:///{{data}}/{database.value}"
        return lines + ["[tool.desktop.config]",
                        _line(f"SQLALCHEMY_DATABASE_URI = {toml_string(uri)}",
                              f"in the user data folder, not beside the code ({database.where()})")]
    return lines + ["# [tool.desktop.config]", '# SQLALCHEMY_DATABASE_URI = "sqlite:///{data}/app.db"']


def spec_line(spec: str) -> str:
    """What to add to an existing [tool.desktop.bundle] table to use a project spec."""
    return f"spec = {toml_string(spec)}"
