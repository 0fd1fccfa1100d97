"""Project errors: each failure a user can meet, with an actionable message and an exit code."""

from __future__ import annotations


class StreamkitError(Exception):
    """Base of every error streamkit reports to a person; `exit_code` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(StreamkitError):
    """The command line or an input file is wrong."""

    exit_code = 2


class ConfigError(UsageError):
    """streamkit.yaml (or another input file) is invalid; the message names file, line and field."""
