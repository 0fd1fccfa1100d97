"""Lint of an exported OBS profile folder: basic.ini and the JSON files next to it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamkit.collection.basicini import BasicIniError, read_basic_ini
from streamkit.collection.findings import ABSOLUTE, Finding, is_secret, strings, unreadable
from streamkit.errors import ConfigError
from streamkit.sensitive import is_secret_key

PROFILE_JSON = ("service.json", "streamEncoder.json", "recordEncoder.json")
INI_PATH_KEY = re.compile(r"(FilePath|Path)$")


def lint_profile(folder: Path) -> list[Finding]:
    """Check an exported OBS profile: basic.ini and the JSON files next to it."""
    findings = _lint_basic_ini(folder / "basic.ini")
    for name in PROFILE_JSON:
        path = folder / name
        if path.exists():
            findings += _lint_profile_json(path)
    return findings


def _lint_basic_ini(path: Path) -> list[Finding]:
    if not path.exists():
        return [Finding(path, None, "missing: a profile folder needs basic.ini", invalid=True)]
    try:
        ini = read_basic_ini(path)
    except BasicIniError as exc:
        return [Finding(path, exc.line, f"invalid INI: {exc.reason}", invalid=True)]
    except ConfigError as exc:  # unreadable, or not UTF-8
        return [Finding(path, None, exc.message.removeprefix(f"{path}: "), invalid=True)]
    findings = []
    for (section, key), value in ini.values.items():
        line = ini.lines.get((section, key))
        if INI_PATH_KEY.search(key) and ABSOLUTE.match(value):
            findings.append(
                Finding(
                    path,
                    line,
                    f"[{section}] {key}: absolute path {value!r} will not exist on "
                    "another machine; leave it out to use OBS's default",
                )
            )
        if is_secret_key(key) and value.strip():
            findings.append(
                Finding(
                    path,
                    line,
                    f"[{section}] {key}: a password or key is committed here; leave it empty",
                )
            )
    return findings


def _lint_profile_json(path: Path) -> list[Finding]:
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return unreadable(path, exc)
    except json.JSONDecodeError as exc:
        return [Finding(path, exc.lineno, f"invalid JSON: {exc.msg}", invalid=True)]
    if not isinstance(data, dict):
        return [Finding(path, 1, "expected a JSON object", invalid=True)]
    findings = []
    lines = text.splitlines()
    settings = data.get("settings", data)
    for here, key, value in strings(settings if isinstance(settings, dict) else {}, ()):
        if is_secret(key, value):
            line = next(
                (n for n, text_line in enumerate(lines, start=1) if f'"{key}"' in text_line), None
            )
            what = "stream key" if key == "key" else "password or key"
            findings.append(
                Finding(
                    path,
                    line,
                    f"settings.{'.'.join(map(str, here))}: a {what} is committed here; "
                    "leave it empty (it is set when the profile is imported)",
                )
            )
    return findings
