"""The scene-collection model: equality, canonical forms, validation; platform kinds."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from streamkit.collection.kinds import (
    default_versioned_kind,
    equivalent_kind,
    pick_versioned_kind,
    plugin_of,
    unversioned_kind,
)
from streamkit.collection.model import Collection, Filter, Input, Scene, SceneItem


def _collection(inputs: list[Input]) -> Collection:
    return Collection(name="c", inputs=inputs, scenes=[Scene(name="S", items=["A", "B"])])


def test_input_order_does_not_matter_but_item_order_does() -> None:
    a = Input(name="A", kind="color_source")
    b = Input(name="B", kind="image_source")
    assert _collection([a, b]) == _collection([b, a])
    swapped = Collection(name="c", inputs=[a, b], scenes=[Scene(name="S", items=["B", "A"])])
    assert swapped != _collection([a, b])


def test_filter_order_matters() -> None:
    gain, limiter = Filter(name="g", kind="gain_filter"), Filter(name="l", kind="limiter_filter")
    first = Input(name="Mic", kind="wasapi_input_capture", filters=[gain, limiter])
    second = Input(name="Mic", kind="wasapi_input_capture", filters=[limiter, gain])
    assert first != second


def test_versioned_kind_is_split_and_canonical() -> None:
    assert Input(name="x", kind="color_source_v3") == Input(name="x", kind="color_source")
    odd = Input(name="x", kind="color_source_v2")
    assert (odd.kind, odd.versioned_kind, odd.obs_versioned_kind) == (
        "color_source",
        "color_source_v2",
        "color_source_v2",
    )
    assert Input(name="x", kind="ndi_source").obs_versioned_kind == "ndi_source"


def test_volume_accepts_decibels() -> None:
    assert Input(name="x", kind="k", volume="-6 dB").volume == pytest.approx(0.501187, rel=1e-5)
    assert Input(name="x", kind="k", volume="0dB").volume == 1.0
    assert Input(name="x", kind="k", volume="-120 dB").volume == 0.0
    assert Input(name="x", kind="k", volume=0.25).volume_db == pytest.approx(-12.0412, rel=1e-4)
    assert Input(name="x", kind="k", volume=0).volume_db == -math.inf
    with pytest.raises(ValidationError, match="decibels"):
        Input(name="x", kind="k", volume="loud")


def test_tracks_keep_only_disabled_ones() -> None:
    source = Input(name="x", kind="k", tracks={"1": True, "2": False, "6": False})
    assert source.tracks == {"2": False, "6": False}
    assert source.audio_tracks() == {
        "1": True,
        "2": False,
        "3": True,
        "4": True,
        "5": True,
        "6": False,
    }
    assert Input(name="x", kind="k", tracks={"1": True}) == Input(name="x", kind="k")


def test_item_shorthand_and_ids() -> None:
    scene = Scene(name="S", items=["A", {"source": "B", "id": 7}, SceneItem(source="C")])
    assert [item.source for item in scene.items] == ["A", "B", "C"]
    assert scene.item_ids() == [1, 7, 3]
    with pytest.raises(ValidationError, match="ids repeat"):
        Scene(name="S", items=["A", {"source": "B", "id": 1}])


def test_unknown_keys_are_errors() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Input.model_validate({"name": "x", "kind": "k", "colour": "red"})
    with pytest.raises(ValidationError, match="positionZ"):
        SceneItem.model_validate({"source": "x", "transform": {"positionZ": 1}})


def test_lookups_and_groups() -> None:
    c = Collection(
        name="c",
        inputs=[Input(name="A", kind="k", filters=[Filter(name="f", kind="gain_filter")])],
        scenes=[Scene(name="S", items=["A", "G"])],
        groups=[Scene(name="G", items=["A"])],
    )
    assert c.input("A") is c.inputs[0]
    assert c.scene("G") is c.groups[0]
    assert c.is_group("G") and not c.is_group("S")
    assert c.source_names() == {"A", "S", "G"}
    assert [(owner, f.name) for owner, f in c.all_filters()] == [("A", "f")]


def test_assets_resolved_against_a_folder(tmp_path) -> None:
    c = Collection(
        name="c",
        inputs=[
            Input(name="A", kind="image_source", settings={"file": "./assets/a.png"}),
            Input(name="B", kind="image_source", settings={"file": "/abs/b.png"}),
        ],
    )
    resolved = c.with_assets_resolved(tmp_path)
    assert resolved.input("A").settings["file"] == (tmp_path / "assets/a.png").as_posix()
    assert resolved.input("B").settings["file"] == "/abs/b.png"
    assert c.input("A").settings["file"] == "./assets/a.png"


@pytest.mark.parametrize(
    ("kind", "available", "expected"),
    [
        ("wasapi_input_capture", ["pulse_input_capture", "xshm_input"], "pulse_input_capture"),
        ("pulse_output_capture", ["coreaudio_output_capture"], "coreaudio_output_capture"),
        ("coreaudio_input_capture", ["wasapi_input_capture"], "wasapi_input_capture"),
        ("dshow_input", ["v4l2_input"], "v4l2_input"),
        ("v4l2_input", ["av_capture_input_v2"], "av_capture_input_v2"),
        ("window_capture", ["xcomposite_input"], "xcomposite_input"),
        ("monitor_capture", ["xshm_input"], "xshm_input"),
        ("text_gdiplus", ["text_ft2_source_v2"], "text_ft2_source_v2"),
        ("color_source", ["color_source_v3"], "color_source_v3"),
        ("color_source_v3", ["color_source_v3"], "color_source_v3"),
        ("ndi_source", ["pulse_input_capture", "image_source"], None),
        ("game_capture", [], None),
    ],
)
def test_equivalent_kind(kind: str, available: list[str], expected: str | None) -> None:
    assert equivalent_kind(kind, available) == expected


def test_versioned_kinds_and_plugins() -> None:
    assert unversioned_kind("text_ft2_source_v2") == "text_ft2_source"
    assert unversioned_kind("ndi_source") == "ndi_source"
    assert default_versioned_kind("color_source") == "color_source_v3"
    assert pick_versioned_kind(
        "color_source", ["color_source", "color_source_v2", "color_source_v3", "image_source"]
    ) == ("color_source_v3")
    assert pick_versioned_kind("ndi_source", ["ndi_source"]) == "ndi_source"
    assert pick_versioned_kind("ndi_source", ["image_source"]) is None
    assert plugin_of("ndi_source") == "DistroAV (NDI plugin)"
    assert plugin_of("ndi_filter") == "DistroAV (NDI plugin)"
    assert plugin_of("browser_source") == "obs-browser"
    assert plugin_of("color_filter_v2") == "obs-filters"
    assert plugin_of("made_up_source") is None


def test_importer_refuses_a_broken_collection_before_asking_obs() -> None:
    """The library refuses too (no lines without the file): OBS is never asked anything."""
    from streamkit.collection.importer import Importer
    from streamkit.errors import UsageError

    broken = Collection.model_validate(
        {"name": "Broken", "scenes": [{"name": "One", "items": ["Ghost"]}], "inputs": []}
    )

    class NoObs:
        def __getattr__(self, name):
            raise AssertionError(f"OBS was asked ({name})")

    with pytest.raises(UsageError, match="item 'Ghost' names no input") as caught:
        Importer(NoObs(), broken).plan()  # type: ignore[arg-type]
    assert "nothing was changed" in str(caught.value)


def test_on_program_follows_enabled_items_through_nested_scenes() -> None:
    from streamkit.collection.onair import changes_on_air, on_program
    from streamkit.collection.plan import Plan, Step
    from streamkit.obs.types import Request

    live = Collection.model_validate(
        {
            "name": "Live",
            "scenes": [
                {
                    "name": "Speaker",
                    "items": ["Cam", "Overlay", {"source": "Off", "enabled": False}],
                },
                {"name": "Overlay", "items": ["Bar", "Text"]},
                {"name": "Break", "items": ["Slate"]},
            ],
            "inputs": [
                {"name": n, "kind": "color_source"} for n in ("Cam", "Bar", "Text", "Off", "Slate")
            ],
        }
    )
    shown = on_program(live, "Speaker")
    assert shown == {"Speaker", "Cam", "Overlay", "Bar", "Text"}
    plan = Plan("Live")
    plan.first += [
        Step(Request("SetInputSettings", {"inputName": "Slate", "inputSettings": {}})),
        Step(Request("SetInputSettings", {"inputName": "Bar", "inputSettings": {}})),
        Step(Request("CreateSceneItem", {"sceneName": "Overlay", "sourceName": "Slate"})),
    ]
    plan.second += [
        Step(Request("SetSceneItemLocked", {"sceneName": "Speaker", "sceneItemLocked": True})),
        Step(Request("SetInputVolume", {"inputName": "Off", "inputVolumeMul": 0.5})),
    ]
    assert changes_on_air(plan, shown) == ["Bar", "Overlay"]  # locking changes no picture


def test_show_owned_settings_name_texts_and_ndi_senders() -> None:
    from streamkit.show.owned import show_owned_settings
    from streamkit.show.settings import ShowSettings

    show = ShowSettings.model_validate(
        {
            "segments": [
                {"title": "Doors", "scene": "Soon", "text": {"Countdown": "5 min"}},
                {"title": "Talk", "scene": "Speaker", "ndi": {"NDI Cam": "PC (Zoom)"}},
            ]
        }
    )
    assert show_owned_settings(show, ["Questions"]) == {
        "Lower Third": frozenset({"text"}),
        "Questions": frozenset({"text"}),
        "Countdown": frozenset({"text"}),
        "NDI Cam": frozenset({"ndi_source_name"}),
    }
