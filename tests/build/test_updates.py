"""Signed updates, the whole cycle, as a developer and a user go through it: a project outside this
repository (the ledger sample) gets keys and an update URL, is packaged as version 1 and installed
for the user; version 2 is built and published; the running app finds it, shows its banner, and
"Restart now" brings version 2 in. Then a version 3 that fails its self-test is published (as a
patch), fetched with --check-updates and rolled back at the next start.

The repository is served over HTTP on 127.0.0.1. Version 3 is version 2's bundle with a factory
that doesn't exist (a build is a minute; the update path doesn't care how the bytes were made).
"""

from __future__ import annotations

import json
import platform
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.build.conftest import PROJECTS, kit
from desktop.updateinstall import extract_safely
from desktop.updates import platform_tag
from tests.desktop.test_updates import serving
from tests.support.processes import running, shell_env, wait_for
from tests.desktop.test_appprocess import click_restart
from tests.support.screen import screenshot, wait_for_color, wait_for_window

pytestmark = pytest.mark.bundle

BANNER_BLUE = (0x1D, 0x4F, 0x91)  # banner.COLORS["info"]: the "is ready ... Restart now" banner


def set_version(project: Path, version: str) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace(text.split('version = "', 1)[1].split('"', 1)[0], version, 1))


def version_of(executable: Path, env: dict) -> str:
    return subprocess.run([str(executable), "--version"], env=env, capture_output=True, text=True,
                          timeout=60).stdout.strip()


def has_button(image) -> bool:
    """Whether the blue banner shows its button ("Restart now") at its right end."""
    bar = [(x, y) for x in range(0, image.width, 2) for y in range(0, image.height, 2)
           if image.getpixel((x, y)) == BANNER_BLUE]
    if len(bar) < 500:
        return False
    right = max(x for x, _ in bar)
    rows = [y for x, y in bar if x == right]
    return image.getpixel((right - 50, sum(rows) // len(rows))) != BANNER_BLUE


@pytest.mark.timeout(480)  # three real bundles' worth of work, and a window's worth of clicking
def test_a_per_user_install_updates_itself_and_rolls_back_an_update_that_fails(
        kit_python, tmp_path, display_env, home, artifacts_dir):
    project = tmp_path / "ledger"
    shutil.copytree(PROJECTS / "ledger", project)
    keys, repo = tmp_path / "keys", tmp_path / "repo"
    repo.mkdir()  # served from the start: its URL goes into the app
    with serving(repo) as url:
        repo.rmdir()
        made = kit(kit_python, project, "keys", "init", "--keys", str(keys), "--repo", str(repo))
        assert made.returncode == 0, made.stdout + made.stderr
        assert (project / "update" / "root.json").is_file() and (keys / "root.pem").is_file()
        inside = kit(kit_python, project, "keys", "init", "--keys", str(project / "k"), "--repo", str(tmp_path / "r"))
        assert inside.returncode != 0 and "keep the keys outside the project" in inside.stderr
        with (project / "pyproject.toml").open("a") as fh:
            fh.write(f'\n[tool.desktop.update]\nurl = "{url}"\n')

        packaged = kit(kit_python, project, "package", "--format", "user")  # version 1.2.0, for the user
        assert packaged.returncode == 0, packaged.stdout + packaged.stderr
        set_version(project, "2.0.0")
        published = kit(kit_python, project, "publish", "--keys", str(keys), "--repo", str(repo))
        assert published.returncode == 0, published.stdout + published.stderr
        assert f"Published Ledger 2.0.0 for {platform_tag()} on stable" in published.stdout

        extract_safely(project / "dist" / f"ledger-1.2.0-linux-{platform.machine()}.tar.gz", tmp_path / "download")
        env = shell_env(display_env, home, XDG_DATA_HOME=str(home / ".local" / "share"))
        subprocess.run([str(tmp_path / "download" / "ledger-1.2.0" / "install.sh")], env=env, check=True,
                       capture_output=True, timeout=300)
        executable = home / ".local" / "bin" / "ledger"
        assert version_of(executable, env) == "Ledger 1.2.0"

        log = home / ".local" / "state" / "Ledger" / "log" / "app.log"

        # Version 1 runs, finds 2.0.0 in the background, and offers it; "Restart now" brings it in.
        with running([str(executable)], env=env, cwd=home) as app:
            wait_for_window(display_env, "Entries · Ledger", timeout=60)
            wait_for_color(display_env, BANNER_BLUE, min_pixels=2000, timeout=120)  # "Downloading ... %"
            wait_for(lambda: "update 2.0.0 staged" in log.read_text(), timeout=120)
            shots: list = []
            wait_for(lambda: shots.append(screenshot(display_env)) or has_button(shots[-1]), timeout=30)
            shots[-1].save(artifacts_dir / "update-ready.png")
            assert version_of(executable, env) == "Ledger 1.2.0"  # nothing changes until the user says so
            click_restart(display_env, shots[-1], BANNER_BLUE)  # "Restart now"
            wait_for(lambda: f"starting Ledger 2.0.0 (pid {app.pid}," in log.read_text(), timeout=180)
            wait_for_window(display_env, "Entries · Ledger", timeout=60)
            app.send_signal(signal.SIGTERM)
            assert app.wait(30) == 0
        assert "update 2.0.0 applied; checking it with its self-test" in log.read_text()
        assert version_of(executable, env) == "Ledger 2.0.0"

        def start_and_close(ready_line: str) -> None:
            """Start the app as the user does; once it runs as `ready_line` says (an update's self-test
            opens a window of its own first), wait for its window and close it."""
            with running([str(executable)], env=env, cwd=home) as app:
                wait_for(lambda: ready_line.format(pid=app.pid) in log.read_text(), timeout=180)
                wait_for_window(display_env, "Entries · Ledger", timeout=60)
                app.send_signal(signal.SIGTERM)
                assert app.wait(30) == 0

        assert (home / ".local" / "share" / "org.example.ledger.previous").is_dir()  # version 1, kept

        # Version 3 can't even build its app: it fails its self-test, and version 2 comes back.
        settings_file = project / "dist" / "Ledger" / "_internal" / "desktop-settings.json"
        settings = json.loads(settings_file.read_text())
        settings_file.write_text(json.dumps({**settings, "version": "3.0.0", "factory": "ledger:no_such_factory"}))
        set_version(project, "3.0.0")
        published = kit(kit_python, project, "publish", "--no-build", "--keys", str(keys), "--repo", str(repo))
        assert published.returncode == 0, published.stdout + published.stderr
        assert "patch from 2.0.0" in published.stdout  # only the settings changed: users fetch a few kB
        checked = subprocess.run([str(executable), "--check-updates"], env=env, capture_output=True, text=True,
                                 timeout=300)
        assert "Ledger 3.0.0 is downloaded and verified" in checked.stdout, checked.stdout + checked.stderr
        assert "3.0.0 was rebuilt from this version and a" in log.read_text()
        start_and_close("update 3.0.0 failed its self-test: rolled back")
        assert version_of(executable, env) == "Ledger 2.0.0"
