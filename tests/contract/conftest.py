"""Contract tests run against the simulator and each real OBS version through `obs_backend`
(ids `[simulator]`, `[obs29]`, `[obs32]`; the versions come from STREAMKIT_OBS_VERSIONS).

Each test leaves OBS as it found it: it uses uniquely named scenes/inputs and removes them, and
restores whatever global setting it changes (program scene, studio mode, transition, profile,
scene collection). Real OBS is shared by the whole run: never stop it, never stream to nowhere.

Allowed differences, all version gates (`backend.require(...)`), because Debian's OBS 29 ships
obs-websocket 5.1.0 and the simulator reports 5.5:
- UUID fields (sceneUuid, inputUuid, sourceUuid, transitionUuid) and the *Uuid request fields: 5.3.0
- SetRecordDirectory: 5.3.0
- GetSourceFilterKindList, GetSceneItemSource, InputSettingsChanged, SourceFilterSettingsChanged:
  5.4.0
- Hello's obsStudioVersion, the wording of a missing name-or-UUID field: 5.5.0
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import obsws_python
import pytest
from websockets.sync.client import ClientConnection, connect

from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import SimState
from tests.realobs import ISSUED_SECRETS

ALL_LOW_VOLUME = (1 << 11) - 1


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3])


@dataclass
class Backend:
    """Where an OBS (real or simulated) listens, and what it is."""

    kind: str  # "simulator" or "real"
    host: str
    port: int
    password: str
    version: str = ""
    sim: SimulatorThread | None = None
    label: str = ""  # the test id: "simulator", "obs29", "obs32"

    def require(self, version: str) -> None:
        """Skip the test unless the backend's obs-websocket is at least `version`."""
        if _version_tuple(self.version) < _version_tuple(version):
            pytest.skip(f"needs obs-websocket {version}, backend has {self.version}")

    def at_least(self, version: str) -> bool:
        return _version_tuple(self.version) >= _version_tuple(version)

    def client(self) -> obsws_python.ReqClient:
        return obsws_python.ReqClient(
            host=self.host, port=self.port, password=self.password, timeout=5
        )

    def raw(self, subscriptions: int | None = 0) -> RawClient:
        """A protocol-level client, identified, subscribed to `subscriptions` (None: default)."""
        return RawClient.open(self, subscriptions)


def auth_string(password: str, salt: str, challenge: str) -> str:
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest()).decode()
    return base64.b64encode(hashlib.sha256((secret + challenge).encode()).digest()).decode()


