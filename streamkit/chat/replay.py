"""A chat replayed offline (the demo): Twitch-format lines fed through the client's own parsing."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from streamkit.chat.client import DeletionListener, MessageListener
from streamkit.chat.errors import ChatUnreachable
from streamkit.chat.irc import parse_line
from streamkit.chat.message import deletion_from, message_from
from streamkit.obs.types import ConnectionState, PublishedState, StateChange


@dataclass(frozen=True)
class Said:
    """One scripted chat line: `after_s` seconds after the previous one."""

    after_s: float
    login: str
    text: str
    display: str = ""
    badges: str = ""  # Twitch's badges tag, e.g. "moderator/1,subscriber/12"
    colour: str = ""


def escape_tag_value(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\:")
        .replace(" ", "\\s")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )


def twitch_privmsg(channel: str, said: Said, sent_at: float, message_id: str = "") -> str:
    """The line Twitch would send for `said` (tags in Twitch's order and shape)."""
    badges = said.badges
    tags = {
        "badge-info": "",
        "badges": badges,
        "color": said.colour,
        "display-name": said.display or said.login,
        "emotes": "",
        "first-msg": "0",
        "flags": "",
        "id": message_id or str(uuid.uuid4()),
        "mod": "1" if "moderator/" in badges else "0",
        "returning-chatter": "0",
        "room-id": "700000001",
        "subscriber": "1" if "subscriber/" in badges else "0",
        "tmi-sent-ts": str(int(sent_at * 1000)),
        "turbo": "0",
        "user-id": str(700000000 + sum(map(ord, said.login))),
        "user-type": "mod" if "moderator/" in badges else "",
    }
    raw_tags = ";".join(f"{k}={escape_tag_value(v)}" for k, v in tags.items())
    who = said.login
    return f"@{raw_tags} :{who}!{who}@{who}.tmi.twitch.tv PRIVMSG #{channel} :{said.text}"


DEMO_CHAT: tuple[Said, ...] = (
    Said(2, "lina_codes", "hi all, first time here 👋", "Lina_Codes"),
    Said(
        3,
        "demomeetup",
        "Welcome everyone! Questions start with Q: and we take them at the end",
        "DemoMeetup",
        "broadcaster/1",
    ),
    Said(4, "ops_olli", "Reminder: be kind in chat", "Ops_Olli", "moderator/1"),
    Said(
        5,
        "byte_bert",
        "Q: Does the fallback scene also kick in when OBS itself crashes?",
        "Byte_Bert",
        "subscriber/3",
        "#1E90FF",
    ),
    Said(4, "kim_k8s", "audio is great today", "kim_k8s"),
    Said(6, "lina_codes", "? Is the scene collection on GitHub somewhere", "Lina_Codes"),
    Said(5, "sam_vip", "that demo was slick", "Sam_VIP", "vip/1"),
    Said(
        7,
        "ana_dev",
        "Q: How much does the WorkSpace cost per event, roughly?",
        "Ana_Dev",
        "subscriber/12",
        "#FF69B4",
    ),
    Said(4, "troll_123", "[bold red]LOOK AT ME[/] \u202eesrever", "troll_123"),
    Said(6, "kim_k8s", "how do you keep the stream key out of git?", "kim_k8s"),
    Said(8, "byte_bert", "\x01ACTION claps\x01", "Byte_Bert", "subscriber/3", "#1E90FF"),
)


class ReplayChat(PublishedState):
    """Plays `script` in a loop as if it came from #`channel`; the same listeners and states
    as ChatClient, so the TUI cannot tell the difference. `speed` > 1 plays faster."""

    def __init__(
        self,
        script: Sequence[Said] = DEMO_CHAT,
        channel: str = "demomeetup",
        *,
        speed: float = 1.0,
        loop: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.channel, self.script, self.speed, self.loop = channel, tuple(script), speed, loop
        self.host, self.port, self.nick = "replay", 0, "justinfan00000"
        self.max_length = 300
        self._clock = clock
        super().__init__()
        self._message_listeners: list[MessageListener] = []
        self._deletion_listeners: list[DeletionListener] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def on_message(self, listener: MessageListener) -> None:
        self._message_listeners.append(listener)

    def on_deletion(self, listener: DeletionListener) -> None:
        self._deletion_listeners.append(listener)

    def start(self) -> ReplayChat:
        self._stop.clear()
        self._set_state(StateChange(ConnectionState.CONNECTED))
        self._thread = threading.Thread(target=self._play, name="chat-replay", daemon=True)
        self._thread.start()
        return self

    connect = start

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=3)
        self._set_state(StateChange(ConnectionState.CLOSED))

    def send(self, text: str) -> str:
        raise ChatUnreachable("the demo chat is a replay: there is nowhere to post")

    def feed(self, raw: str) -> None:
        """Handle one raw Twitch line as the client would (also used by tests)."""
        line = parse_line(raw)
        if line is None:
            return
        message = message_from(line, self.max_length, now=self._clock())
        if message is not None:
            for listener in list(self._message_listeners):
                listener(message)
            return
        deletion = deletion_from(line)
        if deletion is not None:
            for deletion_listener in list(self._deletion_listeners):
                deletion_listener(deletion)

    def _play(self) -> None:
        rounds = itertools.count() if self.loop else range(1)
        due = time.monotonic()
        for _ in rounds:
            for said in self.script:
                due += said.after_s / self.speed  # on a schedule: no drift from late wake-ups
                if self._stop.wait(max(0.0, due - time.monotonic())):
                    return
                self.feed(twitch_privmsg(self.channel, said, self._clock()))
