"""`inkwell` (the console script) and `python -m webapp`: Inkwell in its window, from source.

The same as `python -m desktop run` in this repository: the kit reads Inkwell's [tool.desktop]
from the pyproject.toml beside this package. The shipped app is the frozen bundle instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Run Inkwell with the shell's options (never the kit's builder commands)."""
    from desktop.earlystart import start_early, wants_app

    args = sys.argv[1:] if argv is None else argv
    if wants_app(args):  # first: the app process starts on the other core while this one starts the window
        start_early()
    from desktop.launcher import run_app
    from desktop.project import load_project, make_importable

    settings = load_project(PROJECT)
    make_importable(settings)
    return run_app(settings, args)


if __name__ == "__main__":
    sys.exit(main())
