"""IRC lines with IRCv3 message tags: parsed into parts, and built safely (no line breaks)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAG_ESCAPES = {":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}
_TAG_ESCAPE = re.compile(r"\\(.?)", re.DOTALL)
MAX_LINE_BYTES = 8191 + 512  # IRCv3: tags up to 8191 bytes, the rest up to 512


@dataclass(frozen=True, slots=True)
class IrcLine:
    """One line from the server: `tags`, `prefix` (nick!user@host or server), command, params.
    The trailing parameter (after ` :`) is the last of `params`."""

    command: str
    params: tuple[str, ...] = ()
    prefix: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def nick(self) -> str:
        """The sender's nick (the part of the prefix before `!`)."""
        return self.prefix.split("!", 1)[0].split("@", 1)[0]

    def param(self, index: int, default: str = "") -> str:
        return self.params[index] if -len(self.params) <= index < len(self.params) else default


def unescape_tag_value(value: str) -> str:
    """IRCv3 tag value escapes: `\\s` space, `\\:` semicolon, `\\\\`, `\\r`, `\\n`; a lone
    trailing backslash is dropped and an unknown escape is the character itself."""
    return _TAG_ESCAPE.sub(lambda m: _TAG_ESCAPES.get(m.group(1), m.group(1)), value)


def parse_tags(raw: str) -> dict[str, str]:
    """`a=1;b;c=x\\sy` -> {"a": "1", "b": "", "c": "x y"}; a repeated key keeps the last."""
    tags: dict[str, str] = {}
    for item in raw.split(";"):
        if not item:
            continue
        key, _, value = item.partition("=")
        tags[key] = unescape_tag_value(value)
    return tags


def parse_line(line: str) -> IrcLine | None:
    """Parse one line (without CR LF); None for an empty or malformed one."""
    rest = line.rstrip("\r\n")
    tags: dict[str, str] = {}
    if rest.startswith("@"):
        raw_tags, _, rest = rest[1:].partition(" ")
        tags = parse_tags(raw_tags)
        rest = rest.lstrip(" ")
    prefix = ""
    if rest.startswith(":"):
        prefix, _, rest = rest[1:].partition(" ")
        rest = rest.lstrip(" ")
    head, sep, trailing = rest.partition(" :")
    if rest.startswith(":"):
        head, sep, trailing = "", ":", rest[1:]
    words = head.split()
    if not words:
        return None
    params = [*words[1:], trailing] if sep else words[1:]
    return IrcLine(words[0].upper(), tuple(params), prefix, tags)


def one_line(text: str) -> str:
    """Text made safe as one parameter: CR, LF and NUL would end or break the line."""
    return text.replace("\r", " ").replace("\n", " ").replace("\0", "")


def build(command: str, *params: str, trailing: str | None = None) -> str:
    """A line to send, CR LF included; middle params may not contain spaces or start with `:`."""
    for param in params:
        if not param or " " in param or param.startswith(":") or one_line(param) != param:
            raise ValueError(f"not a valid IRC parameter: {param!r}")
    parts = [command, *params]
    if trailing is not None:
        parts.append(":" + one_line(trailing))
    return " ".join(parts) + "\r\n"
