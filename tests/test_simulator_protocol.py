"""Protocol corners of the simulator that the contract suite does not reach."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from streamkit.simulator.protocol import auth_response
from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import SimState
from tests.contract.conftest import Backend, RawClient


@pytest.fixture(scope="module")
def sim():
    with SimulatorThread(state=SimState.fresh()) as running:
        yield running


def _closed_with(ws) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed):
        while True:
            ws.recv(timeout=3)
    received = ws.protocol.close_rcvd
    return received.code, received.reason


def test_auth_response_matches_the_protocol_example() -> None:
    # The protocol's example: password "supersecretpassword" with this salt and challenge.
    salt = "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI="
    challenge = "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY="
    assert auth_response("supersecretpassword", salt, challenge) == (
        "1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4="
    )


def test_no_subprotocol_means_json(sim: SimulatorThread) -> None:
    with connect(f"ws://{sim.host}:{sim.port}") as ws:
        assert ws.subprotocol is None
        assert json.loads(ws.recv(timeout=3))["op"] == 0


def test_json_subprotocol_is_selected(sim: SimulatorThread) -> None:
    with connect(f"ws://{sim.host}:{sim.port}", subprotocols=["obswebsocket.json"]) as ws:
        assert ws.subprotocol == "obswebsocket.json"


def test_binary_frame_closes_with_4002(sim: SimulatorThread) -> None:
    with connect(f"ws://{sim.host}:{sim.port}") as ws:
        ws.recv(timeout=3)
        ws.send(b"\x81\xa2op\x01")
        assert _closed_with(ws)[0] == 4002


def test_pre_v5_client_closes_with_4010(sim: SimulatorThread) -> None:
    with connect(f"ws://{sim.host}:{sim.port}") as ws:
        ws.recv(timeout=3)
        ws.send(json.dumps({"request-type": "GetVersion", "message-id": "1"}))
        assert _closed_with(ws)[0] == 4010


def test_default_subscriptions_exclude_high_volume(sim: SimulatorThread) -> None:
    backend = Backend("simulator", sim.host, sim.port, "")
    with RawClient.open(backend, None) as client:
        sessions = sim.call(lambda: list(sim.sim._sessions))
        assert {s.subscriptions for s in sessions if s.identified} == {(1 << 11) - 1}
        assert client.call("GetStudioModeEnabled") == {"studioModeEnabled": False}


def test_events_are_sent_before_the_response_of_the_request_causing_them(
    sim: SimulatorThread,
) -> None:
    backend = Backend("simulator", sim.host, sim.port, "")
    with RawClient.open(backend, 1 << 2) as client:
        client.send(
            6,
            {
                "requestType": "CreateScene",
                "requestId": "c",
                "requestData": {"sceneName": "Ordered"},
            },
        )
        ops = [json.loads(client.ws.recv(timeout=3))["op"] for _ in range(3)]
        assert ops == [5, 5, 7]
        client.call("RemoveScene", {"sceneName": "Ordered"})


def test_stopping_sends_exit_started_then_closes_with_1001() -> None:
    with SimulatorThread(state=SimState.fresh()) as sim:
        backend = Backend("simulator", sim.host, sim.port, "")
        client = RawClient.open(backend, 1)
        sim.stop()
        assert json.loads(client.ws.recv(timeout=3))["d"] == {
            "eventType": "ExitStarted",
            "eventIntent": 1,
        }
        assert _closed_with(client.ws) == (1001, "Server stopping.")
