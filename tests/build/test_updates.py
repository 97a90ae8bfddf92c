"""Signed updates with the real bundle: a per-user install of version 1 updates itself to version 2,
served by a local update repository, and an update that fails its self-test is rolled back.

Versions 2 and 3 are Inkwell's bundle with other settings inside (a build is a minute; the update
path doesn't care how the bytes were made): 3 names a factory that doesn't exist, so it can't
pass its self-test.
"""

from __future__ import annotations

import json
import platform
import shutil
import signal
import subprocess
import tarfile
from pathlib import Path

import pytest

from desktop.builder.updates import UpdateRepository, init_keys
from tests.conftest import REPO
from tests.desktop.test_updates import serving
from tests.support.processes import running, shell_env, wait_for
from tests.support.screen import wait_for_window

pytestmark = pytest.mark.bundle
DIST = REPO / "dist"
SETTINGS = Path("_internal") / "desktop-settings.json"


def with_settings(bundle: Path, **changes) -> None:
    """Change the settings a bundle carries (as a build with other [tool.desktop] values would)."""
    data = json.loads((bundle / SETTINGS).read_text())
    for key, value in changes.items():
        if isinstance(value, dict):
            data[key] = {**data.get(key, {}), **value}
        else:
            data[key] = value
    (bundle / SETTINGS).write_text(json.dumps(data))


def version_of(executable: Path, env: dict) -> str:
    return subprocess.run([str(executable), "--version"], env=env, capture_output=True, text=True,
                          timeout=60).stdout.strip()


def test_a_per_user_install_updates_itself_and_rolls_back_an_update_that_fails(
        inkwell_build, tmp_path, display_env, home):
    version = json.loads((DIST / "Inkwell" / SETTINGS).read_text())["version"]
    keys, repo_dir = tmp_path / "keys", tmp_path / "repo"
    root_file = init_keys(keys, repo_dir)
    repository = UpdateRepository(repo_dir)
    with serving(repo_dir) as url:
        update = {"url": url, "root": "update-root.json", "channel": "stable", "check_hours": 24}

        def release(number: str, **changes) -> Path:
            folder = tmp_path / f"Inkwell-{number}"
            shutil.copytree(DIST / "Inkwell", folder, symlinks=True)
            shutil.copyfile(root_file, folder / "_internal" / "update-root.json")
            with_settings(folder, version=number, update=update, **changes)
            return folder

        repository.publish(release("2.0.0"), slug="inkwell", version="2.0.0", channel="stable", keys_dir=keys)

        # Version 1, installed for this user with the per-user package's install.sh.
        package = DIST / f"inkwell-{version}-linux-{platform.machine()}.tar.gz"
        with tarfile.open(package) as tar:
            tar.extractall(tmp_path / "download", filter="data")
        env = shell_env(display_env, home, XDG_DATA_HOME=str(home / ".local" / "share"))
        [unpacked] = (tmp_path / "download").iterdir()
        subprocess.run([str(unpacked / "install.sh")], env=env, check=True, capture_output=True, timeout=300)
        installed = home / ".local" / "share" / "io.github.inkwell"
        shutil.copyfile(root_file, installed / "_internal" / "update-root.json")
        with_settings(installed, update=update)  # as if built with [tool.desktop.update]
        executable = home / ".local" / "bin" / "inkwell"
        assert version_of(executable, env) == f"Inkwell {version}"

        checked = subprocess.run([str(executable), "--check-updates"], env=env, capture_output=True, text=True,
                                 timeout=300)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "Inkwell 2.0.0 is downloaded and verified: it applies at the next start." in checked.stdout
        assert version_of(executable, env) == f"Inkwell {version}"  # nothing changes before the next start

        log = home / ".local" / "state" / "Inkwell" / "log" / "app.log"

        def start_and_close(ready_line: str) -> None:
            """Start the app as the user does; once it runs as `ready_line` says (the update's self-test
            opens a window of its own first), wait for its window and close it."""
            with running([str(executable)], env=env, cwd=home) as app:
                wait_for(lambda: ready_line.format(pid=app.pid) in log.read_text(), timeout=180)
                wait_for_window(display_env, "Notes · Inkwell", timeout=60)
                app.send_signal(signal.SIGTERM)
                assert app.wait(30) == 0

        start_and_close("starting Inkwell 2.0.0 (pid {pid},")  # the same process, now version 2
        assert version_of(executable, env) == "Inkwell 2.0.0"
        assert (home / ".local" / "share" / "io.github.inkwell.previous").is_dir()  # version 1, kept

        # Version 3 can't even build its app: it fails its self-test and version 2 comes back.
        repository.publish(release("3.0.0", factory="webapp:no_such_factory"), slug="inkwell", version="3.0.0",
                           channel="stable", keys_dir=keys)
        checked = subprocess.run([str(executable), "--check-updates"], env=env, capture_output=True, text=True,
                                 timeout=300)
        assert "Inkwell 3.0.0 is downloaded and verified" in checked.stdout, checked.stdout + checked.stderr
        start_and_close("update 3.0.0 failed its self-test: rolled back")
        assert version_of(executable, env) == "Inkwell 2.0.0"
