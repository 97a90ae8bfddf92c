"""Shared fixtures: the Flask app on a real SQLite file, its clients, and a real display.

GUI tests (marker `gui`) get a display: the current one, or an Xvfb server started for the
session. With CI=true a GUI test never skips: a missing display is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.display import virtual_display

IN_CI = os.environ.get("CI", "").lower() == "true"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty folder standing in for the user's data dir."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A database file migrated to the newest schema once; each test gets a copy."""
    from webapp import create_app  # here: the kit's own tests never import Inkwell
    from webapp.config import TestingConfig
    from webapp.extensions import db

    folder = tmp_path_factory.mktemp("template")
    app = create_app(TestingConfig, instance_path=str(folder))
    with app.app_context():
        db.engine.dispose()
    return folder / TestingConfig.DATABASE_FILENAME


@pytest.fixture
def app(data_dir: Path, migrated_database: Path):
    """The webapp in testing mode, its SQLite database a real file under `data_dir`."""
    from webapp import create_app
    from webapp.config import TestingConfig
    from webapp.extensions import db

    shutil.copyfile(migrated_database, data_dir / migrated_database.name)
    app = create_app(TestingConfig, instance_path=str(data_dir))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner."""
    return app.test_cli_runner()


def need(condition: bool, reason: str) -> None:
    """Skip when `condition` is false; under CI=true fail instead, so nothing silently skips."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (a GUI, bundle or browser test must run when CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def display_env():
    """Environment with a usable DISPLAY (Xvfb if needed) for GUI tests."""
    has_display = bool(os.environ.get("DISPLAY")) or shutil.which("Xvfb") is not None
    need(has_display, "no display and no Xvfb")
    with virtual_display() as env:
        yield env


@pytest.fixture(autouse=True)
def _umask_kept():
    """The shell sets umask 077 where it runs (paths.keep_files_private): not for the tests after."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A throwaway HOME for shell processes, to prove nothing of ours is written there."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty current directory for shell processes, to prove nothing is written there."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests keep screenshots for people to look at ($ARTIFACTS_DIR or .artifacts/)."""
    folder = Path(os.environ.get("ARTIFACTS_DIR", REPO / ".artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [  # as root, offline: no sandbox, and no background calls to the network
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]


@pytest.fixture(scope="session")
def browser():
    """A real Chromium (Debian's), driven by Playwright."""
    need(CHROMIUM is not None, "no chromium installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on 127.0.0.1, as the desktop shell serves it."""
    from desktop.server import LocalServer

    server = LocalServer(app_name="Inkwell", bearer_path="/api/")
    server.serve(app)
    yield server
    server.stop()
