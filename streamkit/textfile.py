"""Reading the text files streamkit is given, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

from streamkit.errors import ConfigError


def read_text(path: Path) -> str:
    """The file's text (UTF-8, a byte-order mark allowed); ConfigError naming it otherwise."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
