"""Which settings hold secrets (passwords, tokens, stream keys), and how to take them out."""

from __future__ import annotations

import re
from typing import Any

SECRET_KEY = re.compile(
    r"(^|_)(pass(word|wd)?|secret|token|stream_?key|api_?key|key|auth)$", re.IGNORECASE
)
SECRET_QUERY = re.compile(
    r"([?&])(key|token|secret|password|access_token|auth)=([^&#\s]+)", re.IGNORECASE
)
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:\s]*):([^/@\s]+)@")


def is_secret_key(key: str) -> bool:
    """A setting named like a secret: password, token, stream_key, ..."""
    return bool(SECRET_KEY.search(key))


def secret_in_url(value: str) -> str | None:
    """The secret of a URL (`user:PASSWORD@`, `?token=...`), if any."""
    if not URL.match(value):
        return None
    userinfo = USERINFO.match(value)
    if userinfo:
        return userinfo[2]
    match = SECRET_QUERY.search(value)
    return match[3] if match else None


def mask(value: Any, key: str = "", replacement: str = "***") -> Any:
    """`value` with secret-looking settings and URL secrets replaced (walks dicts and lists).
    An empty replacement removes secret keys from dicts entirely."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and v and is_secret_key(k):
                if replacement:
                    out[k] = replacement
                continue
            out[k] = mask(v, k, replacement)
        return out
    if isinstance(value, list):
        return [mask(v, key, replacement) for v in value]
    if isinstance(value, str) and secret_in_url(value):
        value = USERINFO.sub(lambda m: f"{m[1]}:{replacement or ''}@", value)
        return SECRET_QUERY.sub(lambda m: f"{m[1]}{m[2]}={replacement or ''}", value)
    return value
