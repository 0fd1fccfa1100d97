"""One IRC connection: TCP (TLS by default), anonymous or token login, CAP request, JOIN."""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from streamkit.chat.errors import ChatAuthFailed, ChatRefused, ChatUnreachable
from streamkit.chat.irc import MAX_LINE_BYTES, IrcLine, build, parse_line
from streamkit.chat.sanitize import clean_text

log = logging.getLogger(__name__)

TWITCH_CAPS = ("twitch.tv/tags", "twitch.tv/commands")
# Twitch answers a refused login with a NOTICE (then closes); other servers with 464 or ERROR.
_AUTH_NOTICES = ("login authentication failed", "improperly formatted auth", "login unsuccessful")
_JOIN_ERRORS = {"403", "405", "471", "473", "474", "475", "476", "477"}
# Twitch answers a JOIN it will not let in with a NOTICE (and no JOIN): its msg-id says why.
_JOIN_REFUSALS = {"msg_channel_suspended", "msg_banned", "tos_ban"}
_NICK_IN_USE = {"433", "436"}


class ConnectionLost(Exception):
    """The connection ended (peer closed, reset, or silent for too long); args[0] says why."""


@dataclass(frozen=True)
class Login:
    """Who to log in as: `nick` '' means anonymous (justinfan + digits); token only to post."""

    nick: str = ""
    token: str | None = None

    def __repr__(self) -> str:  # the token never shows
        return f"Login(nick={self.nick!r}, token={'***' if self.token else None})"


def anonymous_nick() -> str:
    return f"justinfan{random.randint(10000, 99999)}"


