"""What the builder asks the app: every folder it reads templates and static files from (issue 27)."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

from desktop.builder.probe import collect


def installed_package(root: Path, name: str) -> Path:
    """A package with a templates folder, importable from `root` (as site-packages would hold it)."""
    package = root / name
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "templates" / "toolbar.html").write_text("<div>toolbar</div>")
    return package


def test_an_extensions_own_templates_are_collected(tmp_path, monkeypatch):
    """Flask-DebugToolbar renders its toolbar with an Environment of its own, loading from its package:
    the bundle died at its first page without them."""
    installed_package(tmp_path, "toolbarpkg")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("toolbarpkg", None)

    class Toolbar:
        def __init__(self, app):
            self.jinja_env = Environment(loader=PackageLoader("toolbarpkg", "templates"))
            app.extensions["toolbar"] = self

    app = Flask("probed", root_path=str(tmp_path))
    Toolbar(app)
    assert collect(app, [tmp_path.resolve()])["folders"][str((tmp_path / "toolbarpkg" / "templates").resolve())] \
        == "toolbarpkg/templates"


def test_choice_and_prefix_loaders_are_followed(tmp_path):
    for name in ("one", "two", "three"):
        (tmp_path / name).mkdir()
    app = Flask("probed", root_path=str(tmp_path))
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(tmp_path / "one")),
                                     PrefixLoader({"admin": FileSystemLoader(str(tmp_path / "two")),
                                                   "other": FileSystemLoader(str(tmp_path / "three"))})])
    places = set(collect(app, [tmp_path.resolve()])["folders"].values())
    assert {"one", "two", "three"} <= places
