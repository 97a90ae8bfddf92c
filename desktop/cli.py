"""Command-line options of the shell (`python -m desktop`, or the app's own executable)."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field

from .kit import KitSettings
from .paths import DATA_DIR_ENV

APP_ENV = "DESKTOP_APP"


@dataclass(frozen=True)
class Options:
    """Parsed command line."""

    app: str
    data_dir: str | None
    browser: bool
    open_browser: bool
    self_test: bool
    log_level: str | None
    kiosk: bool = False
    dev: bool = False
    files: list[str] = field(default_factory=list)
    flask: list[str] | None = None  # --flask ARGS: the app's own Flask CLI, on the desktop data
    set_kiosk_pin: bool = False
    check_updates: bool = False


def build_parser(kit: KitSettings) -> argparse.ArgumentParser:
    """The argument parser, with help text naming this app."""
    parser = argparse.ArgumentParser(
        prog=kit.slug,
        description=f"{kit.name}: runs the app on 127.0.0.1 and shows it in a native window.",
        epilog=(
            "Files: the database, config.toml, the secret key and app.log live in your user "
            "directories (run with --paths to see them), or under --data-dir."
        ),
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE",
        help=(f"files (or app links, e.g. {kit.url_scheme}://...) " if kit.url_scheme else "files ")
        + "to open in the app; if it is running already, it opens them and comes to the front",
    )
    parser.add_argument(
        "--version", action="version",
        version=f"{kit.name} {kit.version}",
        help="print the app's version and exit",
    )
    parser.add_argument(
        "--app", metavar="MODULE:FACTORY", default=os.environ.get(APP_ENV) or kit.factory,
        help=f"the Flask app factory to host (default: {kit.factory}, or ${APP_ENV})",
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", default=None,
        help=f"keep data, config, logs and cache under DIR instead of the user directories "
             f"(portable mode; also ${DATA_DIR_ENV})",
    )
    parser.add_argument(
        "--browser", action="store_true",
        help="no native window: serve the app and open it in the default web browser",
    )
    parser.add_argument(
        "--no-open", dest="open_browser", action="store_false",
        help="with --browser: only print the URL, don't open a browser",
    )
    parser.add_argument(
        "--dev", action="store_true",
        help="developer mode: reload the window when the app's templates or static files change, restart "
             "the app when its Python code changes, and show errors with the Werkzeug debugger",
    )
    parser.add_argument(
        "--kiosk", action="store_true",
        help="kiosk mode: full screen and locked to the app; leaving asks for the exit PIN "
             "(see [kiosk] in config.toml)",
    )
    parser.add_argument(
        "--set-kiosk-pin", action="store_true",
        help="set the PIN that leaves kiosk mode (asked twice, or one line on standard input), kept hashed "
             "in config.toml, then exit",
    )
    parser.add_argument(
        "--self-test", action="store_true",
        help="open the window, check that the app loads and renders, close it, print one JSON "
             "line and exit 0 only if every check passed",
    )
    parser.add_argument(
        "--check-updates", action="store_true",
        help="look for a newer version now; if there is one, download and verify it, print what happened and "
             "exit (it applies at the next start)",
    )
    parser.add_argument(
        "--paths", action="store_true",
        help="print where the app keeps its files and exit",
    )
    parser.add_argument(
        "--flask", nargs=argparse.REMAINDER, metavar="COMMAND",
        help="run one of the app's own Flask CLI commands on the desktop data folder and exit "
             "(for example: --flask db upgrade); must come last",
    )
    parser.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], type=str.upper, default=None,
        help="override the log level set in config.toml",
    )
    return parser


def parse_args(kit: KitSettings, argv: list[str] | None = None) -> tuple[Options, bool]:
    """Parse `argv`; return the options and whether only the paths were asked for."""
    parser = build_parser(kit)
    namespace = parser.parse_args(argv)
    if not namespace.app:
        parser.error("no Flask app to host: set factory in [tool.desktop] (python -m desktop init), or pass --app")
    if not namespace.open_browser and not namespace.browser:
        parser.error("--no-open only makes sense with --browser")
    if namespace.dev and (namespace.browser or namespace.self_test or namespace.kiosk):
        parser.error("--dev works with the native window only (not with --browser, --self-test or --kiosk)")
    if namespace.kiosk and namespace.browser:
        parser.error("--kiosk needs the native window; it can't be combined with --browser")
    if namespace.self_test and namespace.browser:
        parser.error("--self-test checks the native window; it can't be combined with --browser")
    options = Options(
        app=namespace.app,
        data_dir=namespace.data_dir,
        browser=namespace.browser,
        open_browser=namespace.open_browser,
        self_test=namespace.self_test,
        log_level=namespace.log_level,
        files=namespace.files,
        kiosk=namespace.kiosk,
        dev=namespace.dev,
        flask=namespace.flask,
        set_kiosk_pin=namespace.set_kiosk_pin,
        check_updates=namespace.check_updates,
    )
    return options, namespace.paths
