"""OBS's own scene-collection JSON (basic/scenes/*.json), as OBS 28 to 32 write it: the keys.

The reader is `obsjson_read`, the writer `obsjson_write`.

Coordinates: OBS 31 added relative coordinates. Its files carry `version: 2`, the canvas size
in `resolution`, and per item `pos_rel`/`scale_rel`/`bounds_rel`/`scale_ref` next to the
absolute `pos`/`scale`/`bounds` it still writes for older versions. This reader takes the
absolute values (computing them from the relative ones if only those are present). The writer
writes absolute values with `version: 1` and, when the model knows its canvas, `resolution`:
OBS 31+ then migrates the items to relative coordinates on load, scaling them from that
canvas to its own; OBS 28 to 30 ignore both keys.

Dropped on reading (OBS recreates them): the relative-coordinate keys above,
`migration_resolution`, `group_item_backup` copies of group members in parent scenes (OBS 24+
loads groups from `groups`), items' `source_uuid` (rewritten from the source's uuid) and
hotkeys with no binding. Everything else the model does not interpret is kept in `obs`.
"""

from __future__ import annotations

from typing import Any, get_args

from streamkit.collection.kinds import unversioned_kind
from streamkit.collection.model import TRACKS, BoundsType

MONITORING = (
    "OBS_MONITORING_TYPE_NONE",
    "OBS_MONITORING_TYPE_MONITOR_ONLY",
    "OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT",
)
BOUNDS: tuple[str, ...] = get_args(BoundsType)  # in OBS's enum order
AUDIO_DEVICE_KEYS = {
    "DesktopAudioDevice1": 1,
    "DesktopAudioDevice2": 2,
    "AuxAudioDevice1": 3,
    "AuxAudioDevice2": 4,
    "AuxAudioDevice3": 5,
    "AuxAudioDevice4": 6,
}
# Kinds without audio: OBS stores mixers 0 for them. Audio filters store 255.
VIDEO_ONLY_KINDS = frozenset(
    {
        "scene",
        "group",
        "color_source",
        "image_source",
        "slideshow",
        "text_gdiplus",
        "text_ft2_source",
        "monitor_capture",
        "window_capture",
        "xshm_input",
        "xcomposite_input",
        "display_capture",
        "screen_capture",
        "pipewire-desktop-capture-source",
        "pipewire-window-capture-source",
    }
)
AUDIO_FILTER_KINDS = frozenset(
    {
        "noise_suppress_filter",
        "noise_gate_filter",
        "gain_filter",
        "compressor_filter",
        "limiter_filter",
        "expander_filter",
        "upward_compressor_filter",
        "basic_eq_filter",
        "invert_polarity_filter",
        "async_delay_filter",
        "vst_filter",
        "ndi_audiofilter",
    }
)

# Values OBS writes for every source when nothing was changed; not kept in `obs`.
SOURCE_DEFAULTS: dict[str, Any] = {
    "deinterlace_field_order": 0,
    "deinterlace_mode": 0,
    "enabled": True,
    "flags": 0,
    "private_settings": {},
    "push-to-mute": False,
    "push-to-mute-delay": 0,
    "push-to-talk": False,
    "push-to-talk-delay": 0,
}
AUDIO_DEFAULTS: dict[str, Any] = {
    "balance": 0.5,
    "monitoring_type": 0,
    "muted": False,
    "sync": 0,
    "volume": 1.0,
}
SCENE_SETTINGS_DEFAULTS: dict[str, Any] = {"custom_size": False}
ITEM_DEFAULTS: dict[str, Any] = {
    "blend_method": "default",
    "blend_type": "normal",
    "hide_transition": {"duration": 0},
    "private_settings": {},
    "scale_filter": "disable",
    "show_transition": {"duration": 0},
}
TOP_DEFAULTS: dict[str, Any] = {
    "preview_locked": False,
    "quick_transitions": [],
    "saved_projectors": [],
    "scaling_enabled": False,
    "scaling_level": 0,
    "scaling_off_x": 0.0,
    "scaling_off_y": 0.0,
}
MODULE_DEFAULTS: dict[str, Any] = {
    "auto-scene-switcher": {
        "active": False,
        "interval": 300,
        "non_matching_scene": "",
        "switch_if_not_matching": False,
        "switches": [],
    },
    "output-timer": {
        "autoStartRecordTimer": False,
        "autoStartStreamTimer": False,
        "pauseRecordTimer": True,
        "recordTimerHours": 0,
        "recordTimerMinutes": 0,
        "recordTimerSeconds": 30,
        "streamTimerHours": 0,
        "streamTimerMinutes": 0,
        "streamTimerSeconds": 30,
    },
    "scripts-tool": [],
}
ITEM_TRANSFORM_KEYS = {
    "pos",
    "scale",
    "rot",
    "align",
    "bounds_type",
    "bounds_align",
    "bounds",
    "bounds_crop",
    "crop_left",
    "crop_right",
    "crop_top",
    "crop_bottom",
}
RELATIVE_KEYS = {"pos_rel", "scale_rel", "bounds_rel", "scale_ref"}
WRITTEN_VERSION = 1


def default_mixers(kind: str) -> int:
    """The mixers bitmask OBS stores for an untouched source of `kind`."""
    base = unversioned_kind(kind)
    if base in AUDIO_FILTER_KINDS:
        return 0xFF
    if base in VIDEO_ONLY_KINDS or base.endswith("_filter") or base.endswith("_transition"):
        return 0
    return 0xFF


def tracks_from_mixers(kind: str, mixers: int) -> dict[str, bool]:
    """The model's track map (disabled tracks only) for a mixers bitmask."""
    if mixers == default_mixers(kind):
        return {}
    return {track: False for bit, track in enumerate(TRACKS) if not mixers >> bit & 1}


def mixers_from_tracks(kind: str, tracks: dict[str, bool]) -> int:
    """The mixers bitmask OBS would store for these tracks (bits 7-8 set, as OBS leaves them)."""
    if not tracks:
        return default_mixers(kind)
    bits = sum(1 << bit for bit, track in enumerate(TRACKS) if tracks.get(track, True))
    return bits | 0xC0