class Session:
    """A registered connection that has joined `#channel`; `lines()` reads what arrives."""

    def __init__(self, sock: socket.socket, host: str, channel: str) -> None:
        self.sock, self.host, self.channel = sock, host, channel
        self.nick = ""
        self.caps: set[str] = set()
        self._buffer = bytearray()
        self._pending: list[str] = []
        self._ready: list[IrcLine] = []  # parsed, not yet handed out
        self._send_lock = threading.Lock()  # the reader's PONG and a post share the socket

    @classmethod
    def open(
        cls,
        host: str,
        port: int,
        channel: str,
        login: Login,
        *,
        tls: bool,
        timeout: float,
        ssl_context: ssl.SSLContext | None = None,
    ) -> Session:
        """Connect, log in and join; raises ChatUnreachable, ChatAuthFailed or ChatRefused."""
        where = f"{host}:{port}"
        try:
            raw = socket.create_connection((host, port), timeout=timeout)
        except TimeoutError:
            raise ChatUnreachable(
                f"chat server {where} did not answer within {timeout:g} s",
                hint="check chat.host/chat.port and the network",
            ) from None
        except OSError as exc:
            raise ChatUnreachable(
                f"cannot reach the chat server {where} ({exc.strerror or exc})",
                hint="check chat.host/chat.port and the network",
            ) from None
        try:
            sock = raw
            if tls:
                context = ssl_context or ssl.create_default_context()
                sock = context.wrap_socket(raw, server_hostname=host)
            session = cls(sock, host, channel)
            session._register(login, time.monotonic() + timeout, where)
        except ssl.SSLError as exc:
            raw.close()
            raise ChatUnreachable(
                f"TLS with the chat server {where} failed ({exc.reason or exc})",
                hint="Twitch needs TLS on port 6697; a plain server needs chat.tls: false",
            ) from None
        except (OSError, ConnectionLost) as exc:
            raw.close()
            why = exc.args[0] if isinstance(exc, ConnectionLost) else exc.strerror or str(exc)
            raise ChatUnreachable(f"chat server {where}: {why}") from None
        except BaseException:
            raw.close()
            raise
        return session

    # -- handshake -------------------------------------------------------------------------------

    def _register(self, login: Login, deadline: float, where: str) -> None:
        anonymous = not login.nick
        self.nick = login.nick.lower() or anonymous_nick()
        lines = [build("CAP", "REQ", trailing=" ".join(TWITCH_CAPS))]
        if login.token:
            token = login.token if login.token.startswith("oauth:") else f"oauth:{login.token}"
            lines.append(build("PASS", token))
        lines += [
            build("NICK", self.nick),
            build("USER", self.nick, "0", "*", trailing=self.nick),
            build("CAP", "END"),
        ]
        self.send_raw("".join(lines), shown=f"login as {self.nick}")
        joined = registered = False
        while not joined:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                arrived = self.lines(remaining)
            except TimeoutError:
                step = "join the channel" if registered else "log in"
                raise ChatUnreachable(
                    f"chat server {where} did not let us {step} in time",
                    hint="the server may be overloaded; it is tried again, or raise chat.timeout",
                ) from None
            for index, line in enumerate(arrived):
                if line.command == "001":
                    registered = True
                    self.nick = line.param(0, self.nick)
                    self.send(build("JOIN", f"#{self.channel}"))
                elif line.command == "CAP" and line.param(1) == "ACK":
                    self.caps |= set(line.param(-1).split())
                elif line.command == "JOIN" and line.nick.lower() == self.nick.lower():
                    joined = True
                    self._ready = arrived[index + 1 :]  # chat that came with it: the reader's
                    break
                elif line.command in _NICK_IN_USE and not registered and anonymous:
                    self.nick = anonymous_nick()
                    self.send(build("NICK", self.nick))
                else:
                    _check_refusal(line, where, self.channel, registered)

    # -- reading and writing ---------------------------------------------------------------------

    def lines(self, timeout: float | None) -> list[IrcLine]:
        """The lines that have arrived, waiting up to `timeout` s for at least one; PINGs are
        answered here. Raises TimeoutError when nothing came, ConnectionLost when it ended."""
        if self._ready:
            ready, self._ready = self._ready, []
            return ready
        while not self._pending:
            try:
                self.sock.settimeout(timeout)
                chunk = self.sock.recv(65536)
            except TimeoutError:
                raise
            except OSError as exc:
                raise ConnectionLost(exc.strerror or str(exc)) from None
            if not chunk:
                raise ConnectionLost("the server closed the connection")
            self._buffer += chunk
            *complete, rest = self._buffer.split(b"\n")
            if len(rest) > MAX_LINE_BYTES:
                raise ConnectionLost("the server sent an over-long line")
            self._buffer = bytearray(rest)
            self._pending = [c.decode("utf-8", errors="replace") for c in complete]
        raw, self._pending = self._pending, []
        parsed: list[IrcLine] = []
        for text in raw:
            line = parse_line(text)
            if line is None:
                continue
            if line.command == "PING":
                self.send(build("PONG", trailing=line.param(0, self.host)))
                continue
            parsed.append(line)
        return parsed

    def send(self, line: str) -> None:
        self.send_raw(line, shown=line.rstrip())

    def send_raw(self, data: str, *, shown: str) -> None:
        """Send `data`; the log shows `shown` (so a login's token never reaches it)."""
        log.debug("chat > %s", shown)
        try:
            with self._send_lock:
                self.sock.sendall(data.encode("utf-8"))
        except OSError as exc:
            raise ConnectionLost(exc.strerror or str(exc)) from None

    def close(self) -> None:
        """End the connection; a thread blocked in `lines()` returns at once."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def _check_refusal(line: IrcLine, where: str, channel: str, registered: bool) -> None:
    """Raise for a line that ends the handshake: a refused login, a refused channel."""
    text = clean_text(line.param(-1), 200)  # the server's words, shown to a person
    if line.command == "NOTICE" and any(n in text.lower() for n in _AUTH_NOTICES):
        raise ChatAuthFailed(
            f"chat server {where} refused the login: {text}",
            hint="check chat.nick and that chat.token is a valid, unexpired OAuth token",
        )
    if line.command == "464":
        raise ChatAuthFailed(
            f"chat server {where} refused the password",
            hint="check chat.nick and chat.token",
        )
    if line.command == "ERROR":
        if not registered and any(w in text.lower() for w in ("password", "access denied")):
            raise ChatAuthFailed(
                f"chat server {where} refused the login: {text}",
                hint="check chat.nick and chat.token",
            )
        raise ConnectionLost(f"the server ended the connection: {text}")
    if line.command == "NOTICE" and line.tags.get("msg-id") in _JOIN_REFUSALS:
        raise ChatRefused(
            f"chat server {where} refused to join #{channel}: {text}",
            hint="check chat.channel (Twitch says the channel is suspended, or bans us)",
        )
    if line.command in _JOIN_ERRORS:
        raise ChatRefused(
            f"chat server {where} refused to join #{channel}: {text}",
            hint="check chat.channel",
        )
    if line.command in ("432", *_NICK_IN_USE):
        raise ChatRefused(f"chat server {where} refused the nick: {text}", hint="check chat.nick")
    if line.command == "RECONNECT":
        raise ConnectionLost("the server asked us to reconnect")