@dataclass
class RawClient:
    """obs-websocket over plain websockets: requests, batches, and the events seen meanwhile."""

    ws: ClientConnection
    hello: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    _next_id: int = 0

    @classmethod
    def open(cls, backend: Backend, subscriptions: int | None) -> RawClient:
        url = f"ws://{backend.host}:{backend.port}"
        ws = connect(url, subprotocols=["obswebsocket.json"]).__enter__()  # closed by close()
        hello = json.loads(ws.recv(timeout=5))
        data: dict[str, Any] = {"rpcVersion": 1}
        challenge = hello["d"].get("authentication")
        if challenge:
            data["authentication"] = auth_string(
                backend.password, challenge["salt"], challenge["challenge"]
            )
        if subscriptions is not None:
            data["eventSubscriptions"] = subscriptions
        ws.send(json.dumps({"op": 1, "d": data}))
        identified = json.loads(ws.recv(timeout=5))
        assert identified == {"op": 2, "d": {"negotiatedRpcVersion": 1}}
        return cls(ws, hello["d"])

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _until(self, op: int, request_id: Any, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if message["op"] == 5:
                self.events.append(message["d"])
            elif message["op"] == op and message["d"].get("requestId") == request_id:
                return message["d"]

    def send(self, op: int, data: dict[str, Any]) -> None:
        self.ws.send(json.dumps({"op": op, "d": data}))

    def request(self, request_type: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole RequestResponse `d` (requestStatus, responseData, ...)."""
        self._next_id += 1
        request_id = f"r{self._next_id}"
        message: dict[str, Any] = {"requestType": request_type, "requestId": request_id}
        if data is not None:
            message["requestData"] = data
        self.send(6, message)
        return self._until(7, request_id)

    def call(self, request_type: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """responseData of a request that must succeed."""
        response = self.request(request_type, data)
        assert response["requestStatus"]["result"], (request_type, response["requestStatus"])
        return response.get("responseData", {})

    def batch(self, requests: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
        self._next_id += 1
        request_id = f"b{self._next_id}"
        self.send(8, {"requestId": request_id, "requests": requests, **options})
        return self._until(9, request_id, timeout=30)["results"]

    def wait_event(
        self,
        event_type: str,
        predicate: Callable[[dict[str, Any]], bool] = lambda data: True,
        timeout: float = 5,
    ) -> dict[str, Any]:
        """eventData of the first (already seen or coming) event of that type matching."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event["eventType"] == event_type and predicate(event.get("eventData", {})):
                    self.events.remove(event)
                    return event.get("eventData", {})
            seen = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0:
                types = sorted({e["eventType"] for e in self.events})
                raise AssertionError(f"no {event_type} event in {timeout} s; got {types}")
            try:
                message = json.loads(self.ws.recv(timeout=left))
            except TimeoutError:
                continue
            if message["op"] == 5:
                self.events.append(message["d"])

    def drain(self, seconds: float) -> list[dict[str, Any]]:
        """Collect events for `seconds` and return them all."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(self.ws.recv(timeout=left))
            except TimeoutError:
                break
            if message["op"] == 5:
                self.events.append(message["d"])
        return self.events


def eventually(check: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Poll `check` until it holds (OBS applies some changes a frame or two later)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def unique(prefix: str) -> str:
    """A name no other test (or earlier run on the same OBS) uses."""
    return f"ct {prefix} {uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def simulator_backend() -> Iterator[Backend]:
    password = "sim-" + uuid.uuid4().hex[:12]
    ISSUED_SECRETS.append(password)
    with SimulatorThread(password=password, state=SimState.fresh()) as sim:
        yield Backend("simulator", sim.host, sim.port, password, sim=sim)


def _with_version(backend: Backend) -> Backend:
    if not backend.version:
        client = backend.client()
        try:
            backend.version = client.send("GetVersion", raw=True)["obsWebSocketVersion"]
        finally:
            client.disconnect()
    return backend


@pytest.fixture
def obs_backend(request: pytest.FixtureRequest, obs_version: str) -> Backend:
    """The OBS under test: the simulator, or the session's real OBS of `obs_version` (skipped
    when unavailable). tests/conftest.py parametrizes `obs_version`."""
    if obs_version == "simulator":
        backend = request.getfixturevalue("simulator_backend")
        backend.label = "simulator"
        return _with_version(backend)
    real = request.getfixturevalue("real_obs")
    cached = request.config.stash.get(_REAL_BACKEND, None)
    if cached is None or cached.port != real.port:
        cached = Backend("real", real.host, real.port, real.password, label=f"obs{obs_version}")
        request.config.stash[_REAL_BACKEND] = cached
    return _with_version(cached)


_REAL_BACKEND = pytest.StashKey[Backend]()


@pytest.fixture
def raw(obs_backend: Backend) -> Iterator[RawClient]:
    """A raw client subscribed to all low-volume events."""
    client = obs_backend.raw(ALL_LOW_VOLUME)
    yield client
    client.close()


@pytest.fixture
def scene(raw: RawClient) -> Iterator[str]:
    """A fresh empty scene in the current collection, removed afterwards."""
    name = unique("scene")
    raw.call("CreateScene", {"sceneName": name})
    yield name
    raw.request("RemoveScene", {"sceneName": name})


def use_transition(raw: RawClient, name: str) -> None:
    """Make `name` the current transition and wait until OBS has applied it. OBS 32 queues the
    change for its UI thread and, right after a scene switch, now and then drops it: ask again."""
    for _ in range(3):
        raw.call("SetCurrentSceneTransition", {"transitionName": name})
        if eventually(
            lambda: raw.call("GetCurrentSceneTransition")["transitionName"] == name, timeout=1.5
        ):
            return
    raise AssertionError(f"transition {name} was not applied")


@pytest.fixture
def restore_program(raw: RawClient) -> Iterator[None]:
    """Switch scenes with Cut (OBS drops a switch asked for during a running transition);
    afterwards put program scene, studio mode and transition back as they were."""
    program = raw.call("GetCurrentProgramScene")["currentProgramSceneName"]
    studio = raw.call("GetStudioModeEnabled")["studioModeEnabled"]
    transition = raw.call("GetCurrentSceneTransition")["transitionName"]
    use_transition(raw, "Cut")
    yield
    raw.request("SetStudioModeEnabled", {"studioModeEnabled": studio})
    raw.request("SetCurrentProgramScene", {"sceneName": program})
    use_transition(raw, transition)
