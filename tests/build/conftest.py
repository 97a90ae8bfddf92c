"""Bundles and packages, built once per test session and shared by the packaging tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, need

PROJECTS = Path(__file__).parent / "projects"
INKWELL_DIST = REPO / "dist"


def kit(python: Path | str, project: Path, *args: str, env: dict | None = None, timeout: float = 900):
    """`python -m desktop ARGS` in the project's folder, as its developer types it."""
    environment = {k: v for k, v in (env or os.environ).items() if not k.startswith("DESKTOP_")}
    environment["DESKTOP_NO_DIALOG"] = "1"
    return subprocess.run([str(python), "-m", "desktop", *args], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=timeout)


def report_of(result) -> dict:
    """The self-test's JSON line."""
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout + result.stderr
    return json.loads(lines[-1])


@pytest.fixture(scope="session")
def inkwell_build():
    """Inkwell's folder bundle and .deb, made by the same commands as any project's."""
    need(sys.platform.startswith("linux"), "the bundle tests run on Linux")
    from tests.support.processes import untracked_files

    before = untracked_files()
    built = kit(sys.executable, REPO, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    packaged = kit(sys.executable, REPO, "package", "--no-build")
    assert packaged.returncode == 0, packaged.stdout + packaged.stderr
    return built.stdout + packaged.stdout, untracked_files() - before


@pytest.fixture(scope="session")
def kit_python(tmp_path_factory) -> Path:
    """A fresh venv with the kit (and its builder) installed from this repository, and nothing of Inkwell."""
    need(sys.platform.startswith("linux") and shutil.which("dpkg-deb") is not None,
         "the outside-project tests build Linux bundles and .debs")
    venv = tmp_path_factory.mktemp("kit-venv")
    # A copy, as a downloaded source: pip builds in the source folder, and that is not this repository.
    source = tmp_path_factory.mktemp("kit-source") / "desktop"
    shutil.copytree(REPO / "desktop", source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The sample projects' own dependencies, as their developers would have them.
    footer = tmp_path_factory.mktemp("extension-source") / "flasky_footer"  # pip builds in it: not here
    shutil.copytree(PROJECTS / "flasky_footer", footer)
    result = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                             f"{source}[build]", "flask-sqlalchemy>=3.1", "flask-migrate>=4.0",
                             str(footer)],  # an extension with templates of its own
                            timeout=900, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return python


def _copy(name: str, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("outside") / name
    shutil.copytree(PROJECTS / name, target)
    return target


@pytest.fixture(scope="session")
def ledger_project(tmp_path_factory) -> Path:
    """A Flask-SQLAlchemy + Flask-Migrate app with a config class and a hand-written [tool.desktop]."""
    return _copy("ledger", tmp_path_factory)


@pytest.fixture(scope="session")
def flaskr_project(tmp_path_factory, kit_python) -> tuple[Path, str]:
    """Flask's tutorial shape, its [tool.desktop] written by `init`; with init's output."""
    project = _copy("flaskr", tmp_path_factory)
    init = kit(kit_python, project, "init", timeout=120)
    assert init.returncode == 0, init.stdout + init.stderr
    return project, init.stdout


def _package(python: Path, project: Path) -> Path:
    result = kit(python, project, "package")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Built" in result.stdout
    return project


@pytest.fixture(scope="session")
def ledger_packaged(kit_python, ledger_project) -> Path:
    return _package(kit_python, ledger_project)


@pytest.fixture(scope="session")
def flaskr_packaged(kit_python, flaskr_project) -> Path:
    return _package(kit_python, flaskr_project[0])


def _initialised(name: str, tmp_path_factory, kit_python) -> tuple[Path, str]:
    project = _copy(name, tmp_path_factory)
    init = kit(kit_python, project, "init", timeout=120)
    assert init.returncode == 0, init.stdout + init.stderr
    return project, init.stdout


@pytest.fixture(scope="session")
def flasky_project(tmp_path_factory, kit_python) -> tuple[Path, str]:
    """The Flask book's shape (create_app(config_name), flasky.py named by .flaskenv), after `init`."""
    return _initialised("flasky", tmp_path_factory, kit_python)


@pytest.fixture(scope="session")
def blog_project(tmp_path_factory, kit_python) -> tuple[Path, str]:
    """create_app(config_name=None) with its logs beside the code, after `init`."""
    return _initialised("blog", tmp_path_factory, kit_python)
