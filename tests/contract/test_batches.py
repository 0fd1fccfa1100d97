"""Contract: RequestBatch — order, haltOnFailure, execution types, Sleep."""

from __future__ import annotations

import json
import time

import pytest
from websockets.exceptions import ConnectionClosed

from tests.contract.conftest import RawClient, unique


def _codes(results: list[dict]) -> list[tuple[str, int]]:
    return [(r["requestType"], r["requestStatus"]["code"]) for r in results]


def test_batch_answers_every_request_in_order(raw: RawClient) -> None:
    results = raw.batch(
        [
            {"requestType": "GetVersion", "requestId": "v"},
            {"requestType": "NoSuchRequest"},
            {"requestType": "GetStudioModeEnabled"},
        ]
    )
    assert _codes(results) == [
        ("GetVersion", 100),
        ("NoSuchRequest", 204),
        ("GetStudioModeEnabled", 100),
    ]
    assert results[0]["requestId"] == "v"
    assert "requestId" not in results[2]
    assert results[1]["requestStatus"]["comment"] == "Your request type is not valid."
    assert isinstance(results[2]["responseData"]["studioModeEnabled"], bool)


def test_halt_on_failure_stops_after_the_first_failure(raw: RawClient) -> None:
    results = raw.batch(
        [
            {"requestType": "GetStudioModeEnabled"},
            {"requestType": "NoSuchRequest"},
            {"requestType": "GetStats"},
        ],
        haltOnFailure=True,
    )
    assert _codes(results) == [("GetStudioModeEnabled", 100), ("NoSuchRequest", 204)]


def test_empty_batch_gives_empty_results(raw: RawClient) -> None:
    assert raw.batch([]) == []


def test_sleep_millis_delays_a_serial_realtime_batch(raw: RawClient) -> None:
    started = time.monotonic()
    results = raw.batch(
        [
            {"requestType": "Sleep", "requestData": {"sleepMillis": 300}},
            {"requestType": "GetStudioModeEnabled"},
        ]
    )
    assert time.monotonic() - started >= 0.29
    assert _codes(results) == [("Sleep", 100), ("GetStudioModeEnabled", 100)]


def test_sleep_frames_in_a_serial_frame_batch(raw: RawClient) -> None:
    results = raw.batch(
        [
            {"requestType": "Sleep", "requestData": {"sleepFrames": 3}},
            {"requestType": "Sleep", "requestData": {"sleepMillis": 5}},
        ],
        executionType=1,
    )
    assert _codes(results) == [("Sleep", 100), ("Sleep", 300)]
    assert (
        results[1]["requestStatus"]["comment"] == "Your request is missing the `sleepFrames` field."
    )


def test_sleep_limits_and_missing_fields(raw: RawClient) -> None:
    results = raw.batch(
        [
            {"requestType": "Sleep", "requestData": {"sleepMillis": 60000}},
            {"requestType": "Sleep", "requestData": {}},
            {"requestType": "Sleep"},
            {},
        ]
    )
    assert _codes(results) == [("Sleep", 402), ("Sleep", 300), ("Sleep", 301), ("", 203)]
    assert results[0]["requestStatus"]["comment"] == (
        "The field value of `sleepMillis` is above the maximum of `50000.000000`"
    )
    assert (
        results[3]["requestStatus"]["comment"] == "Your request's `requestType` may not be empty."
    )


def test_sleep_is_refused_in_parallel_batches_and_alone(raw: RawClient) -> None:
    results = raw.batch(
        [
            {"requestType": "GetStudioModeEnabled"},
            {"requestType": "Sleep", "requestData": {"sleepMillis": 1}},
        ],
        executionType=2,
    )
    assert _codes(results) == [("GetStudioModeEnabled", 100), ("Sleep", 206)]
    alone = raw.request("Sleep", {"sleepMillis": 1})
    assert alone["requestStatus"] == {"result": False, "code": 206}


def test_invalid_execution_type_closes_with_4005(raw: RawClient) -> None:
    raw.send(8, {"requestId": "x", "executionType": 7, "requests": []})
    with pytest.raises(ConnectionClosed):
        while True:
            json.loads(raw.ws.recv(timeout=5))
    received = raw.ws.protocol.close_rcvd
    assert (received.code, received.reason) == (4005, "Your `executionType` has an invalid value.")


def test_batch_without_requests_closes_with_4003(raw: RawClient) -> None:
    raw.send(8, {"requestId": "x"})
    with pytest.raises(ConnectionClosed):
        while True:
            raw.ws.recv(timeout=5)
    received = raw.ws.protocol.close_rcvd
    assert (received.code, received.reason) == (4003, "Your payload data is missing a `requests`.")


def test_batched_changes_apply_in_order(raw: RawClient, scene: str) -> None:
    results = raw.batch(
        [
            {
                "requestType": "CreateInput",
                "requestData": {
                    "sceneName": scene,
                    "inputName": f"{scene} a",
                    "inputKind": "color_source_v3",
                },
            },
            {
                "requestType": "SetInputSettings",
                "requestData": {"inputName": f"{scene} a", "inputSettings": {"width": 64}},
            },
            {"requestType": "GetInputSettings", "requestData": {"inputName": f"{scene} a"}},
            {"requestType": "RemoveInput", "requestData": {"inputName": f"{scene} a"}},
        ],
        haltOnFailure=True,
    )
    assert [r["requestStatus"]["code"] for r in results] == [100, 100, 100, 100]
    assert results[2]["responseData"]["inputSettings"] == {"width": 64}


def test_batch_variables_carry_values_between_requests(raw: RawClient, scene: str) -> None:
    name = unique("colour")
    results = raw.batch(
        [
            {
                "requestType": "CreateInput",
                "requestData": {"inputName": name, "inputKind": "color_source_v3"},
                "inputVariables": {"sceneName": "target"},
                "outputVariables": {"itemId": "sceneItemId"},
            },
            {
                "requestType": "GetSceneItemEnabled",
                "inputVariables": {"sceneName": "target", "sceneItemId": "itemId"},
            },
            {
                "requestType": "GetInputVolume",
                "requestData": {"inputName": name},
                "inputVariables": {"inputName": "nosuch"},  # unknown variable: left as it is
            },
        ],
        variables={"target": scene},
    )
    try:
        assert _codes(results) == [
            ("CreateInput", 100),
            ("GetSceneItemEnabled", 100),
            ("GetInputVolume", 604),
        ]
        assert results[1]["responseData"] == {"sceneItemEnabled": True}
    finally:
        raw.request("RemoveInput", {"inputName": name})


def test_variables_in_a_parallel_batch_close_the_session(raw: RawClient) -> None:
    raw.send(
        8,
        {
            "requestId": "p",
            "executionType": 2,
            "variables": {"a": 1},
            "requests": [{"requestType": "GetVersion"}],
        },
    )
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            raw.ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        4012,
        "Variables are not supported in Parallel mode.",
    )
