"""Windows: the switch to a staged update, done by the staged version itself from outside the install.

Windows won't rename (or delete) the folder of a program while it runs, so the version that finds
an update staged can't move its own folder aside as POSIX allows (updateinstall.apply_staged).
It hands over instead, before it starts anything:

1. the running version starts `<install>.next\\App.exe --finish-update PLAN` and exits;
2. that process (the new version, running from outside the install) moves `<install>` aside to
   `<install>.previous` as soon as Windows lets it (the old processes are gone), copies itself into
   `<install>.incoming` and renames that to `<install>`: the install is always one version whole,
   and if anything fails before the last rename the old version is put back untouched;
3. it runs the self-test of the version now in `<install>`; if it fails, that version goes to
   `<install>.failed` and the previous one comes back (as on Linux and macOS);
4. it starts whichever version is in `<install>` with the user's arguments, and exits.

`<install>.next` can't be removed by the process running from it: the next start does that
(updateinstall.discard_leftovers). Files the installer put into the install (its uninstaller,
the install format) are carried over when the update is staged, so Windows' "Apps" list keeps
working.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from .updateinstall import self_test_or_roll_back, sibling, staged_mark, staged_version

log = logging.getLogger(__name__)

FINISH_UPDATE = "--finish-update"  # the staged version's command line while it switches
FREE_WAIT_SECONDS = 30.0  # how long the old version's processes may take to go


def switches_from_outside() -> bool:
    return sys.platform == "win32"


def hand_over_to_staged(folder: Path, executable: Path, args: list[str], data_args: list[str], log_file) -> None:
    """Step 1: start the staged version to finish the switch; the caller exits right after."""
    plan = {"install": str(folder), "executable": str(executable), "args": args, "data_args": data_args,
            "log_file": str(log_file) if log_file else ""}
    staged = sibling(folder, ".next") / executable
    log.info("update %s staged: handing over to it to switch the install", staged_version(folder))
    start_detached(staged, [FINISH_UPDATE, json.dumps(plan)])


def finish_update(argv: list[str], *, self_test: Callable[[Path, list[str]], bool]) -> int:
    """Steps 2-4, in the staged version (`argv`: what follows FINISH_UPDATE)."""
    plan = json.loads(argv[0])
    folder, executable = Path(plan["install"]), Path(plan["executable"])
    with _logging_to(plan.get("log_file")):  # the app's own log: the switch is part of its story
        code = 0
        try:
            switch_from_outside(folder, executable, lambda exe: self_test(exe, plan["data_args"]))
        except OSError as exc:
            log.error("the update could not be put in place (%s); %s stays as it was and the update is dropped "
                      "(the next check downloads it again)", exc, folder)
            staged_mark(folder).unlink(missing_ok=True)  # no second try at every start
            code = 1
        start_detached(folder / executable, plan["args"])
    return code


@contextlib.contextmanager
def _logging_to(log_file: str | None):
    if not log_file:
        yield
        return
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s [update] %(message)s"))
    logger = logging.getLogger("desktop")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        handler.close()


def switch_from_outside(folder: Path, executable: Path, passes_self_test: Callable[[Path], bool], *,
                        wait_seconds: float = FREE_WAIT_SECONDS) -> str:
    """Replace `folder` with the staged copy of the version running this; "applied" or "rolled-back".
    Raises OSError (with `folder` as it was) when the old version can't be moved aside or copied."""
    version = staged_version(folder)
    staged, previous = sibling(folder, ".next"), sibling(folder, ".previous")
    incoming = sibling(folder, ".incoming")
    for leftover in (previous, incoming):
        shutil.rmtree(leftover, ignore_errors=True)
    _rename_when_free(folder, previous, wait_seconds)
    try:
        shutil.copytree(staged, incoming, symlinks=True)
        os.rename(incoming, folder)
    except OSError:
        shutil.rmtree(incoming, ignore_errors=True)
        os.rename(previous, folder)
        raise
    return self_test_or_roll_back(folder, version, folder / executable, passes_self_test)


def _rename_when_free(source: Path, target: Path, seconds: float) -> None:
    """Rename once Windows lets go of `source` (the old version's processes exit within a second or
    two of the hand-over; a virus scanner may hold a file a moment longer)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.rename(source, target)
            return
        except PermissionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def start_detached(executable: Path, args: list[str]) -> None:
    """Start a program that outlives this process (and on Windows, isn't tied to its console)."""
    flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    subprocess.Popen([str(executable), *args], creationflags=flags, close_fds=True, start_new_session=os.name != "nt",
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
