"""OBS's scene-collection JSON: reading the shapes OBS 28 to 32 write, writing files OBS loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from streamkit.collection.model import Collection
from streamkit.collection.obsjson import AUDIO_DEVICE_KEYS, RELATIVE_KEYS
from streamkit.collection.obsjson_read import parse_obs_json, read_obs_json
from streamkit.collection.obsjson_write import collection_to_obs, dump_obs_json
from streamkit.collection.yamlformat import read_yaml
from streamkit.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "collections"
ROOT = Path(__file__).resolve().parent.parent
OBS_FILES = sorted(FIXTURES.glob("obs*.json"))
VERSIONED_SHAPES = [
    "obs28.1.2",
    "obs29.0.2-websocket",
    "obs29.1.3",
    "obs30.2.3",
    "obs31.1.2",
    "obs32.0.1",
]


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_every_obs_version_has_a_fixture() -> None:
    assert {p.stem for p in OBS_FILES} >= set(VERSIONED_SHAPES)


@pytest.mark.parametrize("path", OBS_FILES, ids=lambda p: p.stem)
def test_model_round_trip_is_exact(path: Path) -> None:
    collection = read_obs_json(path)
    text = dump_obs_json(collection)
    assert parse_obs_json(text) == collection
    assert dump_obs_json(parse_obs_json(text)) == text


def _normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A file's content with the documented drops applied and sources keyed by name."""
    data = json.loads(json.dumps(data))
    for key in ("version", "migration_resolution"):
        data.pop(key, None)
    sources = {}
    for key in ("sources", "groups", "transitions"):
        for source in data.pop(key, []):
            sources[f"{key}:{source['name']}"] = source
    for key in AUDIO_DEVICE_KEYS:
        if key in data:
            sources[key] = data.pop(key)
    for source in sources.values():
        _drop_unbound_hotkeys(source)
        if source.get("id") in ("scene", "group"):
            items = [i for i in source["settings"]["items"] if not i.get("group_item_backup")]
            for item in items:
                for key in RELATIVE_KEYS:
                    item.pop(key, None)
            source["settings"]["items"] = dict(enumerate(items))
    data["sources"] = sources
    return data


def _drop_unbound_hotkeys(source: dict[str, Any]) -> None:
    hotkeys = source.get("hotkeys")
    if isinstance(hotkeys, dict):
        source["hotkeys"] = {name: keys for name, keys in hotkeys.items() if keys}
    for filt in source.get("filters", []):
        _drop_unbound_hotkeys(filt)


def _leaves(value: Any, path: tuple = ()) -> dict[tuple, Any]:
    if isinstance(value, dict) and value:
        out: dict[tuple, Any] = {}
        for key, item in value.items():
            out.update(_leaves(item, (*path, key)))
        return out
    return {path: value}


@pytest.mark.parametrize("path", OBS_FILES, ids=lambda p: p.stem)
def test_writing_keeps_everything_read(path: Path) -> None:
    """write(read(file)) holds every value of the file, except the documented drops."""
    original = _leaves(_normalized(json.loads(path.read_text(encoding="utf-8"))))
    written = _leaves(_normalized(collection_to_obs(read_obs_json(path))))
    missing = {p: v for p, v in original.items() if written.get(p, "<missing>") != v}
    assert missing == {}


def test_obs29_file_written_by_real_obs() -> None:
    c = read_obs_json(FIXTURES / "obs29.0.2-websocket.json")
    assert [s.name for s in c.scenes] == ["Scene", "Main", "Overlay"]
    assert c.current_scene == "Main" and c.current_program_scene is None
    assert c.transition == "Fade" and c.transition_duration == 450
    audio = c.input("Call Audio")
    assert audio.volume == 0.5 and audio.muted and audio.balance == 0.25
    assert audio.monitoring == "OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT"
    assert audio.tracks == {"2": False, "5": False}  # mixers 237
    assert audio.sync_offset == 120
    assert [(f.name, f.kind, f.obs_versioned_kind) for f in audio.filters] == [
        ("Noise Suppression", "noise_suppress_filter", "noise_suppress_filter_v2")
    ]
    tint = c.input("Backdrop").filters[0]
    assert not tint.enabled and tint.settings == {"opacity": 0.8}
    assert c.input("Lower Third").obs_versioned_kind == "text_ft2_source_v2"
    main = c.scene("Main")
    assert [i.source for i in main.items] == [
        "Backdrop",
        "Lower Third",
        "Overlay",
        "Call Audio",
        "Break Banner",
    ]
    backdrop, text, overlay, _, banner = main.items
    assert backdrop.locked and not overlay.enabled
    assert banner.locked and not banner.enabled  # an input whose first item is hidden
    t = text.transform
    assert (t.positionX, t.positionY, t.rotation, t.scaleX, t.scaleY) == (80, 900, 2.5, 1.5, 1.25)
    assert (t.alignment, t.boundsType, t.boundsWidth, t.boundsHeight) == (
        9,
        "OBS_BOUNDS_SCALE_INNER",
        1200,
        120,
    )
    assert (t.cropLeft, t.cropBottom) == (4, 2)
    assert c.obs_version == 486539266
    assert all(not i.obs for i in c.inputs)  # nothing but OBS defaults left over


