"""Before `build` says "Built": the bundle starts and shows its first page, or the build fails with why.

A bundle can build and still not start: a template an extension loads from its own package that
the analysis missed, a path the app derives from its source folder that is now the install folder.
So the build runs the bundle once, as a user's machine will: with a throwaway data folder, its
install folder unwritable (on POSIX), its own `--self-test` in a window (on a virtual display
where there is none but Xvfb is installed), or, with no display at all, in browser mode with the
start page and the health path asked for over HTTP.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..kit import KitSettings
from .bundle import BuildError

TIMEOUT = 180.0
LAUNCH_FILE_LINE = "open this file: "
REFRESH_URL = re.compile(r'url=([^"]+)"')


def executable_of(settings: KitSettings, bundle: Path, *, onefile: bool) -> Path:
    """The program in `bundle` a user starts."""
    if onefile:
        return bundle
    if sys.platform == "darwin":
        return bundle / "Contents" / "MacOS" / settings.name
    return bundle / (settings.name + (".exe" if sys.platform == "win32" else ""))


def check_bundle(settings: KitSettings, bundle: Path, *, onefile: bool) -> str:
    """Start the bundle once; return what was checked, or raise BuildError saying why it doesn't start."""
    executable = executable_of(settings, bundle, onefile=onefile)
    folder = None if onefile else bundle
    before = _files_in(folder)
    with tempfile.TemporaryDirectory(prefix="bundle-check-") as scratch, _read_only(folder):
        data = Path(scratch) / "data"
        env = dict(os.environ, HOME=str(Path(scratch) / "home"), DESKTOP_NO_DIALOG="1")
        env.pop("DESKTOP_DATA_DIR", None)
        (Path(scratch) / "home").mkdir()
        display = _display_prefix()
        if display is None:
            checked = _check_in_browser_mode(executable, data, env, scratch, settings)
        else:
            checked = _check_in_a_window(executable, data, env, scratch, display)
    after = _files_in(folder)
    written = sorted(path for path, stamp in after.items() if before.get(path) != stamp)
    if written:  # root writes through read-only modes: what appeared or changed tells
        for path in written:  # the bundle goes out without what the run added
            if path not in before:
                (folder / path).unlink(missing_ok=True)
        raise BuildError("the bundle was built, but the app wrote into its install folder, which a user's machine "
                         f"won't allow: {', '.join(written[:5])}. Keep such files in the user's folders (see the "
                         "readiness report above)")
    return checked


def _files_in(folder: Path | None) -> dict[str, tuple[int, int]]:
    """Each file under `folder` with its size and modification time (what a write changes)."""
    if folder is None:
        return {}
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            found[path.relative_to(folder).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


def _display_prefix() -> list[str] | None:
    """How to give the bundle a display: none needed, Xvfb's wrapper, or None (no display here)."""
    if not sys.platform.startswith("linux") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return []
    wrapper = shutil.which("xvfb-run")
    return [wrapper, "-a", "-s", "-screen 0 1280x800x24"] if wrapper else None


def _check_in_a_window(executable: Path, data: Path, env: dict, scratch: str, display: list[str]) -> str:
    command = [*display, str(executable), "--self-test", "--data-dir", str(data)]
    try:
        result = subprocess.run(command, env=env, cwd=scratch, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BuildError(f"the bundle was built, but its self-test did not finish within {TIMEOUT:.0f} s"
                         f"{_log_tail(data)}") from None
    report = _last_json_line(result.stdout)
    if result.returncode != 0 or not report.get("ok"):
        problems = "; ".join(report.get("errors", [])) or (result.stderr.strip().splitlines() or ["no report"])[-1]
        raise BuildError(f"the bundle was built, but it does not start as it should: {problems}{_log_tail(data)}")
    where = "on a virtual display" if display else "in a window"
    return f"it opened {where} and showed its start page ({report.get('loaded_ms', '?')} ms)"


def _check_in_browser_mode(executable: Path, data: Path, env: dict, scratch: str, settings: KitSettings) -> str:
    process = subprocess.Popen([str(executable), "--browser", "--no-open", "--data-dir", str(data)], env=env,
                               cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        launch_file = _read_launch_file_line(process)
        if launch_file is None:
            process.wait(10)
            raise BuildError(f"the bundle was built, but it stopped before serving (exit {process.returncode})"
                             f"{_log_tail(data)}")
        opener, base = _session(launch_file)
        paths = ["/"] + ([settings.health_path] if settings.health_path else [])
        for path in paths:
            status = _status(opener, base + path)
            if status is None or status >= 400:
                raise BuildError(f"the bundle was built, but its page {path} answered {status}{_log_tail(data)}")
        return "it started (no display here: in browser mode) and served its start page"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _read_launch_file_line(process: subprocess.Popen) -> Path | None:
    deadline = time.monotonic() + TIMEOUT
    for line in process.stdout:
        if LAUNCH_FILE_LINE in line:
            return Path(line.split(LAUNCH_FILE_LINE, 1)[1].strip())
        if time.monotonic() > deadline:
            break
    return None


def _session(launch_file: Path) -> tuple[urllib.request.OpenerDirector, str]:
    import html

    entry = html.unescape(REFRESH_URL.search(launch_file.read_text(encoding="utf-8")).group(1))
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _status(opener, entry)
    return opener, entry.split("/__desktop__/", 1)[0]


def _status(opener: urllib.request.OpenerDirector, url: str) -> int | None:
    try:
        with opener.open(urllib.request.Request(url, headers={"Accept": "text/html"}), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _last_json_line(output: str) -> dict:
    for line in reversed(output.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def _log_tail(data: Path, lines: int = 15) -> str:
    log_file = data / "logs" / "app.log"
    try:
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "\nThe end of its log:\n" + "\n".join(f"  {line}" for line in tail)


@contextmanager
def _read_only(folder: Path | None) -> Iterator[None]:
    """The bundle unwritable while it runs, as in a system install: an app that writes beside its
    code fails here, not on the user's machine."""
    if folder is None or os.name != "posix":
        yield
        return
    entries = [folder, *(p for p in folder.rglob("*") if not p.is_symlink())]  # folders and files alike
    modes = {path: path.stat().st_mode for path in entries}
    for path, mode in modes.items():
        path.chmod(stat.S_IMODE(mode) & ~0o222)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(stat.S_IMODE(mode))
