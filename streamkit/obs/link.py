"""One authenticated obs-websocket connection: handshake via obsws-python, answers matched by id."""

from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from typing import Any

import websocket
from obsws_python.baseclient import ObsClient as _Handshake
from obsws_python.error import OBSSDKError

from streamkit.logs import protect_driver_loggers
from streamkit.obs.canvas import has_canvases
from streamkit.obs.errors import ObsAuthFailed, ObsError, ObsTimeout, ObsUnreachable

log = logging.getLogger(__name__)

OP_EVENT, OP_REQUEST, OP_RESPONSE = 5, 6, 7
OP_IDENTIFIED, OP_REIDENTIFY, OP_BATCH, OP_BATCH_RESPONSE = 2, 3, 8, 9

EventSink = Callable[[str, dict[str, Any]], None]


def unreachable(host: str, port: int, why: str = "") -> ObsUnreachable:
    detail = f" ({why})" if why else ""
    return ObsUnreachable(
        f"cannot reach OBS at {host}:{port}{detail}",
        hint="start OBS and enable its websocket server (Tools > WebSocket Server Settings), "
        "and check obs.host and obs.port",
    )


class _Pending:
    """A request waiting for its answer."""

    __slots__ = ("answer", "done", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: dict[str, Any] | None = None
        self.error: ObsError | None = None


class Link:
    """A live connection. Thread-safe: any thread may call `call`; one reader thread receives."""

    def __init__(
        self,
        host: str,
        port: int,
        password: str,
        *,
        timeout: float,
        subscriptions: int,
        on_event: EventSink,
        on_lost: Callable[[str], None],
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._on_event, self._on_lost = on_event, on_lost
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._closed = False
        self._identified = threading.Condition(self._lock)
        self._identified_count = 0
        self._events: queue.SimpleQueue[tuple[str, dict[str, Any]] | None] = queue.SimpleQueue()
        self.ws, self.hello = self._handshake(password, subscriptions)
        self.websocket_version: str = self.hello.get("obsWebSocketVersion", "")
        self.has_canvases = has_canvases(self.websocket_version)
        self._reader = threading.Thread(target=self._read, name="obs-reader", daemon=True)
        self._dispatcher = threading.Thread(target=self._dispatch, name="obs-events", daemon=True)
        self._reader.start()
        self._dispatcher.start()

    def _handshake(self, password: str, subscriptions: int) -> tuple[websocket.WebSocket, dict]:
        protect_driver_loggers()
        try:
            shake = _Handshake(
                host=self.host,
                port=self.port,
                password=password or "",
                subs=subscriptions,
                timeout=self.timeout,
            )
        except (TimeoutError, websocket.WebSocketTimeoutException):
            raise ObsTimeout(
                f"OBS at {self.host}:{self.port} did not answer within {self.timeout:g} s",
                hint="check obs.host/obs.port and that nothing blocks the connection",
            ) from None
        except (OSError, websocket.WebSocketException, ValueError) as exc:
            raise unreachable(self.host, self.port, _short(exc)) from None
        hello = shake.server_hello.get("d", {})
        needs_auth = "authentication" in hello
        try:
            shake.authenticate()
        except (TimeoutError, websocket.WebSocketTimeoutException):
            _close_quietly(shake.ws)
            raise ObsTimeout(
                f"OBS at {self.host}:{self.port} did not finish the handshake within "
                f"{self.timeout:g} s",
                hint="OBS may be busy starting; try again, or raise obs.timeout",
            ) from None
        except OBSSDKError:
            _close_quietly(shake.ws)
            if not needs_auth:
                raise unreachable(self.host, self.port, "identification refused") from None
            if not password:
                raise ObsAuthFailed(
                    f"OBS at {self.host}:{self.port} requires a websocket password",
                    hint="set obs.password to a reference such as env:OBS_WEBSOCKET_PASSWORD",
                ) from None
            raise _auth_failed(self.host, self.port) from None
        except (OSError, websocket.WebSocketException):
            _close_quietly(shake.ws)
            if needs_auth:
                raise _auth_failed(self.host, self.port) from None
            raise unreachable(self.host, self.port, "connection closed during handshake") from None
        finally:
            shake.password = None  # the driver keeps it in an attribute its repr prints
        shake.ws.settimeout(None)
        skip_utf8_validation(shake.ws)
        return shake.ws, hello

    # -- sending -------------------------------------------------------------------------------

    def call(self, op: int, payload: dict[str, Any], timeout: float | None = None) -> dict:
        """Send a request (op 6) or batch (op 8) and wait for the answer with the same id."""
        request_id = payload["requestId"] = uuid.uuid4().hex
        pending = _Pending()
        with self._lock:
            if self._closed:
                raise unreachable(self.host, self.port, "connection lost")
            self._pending[request_id] = pending
        try:
            self.send(op, payload)
            wait = self.timeout if timeout is None else timeout
            if not pending.done.wait(wait):
                name = payload.get("requestType", "request batch")
                raise ObsTimeout(f"OBS did not answer {name} within {wait:g} s")
        finally:
            with self._lock:
                self._pending.pop(request_id, None)
        if pending.error is not None:
            raise pending.error
        assert pending.answer is not None
        return pending.answer

    def reidentify(self, subscriptions: int, timeout: float | None = None) -> None:
        """Change the event subscriptions and wait until OBS confirms (Identified): OBS handles
        messages on a thread pool, so an unconfirmed change can land after a later request's
        events, or after a later change."""
        with self._lock:
            seen = self._identified_count
        self.send(OP_REIDENTIFY, {"eventSubscriptions": subscriptions})
        wait = self.timeout if timeout is None else timeout
        with self._identified:
            confirmed = self._identified.wait_for(
                lambda: self._identified_count > seen or self._closed, wait
            )
        if self._closed:
            raise unreachable(self.host, self.port, "connection lost")
        if not confirmed:
            raise ObsTimeout(f"OBS did not confirm the event subscription within {wait:g} s")

    def send(self, op: int, payload: dict[str, Any]) -> None:
        message = json.dumps({"op": op, "d": payload})
        try:
            with self._send_lock:
                self.ws.send(message)
        except (OSError, websocket.WebSocketException) as exc:
            self._lost(_short(exc))
            raise unreachable(self.host, self.port, "connection lost") from None

    # -- receiving -----------------------------------------------------------------------------

    def _read(self) -> None:
        reason = "connection closed"
        try:
            while True:
                raw = self.ws.recv()
                if not raw:
                    break
                message = json.loads(raw)
                op, data = message.get("op"), message.get("d", {})
                if op == OP_EVENT:
                    self._events.put((data.get("eventType", ""), data.get("eventData") or {}))
                elif op in (OP_RESPONSE, OP_BATCH_RESPONSE):
                    self._answer(data)
                elif op == OP_IDENTIFIED:
                    with self._identified:
                        self._identified_count += 1
                        self._identified.notify_all()
        except (OSError, websocket.WebSocketException, ValueError) as exc:
            reason = _short(exc) or reason
        self._lost(reason)

    def _answer(self, data: dict[str, Any]) -> None:
        with self._lock:
            pending = self._pending.get(data.get("requestId", ""))
        if pending is not None:
            pending.answer = data
            pending.done.set()

    def _dispatch(self) -> None:
        while (item := self._events.get()) is not None:
            try:
                self._on_event(*item)
            except Exception:
                log.exception("event listener failed on %s", item[0])

    def _lost(self, reason: str) -> None:
        if self._shut("connection lost"):
            self._on_lost(reason)

    def _shut(self, why: str) -> bool:
        """Close once: fail the waiting requests with `why`, stop events; False if closed."""
        with self._lock:
            if self._closed:
                return False
            self._closed = True
            waiting = list(self._pending.values())
            self._identified.notify_all()
        for pending in waiting:
            pending.error = unreachable(self.host, self.port, why)
            pending.done.set()
        self._events.put(None)
        _close_quietly(self.ws)
        return True

    @property
    def alive(self) -> bool:
        return not self._closed

    def close(self) -> None:
        if self._shut("client closed") and threading.current_thread() is not self._reader:
            self._reader.join(timeout=2)


def _auth_failed(host: str, port: int) -> ObsAuthFailed:
    return ObsAuthFailed(
        f"OBS at {host}:{port} refused the websocket password",
        hint="check the secret that obs.password refers to against OBS's "
        "Tools > WebSocket Server Settings",
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120].rstrip(".")


def skip_utf8_validation(ws: websocket.WebSocket) -> None:
    """Stop websocket-client checking each text frame's UTF-8 byte by byte in Python (about 1 %
    of a core with OBS's 20 level-meter events a second); decoding the frame still refuses
    invalid UTF-8. The driver's handshake creates the socket, so the option is set on its frame
    readers (tests/test_obsws_surface.py checks they take it)."""
    ws.frame_buffer.skip_utf8_validation = True
    ws.cont_frame.skip_utf8_validation = True


def _close_quietly(ws: websocket.WebSocket) -> None:
    """Say goodbye if we can, then wake the reader and drop the socket; never blocks."""
    try:
        if ws.connected:
            ws.send_close()
    except Exception:
        log.debug("sending the close frame failed", exc_info=True)
    ws.abort()
    ws.shutdown()
