"""Every .deb we make, installed the way a user installs it: `apt-get install ./app.deb` on a fresh
Debian 12 root where nothing else was installed (../shared/tools/fresh-machine), then each
installed app's self-test as an ordinary user, then removal with the user's data kept.

A machine where the test set-up ran proves nothing about a package's Depends: it has WebKitGTK's
development packages already. Only a clean root does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, need

pytestmark = [pytest.mark.bundle, pytest.mark.timeout(1500)]  # a fresh root, apt, three apps
FRESH_MACHINE = REPO.parent / "shared" / "tools" / "fresh-machine"
APPS = [  # (package, command, data folder name, desktop entry)
    ("inkwell", "inkwell", "Inkwell", "io.github.inkwell"),
    ("ledger", "ledger", "Ledger", "org.example.ledger"),
    ("flaskr", "flaskr", "Flaskr", "io.github.flaskr"),
]

SCRIPT = r"""
set -eu
cd /root/shared
apt-get update -qq
apt-get install -y -qq --no-install-recommends ./*.deb xvfb xauth >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }
useradd --create-home --shell /bin/bash user
for command in %(commands)s; do
  echo "== self-test $command"
  runuser -u user -- env HOME=/home/user DESKTOP_NO_DIALOG=1 xvfb-run -a "$command" --self-test 2>&1 | tail -3
done
echo "== desktop entries"
cat /usr/share/applications/*.desktop
echo "== remove"
apt-get remove -y -qq %(packages)s >/dev/null 2>&1
for package in %(packages)s; do [ -e "/opt/$package" ] && echo "left behind: /opt/$package"; done
echo "== data kept"
ls /home/user/.local/share
"""


def test_every_package_installs_runs_and_removes_on_a_clean_debian(inkwell_build, ledger_packaged,
                                                                       flaskr_packaged, tmp_path):
    need(FRESH_MACHINE.is_file() and os.geteuid() == 0,
         f"installing on a fresh Debian 12 root needs {FRESH_MACHINE} and root (for its chroot)")
    carry = tmp_path / "carry"
    carry.mkdir()
    packages = [*REPO.joinpath("dist").glob("inkwell_*.deb"), *ledger_packaged.joinpath("dist").glob("*.deb"),
                *flaskr_packaged.joinpath("dist").glob("*.deb")]
    assert len(packages) == 3, packages
    for package in packages:
        shutil.copy2(package, carry / Path(package).name)
    script = SCRIPT % {"commands": " ".join(a[1] for a in APPS), "packages": " ".join(a[0] for a in APPS)}
    result = subprocess.run([str(FRESH_MACHINE), "-s", str(carry), "--", "bash", "-c", script], cwd=REPO,
                            capture_output=True, text=True, timeout=1500)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"ok"')]
    assert [(r["app"], r["ok"]) for r in reports] == [(a[2], True) for a in APPS], output[-4000:]
    entries = output.split("== desktop entries", 1)[1].split("== remove", 1)[0]
    assert "Exec=inkwell %U" in entries and "MimeType=text/markdown;x-scheme-handler/inkwell;" in entries
    assert "StartupWMClass=io.github.inkwell" in entries and "StartupWMClass=org.example.ledger" in entries
    assert "left behind" not in output
    kept = output.split("== data kept", 1)[1].split()
    assert {a[2] for a in APPS} <= set(kept)  # removing a package leaves the user's data where it is
