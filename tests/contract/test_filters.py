"""Contract: source filters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.conftest import Backend, RawClient, unique

INVALID_FILTER = (
    "Your specified filter kind is not supported by OBS. Check that any necessary "
    "plugins are loaded."
)


@pytest.fixture
def source(raw: RawClient, scene: str) -> Iterator[str]:
    name = unique("filtered")
    raw.call("CreateInput", {"sceneName": scene, "inputName": name, "inputKind": "color_source_v3"})
    yield name
    raw.request("RemoveInput", {"inputName": name})


def test_filter_lifecycle(raw: RawClient, source: str) -> None:
    assert raw.call("GetSourceFilterList", {"sourceName": source}) == {"filters": []}
    raw.call(
        "CreateSourceFilter",
        {
            "sourceName": source,
            "filterName": "Tint",
            "filterKind": "color_filter_v2",
            "filterSettings": {"opacity": 0.5},
        },
    )
    created = raw.wait_event("SourceFilterCreated")
    assert (created["filterName"], created["filterIndex"], created["filterSettings"]) == (
        "Tint",
        0,
        {"opacity": 0.5},
    )
    assert created["defaultFilterSettings"]["opacity"] == 1.0
    raw.call(
        "CreateSourceFilter",
        {"sourceName": source, "filterName": "Crop", "filterKind": "crop_filter"},
    )
    listed = raw.call("GetSourceFilterList", {"sourceName": source})["filters"]
    assert [(f["filterName"], f["filterIndex"], f["filterEnabled"]) for f in listed] == [
        ("Tint", 0, True),
        ("Crop", 1, True),
    ]
    raw.call("SetSourceFilterIndex", {"sourceName": source, "filterName": "Crop", "filterIndex": 0})
    reindexed = raw.wait_event("SourceFilterListReindexed")
    assert [f["filterName"] for f in reindexed["filters"]] == ["Crop", "Tint"]
    raw.call(
        "SetSourceFilterSettings",
        {"sourceName": source, "filterName": "Crop", "filterSettings": {"top": 3}},
    )
    raw.call(
        "SetSourceFilterEnabled",
        {"sourceName": source, "filterName": "Crop", "filterEnabled": False},
    )
    assert raw.wait_event("SourceFilterEnableStateChanged") == {
        "sourceName": source,
        "filterName": "Crop",
        "filterEnabled": False,
    }
    assert raw.call("GetSourceFilter", {"sourceName": source, "filterName": "Crop"}) == {
        "filterEnabled": False,
        "filterIndex": 0,
        "filterKind": "crop_filter",
        "filterSettings": {"top": 3},
    }
    raw.call("RemoveSourceFilter", {"sourceName": source, "filterName": "Tint"})
    assert raw.wait_event("SourceFilterRemoved") == {"sourceName": source, "filterName": "Tint"}
    assert [
        f["filterName"] for f in raw.call("GetSourceFilterList", {"sourceName": source})["filters"]
    ] == ["Crop"]


def test_filter_errors(raw: RawClient, source: str) -> None:
    bad_kind = raw.request(
        "CreateSourceFilter", {"sourceName": source, "filterName": "X", "filterKind": "nope"}
    )
    assert bad_kind["requestStatus"] == {"result": False, "code": 607, "comment": INVALID_FILTER}
    raw.call(
        "CreateSourceFilter", {"sourceName": source, "filterName": "X", "filterKind": "crop_filter"}
    )
    twice = raw.request(
        "CreateSourceFilter", {"sourceName": source, "filterName": "X", "filterKind": "crop_filter"}
    )
    assert twice["requestStatus"] == {
        "result": False,
        "code": 601,
        "comment": "A filter already exists by that name.",
    }
    missing = raw.request("GetSourceFilter", {"sourceName": source, "filterName": "Nope"})
    assert missing["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": f"No filter was found in the source `{source}` with the name `Nope`.",
    }
    defaults = raw.call("GetSourceFilterDefaultSettings", {"filterKind": "gain_filter"})
    assert defaults == {"defaultFilterSettings": {"db": 0.0}}


def test_filters_on_scenes(raw: RawClient, scene: str) -> None:
    raw.call(
        "CreateSourceFilter",
        {"sourceName": scene, "filterName": "Sharpen", "filterKind": "sharpness_filter_v2"},
    )
    assert [
        f["filterName"] for f in raw.call("GetSourceFilterList", {"sourceName": scene})["filters"]
    ] == ["Sharpen"]


def test_filter_kind_list(obs_backend: Backend, raw: RawClient) -> None:
    obs_backend.require("5.4.0")
    kinds = raw.call("GetSourceFilterKindList")["sourceFilterKinds"]
    assert {"color_filter_v2", "crop_filter", "gain_filter"} <= set(kinds)


def test_filter_settings_changed_event(obs_backend: Backend, raw: RawClient, source: str) -> None:
    """obs-websocket 5.4 added SourceFilterSettingsChanged; OBS 32 (websocket 5.7) applies filter
    settings without the signal behind it, so no event comes there."""
    raw.call(
        "CreateSourceFilter", {"sourceName": source, "filterName": "C", "filterKind": "crop_filter"}
    )
    raw.call(
        "SetSourceFilterSettings",
        {"sourceName": source, "filterName": "C", "filterSettings": {"left": 8}},
    )
    query = {"sourceName": source, "filterName": "C"}
    assert raw.call("GetSourceFilter", query)["filterSettings"] == {"left": 8}
    if obs_backend.at_least("5.4.0") and not obs_backend.at_least("5.7.0"):
        event = raw.wait_event("SourceFilterSettingsChanged")
        assert event["filterSettings"] == {"left": 8}
    else:
        seen = raw.drain(1.0)
        assert "SourceFilterSettingsChanged" not in [e["eventType"] for e in seen]
