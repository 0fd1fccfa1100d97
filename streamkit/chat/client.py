"""The chat client: reads one channel, reconnects by itself, and tells listeners what arrives."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from typing import Protocol

from streamkit.chat.errors import ChatAuthFailed, ChatError, ChatRefused, ChatUnreachable
from streamkit.chat.irc import build
from streamkit.chat.message import ChatDeletion, ChatMessage, deletion_from, message_from
from streamkit.chat.sanitize import clean_text
from streamkit.chat.session import ConnectionLost, Login, Session
from streamkit.chat.settings import ChatSettings
from streamkit.errors import UsageError
from streamkit.obs.types import ConnectionState, PublishedState, StateChange, StateListener
from streamkit.redact import REDACT

log = logging.getLogger(__name__)

MessageListener = Callable[[ChatMessage], None]
DeletionListener = Callable[[ChatDeletion], None]
POST_LIMIT = 500  # Twitch's limit for one chat message


class ChatSource(Protocol):
    """What the TUI and the CLI need from a chat: ChatClient, or the demo's ReplayChat."""

    channel: str

    @property
    def state(self) -> ConnectionState: ...

    def add_state_listener(self, listener: StateListener) -> None: ...

    def on_message(self, listener: MessageListener) -> None: ...

    def on_deletion(self, listener: DeletionListener) -> None: ...

    def start(self) -> ChatSource: ...

    def close(self) -> None: ...


