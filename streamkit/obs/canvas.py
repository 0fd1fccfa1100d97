"""OBS 32's canvases: requests that name a scene or source address the main canvas explicitly.

obs-websocket 5.7 looks a name up in the canvas given by `canvasUuid`, and in the main canvas
when none is given. streamkit only works with the main canvas (a collection's other canvases are
named and left out, see collection/versions.py), so it says so on every request the protocol
documents with the field (CANVAS_REQUESTS; obs-websocket also reads it on a few undocumented
ones, which default to the main canvas): a future default, or a plugin's canvas holding a scene
of the same name, cannot make a request land elsewhere. Older obs-websocket versions do not know
the field and are sent none.
"""

from __future__ import annotations

from typing import Any

#: libobs's fixed UUID of the canvas "Main" (the bytes b"libobs\0Main" laid out as a UUID).
MAIN_CANVAS_UUID = "6c69626f-6273-4c00-9d88-c5136d61696e"
#: The first obs-websocket version with canvases.
CANVAS_VERSION = (5, 7, 0)

#: Requests the obs-websocket 5.7 protocol documents with `canvasUuid` (next to a scene or
#: source name).
CANVAS_REQUESTS = frozenset(
    {
        "CreateInput",
        "CreateScene",
        "CreateSceneItem",
        "CreateSourceFilter",
        "DuplicateSceneItem",
        "GetGroupSceneItemList",
        "GetSceneItemBlendMode",
        "GetSceneItemEnabled",
        "GetSceneItemId",
        "GetSceneItemIndex",
        "GetSceneItemList",
        "GetSceneItemLocked",
        "GetSceneItemSource",
        "GetSceneItemTransform",
        "GetSceneList",
        "GetSceneSceneTransitionOverride",
        "GetSourceActive",
        "GetSourceFilter",
        "GetSourceFilterList",
        "GetSourceScreenshot",
        "OpenSourceProjector",
        "RemoveScene",
        "RemoveSceneItem",
        "RemoveSourceFilter",
        "SaveSourceScreenshot",
        "SetSceneItemBlendMode",
        "SetSceneItemEnabled",
        "SetSceneItemIndex",
        "SetSceneItemLocked",
        "SetSceneItemTransform",
        "SetSceneName",
        "SetSceneSceneTransitionOverride",
        "SetSourceFilterEnabled",
        "SetSourceFilterIndex",
        "SetSourceFilterName",
        "SetSourceFilterSettings",
    }
)


def has_canvases(websocket_version: str) -> bool:
    """Whether an obs-websocket of this version ('5.7.4') takes `canvasUuid`."""
    try:
        version = tuple(int(part) for part in websocket_version.split("-")[0].split("."))
    except ValueError:
        return False
    return version >= CANVAS_VERSION


def on_main_canvas(request_type: str, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The request's data addressed to the main canvas, where the request takes a canvas and
    does not already name one; anything else is returned as it is."""
    if request_type not in CANVAS_REQUESTS or (data and "canvasUuid" in data):
        return data
    return {**(data or {}), "canvasUuid": MAIN_CANVAS_UUID}
