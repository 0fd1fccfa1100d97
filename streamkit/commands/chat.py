"""`streamkit chat`: follow the audience chat in the terminal (or as JSON lines), log questions."""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from typing import TYPE_CHECKING, Any

from streamkit.commands import load_config
from streamkit.errors import UsageError

if TYPE_CHECKING:
    from streamkit.chat.settings import ChatSettings
    from streamkit.config import Config
    from streamkit.health.sessionlog import SessionLog
    from streamkit.tui.chat import AudiencePanel
    from streamkit.tui.controller import ShowController


# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "chat": "follow the audience chat (Twitch), questions marked",
}


def register(sub: argparse._SubParsersAction) -> None:
    chat = sub.add_parser(
        "chat",
        help=COMMANDS["chat"],
        description="Read the Twitch channel of chat.channel anonymously and print each message "
        "(role, name, text); questions (chat.question_prefixes) are marked with '?' and written "
        "to the session log. Reconnects by itself; Ctrl+C stops.",
    )
    chat.add_argument("--channel", help="channel to read (default: chat.channel)")
    chat.add_argument("--host", help="IRC server (default: chat.host, Twitch's)")
    chat.add_argument("--port", type=int, help="IRC server port (default: chat.port)")
    chat.add_argument(
        "--plain", action="store_true", help="no TLS (a local test server; Twitch needs TLS)"
    )
    chat.add_argument("--json", action="store_true", help="one JSON object a line, for scripts")
    chat.add_argument("--count", type=int, metavar="N", help="stop after N chat messages")
    chat.add_argument(
        "--replay", action="store_true", help="the built-in demo chat instead (offline)"
    )
    chat.add_argument(
        "--log",
        metavar="FILE",
        help="session log for the questions (default: health.session_log in the config)",
    )
    chat.add_argument("--no-log", action="store_true", help="write no session log")
    chat.set_defaults(handler=cmd_chat)


def chat_settings(config: Config, **overrides: Any) -> ChatSettings:
    """The config's `chat:` section with command-line overrides (None means not given)."""
    from streamkit.chat.settings import ChatSettings

    section = config.chat
    given = {key: value for key, value in overrides.items() if value is not None}
    if not given:
        return section
    merged = ChatSettings.model_validate({**section.model_dump(exclude={"token"}), **given})
    merged.token = section.token  # the reference itself, with where it was written
    return merged


def open_session_log(config: Config, path: str | None, off: bool) -> SessionLog | None:
    """The event's session log (health.session_log), another file, or none."""
    if off:
        return None
    from streamkit.health.sessionlog import SessionLog, session_log_path

    target = path or session_log_path(
        config.health.session_log, config.event or "stream", time.time()
    )
    return SessionLog(target)


def audience_for(config: Config, controller: ShowController) -> AudiencePanel | None:
    """The TUI's audience panel when chat.channel is set; its questions go to the session log.
    `streamkit tui` mounts it: `app.main.audience = audience_for(config, controller)`."""
    from streamkit.tui.chat import audience_panel

    settings = chat_settings(config)
    if not settings.channel:
        return None
    log = open_session_log(config, None, off=False)
    return audience_panel(settings, controller.control, log=log)


def show_question(control: Any, config: Config, args: argparse.Namespace) -> None:
    """`streamkit show question "..." [--author NAME]` and `streamkit show question --clear`."""
    import uuid

    from streamkit.chat.sanitize import clean_name, clean_text
    from streamkit.show.question import QuestionDisplay

    if args.clear == bool(args.text):
        raise UsageError(
            "give the question's text, or --clear",
            hint='streamkit show question "How do you test this?" --author Ada',
        )
    settings = chat_settings(config)
    author = clean_name(args.author)
    display = QuestionDisplay(
        control,
        settings.source,
        settings.template if author else "{text}",
        settings.wrap_chars,
        settings.max_lines,
    )
    if args.clear:
        display.clear()
        print(f"{settings.source}: cleared")
        return
    text = clean_text(args.text, settings.max_length)
    if not text:
        raise UsageError("the question is empty")
    shown = display.show(author, text)
    log = open_session_log(config, args.log, args.no_log)
    if log is not None:
        with log:
            log.question(
                time.time(), "shown", id=f"cli-{uuid.uuid4().hex[:12]}", author=author, text=text
            )
    print(f"{settings.source}:\n{shown}")


