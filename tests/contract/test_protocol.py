"""Contract: connection handshake, authentication, identification and close codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import obsws_python
import obsws_python.error
import pytest
import websocket
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.contract.conftest import Backend, auth_string


@contextmanager
def _open(backend: Backend) -> Iterator[tuple[ClientConnection, dict]]:
    with connect(f"ws://{backend.host}:{backend.port}", subprotocols=["obswebsocket.json"]) as ws:
        yield ws, json.loads(ws.recv(timeout=5))


def _close_code(ws) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed):
        while True:
            ws.recv(timeout=5)
    received = ws.protocol.close_rcvd
    assert received is not None, "closed without a close frame"
    return received.code, received.reason


def _identify(backend: Backend, ws, hello, **extra) -> dict:
    auth = hello["d"]["authentication"]
    data = {
        "rpcVersion": 1,
        "authentication": auth_string(backend.password, auth["salt"], auth["challenge"]),
    }
    data.update(extra)
    ws.send(json.dumps({"op": 1, "d": data}))
    return json.loads(ws.recv(timeout=5))


def test_hello_offers_an_authentication_challenge(obs_backend: Backend) -> None:
    with _open(obs_backend) as (_, hello):
        assert hello["op"] == 0
        data = hello["d"]
        assert data["rpcVersion"] == 1
        assert data["obsWebSocketVersion"] == obs_backend.version
        assert set(data["authentication"]) == {"challenge", "salt"}
        assert all(len(v) >= 32 for v in data["authentication"].values())
        if obs_backend.at_least("5.5.0"):
            assert "obsStudioVersion" in data


def test_identify_with_the_right_password_is_identified(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, hello):
        assert _identify(obs_backend, ws, hello) == {"op": 2, "d": {"negotiatedRpcVersion": 1}}


def test_each_connection_gets_a_new_challenge(obs_backend: Backend) -> None:
    with _open(obs_backend) as (_, hello1), _open(obs_backend) as (_, hello2):
        assert hello1["d"]["authentication"] != hello2["d"]["authentication"]


def test_wrong_password_closes_with_4009(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, _):
        ws.send(json.dumps({"op": 1, "d": {"rpcVersion": 1, "authentication": "bm9wZQ=="}}))
        assert _close_code(ws) == (4009, "Authentication failed.")


def test_missing_authentication_closes_with_4009(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, _):
        ws.send(json.dumps({"op": 1, "d": {"rpcVersion": 1}}))
        code, reason = _close_code(ws)
        assert code == 4009
        assert "missing an `authentication` string" in reason


def test_obsws_python_rejects_a_wrong_password(obs_backend: Backend) -> None:
    # the server closes with 4009: obsws-python says so as its own error, or as the closed socket
    with pytest.raises((obsws_python.error.OBSSDKError, websocket.WebSocketException)):
        obsws_python.ReqClient(
            host=obs_backend.host, port=obs_backend.port, password="not-the-password", timeout=3
        ).get_version()


def test_request_before_identify_closes_with_4007(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, _):
        ws.send(json.dumps({"op": 6, "d": {"requestType": "GetVersion", "requestId": "1"}}))
        code, reason = _close_code(ws)
        assert code == 4007
        assert reason == "You attempted to send a non-Identify message while not identified."


def test_unsupported_rpc_version_closes_with_4010(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, hello):
        auth = hello["d"]["authentication"]
        ws.send(
            json.dumps(
                {
                    "op": 1,
                    "d": {
                        "rpcVersion": 99,
                        "authentication": auth_string(
                            obs_backend.password, auth["salt"], auth["challenge"]
                        ),
                    },
                }
            )
        )
        assert _close_code(ws) == (
            4010,
            "Your requested RPC version is not supported by this server.",
        )


def test_identifying_twice_closes_with_4008(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, hello):
        _identify(obs_backend, ws, hello)
        ws.send(json.dumps({"op": 1, "d": {"rpcVersion": 1}}))
        assert _close_code(ws)[0] == 4008


def test_unknown_opcode_closes_with_4006(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, hello):
        _identify(obs_backend, ws, hello)
        ws.send(json.dumps({"op": 42, "d": {}}))
        assert _close_code(ws) == (4006, "Unknown OpCode: 42")


def test_undecodable_json_closes_with_4002(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, _):
        ws.send("this is not json")
        assert _close_code(ws)[0] == 4002


def test_request_without_request_id_closes_with_4003(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, hello):
        _identify(obs_backend, ws, hello)
        ws.send(json.dumps({"op": 6, "d": {"requestType": "GetVersion"}}))
        assert _close_code(ws) == (4003, "Your payload data is missing a `requestId`.")


def test_bad_event_subscriptions_close_with_4004(obs_backend: Backend) -> None:
    with _open(obs_backend) as (ws, hello):
        _identify(obs_backend, ws, hello)
        ws.send(json.dumps({"op": 3, "d": {"eventSubscriptions": "all"}}))
        assert _close_code(ws) == (4004, "Your `eventSubscriptions` is not an unsigned number.")


def test_reidentify_answers_identified(obs_backend: Backend) -> None:
    with obs_backend.raw(0) as client:
        client.send(3, {"eventSubscriptions": 4})
        assert json.loads(client.ws.recv(timeout=5)) == {"op": 2, "d": {"negotiatedRpcVersion": 1}}


def test_request_ids_of_any_json_type_are_echoed(obs_backend: Backend) -> None:
    """obsws-python sends integer request ids."""
    with obs_backend.raw(0) as client:
        client.send(6, {"requestType": "GetStudioModeEnabled", "requestId": 417})
        response = json.loads(client.ws.recv(timeout=5))
        assert response["op"] == 7
        assert response["d"]["requestId"] == 417
        assert response["d"]["requestType"] == "GetStudioModeEnabled"
