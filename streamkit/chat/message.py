"""Chat messages and moderation events from Twitch IRC lines (IRCv3 tags: name, badges, roles)."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field

from streamkit.chat.irc import IrcLine
from streamkit.chat.sanitize import clean_name, clean_text

# Highest first: the role shown next to a name is the first one a message has.
ROLE_ORDER = ("broadcaster", "moderator", "vip", "subscriber")
_ACTION = re.compile(r"^\x01ACTION (.*?)\x01?$", re.DOTALL)
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One chat message, its text and author already cleaned (see chat.sanitize)."""

    id: str
    t: float  # seconds since the epoch: Twitch's tmi-sent-ts, else when it arrived
    channel: str  # without the leading '#'
    login: str  # the sender's account name (IRC nick)
    author: str  # display name
    text: str
    roles: frozenset[str] = field(default_factory=frozenset)
    colour: str = ""  # '#RRGGBB' or ''
    action: bool = False  # a '/me' message

    @property
    def role(self) -> str:
        """The highest role the author has in the channel, '' for a viewer."""
        return next((r for r in ROLE_ORDER if r in self.roles), "")

    def to_record(self) -> dict[str, object]:
        """JSON-ready fields (for `streamkit chat --json` and the session log)."""
        return {
            "id": self.id,
            "channel": self.channel,
            "login": self.login,
            "author": self.author,
            "role": self.role,
            "roles": sorted(self.roles, key=ROLE_ORDER.index),
            "text": self.text,
            "action": self.action,
        }


@dataclass(frozen=True, slots=True)
class ChatDeletion:
    """Moderators removed messages: one (`message_id`), a user's (`login`), or all (neither)."""

    channel: str
    message_id: str = ""
    login: str = ""


def roles_of(tags: dict[str, str], login: str, channel: str) -> frozenset[str]:
    """Roles from Twitch's `badges` and `mod` tags; the channel's own account is broadcaster."""
    badges = {b.split("/", 1)[0] for b in tags.get("badges", "").split(",") if b}
    roles = {r for r in ROLE_ORDER if r in badges}
    if tags.get("mod") == "1":
        roles.add("moderator")
    if tags.get("subscriber") == "1":
        roles.add("subscriber")
    if login and login.lower() == channel.lower():
        roles.add("broadcaster")
    return frozenset(roles)


def _sent_at(tags: dict[str, str], received: float) -> float:
    try:
        return int(tags["tmi-sent-ts"]) / 1000
    except (KeyError, ValueError):
        return received


def message_from(line: IrcLine, limit: int, now: float | None = None) -> ChatMessage | None:
    """A PRIVMSG to a channel as a ChatMessage (text cut to `limit`); None for anything else."""
    if line.command != "PRIVMSG" or len(line.params) < 2 or not line.params[0].startswith("#"):
        return None
    received = time.time() if now is None else now
    tags, login = line.tags, line.nick
    channel = line.params[0][1:]
    raw = line.params[1]
    action = _ACTION.match(raw)
    text = clean_text(action.group(1) if action else raw, limit)
    if not text:
        return None
    colour = tags.get("color", "")
    return ChatMessage(
        id=tags.get("id") or uuid.uuid4().hex,
        t=_sent_at(tags, received),
        channel=channel,
        login=login,
        author=clean_name(tags.get("display-name", ""), fallback=login),
        text=text,
        roles=roles_of(tags, login, channel),
        colour=colour if _COLOUR.match(colour) else "",
        action=action is not None,
    )


def deletion_from(line: IrcLine) -> ChatDeletion | None:
    """Twitch's CLEARMSG (one message) and CLEARCHAT (a user's messages, or the whole chat)."""
    if not line.params or not line.params[0].startswith("#"):
        return None
    channel = line.params[0][1:]
    if line.command == "CLEARMSG":
        message_id = line.tags.get("target-msg-id", "")
        return ChatDeletion(channel, message_id=message_id) if message_id else None
    if line.command == "CLEARCHAT":
        return ChatDeletion(channel, login=line.param(1))
    return None
