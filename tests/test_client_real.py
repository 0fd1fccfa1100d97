"""The OBS connection layer against a real OBS: auth, batches, threads, events, reconnects."""

from __future__ import annotations

import logging
import threading
import time

import obsws_python
import pytest

from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsAuthFailed, ObsRequestFailed, ObsUnreachable
from streamkit.obs.types import ConnectionState, Request, first_failure
from tests.realobs import ISSUED_SECRETS, SHOW_COLLECTION, free_port

pytestmark = pytest.mark.real_obs


@pytest.fixture
def client(real_obs):
    with ObsClient(real_obs.host, real_obs.port, real_obs.password) as obs:
        yield obs


def test_connects_and_reports_versions(client):
    version = client.request("GetVersion")
    assert version["obsWebSocketVersion"] == client.websocket_version
    assert version["rpcVersion"] == 1
    assert client.state is ConnectionState.CONNECTED


def test_wrong_password_is_auth_failed_without_echoing_it(real_obs):
    wrong = "not-the-" + real_obs.password[:4]
    ISSUED_SECRETS.append(wrong)
    with pytest.raises(ObsAuthFailed) as caught:
        ObsClient(real_obs.host, real_obs.port, wrong).connect()
    text = str(caught.value) + repr(caught.value)
    assert wrong not in text and real_obs.password not in text
    assert "refused the websocket password" in text


def test_missing_password_says_one_is_needed(real_obs):
    with pytest.raises(ObsAuthFailed, match="requires a websocket password"):
        ObsClient(real_obs.host, real_obs.port, None).connect()


def test_nothing_listening_is_unreachable_quickly():
    started = time.monotonic()
    with pytest.raises(ObsUnreachable, match="websocket server"):
        ObsClient("127.0.0.1", free_port(), "x", timeout=2).connect()
    assert time.monotonic() - started < 3


def test_request_failure_names_type_code_and_comment(client):
    with pytest.raises(ObsRequestFailed) as caught:
        client.request("GetInputSettings", {"inputName": "no such input, really"})
    assert caught.value.request_type == "GetInputSettings"
    assert caught.value.code == 600
    assert "no such input, really" in caught.value.comment


def test_repr_never_shows_the_password(real_obs, client):
    assert real_obs.password not in repr(client)
    assert real_obs.password not in str(vars(client))


def test_four_threads_of_200_requests_get_their_own_answers(client):
    realm = "OBS_WEBSOCKET_DATA_REALM_GLOBAL"
    for t in range(4):
        client.request(
            "SetPersistentData",
            {"realm": realm, "slotName": f"streamkit-thread-{t}", "slotValue": t},
        )
    wrong: list[tuple[int, object]] = []
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            for _ in range(200):
                value = client.request(
                    "GetPersistentData", {"realm": realm, "slotName": f"streamkit-thread-{t}"}
                )["slotValue"]
                if value != t:
                    wrong.append((t, value))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert not wrong


def test_batch_of_100_returns_100_results_in_order(client):
    realm = "OBS_WEBSOCKET_DATA_REALM_GLOBAL"
    sets = [
        Request(
            "SetPersistentData", {"realm": realm, "slotName": f"streamkit-b{i}", "slotValue": i}
        )
        for i in range(50)
    ]
    gets = [
        Request("GetPersistentData", {"realm": realm, "slotName": f"streamkit-b{i}"})
        for i in range(50)
    ]
    results = client.batch(sets + gets)
    assert [r.index for r in results] == list(range(100))
    assert all(r.ok for r in results)
    assert [r.data["slotValue"] for r in results[50:]] == list(range(50))


def test_batch_halts_at_the_failure_and_says_which(client):
    requests = [Request("GetVersion")] * 100
    requests[50] = Request("GetInputSettings", {"inputName": "streamkit missing input"})
    results = client.batch(requests, halt_on_failure=True)
    assert len(results) == 51
    failed = first_failure(results)
    assert failed is not None and failed.index == 50
    assert failed.request_type == "GetInputSettings" and failed.code == 600
    assert "GetInputSettings" in str(failed.error())


