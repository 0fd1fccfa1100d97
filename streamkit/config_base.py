"""The base of every settings model, and YAML to model with `file:line: field` errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from streamkit.errors import ConfigError
from streamkit.sensitive import is_secret_key
from streamkit.yamlpos import LineMap, load_yaml_with_lines

M = TypeVar("M", bound=BaseModel)


class Section(BaseModel):
    """A config section: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def yaml_to_model(
    text: str, path: Path | str, model: type[M], *, shape: str, empty_ok: bool = True
) -> tuple[M, LineMap]:
    """Validate YAML text (a mapping; empty means `{}` where `empty_ok`) into `model`.

    Errors are one ConfigError with a line per problem; `shape` says what the top level should
    be when it is not a mapping.
    """
    path = Path(path)
    data, lines = load_yaml_with_lines(text, path)
    if data is None and empty_ok:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: {shape}")
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, path, lines)) from None


def format_validation_error(exc: ValidationError, path: Path, lines: LineMap) -> str:
    """One line per problem: `file:line: field: what was expected`."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not isinstance(p, str) or not p.startswith("function"))
        field = ".".join(str(p) for p in loc) or "(top level)"
        line = lines.line_of(loc)
        secret = any(isinstance(p, str) and is_secret_key(p) for p in loc)
        message = _explain(err, show_value=not secret)
        out.append(f"{path}:{line}: {field}: {message}")
    return "\n".join(out)


def _explain(err: dict[str, Any], *, show_value: bool = True) -> str:
    """What was expected; the value given is echoed only where it cannot be a secret."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key (check its spelling and section)"
    if kind == "missing":
        return "required, but missing"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    given = err.get("input")
    if show_value and not isinstance(given, dict | list) and given is not None:
        return f"{message} (got {given!r})"
    return message
