"""`build` starts the bundle once before it says "Built" (issue 27: it said so of a bundle that died
at its first page)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from desktop.builder.bundle import BuildError
from desktop.builder.bundlecheck import check_bundle
from desktop.kit import KitSettings

SETTINGS = KitSettings(name="Ledger", factory="ledger:create_app")


def fake_bundle(tmp_path: Path, body: str) -> Path:
    """A folder bundle whose program runs `body` (Python) with `data` (the --data-dir) and `here`."""
    bundle = tmp_path / "dist" / "Ledger"
    bundle.mkdir(parents=True)
    program = bundle / "Ledger"
    program.write_text(f"#!{sys.executable}\nimport json, sys\nfrom pathlib import Path\n"
                       "here = Path(__file__).parent\ndata = Path(sys.argv[sys.argv.index('--data-dir') + 1])\n"
                       "(data / 'logs').mkdir(parents=True, exist_ok=True)\n" + body)
    program.chmod(0o755)
    return bundle


@pytest.fixture(autouse=True)
def a_display(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":99")  # the fake programs need none; no Xvfb wrapper


def test_a_bundle_that_passes_its_self_test_is_built(tmp_path):
    report = {"ok": True, "errors": [], "loaded_ms": 612}
    bundle = fake_bundle(tmp_path, f"print({json.dumps(json.dumps(report))})\n")
    assert "showed its start page (612 ms)" in check_bundle(SETTINGS, bundle, onefile=False)


def test_a_bundle_that_fails_its_self_test_fails_the_build_with_the_reason_and_its_log(tmp_path):
    report = {"ok": False, "errors": ["the start page http://127.0.0.1:1/ answered 500"]}
    bundle = fake_bundle(tmp_path, "(data / 'logs' / 'app.log').write_text('TemplateNotFound: toolbar.html\\n')\n"
                                   f"print({json.dumps(json.dumps(report))})\nsys.exit(1)\n")
    with pytest.raises(BuildError, match=r"(?s)does not start as it should: the start page .* answered 500"
                                         r".*TemplateNotFound: toolbar.html"):
        check_bundle(SETTINGS, bundle, onefile=False)


def test_a_bundle_that_writes_into_its_install_folder_fails_the_build(tmp_path):
    """Checked by what appears there (root writes through read-only modes), and left as it was built."""
    report = {"ok": True, "errors": []}
    bundle = fake_bundle(tmp_path, "try:\n    (here / 'app.log').write_text('x')\nexcept OSError:\n"
                                   "    print(json.dumps({'ok': False, 'errors': ['PermissionError: app.log']}))\n"
                                   "    sys.exit(1)\n"
                                   f"print({json.dumps(json.dumps(report))})\n")
    with pytest.raises(BuildError, match="app.log"):
        check_bundle(SETTINGS, bundle, onefile=False)
    assert not (bundle / "app.log").exists()
    assert (bundle / "Ledger").stat().st_mode & 0o200  # writable again once checked


def test_a_bundle_that_appends_to_a_file_it_ships_fails_the_build(tmp_path):
    """A log file bundled from the source tree (the builder ran the app once there) and appended to."""
    report = {"ok": True, "errors": []}
    bundle = fake_bundle(tmp_path, "try:\n    with open(here / 'app.log', 'a') as fh:\n        fh.write('more')\n"
                                   "except OSError:\n    pass\n"
                                   f"print({json.dumps(json.dumps(report))})\n")
    (bundle / "app.log").write_text("shipped")
    import os

    if os.geteuid() != 0:  # a user can't: the file is read-only while it runs, and nothing changes
        assert "showed its start page" in check_bundle(SETTINGS, bundle, onefile=False)
        return
    with pytest.raises(BuildError, match="wrote into its install folder.*app.log"):
        check_bundle(SETTINGS, bundle, onefile=False)
    assert (bundle / "app.log").is_file()  # it was shipped: left where it is