def test_batch_without_halt_runs_everything(client):
    requests = [
        Request("GetVersion"),
        Request("GetInputSettings", {"inputName": "nope"}),
        Request("GetVersion"),
    ]
    results = client.batch(requests)
    assert [r.ok for r in results] == [True, False, True]


def test_events_from_another_client_arrive(real_obs, client):
    seen = threading.Event()
    client.on_event(lambda kind, data: seen.set() if kind == "SceneCreated" else None)
    other = obsws_python.ReqClient(
        host=real_obs.host, port=real_obs.port, password=real_obs.password, timeout=5
    )
    try:
        other.create_scene("streamkit event probe")
        assert seen.wait(5)
    finally:
        other.remove_scene("streamkit event probe")
        other.disconnect()


def test_reidentify_turns_volume_meters_on(real_obs, client):
    from streamkit.obs.client import Subs

    meters = threading.Event()
    client.on_event(lambda kind, data: meters.set() if kind == "InputVolumeMeters" else None)
    client.set_subscriptions(Subs.LOW_VOLUME | Subs.INPUTVOLUMEMETERS)
    assert meters.wait(5)


def test_reconnects_after_obs_crash_and_events_flow_again(obs_factory, caplog):
    caplog.set_level(logging.DEBUG)
    obs = obs_factory()
    states: list[tuple[float, ConnectionState]] = []
    client = ObsClient(obs.host, obs.port, obs.password, backoff_cap=1.0)
    client.add_state_listener(lambda change: states.append((time.monotonic(), change.state)))
    client.connect()
    try:
        obs.kill()
        _wait_for(lambda: client.state is ConnectionState.RECONNECTING, 10)
        with pytest.raises(ObsUnreachable, match="not connected right now"):
            started = time.monotonic()
            client.request("GetVersion")
        assert time.monotonic() - started < 1  # fails fast, does not hang
        obs.start()
        back = time.monotonic()
        _wait_for(lambda: client.state is ConnectionState.CONNECTED, 10)
        assert time.monotonic() - back < 5
        assert ConnectionState.RECONNECTING in [s for _, s in states]

        switched = threading.Event()
        client.on_event(
            lambda kind, data: switched.set() if kind == "CurrentProgramSceneChanged" else None
        )
        other = obsws_python.ReqClient(
            host=obs.host, port=obs.port, password=obs.password, timeout=5
        )
        other.create_scene("after the crash")
        other.set_current_program_scene("after the crash")
        other.disconnect()
        assert switched.wait(5)
    finally:
        client.close()
    assert obs.password not in caplog.text


# an exception escaping any thread (the supervisor, the reader) fails the test
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_unreachable_during_reconnect_does_not_raise_in_threads(obs_factory):
    obs = obs_factory()
    client = ObsClient(obs.host, obs.port, obs.password, backoff_cap=0.5, max_attempts=3)
    client.connect()
    obs.kill()
    _wait_for(lambda: client.state is ConnectionState.FAILED, 15)
    client.close()
    assert client.state is ConnectionState.CLOSED


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_requests_while_obs_still_loads_get_answers(obs_factory):
    """OBS 32 opens its websocket before it has loaded its collection and answers 207 "not
    ready" meanwhile: requests and batches are asked again until it is ready."""
    obs = obs_factory(collection_file=SHOW_COLLECTION, wait_loaded=False)
    with ObsClient(obs.host, obs.port, obs.password, subscriptions=0) as client:
        results = client.batch([Request("GetSceneList"), Request("GetInputList")])
        assert [(r.ok, r.code) for r in results] == [(True, 100), (True, 100)]
        listing = client.request("GetSceneCollectionList")
    assert listing["currentSceneCollectionName"] == "Show Test"
