"""Updates in the running app: a check that finds, downloads, verifies and stages; what it says; when it is due."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

from desktop.builder.updates import UpdateRepository, init_keys
from desktop.kit import KitSettings, UpdateSettings
from desktop.paths import AppPaths
from desktop.updateinstall import FORMAT_FILE, sibling, staged_mark, staged_version
from desktop.updatepatch import describe_tree
from desktop.updateservice import UpdateService, attach_to_window, banner_for
from tests.desktop.test_updateinstall import install
from tests.desktop.test_updates import HERE, bundle, serving
from tests.support.processes import wait_for


def service_for(tmp_path: Path, url: str, install_format: str = "user") -> tuple[UpdateService, list[dict]]:
    project = tmp_path / "project"
    (project / "update").mkdir(parents=True)
    shutil.copyfile(tmp_path / "repo" / "metadata" / "root.json", project / "update" / "root.json")
    kit = KitSettings(name="Notes", version="1.0.0", factory="notes:create_app", root=project,
                      update=UpdateSettings(url=url))
    paths = AppPaths(**{name: tmp_path / "user" / name for name in ("data", "config", "logs", "cache")})
    said: list[dict] = []
    app = install(tmp_path / "apps" / "notes", "1.0.0", install_format=install_format)
    return UpdateService(kit, paths, said.append, install=app), said


def published(tmp_path: Path) -> Path:
    keys = tmp_path / "keys"
    init_keys(keys, tmp_path / "repo")
    UpdateRepository(tmp_path / "repo").publish(bundle(tmp_path / "dist", "1.1.0"), slug="notes", version="1.1.0",
                                                channel="stable", keys_dir=keys)
    return tmp_path / "repo"


def test_a_check_finds_downloads_and_stages_the_new_version_and_says_so(tmp_path):
    with serving(published(tmp_path)) as url:
        service, said = service_for(tmp_path, url)
        assert service.due()
        status = service.check_now(asked=True)
    assert status == {"state": "ready", "version": "1.1.0"}
    states = [s["state"] for s in said]
    assert states[0] == "checking" and "downloading" in states and states[-1] == "ready"
    assert said[-2]["percent"] == 100
    assert staged_version(service.install) == "1.1.0"
    assert not service.due()  # the next automatic check waits check_hours


def test_a_quiet_check_says_nothing_unless_there_is_news(tmp_path):
    with serving(published(tmp_path)) as url:
        service, said = service_for(tmp_path, url)
        service.kit = replace(service.kit, version="1.1.0")
        assert service.check_now(asked=False)["state"] == "none"
    assert said == []


def test_a_system_package_is_left_to_the_package_manager(tmp_path):
    with serving(published(tmp_path)) as url:
        service, said = service_for(tmp_path, url, install_format="deb")
        status = service.check_now(asked=True)
    assert status["state"] == "managed" and "package manager (apt)" in status["message"]
    assert said == [status]


def test_the_banners_are_ascii_scripts_with_the_news():
    ready = banner_for({"state": "ready", "version": "2.0.0"}, "Notes")
    assert ready.isascii() and "Notes 2.0.0 is ready" in ready and "Restart now" in ready
    assert "42%" in banner_for({"state": "downloading", "version": "2.0.0", "percent": 42}, "Notes")
    assert "The update failed: bad hash" in banner_for({"state": "error", "message": "bad hash"}, "Notes")


def published_twice(tmp_path: Path) -> Path:
    """1.0.0 and then 1.1.0 on stable: 1.1.0 comes with a patch from 1.0.0."""
    keys = tmp_path / "keys"
    init_keys(keys, tmp_path / "repo")
    for version in ("1.0.0", "1.1.0"):
        UpdateRepository(tmp_path / "repo").publish(bundle(tmp_path / f"dist-{version}", version), slug="notes",
                                                    version=version, channel="stable", keys_dir=keys)
    return tmp_path / "repo"


def installed_as_published(service: UpdateService, tmp_path: Path) -> None:
    shutil.rmtree(service.install)
    shutil.copytree(tmp_path / "dist-1.0.0", service.install, symlinks=True)
    (service.install / FORMAT_FILE).write_text("user")


def staged_build(service: UpdateService) -> dict:
    tree = describe_tree(sibling(service.install, ".next"))
    return {path: entry for path, entry in tree.items() if path != FORMAT_FILE}


def downloaded(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "user").rglob("notes-*") if p.is_file())


def test_a_user_who_kept_up_downloads_only_the_patch(tmp_path):
    with serving(published_twice(tmp_path)) as url:
        service, said = service_for(tmp_path, url)
        installed_as_published(service, tmp_path)
        assert service.check_now(asked=True) == {"state": "ready", "version": "1.1.0"}
    assert staged_build(service) == describe_tree(tmp_path / "dist-1.1.0")
    assert downloaded(tmp_path) == [f"notes-1.0.0-to-1.1.0-{HERE}.patch.tar"]
    assert said[-2]["percent"] == 100


def test_an_install_the_patch_does_not_fit_gets_the_whole_archive(tmp_path, caplog):
    with serving(published_twice(tmp_path)) as url:
        service, said = service_for(tmp_path, url)
        installed_as_published(service, tmp_path)
        (service.install / "_internal" / "library.so").write_bytes(b"changed by hand")
        assert service.check_now(asked=True) == {"state": "ready", "version": "1.1.0"}
    assert staged_build(service) == describe_tree(tmp_path / "dist-1.1.0")
    assert downloaded(tmp_path) == [f"notes-1.0.0-to-1.1.0-{HERE}.patch.tar", f"notes-1.1.0-{HERE}.tar.gz"]
    assert "the patch to 1.1.0 was not used" in caplog.text
    assert not sibling(service.install, ".next-partial").exists()


class KioskWindow:
    """What attach_to_window needs of a kiosk's window."""

    kiosk = object()

    def __init__(self) -> None:
        self.scripts: list[str] = []

    def run_js(self, script: str) -> None:
        self.scripts.append(script)

    def close(self) -> None:
        pass


