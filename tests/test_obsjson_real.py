"""A file from our writer, loaded by a real OBS: what the websocket reports, and what OBS saves."""

from __future__ import annotations

import time
from pathlib import Path

import obsws_python
import pytest

from streamkit.collection.obsjson_read import read_obs_json
from streamkit.collection.obsjson_write import write_obs_json
from streamkit.collection.yamlformat import read_yaml
from streamkit.obs.canvas import MAIN_CANVAS_UUID

pytestmark = pytest.mark.real_obs

FIXTURES = Path(__file__).parent / "fixtures" / "collections"


def test_real_obs_loads_our_file_and_saves_it_back_unchanged(obs_factory, tmp_path: Path) -> None:
    ours = read_yaml(FIXTURES / "groups.yaml")
    path = tmp_path / "groups.json"
    write_obs_json(ours, path)
    obs = obs_factory(collection_file=path)
    client = obsws_python.ReqClient(host=obs.host, port=obs.port, password=obs.password, timeout=10)
    try:
        send = client.send
        scenes = send("GetSceneList", raw=True)
        assert scenes["currentProgramSceneName"] == "Main"
        assert {s["sceneName"] for s in scenes["scenes"]} == {"Main", "Sub"}
        assert send("GetGroupList", raw=True)["groups"] == ["Caption Group"]
        items = send("GetSceneItemList", {"sceneName": "Main"}, raw=True)["sceneItems"]
        by_name = {i["sourceName"]: i for i in items}
        assert [i["sourceName"] for i in sorted(items, key=lambda i: i["sceneItemIndex"])] == [
            "Backdrop",
            "Caption Group",
            "Sub",
        ]
        assert by_name["Caption Group"]["isGroup"] is True
        assert by_name["Sub"]["sceneItemEnabled"] is False
        transform = send(
            "GetSceneItemTransform",
            {"sceneName": "Main", "sceneItemId": by_name["Caption Group"]["sceneItemId"]},
            raw=True,
        )["sceneItemTransform"]
        assert (transform["positionX"], transform["positionY"]) == (100.0, 500.0)
        group_items = send("GetGroupSceneItemList", {"sceneName": "Caption Group"}, raw=True)[
            "sceneItems"
        ]
        assert [i["sourceName"] for i in group_items] == ["Badge", "Caption"]
        settings = send("GetInputSettings", {"inputName": "Caption"}, raw=True)
        assert settings["inputSettings"]["text"] == "Hello"
        transition = send("GetCurrentSceneTransition", raw=True)
        assert transition["transitionName"] == "Cut"
        send("CreateSceneCollection", {"sceneCollectionName": "Other"})  # saves ours first
        time.sleep(1)
    finally:
        client.disconnect()
    saved = read_obs_json(obs.config_dir / "basic" / "scenes" / "groups.json")
    for collection in (ours, saved):
        for group in collection.groups:
            group.obs_settings = {}  # OBS recomputes a group's size from its items
    for owner in [*saved.scenes, *saved.groups]:
        # OBS 32 (canvases) names the main canvas on every scene and group it saves
        assert owner.obs.pop("canvas_uuid", MAIN_CANVAS_UUID) == MAIN_CANVAS_UUID
    for source in [*saved.inputs, *saved.scenes, *saved.groups]:
        source.uuid = None  # OBS 29.1 and later give each source a UUID of their own
    expected = ours.comparable()
    actual = saved.comparable()
    for data in (expected, actual):
        for key in ("canvas", "obs_version", "obs"):
            data.pop(key)
    assert actual == expected
