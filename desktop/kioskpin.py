"""The kiosk's exit PIN: a secret of the operator's, kept hashed in config.toml.

It is set from the command line (`<app> --set-kiosk-pin`, or `python -m desktop run
--set-kiosk-pin` from source), never by the app's own pages, so nothing a person at the kiosk can
reach (the app's settings, restoring one of its backups) can set, change or remove it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from .errors import UsageError

# scrypt, as the standard library has it: ~16 MiB and ~50 ms per check here; a PIN is short, so
# the exit page also slows repeated wrong guesses down (kiosk.KioskExit).
N, R, P = 2**14, 8, 1
PIN_PATTERN = re.compile(r"^\S{4,64}$")
HASH_PATTERN = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{32})\$([0-9a-f]{64})$")


def hash_pin(pin: str) -> str:
    """The text stored in config.toml for `pin`."""
    if not PIN_PATTERN.match(pin):
        raise UsageError("a kiosk exit PIN is 4 to 64 characters, without spaces")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def is_pin_hash(text: str) -> bool:
    """Whether `text` looks like what hash_pin() makes."""
    return bool(HASH_PATTERN.match(text))


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` is the one `stored` was made from."""
    match = HASH_PATTERN.match(stored)
    if not match or not pin:
        return False
    n, r, p, salt, expected = match.groups()
    digest = hashlib.scrypt(pin[:64].encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(digest.hex(), expected)


def store_pin_hash(config_file: Path, pin_hash: str) -> None:
    """Write `exit_pin = "<hash>"` into the [kiosk] table of config.toml, keeping the rest as it is."""
    text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
    line = f'exit_pin = "{pin_hash}"'
    lines = text.splitlines()
    section = None
    for index, current in enumerate(lines):
        stripped = current.strip()
        if stripped.startswith("["):
            section = stripped
        elif section == "[kiosk]" and re.match(r"^#?\s*exit_pin\s*=", stripped):
            lines[index] = line
            break
    else:
        header = next((i for i, current in enumerate(lines) if current.strip() == "[kiosk]"), None)
        if header is None:
            lines += ["", "[kiosk]", line]
        else:
            lines.insert(header + 1, line)
    temporary = config_file.with_name(config_file.name + ".tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, config_file)


def read_new_pin(stdin) -> str:
    """The new PIN: asked twice at a terminal, else one line of standard input (for scripts)."""
    if stdin is not None and stdin.isatty():
        import getpass

        first = getpass.getpass("New kiosk exit PIN: ")
        if getpass.getpass("The same PIN again: ") != first:
            raise UsageError("the two PINs differ: nothing was changed")
        return first
    return (stdin.readline() if stdin is not None else "").strip()
