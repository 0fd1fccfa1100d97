"""Contract: event subscriptions, high-volume meters, and obsws-python's EventClient."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import obsws_python
import pytest

from tests.contract.conftest import Backend, RawClient, eventually, unique

SCENES, INPUTS, INPUT_VOLUME_METERS = 1 << 2, 1 << 3, 1 << 16


@pytest.fixture
def audio_input(raw: RawClient, scene: str) -> Iterator[str]:
    name = unique("meter")
    raw.call(
        "CreateInput", {"sceneName": scene, "inputName": name, "inputKind": "pulse_input_capture"}
    )
    yield name
    raw.request("RemoveInput", {"inputName": name})


def test_events_follow_subscriptions(obs_backend: Backend, raw: RawClient) -> None:
    with obs_backend.raw(SCENES) as scenes_only, obs_backend.raw(0) as nothing:
        name = unique("subscribed")
        raw.call("CreateScene", {"sceneName": name})
        try:
            created = scenes_only.wait_event("SceneCreated", lambda d: d["sceneName"] == name)
            assert created["isGroup"] is False
        finally:
            raw.call("RemoveScene", {"sceneName": name})
        scenes_only.wait_event("SceneRemoved", lambda d: d["sceneName"] == name)
        raw.call("BroadcastCustomEvent", {"eventData": {"x": 1}})
        events = scenes_only.drain(0.4)
        assert all(e["eventIntent"] == SCENES for e in events)
        assert nothing.drain(0.2) == []


def test_event_messages_carry_their_intent(obs_backend: Backend, raw: RawClient) -> None:
    with obs_backend.raw(INPUTS | SCENES) as listener:
        name = unique("intent")
        raw.call("CreateScene", {"sceneName": name})
        raw.call("RemoveScene", {"sceneName": name})
        listener.wait_event("SceneRemoved", lambda d: d["sceneName"] == name)
        for event in listener.drain(0.2):
            assert event["eventIntent"] in (INPUTS, SCENES)


def test_volume_meters_only_when_asked_for(obs_backend: Backend, audio_input: str) -> None:
    with obs_backend.raw(INPUT_VOLUME_METERS) as metered, obs_backend.raw() as default:
        meters = metered.wait_event("InputVolumeMeters", timeout=3)
        assert isinstance(meters["inputs"], list)
        for entry in meters["inputs"]:
            assert {"inputName", "inputLevelsMul"} <= set(entry)
            assert all(len(channel) == 3 for channel in entry["inputLevelsMul"])
        assert len([e for e in metered.drain(0.5) if e["eventType"] == "InputVolumeMeters"]) >= 3
        assert not [e for e in default.drain(0.3) if e["eventType"] == "InputVolumeMeters"]


def test_reidentify_changes_subscriptions(obs_backend: Backend, raw: RawClient) -> None:
    with obs_backend.raw(0) as client:
        client.send(3, {"eventSubscriptions": SCENES})
        client.drain(0.2)
        name = unique("reidentified")
        raw.call("CreateScene", {"sceneName": name})
        try:
            client.wait_event("SceneCreated", lambda d: d["sceneName"] == name)
        finally:
            raw.call("RemoveScene", {"sceneName": name})


def test_streamkit_subscription_change_is_in_force_when_it_returns(
    obs_backend: Backend, raw: RawClient
) -> None:
    """The change is confirmed before set_subscriptions returns: the events of a request sent
    right after it arrive (OBS applies a Reidentify on its thread pool, a moment later)."""
    from streamkit.obs.client import ObsClient

    with ObsClient(obs_backend.host, obs_backend.port, obs_backend.password) as client:
        created: list[str] = []
        client.on_event(lambda kind, data: created.append(data.get("sceneName", "")))
        for attempt in range(5):
            client.set_subscriptions(0)
            time.sleep(0.3)  # long landed, confirmed or not
            client.set_subscriptions(SCENES)
            name = unique(f"confirmed{attempt}")
            raw.call("CreateScene", {"sceneName": name})
            try:
                assert eventually(lambda name=name: name in created, timeout=3)
            finally:
                raw.call("RemoveScene", {"sceneName": name})


def test_obsws_python_event_client(obs_backend: Backend, raw: RawClient) -> None:
    seen: list[str] = []
    arrived = threading.Event()
    name = unique("evclient")

    def on_scene_created(data) -> None:
        seen.append(data.scene_name)
        if data.scene_name == name:
            arrived.set()

    client = obsws_python.EventClient(
        host=obs_backend.host, port=obs_backend.port, password=obs_backend.password, timeout=5
    )
    try:
        client.callback.register(on_scene_created)
        raw.call("CreateScene", {"sceneName": name})
        try:
            assert arrived.wait(5), seen
        finally:
            raw.call("RemoveScene", {"sceneName": name})
    finally:
        client.disconnect()
