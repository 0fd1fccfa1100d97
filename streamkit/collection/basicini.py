"""OBS's profile settings file, basic.ini: the one reader that lint and profile import share."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

from streamkit.errors import ConfigError
from streamkit.textfile import read_text


class BasicIniError(ConfigError):
    """basic.ini is not valid INI; `line` is where (None when unknown)."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: invalid basic.ini: {reason}")
        self.path, self.line, self.reason = path, line, reason


@dataclass(frozen=True)
class BasicIni:
    """Every (section, key) -> value, as written (OBS's keys are case-sensitive), and lines."""

    path: Path
    values: dict[tuple[str, str], str]
    lines: dict[tuple[str, str], int]

    def get(self, section: str, key: str, default: str | None = None) -> str | None:
        return self.values.get((section, key), default)


def read_basic_ini(path: Path) -> BasicIni:
    """Read and parse basic.ini; unreadable or invalid files are ConfigErrors naming the line."""
    return parse_basic_ini(read_text(path), path)


def parse_basic_ini(text: str, path: Path) -> BasicIni:
    """Parse basic.ini text. A key or section written twice is an error, as OBS would keep
    only one of them and which one is not obvious."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text, source=str(path))
    except configparser.MissingSectionHeaderError as exc:
        raise BasicIniError(path, exc.lineno, "a [Section] header must come first") from None
    except configparser.ParsingError as exc:
        line, bad = exc.errors[0]
        raise BasicIniError(
            path, line, f"expected `key=value` or `[Section]`, got {bad.strip()!r}"
        ) from None
    except configparser.DuplicateOptionError as exc:
        raise BasicIniError(
            path, exc.lineno, f"[{exc.section}] {exc.option} is set twice; keep one"
        ) from None
    except configparser.DuplicateSectionError as exc:
        raise BasicIniError(
            path, exc.lineno, f"[{exc.section}] appears twice; merge them"
        ) from None
    except configparser.Error as exc:
        raise BasicIniError(
            path, getattr(exc, "lineno", None), exc.message.splitlines()[0]
        ) from None
    values = {(s, k): v for s in parser.sections() for k, v in parser.items(s)}
    return BasicIni(path, values, _key_lines(text))


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    lines: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
        elif "=" in stripped and not stripped.startswith((";", "#")):
            lines.setdefault((section, stripped.split("=", 1)[0].strip()), number)
    return lines
