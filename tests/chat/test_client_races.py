"""The chat client's threads: a session opened as the client closes is closed too, and the
reader's PONG never interleaves with a message being posted on the same socket."""

from __future__ import annotations

import threading
import time

from streamkit.chat.client import ChatClient
from streamkit.chat.session import Session


class FakeSession:
    nick = "justinfan1"

    def __init__(self) -> None:
        self.closed = threading.Event()

    def lines(self, timeout):
        self.closed.wait(timeout)
        raise TimeoutError

    def send(self, line: str) -> None:
        pass

    def close(self) -> None:
        self.closed.set()


class CloseDuringTheCheck(threading.Event):
    """The client's closing flag, answering 'not closing' once, right after a session opened,
    while `close()` runs: close() lands between the reconnect's check and its store."""

    def __init__(self) -> None:
        super().__init__()
        self.client: ChatClient | None = None
        self.armed = False

    def is_set(self) -> bool:
        if self.armed and self.client is not None:
            self.armed = False
            self.client.close()
            return False
        return super().is_set()


def test_a_session_opened_while_the_client_closes_is_closed():
    client = ChatClient("meetup", host="127.0.0.1", port=1)
    session = FakeSession()
    closing = CloseDuringTheCheck()
    closing.client = client
    client._closing = closing

    def opened() -> FakeSession:
        closing.armed = True
        return session

    client._open = opened
    client.start()
    assert session.closed.wait(3), "the session stored after close() was never closed"
    assert client._session is None


class OneWriterSocket:
    """A socket that notices two threads writing at once; recv gives one PING."""

    def __init__(self) -> None:
        self.writing = 0
        self.overlapped = False
        self.first_write = threading.Event()
        self._pinged = False

    def sendall(self, data: bytes) -> None:
        self.writing += 1
        self.overlapped |= self.writing > 1
        self.first_write.set()
        time.sleep(0.3)  # a slow write: TLS, a full buffer
        self.writing -= 1

    def settimeout(self, timeout) -> None:
        pass

    def recv(self, size: int) -> bytes:
        if not self._pinged:
            self._pinged = True
            return b"PING :tmi.twitch.tv\r\n"
        raise TimeoutError


def test_the_readers_pong_waits_for_a_message_being_posted():
    sock = OneWriterSocket()
    session = Session(sock, "tmi.twitch.tv", "meetup")  # type: ignore[arg-type]
    poster = threading.Thread(target=session.send, args=("PRIVMSG #meetup :hi\r\n",))
    poster.start()
    assert sock.first_write.wait(2)
    assert session.lines(1) == []  # answered the PING while the post was being written
    poster.join()
    assert not sock.overlapped
