"""Event subscription bits (EventSubscription) and which bit each event needs."""

from __future__ import annotations

GENERAL, CONFIG, SCENES, INPUTS, TRANSITIONS, FILTERS, OUTPUTS, SCENE_ITEMS = (
    1 << 0,
    1 << 1,
    1 << 2,
    1 << 3,
    1 << 4,
    1 << 5,
    1 << 6,
    1 << 7,
)
MEDIA_INPUTS, VENDORS, UI = 1 << 8, 1 << 9, 1 << 10
ALL = (1 << 11) - 1  # obs-websocket 5.5: General..Ui; high-volume events are opt-in
INPUT_VOLUME_METERS = 1 << 16
INPUT_ACTIVE_STATE_CHANGED = 1 << 17
INPUT_SHOW_STATE_CHANGED = 1 << 18
SCENE_ITEM_TRANSFORM_CHANGED = 1 << 19

_BY_CATEGORY = {
    GENERAL: ("ExitStarted", "CustomEvent"),
    CONFIG: (
        "CurrentSceneCollectionChanging",
        "CurrentSceneCollectionChanged",
        "SceneCollectionListChanged",
        "CurrentProfileChanging",
        "CurrentProfileChanged",
        "ProfileListChanged",
    ),
    SCENES: (
        "SceneCreated",
        "SceneRemoved",
        "SceneNameChanged",
        "CurrentProgramSceneChanged",
        "CurrentPreviewSceneChanged",
        "SceneListChanged",
    ),
    INPUTS: (
        "InputCreated",
        "InputRemoved",
        "InputNameChanged",
        "InputSettingsChanged",
        "InputMuteStateChanged",
        "InputVolumeChanged",
        "InputAudioBalanceChanged",
        "InputAudioSyncOffsetChanged",
        "InputAudioTracksChanged",
        "InputAudioMonitorTypeChanged",
    ),
    TRANSITIONS: (
        "CurrentSceneTransitionChanged",
        "CurrentSceneTransitionDurationChanged",
        "SceneTransitionStarted",
        "SceneTransitionEnded",
        "SceneTransitionVideoEnded",
    ),
    FILTERS: (
        "SourceFilterListReindexed",
        "SourceFilterCreated",
        "SourceFilterRemoved",
        "SourceFilterNameChanged",
        "SourceFilterSettingsChanged",
        "SourceFilterEnableStateChanged",
    ),
    OUTPUTS: (
        "StreamStateChanged",
        "RecordStateChanged",
        "ReplayBufferStateChanged",
        "VirtualcamStateChanged",
        "ReplayBufferSaved",
        "RecordFileChanged",
    ),
    SCENE_ITEMS: (
        "SceneItemCreated",
        "SceneItemRemoved",
        "SceneItemListReindexed",
        "SceneItemEnableStateChanged",
        "SceneItemLockStateChanged",
        "SceneItemSelected",
    ),
    MEDIA_INPUTS: (
        "MediaInputPlaybackStarted",
        "MediaInputPlaybackEnded",
        "MediaInputActionTriggered",
    ),
    VENDORS: ("VendorEvent",),
    UI: ("StudioModeStateChanged", "ScreenshotSaved"),
    INPUT_VOLUME_METERS: ("InputVolumeMeters",),
    INPUT_ACTIVE_STATE_CHANGED: ("InputActiveStateChanged",),
    INPUT_SHOW_STATE_CHANGED: ("InputShowStateChanged",),
    SCENE_ITEM_TRANSFORM_CHANGED: ("SceneItemTransformChanged",),
}

EVENT_INTENT: dict[str, int] = {
    event: bit for bit, events in _BY_CATEGORY.items() for event in events
}


def intent_of(event_type: str) -> int:
    """The subscription bit a client needs to receive `event_type`."""
    return EVENT_INTENT[event_type]
