"""The OBS client: requests, batches, events, and a supervisor that reconnects by itself."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from obsws_python.subs import Subs

from streamkit.obs.canvas import on_main_canvas
from streamkit.obs.errors import ObsAuthFailed, ObsError, ObsRequestFailed, ObsUnreachable
from streamkit.obs.link import OP_BATCH, OP_REQUEST, Link, unreachable
from streamkit.obs.ready import NOT_READY, NotReadyWait, resend_from
from streamkit.obs.types import (
    BatchResult,
    ConnectionState,
    ExecutionType,
    PublishedState,
    Request,
    StateChange,
    first_failure,
)
from streamkit.redact import REDACT, Hidden

if TYPE_CHECKING:
    from streamkit.secrets import SecretRef

log = logging.getLogger(__name__)

__all__ = [
    "BatchResult",
    "ConnectionState",
    "ExecutionType",
    "ObsClient",
    "Request",
    "StateChange",
    "Subs",
    "client_for",
    "connect_for",
    "first_failure",
]


EventListener = Callable[[str, dict[str, Any]], None]


class ConnectionSettings(Protocol):
    """What a client needs of the `obs:` section (ObsSettings, or a cached copy of it)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def password(self) -> SecretRef | None: ...
    @property
    def timeout(self) -> float: ...