def cmd_chat(args: argparse.Namespace) -> int:
    from streamkit.chat.client import ChatClient, ChatSource
    from streamkit.chat.replay import ReplayChat

    config = load_config(args.config)
    settings = chat_settings(
        config,
        channel=args.channel,
        host=args.host,
        port=args.port,
        tls=False if args.plain else None,
    )
    if args.count is not None and args.count < 1:
        raise UsageError("--count must be at least 1")
    source: ChatSource = (
        ReplayChat(speed=20.0) if args.replay else ChatClient.from_settings(settings)
    )
    events: queue.SimpleQueue = queue.SimpleQueue()
    source.on_message(lambda message: events.put(("message", message)))
    source.on_deletion(lambda deletion: events.put(("deletion", deletion)))
    source.add_state_listener(lambda change: events.put(("state", change)))
    log = open_session_log(config, args.log, args.no_log)
    try:
        if isinstance(source, ChatClient):
            source.connect()
        else:
            source.start()
        _follow(source, events, settings, args, log)
    except KeyboardInterrupt:
        pass
    finally:
        source.close()
        if log is not None:
            log.close()
    return 0


def _follow(source, events, settings, args, log) -> None:
    from streamkit.chat.errors import ChatError
    from streamkit.chat.questions import question_text
    from streamkit.obs.types import ConnectionState

    if not args.json:
        print(f"following #{source.channel} (Ctrl+C stops)", file=sys.stderr)
    seen = 0
    while args.count is None or seen < args.count:
        kind, item = events.get()
        if kind == "state":
            _print_state(item, args.json)
            if item.state is ConnectionState.FAILED:
                failure = getattr(source, "failure", None)  # with its exit code (auth: 4)
                raise failure or ChatError(f"the chat connection failed: {item.detail}")
            continue
        if kind == "deletion":
            _emit(args.json, {"type": "deletion", **_fields(item)}, _deletion_text(item))
            continue
        seen += 1
        question = question_text(item.text, settings.question_prefixes)
        record = {"type": "message", "t": _iso(item.t), **item.to_record()}
        record["question"] = question
        _emit(args.json, record, _message_text(item, question is not None))
        if question is not None and log is not None:
            log.question(item.t, "asked", id=item.id, author=item.author, text=question)


def _emit(as_json: bool, record: dict, text: str) -> None:
    if as_json:
        print(json.dumps(record, ensure_ascii=False), flush=True)
    else:
        print(text, flush=True)


def _message_text(message, is_question: bool) -> str:
    stamp = time.strftime("%H:%M:%S", time.localtime(message.t))
    role = f"[{message.role}] " if message.role else ""
    mark = "? " if is_question else "  "
    body = (
        f"* {message.author} {message.text}"
        if message.action
        else (f"{message.author}: {message.text}")
    )
    return f"{stamp} {mark}{role}{body}"


def _deletion_text(deletion) -> str:
    """A moderation event as one plain line (its id and login come from the server)."""
    from streamkit.chat.sanitize import clean_text

    if deletion.message_id:
        return f"(moderators deleted message {clean_text(deletion.message_id, 100)})"
    if deletion.login:
        return f"(moderators removed the messages of {clean_text(deletion.login, 100)})"
    return "(moderators cleared the chat)"


def _print_state(change, as_json: bool) -> None:
    if as_json:
        _emit(True, {"type": "state", "state": change.state.value, "detail": change.detail}, "")
        return
    detail = f": {change.detail}" if change.detail else ""
    print(f"chat {change.state.value.lower()}{detail}", file=sys.stderr, flush=True)


def _fields(item) -> dict:
    return {k: getattr(item, k) for k in item.__dataclass_fields__}


def _iso(t: float) -> str:
    from streamkit.health.sessionlog import iso_utc

    return iso_utc(t)
