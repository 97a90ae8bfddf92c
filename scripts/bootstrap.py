#!/usr/bin/env python3
"""Set up everything this project needs, then launch the app or run the test suite.

    python3 scripts/bootstrap.py run  [-- app options]     set up and launch the app
    python3 scripts/bootstrap.py test [-- pytest options]  set up and run the whole test suite

It installs missing system packages (apt on Debian/Ubuntu), makes a virtual environment in
.venv, installs the project into it (editable) and then hands over. Running it again only
re-does the steps whose inputs changed, so the second run starts the app at once.
Uses only the standard library: it runs on a fresh machine's system Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "desktop"  # the kit is a distribution of its own (flask-desktop); Inkwell depends on it
VENV = ROOT / ".venv"
STAMP = VENV / ".bootstrap-stamp"
MIN_PYTHON = (3, 10)

# Debian/Ubuntu packages. The window needs WebKitGTK 4.1 and GObject introspection;
# pygobject and pycairo are built from source against these headers (see pyproject.toml).
APT_RUN = [
    "gir1.2-gtk-3.0",
    "gir1.2-webkit2-4.1",
    "libgirepository1.0-dev",
    "libcairo2-dev",
    "pkg-config",
    "gcc",
    "python3-dev",
    "python3-venv",
    "xdg-utils",
    "gir1.2-ayatanaappindicator3-0.1",  # the tray icon (StatusNotifierItem)
]
# The tests also drive a virtual display, take screenshots, list windows and use a real browser.
# The bundle tests run PyInstaller (which needs objdump) and dpkg-deb. The notification tests
# start a private D-Bus session bus (dbus-daemon) with a test notification server, driven by gdbus.
APT_TEST = ["xvfb", "xauth", "imagemagick", "x11-utils", "xdotool", "chromium", "binutils", "iproute2",
            "dbus", "libglib2.0-bin"]


def say(message: str) -> None:
    """Print a progress line that stands out from the tools' own output."""
    print(f"==> {message}", flush=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a clear error and stop."""
    print(f"error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def run(cmd: list[str], **kwargs) -> None:
    """Run a command, stopping with its exit code when it fails."""
    result = subprocess.run(cmd, **kwargs)
    if result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(cmd)}", result.returncode)


def missing_debian_packages(names: list[str]) -> list[str]:
    """Return the packages of `names` that dpkg does not report as installed."""
    missing = []
    for name in names:
        probe = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name],
            capture_output=True,
            text=True,
        )
        if "install ok installed" not in probe.stdout:
            missing.append(name)
    return missing


def ensure_system_packages(with_tests: bool) -> None:
    """Install the missing system packages, or explain what to install by hand."""
    if not sys.platform.startswith("linux"):
        return  # Windows (Edge WebView2) and macOS (WebKit) ship what pywebview needs.
    if not shutil.which("dpkg-query") or not shutil.which("apt-get"):
        say(
            "not a Debian/Ubuntu system: install WebKitGTK 4.1 with its GObject introspection "
            "data, the gobject-introspection and cairo development headers, pkg-config and a C "
            "compiler" + (", plus Xvfb, xauth, ImageMagick and Chromium for the tests" if with_tests else "")
            + " with your package manager."
        )
        return
    wanted = APT_RUN + (APT_TEST if with_tests else [])
    missing = missing_debian_packages(wanted)
    if not missing:
        return
    say(f"installing system packages: {' '.join(missing)}")
    sudo: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            fail(f"run as root, or install these packages first: apt-get install {' '.join(missing)}")
        sudo = ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(sudo + ["apt-get", "update", "-qq"], env=env)
    run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def venv_python() -> Path:
    """Path of the virtual environment's interpreter."""
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_venv(extras: set[str]) -> Path:
    """Create .venv and install the project with `extras`, unless that is already done."""
    python = venv_python()
    if not python.exists():
        say(f"creating virtual environment in {VENV}")
        run([sys.executable, "-m", "venv", str(VENV)])
    fingerprint = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (KIT / "pyproject.toml").read_bytes() + sys.version.encode()
    ).hexdigest()
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        stamp = {}
    if stamp.get("fingerprint") == fingerprint:
        installed = set(stamp.get("extras", []))
        if extras <= installed:
            return python
        extras = extras | installed  # keep what an earlier set-up installed
    say(f"installing the project and its dependencies ({', '.join(sorted(extras)) or 'runtime only'})")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    run(pip + ["install", "--upgrade", "pip>=23.1"])
    # The kit first (with its builder for the tests), then Inkwell, which depends on it.
    kit = "./desktop[build]" if "test" in extras else "./desktop"
    target = f".[{','.join(sorted(extras))}]" if extras else "."
    run(pip + ["install", "-e", kit, "-e", target], cwd=ROOT)
    STAMP.write_text(json.dumps({"fingerprint": fingerprint, "extras": sorted(extras)}))
    return python


def main(argv: list[str]) -> int:
    """Parse the sub-command, set up, and hand over to the app or to pytest."""
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed (this is {sys.version.split()[0]})")
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__.strip())
        return 2
    command, rest = argv[0], argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    with_tests = command == "test"
    ensure_system_packages(with_tests)
    python = ensure_venv({"test"} if with_tests else set())
    if command == "run":
        say("launching the app")
        cmd = [str(python), "-m", "desktop", "run", *rest]
    else:
        say("running the test suite")
        cmd = [str(python), "-m", "pytest", *rest]
    os.chdir(ROOT)
    sys.stdout.flush()
    if os.name == "posix":
        # Become the app (or pytest): signals and the exit code then belong to it directly.
        os.execv(cmd[0], cmd)
    return subprocess.call(cmd)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
