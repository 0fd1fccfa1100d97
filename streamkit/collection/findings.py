"""Lint findings and their exit status, and helpers the collection and profile lints share."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streamkit.sensitive import is_secret_key, secret_in_url

ASSET_LIST_KEYS = {"files", "playlist"}
ONLY_VARIABLE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")
# a path that only exists on the machine that wrote it
ABSOLUTE = re.compile(r"^(/|~[/\\]|[A-Za-z]:[\\/]|\\\\)")


@dataclass(frozen=True)
class Finding:
    """One problem; `invalid` means the file could not be read or does not match its format."""

    path: Path
    line: int | None
    message: str
    invalid: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


def exit_code(findings: Sequence[Finding]) -> int:
    """2 when any file was invalid, 1 when problems were found, else 0."""
    if any(f.invalid for f in findings):
        return 2
    return 1 if findings else 0


def unreadable(path: Path, exc: OSError | UnicodeDecodeError) -> list[Finding]:
    why = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
    return [Finding(path, None, f"cannot read: {why}", invalid=True)]


def strings(value: Any, loc: tuple, key: str = "") -> Iterator[tuple[tuple, str, str]]:
    """(location, the key it is under, string) for every string in a settings value."""
    if isinstance(value, str):
        yield loc, key, value
    elif isinstance(value, dict):
        for sub, item in value.items():
            inherited = key if sub == "value" and key in ASSET_LIST_KEYS else str(sub)
            yield from strings(item, (*loc, sub), inherited)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, (*loc, i), key)


def is_secret(key: str, value: str) -> bool:
    if not value.strip() or ONLY_VARIABLE.match(value.strip()):
        return False
    if is_secret_key(key):
        return True
    secret = secret_in_url(value)
    return bool(secret and not secret.startswith("${"))