def kiosk_service(tmp_path: Path, *, staged: bool) -> UpdateService:
    kit = KitSettings(name="Notes", version="1.0.0", factory="notes:create_app", root=tmp_path,
                      update=UpdateSettings(url="https://updates.example.org", kiosk_hour=3))
    paths = AppPaths(**{name: tmp_path / "user" / name for name in ("data", "config", "logs", "cache")})
    app = install(tmp_path / "apps" / "notes", "1.0.0")
    if staged:
        sibling(app, ".next").mkdir()
        staged_mark(app).write_text('{"version": "1.1.0"}')
    return UpdateService(kit, paths, lambda status: None, install=app)


def test_a_kiosk_applies_a_staged_update_at_its_hour_and_never_shows_a_banner(tmp_path):
    service = kiosk_service(tmp_path, staged=True)
    window = KioskWindow()
    relaunch = attach_to_window(service, window, app_process=None)
    service.notify({"state": "ready", "version": "1.1.0"})  # what a background check would say
    assert window.scripts == []
    hours = iter([1, 2])  # then 3 o'clock: its hour
    service.watch_kiosk_hour(relaunch.set, clock=lambda: time.struct_time((2026, 1, 1, next(hours, 3), 0, 0, 0, 1, 0)),
                             poll_seconds=0.01)
    assert relaunch.wait(10)


def test_a_kiosk_with_nothing_staged_is_not_restarted_at_its_hour(tmp_path):
    service = kiosk_service(tmp_path, staged=False)
    asked: list[int] = []
    restarted = threading.Event()

    def three_oclock() -> time.struct_time:
        asked.append(1)
        return time.struct_time((2026, 1, 1, 3, 0, 0, 0, 1, 0))

    service.watch_kiosk_hour(restarted.set, clock=three_oclock, poll_seconds=0.01)
    wait_for(lambda: len(asked) >= 5, timeout=10)
    assert not restarted.is_set()
