"""The shipped app's entry point: when a staged update is applied at start, and by whom."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop import launcher, updatehandover, updateinstall
from desktop.instance import InstanceLock
from desktop.kit import KitSettings
from desktop.paths import AppPaths
from desktop.updateinstall import sibling, staged_version
from tests.desktop.test_updatehandover import staged_install


@pytest.fixture
def frozen_with_update(tmp_path, monkeypatch):
    """A frozen app (its executable in `app`) with 1.1.0 staged beside it."""
    app = staged_install(tmp_path)
    monkeypatch.setattr(updateinstall, "install_dir", lambda: app)
    monkeypatch.setattr(sys, "executable", str(app / "notes"))
    kit = KitSettings(name="Notes", version="1.0.0", factory="notes:create_app", root=tmp_path)
    paths = AppPaths(**{name: tmp_path / "user" / name for name in ("data", "config", "logs", "cache")})
    paths.create()
    return app, kit, paths


def test_a_second_launch_leaves_the_update_to_the_running_app(frozen_with_update, caplog):
    """Opening a file while the app runs must not switch the install under it (nor, on Windows,
    wait for a folder that stays in use)."""
    app, kit, paths = frozen_with_update
    caplog.set_level(logging.INFO)
    running = InstanceLock(paths.data, kit.name)
    assert running.acquire()
    try:
        assert launcher.apply_staged_update(kit, paths, SimpleNamespace(data_dir=None)) == "none"
    finally:
        running.release()
    assert staged_version(app) == "1.1.0"
    assert "it applies when Notes next starts on its own" in caplog.text


def test_on_windows_the_app_hands_over_to_the_staged_version_and_exits(frozen_with_update, monkeypatch):
    app, kit, paths = frozen_with_update
    started: list[tuple[Path, list[str]]] = []
    monkeypatch.setattr(updatehandover, "switches_from_outside", lambda: True)
    monkeypatch.setattr(updatehandover, "start_detached", lambda exe, args: started.append((exe, args)))
    monkeypatch.setattr(sys, "argv", ["notes", "todo.md"])
    assert launcher.apply_staged_update(kit, paths, SimpleNamespace(data_dir=None)) == "handed-over"
    [(executable, args)] = started
    assert executable == sibling(app, ".next") / "notes" and args[0] == "--finish-update"
    assert '"args": ["todo.md"]' in args[1]
    assert not InstanceLock(paths.data, kit.name).info_path.exists()  # the lock was only looked at