class ObsClient(PublishedState):
    """A supervised obs-websocket v5 connection, safe to share between threads.

    The first `connect()` raises when OBS cannot be reached or refuses the password. After that,
    a lost connection is re-established in the background with capped exponential backoff;
    requests made meanwhile fail at once with ObsUnreachable.
    """

    def __init__(
        self,
        host: str = "localhost",
        port: int = 4455,
        password: str | None = None,
        *,
        timeout: float = 5.0,
        subscriptions: int = Subs.LOW_VOLUME,
        reconnect: bool = True,
        backoff_start: float = 0.25,
        backoff_cap: float = 2.0,
        max_attempts: int | None = None,
        heartbeat: float = 5.0,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._password = Hidden(password or "")
        REDACT.add(password)
        self._subscriptions = int(subscriptions)
        self._reconnect = reconnect
        self._backoff = (backoff_start, backoff_cap)
        self._max_attempts = max_attempts
        self._heartbeat = heartbeat
        # Requests and events travel on separate connections: OBS (websocketpp, Nagle on) holds
        # a response behind an unacknowledged event on the same socket for up to the peer's
        # delayed-ACK time (40 ms on Linux). With no subscriptions there is no events link.
        self._link: Link | None = None
        self._events: Link | None = None
        super().__init__()
        self._event_listeners: list[EventListener] = []
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._closing = False
        self._failure: ObsError | None = None  # why the supervisor gave up, once it has
        self._supervisor: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"ObsClient(host={self.host!r}, port={self.port}, state={self.state.value})"

    def __enter__(self) -> ObsClient:
        if self._link is None:
            self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connection ------------------------------------------------------------------------------

    @property
    def websocket_version(self) -> str:
        """obs-websocket's version from its Hello (e.g. '5.1.0'); '' before connecting."""
        link = self._link
        return link.websocket_version if link else ""

    def connect(self) -> ObsClient:
        """Connect and identify; raises ObsUnreachable, ObsAuthFailed or ObsTimeout."""
        self._closing = False
        self._failure = None
        self._set_state(StateChange(ConnectionState.CONNECTING))
        try:
            self._open_link()
        except ObsError as exc:
            self._set_state(StateChange(ConnectionState.FAILED, str(exc.message)))
            raise
        if self._reconnect and self._supervisor is None:
            self._supervisor = threading.Thread(
                target=self._supervise, name="obs-supervisor", daemon=True
            )
            self._supervisor.start()
        return self

    def close(self) -> None:
        """Disconnect and stop reconnecting."""
        self._closing = True
        self._wake.set()
        self._drop_links()
        if self._supervisor is not None and self._supervisor is not threading.current_thread():
            self._supervisor.join(timeout=3)
        self._supervisor = None
        self._set_state(StateChange(ConnectionState.CLOSED))

    def _new_link(self, subscriptions: int) -> Link:
        return Link(
            self.host,
            self.port,
            self._password.value,
            timeout=self.timeout,
            subscriptions=subscriptions,
            on_event=self._emit_event,
            on_lost=self._on_lost,
        )

    def _open_link(self) -> None:
        """Open the requests link and, when subscribed to anything, the events link."""
        self._drop_links()
        link = self._new_link(0)
        try:
            events = self._new_link(self._subscriptions) if self._subscriptions else None
        except ObsError:
            link.close()
            raise
        with self._lock:
            closing = self._closing
            if not closing:
                self._link, self._events = link, events
        if closing:  # close() ran while we were connecting: do not leave a live connection
            for opened in (link, events):
                if opened is not None:
                    opened.close()
            raise ObsUnreachable(f"the client for {self.host}:{self.port} was closed")
        self._set_state(StateChange(ConnectionState.CONNECTED))

    def _drop_links(self) -> None:
        with self._lock:
            links, self._link, self._events = (self._link, self._events), None, None
        for link in links:
            if link is not None:
                link.close()

    def _links_alive(self) -> bool:
        link, events = self._link, self._events
        alive = link is not None and link.alive
        return alive and (events is None or events.alive)

    def _on_lost(self, reason: str) -> None:
        if self._closing:
            return
        # INFO: a command reports the failed request itself, the TUI and `health --watch` raise
        # their "OBS unreachable" alarm; a raw log line on the terminal would only add noise
        log.info("lost the connection to OBS at %s:%s: %s", self.host, self.port, reason)
        self._set_state(StateChange(ConnectionState.RECONNECTING, reason))
        self._wake.set()

    def _supervise(self) -> None:
        """Reconnect when the link is lost; probe an idle link so a dead peer is noticed."""
        while not self._closing:
            self._wake.wait(self._heartbeat)
            self._wake.clear()
            if self._closing:
                return
            link = self._link
            if link is not None and self._links_alive():
                self._probe(link)
                continue
            if not self._reconnect_with_backoff():
                if not self._closing:
                    self._supervisor = None  # gave up: a later connect() starts a new one
                return

    def _probe(self, link: Link) -> None:
        try:
            link.call(OP_REQUEST, {"requestType": "GetVersion"}, timeout=self.timeout)
        except ObsError as exc:
            log.info("OBS stopped answering (%s); reconnecting", exc.message)
            link.close()
            self._on_lost("OBS stopped answering")

    def _reconnect_with_backoff(self) -> bool:
        delay, cap = self._backoff
        attempt = 0
        while not self._closing:
            attempt += 1
            if self._max_attempts is not None and attempt > self._max_attempts:
                self._set_state(
                    StateChange(ConnectionState.FAILED, "gave up reconnecting", attempt)
                )
                return False
            self._set_state(
                StateChange(
                    ConnectionState.RECONNECTING,
                    self._state.detail,
                    attempt,
                    time.monotonic() + delay,
                )
            )
            if self._wake.wait(delay) and self._closing:
                return False
            self._wake.clear()
            try:
                self._open_link()
                log.info(
                    "reconnected to OBS at %s:%s after %d attempt(s)", self.host, self.port, attempt
                )
                return True
            except ObsAuthFailed as exc:
                self._failure = exc
                self._set_state(StateChange(ConnectionState.FAILED, exc.message, attempt))
                return False
            except ObsError as exc:
                self._state = StateChange(ConnectionState.RECONNECTING, exc.message, attempt)
            delay = min(delay * 2, cap)
        return False

    # -- listeners -------------------------------------------------------------------------------

    def on_event(self, listener: EventListener) -> None:
        """Call `listener(event_type, event_data)` for every event (on the events thread)."""
        self._event_listeners.append(listener)

    def remove_event_listener(self, listener: EventListener) -> None:
        self._event_listeners.remove(listener)

    def _emit_event(self, event_type: str, data: dict[str, Any]) -> None:
        for listener in list(self._event_listeners):
            listener(event_type, data)

    # -- requests --------------------------------------------------------------------------------

    def _live_link(self) -> Link:
        link = self._link
        if link is None or not self._links_alive() or self.state is not ConnectionState.CONNECTED:
            if self.state is ConnectionState.FAILED and self._failure is not None:
                raise self._failure  # e.g. the password changed while we were away
            if self.state is ConnectionState.RECONNECTING:
                raise ObsUnreachable(
                    f"OBS at {self.host}:{self.port} is not connected right now (reconnecting)",
                    hint="try again once the connection is back",
                )
            raise unreachable(self.host, self.port, "not connected")
        return link

    def request(
        self, request_type: str, data: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send one request; return its responseData, or raise ObsRequestFailed. While OBS is
        not ready (loading a collection) the request is asked again for a while."""
        waiting = NotReadyWait()
        while True:
            link = self._live_link()
            payload: dict[str, Any] = {"requestType": request_type}
            if data := _addressed(link, request_type, data):
                payload["requestData"] = data
            answer = link.call(OP_REQUEST, payload, timeout)
            status = answer.get("requestStatus", {})
            if status.get("result"):
                return answer.get("responseData") or {}
            if status.get("code") != NOT_READY or not waiting.again():
                raise ObsRequestFailed(request_type, status.get("code", 0), status.get("comment"))

    def batch(
        self,
        requests: Sequence[Request | tuple[str, dict[str, Any] | None]],
        *,
        halt_on_failure: bool = False,
        execution_type: ExecutionType = ExecutionType.SERIAL_REALTIME,
        timeout: float | None = None,
    ) -> list[BatchResult]:
        """Run many requests in one round trip (RequestBatch); results in request order.

        With `halt_on_failure`, OBS stops at the first failure: the results end with it. While
        OBS is not ready (loading a collection), the rest of the batch is sent again for a while.
        """
        items = [r if isinstance(r, Request) else Request(*r) for r in requests]
        if not items:
            return []
        wait = timeout if timeout is not None else self.timeout + 0.01 * len(items)

        def send(start: int) -> list[BatchResult]:
            link = self._live_link()
            payload: dict[str, Any] = {
                "haltOnFailure": halt_on_failure,
                "executionType": int(execution_type),
                "requests": [_batch_item(link, start + i, r) for i, r in enumerate(items[start:])],
            }
            answer = link.call(OP_BATCH, payload, wait)
            return [_batch_result(raw, items) for raw in answer.get("results", [])]

        results = send(0)
        waiting = NotReadyWait()
        while (start := resend_from(results)) is not None and waiting.again():
            results = results[:start] + send(start)
        return results

    def set_subscriptions(self, subscriptions: int) -> None:
        """Change which event categories arrive (Reidentify), returning once OBS has applied
        it; kept across reconnects."""
        self._subscriptions = int(subscriptions)
        events = self._events
        if events is not None and events.alive:
            events.reidentify(self._subscriptions)
        elif events is None and self._subscriptions and self.connected:
            opened = self._new_link(self._subscriptions)
            with self._lock:
                self._events = opened

    @property
    def subscriptions(self) -> int:
        return self._subscriptions


def _addressed(link: Link, request_type: str, data: dict[str, Any] | None) -> dict | None:
    """The request's data, addressed to the main canvas where the connected OBS has canvases."""
    return on_main_canvas(request_type, data) if link.has_canvases else data


def _batch_item(link: Link, index: int, request: Request) -> dict[str, Any]:
    item: dict[str, Any] = {"requestType": request.request_type, "requestId": str(index)}
    if data := _addressed(link, request.request_type, request.data):
        item["requestData"] = data
    return item


def _batch_result(raw: dict[str, Any], items: list[Request]) -> BatchResult:
    status = raw.get("requestStatus", {})
    try:
        index = int(raw.get("requestId", -1))
    except (TypeError, ValueError):
        index = -1
    request_type = raw.get("requestType") or (items[index].request_type if index >= 0 else "")
    return BatchResult(
        index=index,
        request_type=request_type,
        ok=bool(status.get("result")),
        code=int(status.get("code", 0)),
        comment=status.get("comment") or "",
        data=raw.get("responseData") or {},
    )


def client_for(settings: ConnectionSettings, **options: Any) -> ObsClient:
    """An unconnected client for an `obs:` section (resolves the password secret)."""
    password = settings.password.resolve() if settings.password else None
    return ObsClient(settings.host, settings.port, password, timeout=settings.timeout, **options)


def connect_for(settings: ConnectionSettings, **options: Any) -> ObsClient:
    """A connected client for an `obs:` section."""
    return client_for(settings, **options).connect()
