"""Update benchmark: the full build -> publish -> update cycle with the real bundle.

    python benchmarks/update.py [--runs 3]

Uses the folder bundle in dist/ (run `python -m desktop package` first: it makes the bundle and
the per-user install package). Version 2 is that bundle with another version inside. Reports:
- the size of a full update (the signed archive) against the bundle on disk;
- publish time (pack, hash, sign);
- "update available" -> verified and staged (check, download over HTTP on 127.0.0.1, verify, unpack);
- staged -> applied at the next start (folders switched, the new version's self-test passes);
- start -> window shown of the installed app with an update URL configured and without (medians,
  alternating): the check runs after the page has loaded, so the two should not differ.
Patches between builds are not made yet (every update is the full archive).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from desktop.builder.updates import UpdateRepository, init_keys  # noqa: E402
from benchmarks.processtree import window_titles  # noqa: E402
from tests.desktop.test_updates import serving  # noqa: E402
from tests.support.display import virtual_display  # noqa: E402

SETTINGS = Path("_internal") / "desktop-settings.json"


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.is_dir() else \
        path.stat().st_size / 1e6


def set_settings(bundle: Path, **changes) -> None:
    data = json.loads((bundle / SETTINGS).read_text())
    data.update(changes)
    (bundle / SETTINGS).write_text(json.dumps(data))


def window_shown_ms(executable: Path, env: dict, data_dir: Path) -> float:
    """Start the installed app as a user does (the update check only runs there, not in a self-test);
    time until its window shows the page's title; close it."""
    spawned = time.monotonic()
    app = subprocess.Popen([str(executable), "--data-dir", str(data_dir)], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        while not any("Inkwell" in title for title in window_titles(env)):
            if time.monotonic() - spawned > 120 or app.poll() is not None:
                raise RuntimeError("the app showed no window")
            time.sleep(0.02)
        return (time.monotonic() - spawned) * 1000
    finally:
        app.terminate()
        app.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bundle = ROOT / "dist" / "Inkwell"
    version = json.loads((bundle / SETTINGS).read_text())["version"]
    package = ROOT / "dist" / f"inkwell-{version}-linux-{platform.machine()}.tar.gz"
    if not package.exists():
        sys.exit("run `python -m desktop package` first (it makes dist/Inkwell and the per-user package)")
    with tempfile.TemporaryDirectory() as tmp, virtual_display() as display:
        work = Path(tmp)
        keys, repo_dir = work / "keys", work / "repo"
        root_file = init_keys(keys, repo_dir)
        repository = UpdateRepository(repo_dir)
        home = work / "home"
        env = {**display, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"), "DESKTOP_NO_DIALOG": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        with serving(repo_dir) as url:
            update = {"url": url, "root": "update-root.json", "channel": "stable", "check_hours": 24,
                      "kiosk_hour": -1}
            v2 = work / "Inkwell-2"
            shutil.copytree(bundle, v2, symlinks=True)
            shutil.copyfile(root_file, v2 / "_internal" / "update-root.json")
            set_settings(v2, version="2.0.0", update=update)
            started = time.monotonic()
            published = repository.publish(v2, slug="inkwell", version="2.0.0", channel="stable", keys_dir=keys)
            publish_s = time.monotonic() - started

            with tarfile.open(package) as tar:
                tar.extractall(work / "download", filter="data")
            [unpacked] = (work / "download").iterdir()
            subprocess.run([str(unpacked / "install.sh")], env=env, check=True, capture_output=True, timeout=300)
            installed = home / ".local" / "share" / "io.github.inkwell"
            executable = home / ".local" / "bin" / "inkwell"
            shutil.copyfile(root_file, installed / "_internal" / "update-root.json")

            starts: dict[str, list[float]] = {"update URL set": [], "no update URL": []}
            for _ in range(args.runs):
                for label in starts:
                    set_settings(installed, update=update if label == "update URL set" else
                                 {**update, "url": ""})
                    starts[label].append(window_shown_ms(executable, env, work / "data"))
            set_settings(installed, update=update)

            started = time.monotonic()
            checked = subprocess.run([str(executable), "--check-updates"], env=env, capture_output=True, text=True,
                                     timeout=600)
            staged_s = time.monotonic() - started
            if "2.0.0 is downloaded and verified" not in checked.stdout:
                sys.exit(f"the update was not staged: {checked.stdout}{checked.stderr}")
            started = time.monotonic()
            user = subprocess.Popen([str(executable), "--data-dir", str(work / "data")], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            log = work / "data" / "logs" / "app.log"
            while "starting Inkwell 2.0.0 (pid %d," % user.pid not in (log.read_text() if log.exists() else ""):
                if time.monotonic() - started > 300:
                    user.kill()
                    sys.exit("the update was not applied within 300 s")
                time.sleep(0.05)
            applied_s = time.monotonic() - started
            user.terminate()
            user.wait(30)
    print("update benchmark (the real onedir bundle, a local HTTP repository)\n")
    print(f"bundle on disk                 {size_mb(bundle):8.1f} MB")
    print(f"full update (signed archive)   {published.size / 1e6:8.1f} MB")
    print("patch between builds           not made yet (every update is the full archive)")
    print(f"publish (pack, hash, sign)     {publish_s:8.1f} s")
    print(f"available -> verified, staged  {staged_s:8.1f} s   (check, download, verify, unpack)")
    print(f"staged -> running the update   {applied_s:8.1f} s   (switch, the new version's self-test, start)")
    for label, values in starts.items():
        print(f"start -> window, {label:<14}{statistics.median(values):8.0f} ms   {[round(v) for v in values]}")
    ratio = statistics.median(starts["update URL set"]) / statistics.median(starts["no update URL"])
    print(f"\nstart-up with the check enabled vs disabled: {ratio:.2f}x (target: no difference beyond noise)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
