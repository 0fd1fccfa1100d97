"""A loopback TLS server that answers like irc.chat.twitch.tv, from the recorded-shape lines
(the tests never reach Twitch): the handshake, then the channel's lines, then RECONNECT."""

from __future__ import annotations

import socket
import ssl
import tempfile
import threading
from pathlib import Path

from tests.chat.ircd import self_signed
from tests.chat.twitchlines import twitch_lines

RECORDED_NICK = "justinfan48213"
REFUSED = b":tmi.twitch.tv NOTICE * :Login authentication failed\r\n"  # Twitch, to a bad token


class TwitchReplay:
    """Serves each connection: waits for NICK and JOIN, then sends the recorded session with
    the client's nick; `refuse_login` answers like Twitch does to a bad token, `refuse_join`
    (a line) is sent instead of the session, as Twitch answers a JOIN it will not let in.
    `received` holds, per connection, the lines the client sent."""

    def __init__(self, *, refuse_login: bool = False, refuse_join: str = "") -> None:
        self.host = "127.0.0.1"
        self.refuse_login = refuse_login
        self.refuse_join = refuse_join
        folder = Path(tempfile.mkdtemp(prefix="streamkit-twitch-"))
        key, self.cert = self_signed(folder, self.host)
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(self.cert, key)
        self._listener = socket.create_server((self.host, 0))
        self.port = self._listener.getsockname()[1]
        self.received: list[list[str]] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(raw,), daemon=True).start()

    def _session(self, raw: socket.socket) -> None:
        sent: list[str] = []
        self.received.append(sent)
        try:
            with self._context.wrap_socket(raw, server_side=True) as conn:
                conn.settimeout(10)
                reader = conn.makefile("r", encoding="utf-8", newline="\r\n")
                nick = ""
                for line in reader:
                    sent.append(line.rstrip("\r\n"))
                    if line.startswith("NICK "):
                        nick = line.split()[1]
                        if self.refuse_login:
                            conn.sendall(REFUSED)
                            return
                    if line.startswith("CAP END") and nick:
                        break
                handshake, rest = _split_at_join(twitch_lines())
                conn.sendall(_with_nick(handshake, nick))
                for line in reader:  # the JOIN
                    sent.append(line.rstrip("\r\n"))
                    if line.startswith("JOIN "):
                        break
                if self.refuse_join:
                    conn.sendall((self.refuse_join + "\r\n").encode("utf-8"))
                    rest = []
                conn.sendall(_with_nick(rest, nick))
                conn.settimeout(2)
                for line in reader:  # PONG and anything else, until the client hangs up
                    sent.append(line.rstrip("\r\n"))
        except (OSError, ssl.SSLError):
            return


def _split_at_join(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines before the JOIN echo (registration), and from it on."""
    index = next(i for i, line in enumerate(lines) if " JOIN #" in line)
    return lines[:index], lines[index:]


def _with_nick(lines: list[str], nick: str) -> bytes:
    return "".join(line.replace(RECORDED_NICK, nick) + "\r\n" for line in lines).encode("utf-8")
