"""A private D-Bus session bus for a test, with a test notification server on it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

SERVER = Path(__file__).with_name("notification_server.py")
TRAY_HOST = Path(__file__).with_name("tray_host.py")


def dbus_tools_missing() -> str | None:
    """Why the D-Bus tests can't run here, or None."""
    missing = [tool for tool in ("dbus-daemon", "gdbus") if not shutil.which(tool)]
    return f"not installed: {', '.join(missing)}" if missing else None


@contextmanager
def session_bus() -> Iterator[str]:
    """Start a session bus of our own; yield its address."""
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = daemon.stdout.readline().strip()
        assert address, "dbus-daemon printed no address"
        yield address
    finally:
        daemon.terminate()
        daemon.wait(10)
        daemon.stdout.close()


@contextmanager
def _service(address: str, script: Path, out_file: Path, answers: Callable[[], bool], what: str) -> Iterator[None]:
    """Run the test service `script` (recording into `out_file`) on the bus at `address` until
    `answers()`; stop it afterwards."""
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    service = subprocess.Popen([sys.executable, str(script), str(out_file)], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not answers():
            assert service.poll() is None, service.stderr.read().decode()
            assert time.monotonic() < deadline, f"the test {what} did not come up"
            time.sleep(0.1)
        yield
    finally:
        service.terminate()
        service.wait(10)
        service.stderr.close()


def notification_server(address: str, calls_file: Path):
    """org.freedesktop.Notifications on the bus at `address`, recording each notification."""
    return _service(address, SERVER, calls_file, what="notification server", answers=lambda: gdbus(
        address, "org.freedesktop.Notifications.GetServerInformation").returncode == 0)


def notifications(calls_file: Path) -> list[dict]:
    """What the server was asked to show."""
    return [json.loads(line) for line in calls_file.read_text().splitlines()] if calls_file.exists() else []


def gdbus(address: str, method: str, *args: str) -> subprocess.CompletedProcess:
    """Call `method` of the notification service."""
    return call(address, "org.freedesktop.Notifications", "/org/freedesktop/Notifications", method, *args)


def click_notification(address: str, notification_id: int) -> None:
    """What the server sends when the user clicks a notification's body."""
    result = gdbus(address, "org.freedesktop.Notifications.Test.Click", str(notification_id), "default")
    assert result.returncode == 0, result.stderr


def tray_host(address: str, items_file: Path):
    """A StatusNotifierWatcher (a desktop's tray) on the bus at `address`, recording each tray icon."""
    return _service(address, TRAY_HOST, items_file, what="tray", answers=lambda: call(
        address, "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher", "org.freedesktop.DBus.Properties.Get",
        "org.kde.StatusNotifierWatcher", "ProtocolVersion").returncode == 0)


def call(address: str, dest: str, path: str, method: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["gdbus", "call", "--session", "--dest", dest, "--object-path", path, "--method", method,
                           *args], env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": address},
                          capture_output=True, text=True, timeout=30)


def tray_menu(address: str, item: dict) -> dict[str, int]:
    """The labels of a tray icon's menu (com.canonical.dbusmenu), with their ids."""
    menu = call(address, item["sender"], item["path"], "org.freedesktop.DBus.Properties.Get",
                "org.kde.StatusNotifierItem", "Menu")
    assert menu.returncode == 0, menu.stderr
    menu_path = re.search(r"objectpath '([^']+)'", menu.stdout).group(1)
    layout = call(address, item["sender"], menu_path, "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "[]")
    assert layout.returncode == 0, layout.stderr
    entries = re.findall(r"\((?:int32 )?(\d+), \{[^}]*'label': <'([^']*)'>", layout.stdout)
    return {label.replace("_", ""): int(number) for number, label in entries} | {"__menu__": menu_path}


def click_tray_item(address: str, item: dict, menu: dict[str, int], label: str) -> None:
    """What the panel sends when the user picks `label` in the tray icon's menu."""
    result = call(address, item["sender"], menu["__menu__"], "com.canonical.dbusmenu.Event", str(menu[label]),
                  "clicked", "<int32 0>", "0")
    assert result.returncode == 0, result.stderr
