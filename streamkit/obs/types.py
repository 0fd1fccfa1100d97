"""The I/O-free vocabulary of the OBS connection: requests, batch results, connection states."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from streamkit.obs.errors import ObsRequestFailed


class ConnectionState(StrEnum):
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"
    RECONNECTING = "RECONNECTING"
    FAILED = "FAILED"
    CLOSED = "CLOSED"


class ExecutionType(IntEnum):
    """RequestBatchExecutionType of obs-websocket."""

    SERIAL_REALTIME = 0
    SERIAL_FRAME = 1
    PARALLEL = 2


@dataclass(frozen=True)
class Request:
    """One request of a batch (or a plan)."""

    request_type: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class BatchResult:
    """The answer to one request of a batch; `index` is its position in the batch."""

    index: int
    request_type: str
    ok: bool
    code: int
    comment: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def error(self) -> ObsRequestFailed:
        return ObsRequestFailed(self.request_type, self.code, self.comment)


@dataclass(frozen=True)
class StateChange:
    """What connection listeners receive: the new state and, while reconnecting, when next."""

    state: ConnectionState
    detail: str = ""
    attempt: int = 0
    retry_at: float | None = None  # time.monotonic() of the next attempt


def first_failure(results: Iterable[BatchResult]) -> BatchResult | None:
    """The first failed result of a batch, if any."""
    return next((r for r in results if not r.ok), None)


StateListener = Callable[[StateChange], None]


class PublishedState:
    """A connection's state and the listeners told of each change: the OBS client's and the
    chat client's (and the demo chat's) are the same model."""

    def __init__(self) -> None:
        self._state = StateChange(ConnectionState.CLOSED)
        self._state_listeners: list[StateListener] = []

    @property
    def state(self) -> ConnectionState:
        return self._state.state

    @property
    def connected(self) -> bool:
        return self._state.state is ConnectionState.CONNECTED

    def add_state_listener(self, listener: StateListener) -> None:
        """Call `listener(StateChange)` on every change of connection state (from any thread)."""
        self._state_listeners.append(listener)

    def remove_state_listener(self, listener: StateListener) -> None:
        self._state_listeners.remove(listener)

    def _set_state(self, change: StateChange) -> None:
        self._state = change
        for listener in list(self._state_listeners):
            try:
                listener(change)
            except Exception:  # one broken listener must not stop the others, or the caller
                logging.getLogger(type(self).__module__).exception("state listener failed")
