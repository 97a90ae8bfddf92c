"""The kit is a distribution of its own (desktop/pyproject.toml): complete, and free of Inkwell."""

from __future__ import annotations

from pathlib import Path

from desktop.kit import tomllib

KIT = Path(__file__).resolve().parents[2] / "desktop"
PYPROJECT = tomllib.loads((KIT / "pyproject.toml").read_text())


def test_every_subpackage_and_resource_is_in_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {"desktop" + ".".join([""] + list(p.parent.relative_to(KIT).parts)).rstrip(".")
             for p in KIT.rglob("__init__.py") if "build" not in p.relative_to(KIT).parts[:1]}
    assert listed == found
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["desktop.builder"]
    resources = {str(p.relative_to(KIT / "builder")) for p in (KIT / "builder" / "resources").rglob("*") if p.is_file()
                 and "__pycache__" not in p.parts}
    covered = {r for r in resources if any(Path(r).match(pattern) for pattern in patterns)}
    assert covered == resources


def test_the_kit_depends_on_nothing_of_inkwell():
    names = " ".join(PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["build"])
    for inkwell_only in ("nh3", "markdown-it", "flask-wtf", "flask-sqlalchemy", "flask-migrate", "inkwell"):
        assert inkwell_only not in names.lower()
    assert "desktop.flask_cli:cli" == PYPROJECT["project"]["entry-points"]["flask.commands"]["desktop"]


def test_no_kit_module_imports_inkwell():
    for module in KIT.rglob("*.py"):
        text = module.read_text()
        assert "import webapp" not in text and "from webapp" not in text, module
