"""Update benchmark: the full build -> publish -> update cycle with real bundles.

    python benchmarks/update.py [--runs 3]

A copy of Inkwell's project gets keys and an update URL (a repository served over HTTP on
127.0.0.1), is packaged as the per-user install, installed for a throwaway user, then version 2
is built and published with the kit's own commands, and the installed app updates itself.
Reports, side by side:
- the size of a full update (the signed archive) against the bundle on disk, and of the patch
  between two consecutive builds (a one-line change to the app), and how long each takes to stage;
- build + publish time;
- "update available" -> verified and staged (check, download, verify, unpack);
- staged -> the new version running (folders switched, its self-test, its start);
- start -> window shown with the update URL configured and without (medians, alternating): the
  check runs after the page has loaded, so the two should not differ.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bundle import size_mb  # noqa: E402
from benchmarks.processtree import wait_for_title  # noqa: E402
from desktop.updateinstall import extract_safely  # noqa: E402
from tests.desktop.test_updates import serving  # noqa: E402
from tests.support.display import virtual_display  # noqa: E402

SETTINGS = Path("_internal") / "desktop-settings.json"
PROJECT_FILES = ("pyproject.toml", "webapp", "assets", "build", "installer.spec")


def kit(project: Path, *args: str) -> str:
    # The kit from this checkout: PyInstaller doesn't see packages through an editable install's
    # import hook, so the copy's build finds `desktop` on PYTHONPATH.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "desktop", *args], cwd=project, capture_output=True, text=True,
                            timeout=1800, env=env)
    if result.returncode != 0:
        sys.exit(f"python -m desktop {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def set_url(bundle: Path, url: str) -> None:
    data = json.loads((bundle / SETTINGS).read_text())
    data["update"] = {**data["update"], "url": url}
    (bundle / SETTINGS).write_text(json.dumps(data))


def window_shown_ms(executable: Path, env: dict) -> float:
    """Start the installed app as a user does (the update check only runs there, not in a self-test);
    time until its window shows a page of the app; close it."""
    spawned = time.monotonic()
    app = subprocess.Popen([str(executable)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        try:
            wait_for_title(app, env, "Inkwell", 120)
        except RuntimeError as exc:
            app.kill()
            raise RuntimeError(f"{exc}: {app.communicate()[0][-3000:]}") from exc
        return (time.monotonic() - spawned) * 1000
    finally:
        app.terminate()
        app.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, virtual_display() as display:
        work = Path(tmp)
        project = work / "inkwell"
        project.mkdir()
        for name in PROJECT_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
            else:
                shutil.copy2(source, project / name)
        keys, repo = work / "keys", work / "repo"
        repo.mkdir()
        with serving(repo) as url:
            repo.rmdir()
            kit(project, "keys", "init", "--keys", str(keys), "--repo", str(repo))
            pyproject = project / "pyproject.toml"
            pyproject.write_text(pyproject.read_text() + f'\n[tool.desktop.update]\nurl = "{url}"\n')
            kit(project, "package", "--format", "user")
            version = json.loads((project / "dist" / "Inkwell" / SETTINGS).read_text())["version"]
            package = project / "dist" / f"inkwell-{version}-linux-{platform.machine()}.tar.gz"
            pyproject.write_text(pyproject.read_text().replace(f'version = "{version}"', 'version = "99.0.0"', 1))
            started = time.monotonic()
            published = kit(project, "publish", "--keys", str(keys), "--repo", str(repo))
            publish_s = time.monotonic() - started
            [archive] = (repo / "targets").glob("*.inkwell-99.0.0.tar.gz")
            archive_mb = archive.stat().st_size / 1e6

            home = work / "home"
            env = {**display, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
                   "DESKTOP_NO_DIALOG": "1"}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            extract_safely(package, work / "download")
            [unpacked] = (work / "download").iterdir()
            subprocess.run([str(unpacked / "install.sh")], env=env, check=True, capture_output=True, timeout=300)
            installed = home / ".local" / "share" / "io.github.inkwell"
            executable = home / ".local" / "bin" / "inkwell"

            starts: dict[str, list[float]] = {"update URL set": [], "no update URL": []}
            for _ in range(args.runs):
                for label in starts:
                    set_url(installed, url if label == "update URL set" else "")
                    starts[label].append(window_shown_ms(executable, env))
            set_url(installed, url)

            started = time.monotonic()
            checked = subprocess.run([str(executable), "--check-updates"], env=env, capture_output=True, text=True,
                                     timeout=600)
            staged_s = time.monotonic() - started
            if "99.0.0 is downloaded and verified" not in checked.stdout:
                sys.exit(f"the update was not staged: {checked.stdout}{checked.stderr}")
            log = home / ".local" / "state" / "Inkwell" / "log" / "app.log"
            started = time.monotonic()
            user = subprocess.Popen([str(executable)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while "starting Inkwell 99.0.0 (pid %d," % user.pid not in log.read_text():
                if time.monotonic() - started > 300:
                    user.kill()
                    sys.exit("the update was not applied within 300 s")
                time.sleep(0.05)
            applied_s = time.monotonic() - started
            user.terminate()
            user.wait(30)
            bundle_mb = size_mb(project / "dist" / "Inkwell")

            # The next build changes one line of the app: users on 99.0.0 fetch a patch.
            init = project / "webapp" / "__init__.py"
            init.write_text(init.read_text() + '\nRELEASE_NOTE = "99.0.1: one line changed"\n')
            pyproject.write_text(pyproject.read_text().replace('version = "99.0.0"', 'version = "99.0.1"', 1))
            kit(project, "publish", "--keys", str(keys), "--repo", str(repo))
            [patch] = (repo / "targets").glob("*.inkwell-99.0.0-to-99.0.1-*.patch.tar")
            patch_kb = patch.stat().st_size / 1e3
            started = time.monotonic()
            checked = subprocess.run([str(executable), "--check-updates"], env=env, capture_output=True, text=True,
                                     timeout=600)
            patch_staged_s = time.monotonic() - started
            if "rebuilt from this version and a" not in log.read_text():
                sys.exit(f"the patch was not used: {checked.stdout}{checked.stderr}")
    print("update benchmark (real bundles of Inkwell, a local HTTP repository)\n")
    print(published.strip())
    print(f"bundle on disk                 {bundle_mb:8.1f} MB")
    print(f"full update (signed archive)   {archive_mb:8.1f} MB")
    print(f"patch between builds           {patch_kb:8.1f} kB   (99.0.0 -> 99.0.1: one line of the app changed;"
          f" {patch_kb / 1e3 / archive_mb:.2%} of the full update)")
    print(f"build + publish                {publish_s:8.1f} s")
    print(f"available -> verified, staged  {staged_s:8.1f} s   (check, download, verify, unpack)")
    print(f"  the same with the patch      {patch_staged_s:8.1f} s   (check, download, rebuild from the install, verify)")
    print(f"staged -> the new one running  {applied_s:8.1f} s   (switch, its self-test, its start)")
    for label, values in starts.items():
        print(f"start -> window, {label:<14}{statistics.median(values):8.0f} ms   {[round(v) for v in values]}")
    ratio = statistics.median(starts["update URL set"]) / statistics.median(starts["no update URL"])
    print(f"\nstart-up with the check enabled vs disabled: {ratio:.2f}x (target: no difference beyond noise)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