def test_groups_channels_transitions_and_hotkeys() -> None:
    c = read_obs_json(FIXTURES / "obs28.1.2.json")
    assert [g.name for g in c.groups] == ["Caption Group"]
    assert [i.source for i in c.scene("Main").items] == [
        "Backdrop",
        "Lower Third",
        "Caption Group",
        "Overlay",
        "Call Audio",
    ]  # the group_item_backup copies are gone
    assert c.scene("Main").item_ids() == [1, 2, 9, 7, 4]
    assert c.scene("Main").obs_settings == {"id_counter": 11}
    assert c.groups[0].obs_settings == {"custom_size": True, "cx": 400, "cy": 120}
    assert {i.name: i.channel for i in c.inputs if i.channel} == {"Desktop Audio": 1, "Mic/Aux": 3}
    assert c.input("Desktop Audio").obs == {"hotkeys": {"libobs.mute": [{"key": "OBS_KEY_F13"}]}}
    assert c.scene("Main").obs["hotkeys"] == {
        "OBSBasic.SelectScene": [{"key": "OBS_KEY_1", "control": True}]
    }
    assert c.transition == "Stinger"
    assert c.transitions[0].kind == "obs_stinger_transition"
    data = collection_to_obs(c)
    assert data["DesktopAudioDevice1"]["name"] == "Desktop Audio"
    assert data["AuxAudioDevice1"]["name"] == "Mic/Aux"
    assert [s["name"] for s in data["sources"]].count("Desktop Audio") == 0
    assert [g["name"] for g in data["groups"]] == ["Caption Group"]
    main = next(s for s in data["sources"] if s["name"] == "Main")
    assert not any(i["group_item_backup"] for i in main["settings"]["items"])
    assert data["modules"]["output-timer"]["streamTimerMinutes"] == 90
    assert data["preview_locked"] is True


def test_uuids_from_obs_29_1() -> None:
    c = read_obs_json(FIXTURES / "obs29.1.3.json")
    assert c.input("Backdrop").uuid and c.input("Backdrop").filters[0].uuid
    data = collection_to_obs(c)
    main = next(s for s in data["sources"] if s["name"] == "Main")
    backdrop = next(i for i in main["settings"]["items"] if i["name"] == "Backdrop")
    assert backdrop["source_uuid"] == c.input("Backdrop").uuid


def test_obs31_relative_coordinates_read_as_absolute_and_written_for_migration() -> None:
    raw = _load("obs31.1.2")
    c = read_obs_json(FIXTURES / "obs31.1.2.json")
    assert (c.canvas.width, c.canvas.height) == (1920, 1080)
    assert c == read_obs_json(FIXTURES / "obs30.2.3.json").model_copy(
        update={"name": c.name, "canvas": c.canvas, "obs_version": c.obs_version}
    )
    data = collection_to_obs(c)
    assert data["version"] == 1 and data["resolution"] == {"x": 1920, "y": 1080}
    main = next(s for s in data["sources"] if s["name"] == "Main")
    raw_main = next(s for s in raw["sources"] if s["name"] == "Main")
    for item, raw_item in zip(
        main["settings"]["items"],
        [i for i in raw_main["settings"]["items"] if not i["group_item_backup"]],
        strict=True,
    ):
        assert not RELATIVE_KEYS & set(item)
        assert (item["pos"], item["scale"], item["bounds"]) == (
            raw_item["pos"],
            raw_item["scale"],
            raw_item["bounds"],
        )
    assert "migration_resolution" not in collection_to_obs(
        read_obs_json(FIXTURES / "obs32.0.1.json")
    )


def test_relative_only_values_are_made_absolute() -> None:
    c = read_obs_json(FIXTURES / "obs31-relative-only.json")
    t = c.scene("S").items[0].transform
    # canvas 1280x720: pos_rel (-0.5, 0) is (460, 360); scale_rel 2 at scale_ref height 1080
    # is 2*720/1080; bounds_rel (1, 0.5) is (360, 180)
    assert (t.positionX, t.positionY) == (460, 360)
    assert t.scaleX == pytest.approx(4 / 3) and t.scaleY == pytest.approx(4 / 3)
    assert (t.boundsWidth, t.boundsHeight) == (360, 180)


def test_relative_only_without_resolution_is_an_error() -> None:
    data = _load("obs31-relative-only")
    del data["resolution"]
    with pytest.raises(ConfigError, match=r"sources\[1\]\.settings\.items\[0\]\.pos_rel"):
        parse_obs_json(json.dumps(data), "x.json")


