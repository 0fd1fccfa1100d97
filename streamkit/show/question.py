"""An audience question on the lower third: the template filled in and wrapped to the source."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from streamkit.errors import UsageError
from streamkit.obs.types import Request, first_failure
from streamkit.show.control import ShowControl

# Average glyph width of a proportional font, in font sizes: enough to wrap a line so that it
# fits, without measuring the font.
GLYPH_WIDTH_EM = 0.55
MIN_CHARS = 10
ELLIPSIS = "…"


def format_question(
    template: str, *, author: str, text: str, role: str = "", width: int, max_lines: int
) -> str:
    """The template with {author}, {text} and {role}, wrapped to `width` characters a line,
    at most `max_lines` lines (an ellipsis marks a cut). The template comes from the config;
    the values are chat text and are never themselves used as a template."""
    filled = template.format(author=author, text=text, role=role)
    lines: list[str] = []
    for paragraph in filled.splitlines() or [""]:
        lines += textwrap.wrap(paragraph, max(1, width), break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last if len(last) < width else last[: max(0, width - 1)]).rstrip() + ELLIPSIS
    return "\n".join(lines)


def chars_per_line(settings: dict[str, Any], canvas_width: int) -> int:
    """How many characters fit a line of a text source: its set width (GDI+ `extents_cx`,
    FreeType `custom_width`) or else 90 % of the canvas, over its font size."""
    size = float((settings.get("font") or {}).get("size") or 0) or 36.0
    width = 0.0
    if settings.get("extents") and settings.get("extents_cx"):
        width = float(settings["extents_cx"])
    elif settings.get("custom_width"):
        width = float(settings["custom_width"])
    if width <= 0:
        width = 0.9 * canvas_width
    return max(MIN_CHARS, int(width / (size * GLYPH_WIDTH_EM) + 1e-6))  # 29.999… is 30


@dataclass(frozen=True)
class QuestionDisplay:
    """Puts a picked question on a text source, or clears it (`wrap_chars` 0: measure)."""

    control: ShowControl
    source: str
    template: str = "{author}: {text}"
    wrap_chars: int = 0
    max_lines: int = 3

    def width(self) -> int:
        """Characters per line: the configured number, else from the source and the canvas.
        Either way the source must exist and be a text input."""
        current = self.control._on_input("GetInputSettings", {"inputName": self.source})
        kind = str(current.get("inputKind", ""))
        self._check_text_kind(kind)
        if self.wrap_chars:
            return self.wrap_chars
        defaults, video = self.control.client.batch(
            [
                Request("GetInputDefaultSettings", {"inputKind": kind}),
                Request("GetVideoSettings"),
            ]
        )
        failed = first_failure([defaults, video])
        if failed is not None:
            raise failed.error()
        settings = dict(defaults.data.get("defaultInputSettings") or {})
        given = dict(current.get("inputSettings") or {})
        font = {**(settings.get("font") or {}), **(given.get("font") or {})}
        settings.update(given, font=font)
        return chars_per_line(settings, int(video.data.get("baseWidth") or 1920))

    def render(self, author: str, text: str, role: str = "") -> str:
        """The text as it will read on screen."""
        return format_question(
            self.template,
            author=author,
            text=text,
            role=role,
            width=self.width(),
            max_lines=self.max_lines,
        )

    def show(self, author: str, text: str, role: str = "") -> str:
        """Write the question to the source; returns the text written."""
        rendered = self.render(author, text, role)
        self.control.set_text(self.source, rendered)
        return rendered

    def clear(self) -> None:
        """Empty the source (after checking it is a text input)."""
        self.width()
        self.control.set_text(self.source, "")

    def _check_text_kind(self, kind: str) -> None:
        if not kind.startswith("text_"):
            raise UsageError(
                f"{self.source!r} is not a text source (it is {kind or 'of unknown kind'})",
                hint="set chat.source to the name of a text input (GDI+ or FreeType text)",
            )
