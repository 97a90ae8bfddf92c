"""The signed-update cycle on this machine's own install format, end to end, with real bundles.

The ledger sample (tests/build/projects/ledger) gets keys and an update URL (a server on
127.0.0.1); version 1.2.0 is built and installed the way a user installs it here; 2.0.0 is
published; the installed 1.2.0 fetches it (--check-updates) and is started as a user starts it:
2.0.0 must come up in its place, and pass its own self-test from the install.

    python scripts/update_cycle.py [--python PYTHON] [--work DIR]

Install formats: Windows, the per-user Inno Setup install (needs iscc); macOS, the .app in a
folder of the user's; Linux, the per-user install (`package --format user`, install.sh). The CI
workflow runs it on Windows and macOS; on Linux the test suite runs the same cycle with more
checks (tests/build/test_updates.py), and this script works there too. PYTHON (default: this
one) must have the kit with its builder and the sample's dependencies (flask-sqlalchemy,
flask-migrate). Exit code 0 when 2.0.0 runs from the install.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEDGER = REPO / "tests" / "build" / "projects" / "ledger"
NAME, SLUG = "Ledger", "ledger"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="a Python with the kit and its builder")
    parser.add_argument("--work", type=Path, default=None, help="a folder to work in (default: a temporary one)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="update-cycle-")))
        work.mkdir(parents=True, exist_ok=True)
        repo = work / "repo"
        url = stack.enter_context(serving(work, "repo"))
        return cycle(Path(args.python), work, repo, url)


def cycle(python: Path, work: Path, repo: Path, url: str) -> int:
    project, keys, data = work / SLUG, work / "keys", work / "data"
    shutil.copytree(LEDGER, project)
    step("keys init", kit(python, project, "keys", "init", "--keys", str(keys), "--repo", str(repo)))
    with (project / "pyproject.toml").open("a") as fh:
        fh.write(f'\n[tool.desktop.update]\nurl = "{url}"\n')
    executable = install_version_1(python, project, work)
    print(f"installed 1.2.0: {executable}", flush=True)
    set_version(project, "2.0.0")
    step("publish 2.0.0", kit(python, project, "publish", "--keys", str(keys), "--repo", str(repo)))

    log = data / "logs" / "app.log"
    app_args = ["--data-dir", str(data)]
    run([str(executable), "--check-updates", *app_args], "check for updates")
    wait_for_line(log, "update 2.0.0 staged", 10)
    # As a user starts it: the staged version is switched in (on Windows by the staged version
    # itself, once this process has gone), checked by its self-test, then started.
    with subprocess.Popen([str(executable), *app_args], env=app_env()) as app:
        wait_for_line(log, f"starting {NAME} 2.0.0", 300)
        wait_for_line(log, "the app process serves the app", 120, after=f"starting {NAME} 2.0.0")
        stop(app, executable)
    text = log.read_text(encoding="utf-8")
    if "update 2.0.0 applied; checking it with its self-test" not in text:
        return fail("the update was not applied", log)
    run([str(executable), "--self-test", *app_args], "self-test of the updated install")
    if log.read_text(encoding="utf-8").rsplit(f"starting {NAME} ", 1)[1][:5] != "2.0.0":
        return fail("the install does not run 2.0.0", log)
    print("OK: the installed 1.2.0 updated itself to 2.0.0, which passes its self-test from the install")
    return 0


def install_version_1(python: Path, project: Path, work: Path) -> Path:
    if sys.platform == "win32":
        step("build 1.2.0", kit(python, project, "build"))
        iscc = Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "Inno Setup 6" / "iscc.exe"
        step("installer", subprocess.run([
            str(iscc), f"/DAppName={NAME}", "/DAppVersion=1.2.0", "/DAppId=org.example.ledger",
            f"/DSourceDir={project / 'dist' / NAME}", f"/DOutputDir={project / 'dist'}",
            str(REPO / "desktop" / "builder" / "resources" / "installer.iss")], capture_output=True, text=True))
        target = work / "Programs" / NAME
        run([str(project / "dist" / f"{NAME}-1.2.0-setup.exe"), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/CURRENTUSER",
             "/NORESTART", f"/DIR={target}"], "install 1.2.0")
        return target / f"{NAME}.exe"
    if sys.platform == "darwin":
        step("build 1.2.0", kit(python, project, "build"))
        target = work / "Applications" / f"{NAME}.app"
        target.parent.mkdir()
        shutil.copytree(project / "dist" / f"{NAME}.app", target, symlinks=True)  # as a drag from the .dmg
        return target / "Contents" / "MacOS" / NAME
    step("package 1.2.0", kit(python, project, "package", "--format", "user"))
    [archive] = (project / "dist").glob(f"{SLUG}-1.2.0-linux-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(work / "download", filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(
            work / "download")
    home = work / "home"
    os.environ.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"))
    run([str(work / "download" / f"{SLUG}-1.2.0" / "install.sh")], "install 1.2.0")
    return home / ".local" / "bin" / SLUG


def stop(app: subprocess.Popen, executable: Path) -> None:
    """End the running app: on POSIX the update exec'd in the same process; on Windows the new
    version was started by the switch, detached from us."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/IM", executable.name], capture_output=True)
        app.wait(60)
        return
    app.terminate()
    app.wait(60)


def app_env() -> dict:
    return {**os.environ, "DESKTOP_NO_DIALOG": "1"}


def kit(python: Path, project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_")}
    return subprocess.run([str(python), "-m", "desktop", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=1800)


def run(command: list[str], what: str) -> subprocess.CompletedProcess:
    return step(what, subprocess.run(command, env=app_env(), capture_output=True, text=True, timeout=600))


def step(what: str, result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    if result.returncode != 0:
        sys.exit(f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    print(f"{what}: ok", flush=True)
    return result


def wait_for_line(log: Path, line: str, timeout: float, *, after: str = "") -> None:
    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        region = text.rsplit(after, 1)[1] if after and after in text else ("" if after else text)
        if line in region:
            return
        if time.monotonic() > deadline:
            sys.exit(f"not in the app's log within {timeout:.0f} s: {line!r}\n--- {log}:\n{text[-4000:]}")
        time.sleep(0.5)


def fail(message: str, log: Path) -> int:
    print(f"FAILED: {message}\n--- {log}:\n{log.read_text(encoding='utf-8')[-4000:]}", file=sys.stderr)
    return 1


def set_version(project: Path, version: str) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace(text.split('version = "', 1)[1].split('"', 1)[0], version, 1))


@contextlib.contextmanager
def serving(parent: Path, name: str):
    """Python's static file server on 127.0.0.1 for `parent/name` (which `keys init` creates later)."""
    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"], cwd=parent,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = server.stdout.readline().split(" port ", 1)[1].split()[0]  # "Serving HTTP on 127.0.0.1 port N ..."
        yield f"http://127.0.0.1:{port}/{name}"
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    sys.exit(main())
