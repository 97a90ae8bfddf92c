"""Windows' switch to a staged update, done by the staged version from outside the install.

The logic is renames and copies, so it runs here; what Windows adds (a running program's folder
can't be renamed) is simulated by refusing the rename until the "old version" has gone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop import updatehandover
from desktop.updatehandover import finish_update, switch_from_outside
from desktop.updateinstall import FORMAT_FILE, discard_leftovers, sibling, stage, staged_mark, staged_version
from tests.desktop.test_updateinstall import archive_of, install

EXE = Path("notes")


def staged_install(tmp_path: Path, version: str = "1.1.0") -> Path:
    app = install(tmp_path / "Programs" / "Notes", "1.0.0")
    (app / "unins000.exe").write_bytes(b"Inno Setup's uninstaller")
    (app / "unins000.dat").write_bytes(b"its log")
    stage(archive_of(tmp_path, version), app, version)
    return app


def version_in(folder: Path) -> str:
    return (folder / "_internal" / "version.txt").read_text()


def test_the_staged_version_switches_the_install_and_the_uninstaller_stays(tmp_path):
    app = staged_install(tmp_path)
    assert switch_from_outside(app, EXE, lambda exe: exe == app / EXE) == "applied"
    assert version_in(app) == "1.1.0" and version_in(sibling(app, ".previous")) == "1.0.0"
    assert (app / "unins000.exe").read_bytes() == b"Inno Setup's uninstaller"  # Windows' "Apps" list still works
    assert (app / FORMAT_FILE).read_text() == "user"  # and it still updates itself
    assert staged_version(app) is None
    assert sibling(app, ".next").is_dir()  # the switch ran from there: the next start removes it
    discard_leftovers(app)
    assert not sibling(app, ".next").exists() and version_in(app) == "1.1.0"


def test_it_waits_until_windows_lets_go_of_the_old_install(tmp_path, monkeypatch):
    app = staged_install(tmp_path)
    refusals = iter(range(3))  # the old version's processes take a moment to go
    real_rename = os.rename

    def rename(source, target):
        if Path(source) == app and next(refusals, None) is not None:
            raise PermissionError(13, "The process cannot access the file because it is being used")
        real_rename(source, target)

    monkeypatch.setattr(updatehandover.os, "rename", rename)
    assert switch_from_outside(app, EXE, lambda exe: True) == "applied"
    assert version_in(app) == "1.1.0"


def test_an_install_windows_never_lets_go_of_stays_as_it_was(tmp_path, monkeypatch):
    app = staged_install(tmp_path)

    def rename(source, target):
        raise PermissionError(13, "in use")

    monkeypatch.setattr(updatehandover.os, "rename", rename)
    with pytest.raises(PermissionError):
        switch_from_outside(app, EXE, lambda exe: True, wait_seconds=0.3)
    assert version_in(app) == "1.0.0" and not sibling(app, ".previous").exists()


def test_a_copy_that_fails_half_way_puts_the_old_version_back(tmp_path, monkeypatch):
    app = staged_install(tmp_path)

    def copytree(source, target, symlinks):
        Path(target).mkdir()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(updatehandover.shutil, "copytree", copytree)
    with pytest.raises(OSError):
        switch_from_outside(app, EXE, lambda exe: True)
    assert version_in(app) == "1.0.0" and not sibling(app, ".incoming").exists()
    assert staged_version(app) == "1.1.0"


def test_a_version_that_fails_its_self_test_is_rolled_back(tmp_path, caplog):
    app = staged_install(tmp_path, "2.0.0")
    assert switch_from_outside(app, EXE, lambda exe: False) == "rolled-back"
    assert version_in(app) == "1.0.0" and version_in(sibling(app, ".failed")) == "2.0.0"
    assert "update 2.0.0 failed its self-test: rolled back" in caplog.text


def test_finish_update_starts_the_version_in_place_with_the_users_arguments(tmp_path, monkeypatch):
    app = staged_install(tmp_path)
    started: list[tuple[Path, list[str]]] = []
    monkeypatch.setattr(updatehandover, "start_detached", lambda exe, args: started.append((exe, args)))
    tested: list[tuple[Path, list[str]]] = []
    plan = {"install": str(app), "executable": "notes", "args": ["notes.md"], "data_args": ["--data-dir", "D"],
            "log_file": str(tmp_path / "app.log")}
    assert finish_update([json.dumps(plan)], self_test=lambda exe, args: tested.append((exe, args)) or True) == 0
    assert tested == [(app / "notes", ["--data-dir", "D"])]
    assert started == [(app / "notes", ["notes.md"])]
    assert "update 1.1.0 applied" in (tmp_path / "app.log").read_text()


def test_a_switch_that_cannot_happen_drops_the_update_and_starts_the_old_version(tmp_path, monkeypatch):
    """No hand-over at every start: the next check downloads the update again."""
    app = staged_install(tmp_path)
    started: list[Path] = []
    monkeypatch.setattr(updatehandover, "start_detached", lambda exe, args: started.append(exe))
    monkeypatch.setattr(updatehandover, "FREE_WAIT_SECONDS", 0.1)

    def switch(*args, **kwargs):
        raise PermissionError(13, "in use")

    monkeypatch.setattr(updatehandover, "switch_from_outside", switch)
    plan = {"install": str(app), "executable": "notes", "args": [], "data_args": [], "log_file": ""}
    assert finish_update([json.dumps(plan)], self_test=lambda exe, args: True) == 1
    assert started == [app / "notes"] and version_in(app) == "1.0.0"
    assert staged_version(app) is None and not staged_mark(app).exists()


def test_the_running_version_hands_over_to_the_staged_one(tmp_path, monkeypatch):
    app = staged_install(tmp_path)
    started: list[tuple[Path, list[str]]] = []
    monkeypatch.setattr(updatehandover, "start_detached", lambda exe, args: started.append((exe, args)))
    updatehandover.hand_over_to_staged(app, EXE, ["--kiosk"], [], tmp_path / "app.log")
    [(executable, args)] = started
    assert executable == sibling(app, ".next") / "notes" and args[0] == "--finish-update"
    assert json.loads(args[1]) == {"install": str(app), "executable": "notes", "args": ["--kiosk"], "data_args": [],
                                   "log_file": str(tmp_path / "app.log")}