class ChatClient(PublishedState):
    """A supervised connection to one channel, with the same states as the OBS connection.

    `connect()` raises when the first connection fails; `start()` keeps trying from the
    start (the TUI: the chat may come up after the app). Once connected, a lost connection is
    re-established with capped exponential backoff; Twitch's RECONNECT is followed at once.
    Listeners run on the reader thread and must return quickly.
    """

    def __init__(
        self,
        channel: str,
        *,
        host: str = "irc.chat.twitch.tv",
        port: int = 6697,
        tls: bool = True,
        nick: str = "",
        token: str | None = None,
        timeout: float = 10.0,
        max_length: int = 300,
        backoff_start: float = 0.5,
        backoff_cap: float = 30.0,
        idle_s: float = 60.0,
        ping_timeout: float | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if not channel:
            raise UsageError(
                "no chat channel configured", hint="set chat.channel in streamkit.yaml"
            )
        self.channel = channel.lower().removeprefix("#")
        self.host, self.port, self.tls, self.timeout = host, port, tls, timeout
        self.max_length = max_length
        REDACT.add(token)
        self._login = Login(nick, token)
        self._backoff = (backoff_start, backoff_cap)
        self._idle_s = idle_s
        self._ping_timeout = timeout if ping_timeout is None else ping_timeout
        self._ssl_context = ssl_context
        self._session: Session | None = None
        super().__init__()
        self._message_listeners: list[MessageListener] = []
        self._deletion_listeners: list[DeletionListener] = []
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self.failure: ChatError | None = None  # why it gave up (state FAILED), once it has

    @classmethod
    def from_settings(cls, settings: ChatSettings, **options: object) -> ChatClient:
        """A client for a `chat:` section (resolves the token secret, if one is set)."""
        token = settings.token.resolve() if settings.token else None
        return cls(
            settings.channel,
            host=settings.host,
            port=settings.port,
            tls=settings.tls,
            nick=settings.nick,
            token=token,
            timeout=settings.timeout,
            max_length=settings.max_length,
            **options,  # type: ignore[arg-type]
        )

    def __repr__(self) -> str:
        return f"ChatClient(#{self.channel} at {self.host}:{self.port}, state={self.state.value})"

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state and listeners ---------------------------------------------------------------------

    @property
    def nick(self) -> str:
        session = self._session
        return session.nick if session else ""

    def on_message(self, listener: MessageListener) -> None:
        self._message_listeners.append(listener)

    def on_deletion(self, listener: DeletionListener) -> None:
        """Moderators removed messages (Twitch CLEARMSG / CLEARCHAT)."""
        self._deletion_listeners.append(listener)

    # -- connecting ------------------------------------------------------------------------------

    def connect(self) -> ChatClient:
        """Connect and join now (raises ChatError); then keep the connection in the background."""
        self._closing.clear()
        self.failure = None
        self._set_state(StateChange(ConnectionState.CONNECTING))
        try:
            self._session = self._open()
        except ChatError as exc:
            self.failure = exc
            self._set_state(StateChange(ConnectionState.FAILED, exc.message))
            raise
        self._set_state(StateChange(ConnectionState.CONNECTED))
        self._start_thread()
        return self

    def start(self) -> ChatClient:
        """Connect in the background, retrying until it works (or the login is refused)."""
        self._closing.clear()
        self._set_state(StateChange(ConnectionState.CONNECTING))
        self._start_thread()
        return self

    def close(self) -> None:
        """Disconnect and stop reconnecting. A session the reader stores meanwhile is closed
        by the reader: it checks the closing flag after storing, close() sets it before."""
        self._closing.set()
        session, self._session = self._session, None
        if session is not None:
            session.close()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=3)
        self._set_state(StateChange(ConnectionState.CLOSED))

    def _open(self) -> Session:
        session = Session.open(
            self.host,
            self.port,
            self.channel,
            self._login,
            tls=self.tls,
            timeout=self.timeout,
            ssl_context=self._ssl_context,
        )
        log.info("chat: joined #%s on %s:%s", self.channel, self.host, self.port)
        return session

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._supervise, name="chat-reader", daemon=True)
        self._thread.start()

    def _supervise(self) -> None:
        """Read while connected; reconnect with backoff when the connection ends."""
        reason, delay = "", 0.0
        while not self._closing.is_set():
            session = self._session
            if session is not None:
                reason, delay = self._read(session)
                session.close()
                self._session = None
                if self._closing.is_set():
                    return
                log.warning("chat: lost #%s on %s: %s", self.channel, self.host, reason)
            if not self._reconnect(reason, delay):
                return

    def _reconnect(self, reason: str, first_delay: float) -> bool:
        """Try until connected (True), closed or refused for good (False)."""
        start, cap = self._backoff
        delay, attempt = first_delay, 0
        first = 1 if self.state is ConnectionState.CONNECTING else 0  # start(): no retry yet
        while not self._closing.is_set():
            attempt += 1
            retry_at = time.monotonic() + delay
            if attempt > 1 or self.state is not ConnectionState.CONNECTING:
                number = attempt - first
                self._set_state(StateChange(ConnectionState.RECONNECTING, reason, number, retry_at))
            if self._closing.wait(delay):
                return False
            try:
                session = self._open()
            except (ChatAuthFailed, ChatRefused) as exc:
                self.failure = exc
                self._set_state(StateChange(ConnectionState.FAILED, exc.message, attempt))
                return False
            except ChatUnreachable as exc:
                reason = exc.message
                delay = min(max(delay * 2, start), cap)
                continue
            self._session = session
            if self._closing.is_set():  # checked after the store: close() may have missed it
                self._session = None
                session.close()
                return False
            self._set_state(StateChange(ConnectionState.CONNECTED))
            return True
        return False

    def _read(self, session: Session) -> tuple[str, float]:
        """Dispatch lines until the connection ends; returns why, and how soon to come back."""
        probing = False
        while not self._closing.is_set():
            try:
                lines = session.lines(self._ping_timeout if probing else self._idle_s)
            except TimeoutError:
                if probing:
                    return "the server stopped answering", self._backoff[0]
                probing = True  # quiet for a while: is the server still there?
                try:
                    session.send(build("PING", trailing="streamkit"))
                except ConnectionLost as exc:
                    return exc.args[0], self._backoff[0]
                continue
            except ConnectionLost as exc:
                return exc.args[0], self._backoff[0]
            probing = False
            for line in lines:
                if line.command == "RECONNECT":
                    return "the server asked us to reconnect", 0.0
                if line.command == "ERROR":
                    why = clean_text(line.param(-1), 200)  # the server's words, shown to a person
                    return f"the server ended the connection: {why}", self._backoff[0]
                self._dispatch(line)
        return "closed", 0.0

    def _dispatch(self, line) -> None:
        message = message_from(line, self.max_length)
        if message is not None and message.channel == self.channel:
            for listener in list(self._message_listeners):
                try:
                    listener(message)
                except Exception:
                    log.exception("chat message listener failed")
            return
        deletion = deletion_from(line)
        if deletion is not None and deletion.channel == self.channel:
            for deletion_listener in list(self._deletion_listeners):
                try:
                    deletion_listener(deletion)
                except Exception:
                    log.exception("chat deletion listener failed")

    # -- posting ---------------------------------------------------------------------------------

    def send(self, text: str) -> str:
        """Post a message to the channel (needs chat.nick and chat.token); returns what was sent."""
        if not self._login.token:
            raise UsageError(
                "posting to the chat needs an account",
                hint="set chat.nick and chat.token (e.g. env:TWITCH_TOKEN); reading needs neither",
            )
        body = clean_text(text, POST_LIMIT)
        if not body:
            raise UsageError("nothing to post: the message is empty")
        session = self._session
        if session is None or not self.connected:
            raise ChatUnreachable(f"not connected to the chat of #{self.channel} right now")
        try:
            session.send(build("PRIVMSG", f"#{self.channel}", trailing=body))
        except ConnectionLost as exc:
            raise ChatUnreachable(f"could not post to #{self.channel}: {exc.args[0]}") from None
        return body
