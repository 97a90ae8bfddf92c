"""Updates in the running app: a check that finds, downloads, verifies and stages; what it says; when it is due."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from desktop.builder.updates import UpdateRepository, init_keys
from desktop.kit import KitSettings, UpdateSettings
from desktop.paths import AppPaths
from desktop.updateinstall import staged_version
from desktop.updateservice import UpdateService, banner_for
from tests.desktop.test_updateinstall import install
from tests.desktop.test_updates import bundle, serving


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
