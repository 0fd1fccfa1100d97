"""Contract: groups (which no request creates) as OBS lists them, read from a collection file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import SimState
from tests.contract.conftest import ALL_LOW_VOLUME, Backend, RawClient

# Scenes Main (Backdrop, the group, Sub) and Sub; the group "Caption Group" holds Badge and Caption.
GROUPS_FILE = Path(__file__).parent.parent / "fixtures/collections/obs29.0.2-resaved-groups.json"
GROUP = "Caption Group"


def groups_state() -> SimState:
    """The simulator's version of GROUPS_FILE (as far as these tests read it)."""
    state = SimState.fresh()
    coll = state.collection
    coll.scenes.clear()
    main, sub = coll.add_scene("Main"), coll.add_scene("Sub")
    backdrop = coll.add_input("Backdrop", "color_source_v3")
    badge = coll.add_input("Badge", "color_source_v3")
    caption = coll.add_input("Caption", "text_ft2_source_v2", {"text": "Caption"})
    group = coll.add_group(GROUP)
    group.add_item(badge)
    group.add_item(caption)
    for source in (backdrop, group, sub):
        main.add_item(source)
    coll.program = coll.preview = "Main"
    return state


@pytest.fixture
def grouped(obs_backend: Backend, request: pytest.FixtureRequest) -> Iterator[RawClient]:
    if obs_backend.kind == "real":
        obs = request.getfixturevalue("obs_factory")(collection_file=GROUPS_FILE)
        backend = Backend("real", obs.host, obs.port, obs.password)
        with backend.raw(ALL_LOW_VOLUME) as raw:
            yield raw
        return
    with (
        SimulatorThread(password=obs_backend.password, state=groups_state()) as sim,
        Backend("simulator", sim.host, sim.port, obs_backend.password).raw(ALL_LOW_VOLUME) as raw,
    ):
        yield raw


def test_groups(grouped: RawClient) -> None:
    """One OBS start for all of it: a dedicated real OBS takes seconds to come up."""
    raw = grouped
    assert raw.call("GetGroupList") == {"groups": [GROUP]}
    scenes = [s["sceneName"] for s in raw.call("GetSceneList")["scenes"]]
    assert GROUP not in scenes and {"Main", "Sub"} <= set(scenes)

    inside = raw.call("GetGroupSceneItemList", {"sceneName": GROUP})["sceneItems"]
    assert [i["sourceName"] for i in inside] == ["Badge", "Caption"]
    assert [i["sceneItemIndex"] for i in inside] == [0, 1]

    main = {
        i["sourceName"]: i
        for i in raw.call("GetSceneItemList", {"sceneName": "Main"})["sceneItems"]
    }
    assert list(main) == ["Backdrop", GROUP, "Sub"]
    assert (main[GROUP]["isGroup"], main[GROUP]["inputKind"]) == (True, None)
    assert main[GROUP]["sourceType"] == "OBS_SOURCE_TYPE_SCENE"
    assert (main["Sub"]["isGroup"], main["Backdrop"]["isGroup"]) == (False, None)

    as_scene = raw.request("GetSceneItemList", {"sceneName": GROUP})
    assert as_scene["requestStatus"] == {
        "result": False,
        "code": 602,
        "comment": "The specified source is not a scene. (Is group)",
    }
    not_group = raw.request("GetGroupSceneItemList", {"sceneName": "Main"})
    assert not_group["requestStatus"] == {
        "result": False,
        "code": 602,
        "comment": "The specified source is not a group. (Is scene)",
    }
    switch = raw.request("SetCurrentProgramScene", {"sceneName": GROUP})
    assert switch["requestStatus"]["code"] == 602
