"""`${NAME}` variables in collection settings (NDI sender names carry the sending machine's name).

A reference is `${NAME}` (letters, digits, underscores); `$${` writes a literal `${`. Values
come from the environment first, then from the config's `variables:` mapping, so one machine
can override a committed value without editing files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from streamkit.collection.model import Collection
from streamkit.errors import ConfigError

_TOKEN = re.compile(r"\$\$\{|\$\{(?P<body>[^}]*)(?P<close>\}?)")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def references(text: str) -> list[str]:
    """The variable names `text` refers to, in order; raises ValueError on a malformed one."""
    names = []
    for match in _TOKEN.finditer(text):
        if match.group(0) == "$${":
            continue
        body = match["body"]
        if not match["close"] or not _NAME.match(body):
            raise ValueError(f"malformed variable reference {match.group(0)!r} in {text!r}")
        names.append(body)
    return names


def expand_text(text: str, lookup: Mapping[str, str]) -> str:
    """`text` with every `${NAME}` replaced; KeyError names the first missing variable."""
    references(text)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        return lookup[match["body"]]

    return _TOKEN.sub(replace, text)


def used_variables(collection: Collection) -> set[str]:
    """Every variable name the collection's settings refer to."""
    found: set[str] = set()

    def collect(text: str) -> str:
        try:
            found.update(references(text))
        except ValueError as exc:
            raise ConfigError(f"collection {collection.name!r}: {exc}") from None
        return text

    collection.map_strings(collect)
    return found


def expand(
    collection: Collection,
    variables: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Collection:
    """A copy of the collection with variables replaced (environment first, then
    `variables`); a missing variable is a ConfigError naming it and where to set it."""
    environ = os.environ if environ is None else environ
    lookup = {**(variables or {}), **{k: v for k, v in environ.items() if _NAME.match(k)}}
    missing = sorted(used_variables(collection) - set(lookup))
    if missing:
        names = ", ".join(missing)
        raise ConfigError(
            f"collection {collection.name!r} uses variables that are not set: {names}",
            hint=f"set them under `variables:` in streamkit.yaml or export {missing[0]}=...",
        )
    return collection.map_strings(lambda text: expand_text(text, lookup))