def test_obs_default_values_are_left_out_and_written_back() -> None:
    c = read_obs_json(FIXTURES / "obs29.0.2-websocket.json")
    data = collection_to_obs(c)
    lower = next(s for s in data["sources"] if s["name"] == "Lower Third")
    assert lower["mixers"] == 0 and lower["push-to-talk-delay"] == 0
    assert lower["versioned_id"] == "text_ft2_source_v2" and lower["prev_ver"] == 486539266
    audio = next(s for s in data["sources"] if s["name"] == "Call Audio")
    assert (audio["mixers"], audio["sync"], audio["monitoring_type"]) == (237, 120_000_000, 2)


def test_unusual_mixers_and_sync_are_kept_exactly() -> None:
    data = _load("obs29.0.2-websocket")
    audio = next(s for s in data["sources"] if s["name"] == "Call Audio")
    audio["mixers"], audio["sync"] = 0x0D, 1_500_000  # tracks 2,5,6 off, bits 7-8 clear
    c = parse_obs_json(json.dumps(data))
    assert c.input("Call Audio").tracks == {"2": False, "5": False, "6": False}
    assert c.input("Call Audio").sync_offset == 2
    again = next(s for s in collection_to_obs(c)["sources"] if s["name"] == "Call Audio")
    assert (again["mixers"], again["sync"]) == (0x0D, 1_500_000)
    edited = c.model_copy(deep=True)
    edited.input("Call Audio").tracks = {}
    rewritten = next(s for s in collection_to_obs(edited)["sources"] if s["name"] == "Call Audio")
    assert rewritten["mixers"] == 0xFF  # an edit wins over the kept raw value


def test_assets_resolve_against_the_files_folder(tmp_path: Path) -> None:
    c = read_yaml(ROOT / "scenes" / "serverless-meetup.yaml")
    path = tmp_path / "meetup.json"
    path.write_text(dump_obs_json(c), encoding="utf-8")
    kept = read_obs_json(path)
    assert kept.input("Thanks Background").settings["file"] == "./assets/thanks.png"
    resolved = read_obs_json(path, resolve_assets=True)
    assert resolved.input("Thanks Background").settings["file"] == (
        (tmp_path / "assets" / "thanks.png").as_posix()
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{\n  "name": "x",\n  "sources": [,]\n}', r"^x\.json:3: invalid JSON"),
        ("[1, 2]", r"^x\.json: \(top level\): expected an object"),
        ('{"settings": {"key": ""}}', r"^x\.json: sources: expected an array of sources"),
        ('{"sources": {"a": 1}}', r"^x\.json: sources: expected an array"),
        ('{"sources": [{"id": "image_source"}]}', r"sources\[0\]\.name: expected a non-empty"),
        (
            '{"sources": [{"id": "k", "name": "a", "monitoring_type": 7}]}',
            r"sources\[0\]\.monitoring_type: expected 0, 1 or 2",
        ),
        ('{"sources": [{"id": "k", "name": "a", "volume": -1}]}', r"inputs\.0\.volume"),
    ],
)
def test_bad_files_give_file_and_field(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_obs_json(text, "x.json")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        read_obs_json(tmp_path / "nope.json")


def _without(c: Collection) -> dict[str, Any]:
    data = c.comparable()
    for key in ("name", "canvas", "obs_version", "obs"):
        data.pop(key)
    return data


def test_real_obs_29_loads_and_resaves_our_groups_file() -> None:
    """The writer's output, loaded and saved again by OBS 29.0.2 (make_obs_fixtures.py)."""
    ours = read_yaml(FIXTURES / "groups.yaml")
    resaved = read_obs_json(FIXTURES / "obs29.0.2-resaved-groups.json")
    # OBS recomputes a group's size from its contents; everything else survives.
    for group in ours.groups:
        group.obs_settings = {}
    for group in resaved.groups:
        group.obs_settings = {}
    assert _without(resaved) == _without(ours)


def test_real_obs_29_keeps_inputs_whose_plugin_is_missing() -> None:
    """Linux OBS 29 has no NDI, WASAPI or GDI+ text: it keeps those inputs, settings and
    filters intact, but saves their audio mixers as 0."""
    ours = read_yaml(ROOT / "scenes" / "serverless-meetup.yaml")
    resaved = read_obs_json(FIXTURES / "obs29.0.2-resaved-serverless-meetup.json")
    missing_plugins = {"ndi_source", "wasapi_output_capture"}
    for source in resaved.inputs:
        if source.kind in missing_plugins:
            assert source.tracks == dict.fromkeys("123456", False)
            source.tracks, source.obs = {}, {}
    assert _without(resaved) == _without(ours)


def test_what_the_websocket_cannot_carry_is_named_with_its_place() -> None:
    from streamkit.collection.unmodeled import websocket_cannot_carry

    old = read_obs_json(FIXTURES / "obs28.1.2.json")
    assert websocket_cannot_carry(old) == [
        "the preview lock (the collection)",
        "quick transitions (the collection)",
        "output-timer settings (the collection)",
        "hotkeys (input 'Desktop Audio', scene 'Main')",
    ]
    assert websocket_cannot_carry(read_obs_json(FIXTURES / "obs32.2.2-websocket.json")) == [
        "quick transitions (the collection)",
        "the preview's zoom (the collection)",
    ]
