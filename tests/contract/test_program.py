"""Contract: when the program scene changes (transitions, superseded switches, scene removal)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.contract.conftest import RawClient, eventually, unique, use_transition

FADE_MS = 600


def _program(raw: RawClient) -> str:
    return raw.call("GetCurrentProgramScene")["currentProgramSceneName"]


def _timed_events(raw: RawClient, seconds: float, since: float) -> list[tuple[float, str, dict]]:
    """(seconds after `since`, type, data) of the events already seen and those coming."""
    seen = [(0.0, e["eventType"], e.get("eventData", {})) for e in raw.events]
    raw.events.clear()
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(raw.ws.recv(timeout=left))
        except TimeoutError:
            break
        if message["op"] == 5:
            event = message["d"]
            at = time.monotonic() - since
            seen.append((at, event["eventType"], event.get("eventData", {})))
    return seen


@pytest.fixture
def scenes(raw: RawClient, restore_program: None) -> Iterator[list[str]]:
    """Three fresh scenes, program on the first (switched with Cut); removed afterwards."""
    names = [unique(f"p{i}") for i in range(3)]
    for name in names:
        raw.call("CreateScene", {"sceneName": name})
    raw.call("SetCurrentProgramScene", {"sceneName": names[0]})
    raw.wait_event("CurrentProgramSceneChanged", lambda d: d["sceneName"] == names[0])
    # The switch is over when its transition has ended: a transition made current before then
    # takes over the running one, and OBS 29 then runs it again for the scene on program.
    raw.wait_event("SceneTransitionEnded")
    yield names
    raw.request("SetCurrentProgramScene", {"sceneName": "Scene"})
    for name in names:
        raw.request("RemoveScene", {"sceneName": name})


@pytest.fixture
def fade(raw: RawClient) -> Iterator[None]:
    """Fade of FADE_MS as the current transition; the duration is put back afterwards."""
    duration = raw.call("GetCurrentSceneTransition")["transitionDuration"] or 300
    use_transition(raw, "Fade")
    raw.call("SetCurrentSceneTransitionDuration", {"transitionDuration": FADE_MS})
    assert eventually(
        lambda: raw.call("GetCurrentSceneTransition")["transitionDuration"] == FADE_MS
    )
    raw.drain(0.5)  # the set-up's own events, late on a loaded machine
    raw.events.clear()
    yield
    raw.request("SetCurrentSceneTransitionDuration", {"transitionDuration": duration})
    use_transition(raw, "Cut")


def test_program_changes_when_the_transition_ends(
    raw: RawClient, scenes: list[str], fade: None
) -> None:
    started = time.monotonic()
    raw.call("SetCurrentProgramScene", {"sceneName": scenes[1]})
    assert _program(raw) == scenes[1]  # reads as the new scene at once
    events = _timed_events(raw, FADE_MS / 1000 + 1.0, started)
    changed = [(at, data) for at, kind, data in events if kind == "CurrentProgramSceneChanged"]
    assert [data["sceneName"] for _, data in changed] == [scenes[1]]
    assert changed[0][0] >= FADE_MS / 1000 * 0.8  # not before the fade is (nearly) over
    kinds = [kind for _, kind, _ in events]
    assert kinds.index("SceneTransitionStarted") < kinds.index("CurrentProgramSceneChanged")
    assert "SceneTransitionEnded" in kinds


def test_a_superseded_switch_changes_program_once(
    raw: RawClient, scenes: list[str], fade: None
) -> None:
    started = time.monotonic()
    raw.call("SetCurrentProgramScene", {"sceneName": scenes[1]})
    time.sleep(FADE_MS / 1000 / 3)
    raw.call("SetCurrentProgramScene", {"sceneName": scenes[2]})
    assert _program(raw) == scenes[2]
    events = _timed_events(raw, FADE_MS / 1000 * 2 + 1.0, started)
    changed = [
        data["sceneName"] for _, kind, data in events if kind == "CurrentProgramSceneChanged"
    ]
    assert changed == [scenes[2]]
    assert [kind for _, kind, _ in events].count("SceneTransitionStarted") == 2


def test_selecting_the_program_scene_again_does_nothing(
    raw: RawClient, scenes: list[str], fade: None
) -> None:
    raw.call("SetCurrentProgramScene", {"sceneName": scenes[0]})
    events = _timed_events(raw, FADE_MS / 1000 + 0.5, time.monotonic())
    kinds = [kind for _, kind, _ in events]
    assert "CurrentProgramSceneChanged" not in kinds, events
    assert "SceneTransitionStarted" not in kinds, events
    assert _program(raw) == scenes[0]


def test_removing_the_program_scene_moves_program_to_the_scene_below(
    raw: RawClient, scenes: list[str]
) -> None:
    program = scenes[2]  # the newest scene: OBS 29 appends below it, OBS 32 inserts below it
    raw.call("SetCurrentProgramScene", {"sceneName": program})
    raw.wait_event("CurrentProgramSceneChanged", lambda d: d["sceneName"] == program)
    below = unique("below")
    raw.call("CreateScene", {"sceneName": below})
    try:
        listed = [s["sceneName"] for s in raw.call("GetSceneList")["scenes"]]
        assert listed.index(below) == listed.index(program) - 1  # bottom-up list
        raw.events.clear()
        raw.call("RemoveScene", {"sceneName": program})
        # both come, in either order on OBS 32 (they are sent from different threads)
        raw.wait_event("CurrentProgramSceneChanged", lambda d: d["sceneName"] == below)
        raw.wait_event("SceneRemoved", lambda d: d["sceneName"] == program)
        assert _program(raw) == below
        assert eventually(
            lambda: program not in [s["sceneName"] for s in raw.call("GetSceneList")["scenes"]]
        )
    finally:
        raw.request("SetCurrentProgramScene", {"sceneName": "Scene"})
        raw.request("RemoveScene", {"sceneName": below})


def test_a_removed_input_can_be_removed_again_until_it_is_gone(raw: RawClient, scene: str) -> None:
    name = unique("colour")
    query = {"sceneName": scene, "inputName": name, "inputKind": "color_source_v3"}
    raw.call("CreateInput", query)
    first = raw.request("RemoveInput", {"inputName": name})
    second = raw.request("RemoveInput", {"inputName": name})
    assert first["requestStatus"] == second["requestStatus"] == {"result": True, "code": 100}
