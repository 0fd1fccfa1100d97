"""Secret values kept out of text: the process-wide redactor, and a holder that never prints."""

from __future__ import annotations


class Redactor:
    """Replaces known secret values by `***` in text (a logging filter uses it)."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 3:
            self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


REDACT = Redactor()


class Hidden:
    """Holds a secret value; its repr and str never show it (`.value` does)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "Hidden('***')"

    __str__ = __repr__
