"""The CI workflow for Linux, Windows and macOS can't run here: check it with linters instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_there_is_a_build_workflow():
    assert [w.name for w in WORKFLOWS] == ["build.yml"]


def test_workflows_match_githubs_schema():
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_are_clean_yaml():
    config = "{extends: default, rules: {line-length: {max: 130}, document-start: disable, truthy: {check-keys: false}}}"
    result = subprocess.run([str(BIN / "yamllint"), "-d", config, *map(str, WORKFLOWS)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


def test_every_os_builds_self_tests_and_uploads_an_installer():
    text = WORKFLOWS[0].read_text()
    for job in ("linux:", "windows:", "macos:"):
        assert f"\n  {job}" in text
    assert text.count("--self-test") == 3
    assert text.count("actions/upload-artifact") == 3
    assert "CI=true python3 scripts/bootstrap.py test" in text  # the README's command


def test_windows_and_macos_jobs_have_what_they_need():
    """Issue 14, item 12: Inno Setup installed before iscc; an Intel Mac beside Apple silicon;
    signing by PyInstaller (the identity in the environment), never `codesign --deep`."""
    text = WORKFLOWS[0].read_text()
    assert text.index("choco install innosetup") < text.index("iscc.exe")
    assert "runner: macos-14" in text and "runner: macos-15-intel" in text
    assert "DESKTOP_TARGET_ARCH: ${{ matrix.arch }}" in text
    assert "DESKTOP_CODESIGN_IDENTITY=" in text and "--deep" not in text


def test_windows_and_macos_run_the_signed_update_cycle():
    """Their switch can't run here (Windows: the staged version switches from outside; macOS: the
    .app): the CI jobs run the whole cycle on real installs (scripts/update_cycle.py)."""
    text = WORKFLOWS[0].read_text()
    windows, macos = text.split("\n  windows:", 1)[1].split("\n  macos:", 1)
    assert "scripts\\update_cycle.py" in windows and "scripts/update_cycle.py" in macos
