"""The input, filter and transition kinds the simulated OBS (Linux, NDI plugin) knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_TEXT_DEFAULTS: dict[str, Any] = {
    "antialiasing": True,
    "color1": 4294967295,
    "color2": 4294967295,
    "drop_shadow": False,
    "font": {"face": "Sans Serif", "flags": 0, "size": 256, "style": ""},
    "log_lines": 6,
    "outline": False,
    "word_wrap": False,
}


@dataclass(frozen=True)
class InputKind:
    """One input kind: its versioned id, capabilities, defaults and natural size."""

    kind: str
    unversioned: str
    audio: bool = False
    video: bool = True
    defaults: dict[str, Any] = field(default_factory=dict)
    size: tuple[float, float] = (0.0, 0.0)
    list_properties: tuple[str, ...] = ()
    scalar_properties: tuple[str, ...] = ()

    @property
    def caps(self) -> int:
        """OBS's output flags (VIDEO=1, AUDIO=2) as inputKindCaps reports them."""
        return (1 if self.video else 0) | (2 if self.audio else 0)


INPUT_KINDS: dict[str, InputKind] = {
    k.kind: k
    for k in (
        InputKind(
            "image_source",
            "image_source",
            defaults={"linear_alpha": False, "unload": False},
            scalar_properties=("file",),
        ),
        InputKind(
            "color_source_v3",
            "color_source",
            defaults={"color": 4291940817, "height": 1080, "width": 1920},
            size=(1920.0, 1080.0),
            scalar_properties=("color", "width", "height"),
        ),
        InputKind("slideshow", "slideshow", defaults={"loop": True, "slide_time": 8000}),
        InputKind(
            "xshm_input",
            "xshm_input",
            defaults={"screen": 0, "show_cursor": True},
            size=(1920.0, 1080.0),
            list_properties=("screen",),
        ),
        InputKind(
            "pulse_input_capture",
            "pulse_input_capture",
            audio=True,
            video=False,
            defaults={"device_id": "default"},
            list_properties=("device_id",),
        ),
        InputKind(
            "pulse_output_capture",
            "pulse_output_capture",
            audio=True,
            video=False,
            defaults={"device_id": "default"},
            list_properties=("device_id",),
        ),
        InputKind(
            "v4l2_input", "v4l2_input", defaults={"buffering": True}, list_properties=("device_id",)
        ),
        InputKind(
            "ffmpeg_source",
            "ffmpeg_source",
            audio=True,
            defaults={
                "buffering_mb": 2,
                "clear_on_media_end": True,
                "is_local_file": True,
                "linear_alpha": False,
                "looping": False,
                "reconnect_delay_sec": 10,
                "restart_on_activate": True,
                "speed_percent": 100,
            },
            scalar_properties=("local_file",),
        ),
        InputKind(
            "text_ft2_source_v2",
            "text_ft2_source",
            defaults=_TEXT_DEFAULTS,
            size=(0.0, 256.0),
            scalar_properties=("text", "font", "color1", "color2"),
        ),
        InputKind(
            "browser_source",
            "browser_source",
            audio=True,
            defaults={
                "css": "",
                "fps": 30,
                "height": 600,
                "url": "https://obsproject.com/browser-source",
                "width": 800,
            },
            size=(800.0, 600.0),
            scalar_properties=("url", "width", "height"),
        ),
        InputKind(
            "ndi_source",
            "ndi_source",
            audio=True,
            defaults={
                "ndi_behavior": 0,
                "ndi_bw_mode": 0,
                "ndi_latency": 0,
                "ndi_sync": 3,
                "ndi_fix_alpha_blending": False,
            },
            size=(1920.0, 1080.0),
            list_properties=("ndi_source_name", "ndi_bw_mode"),
        ),
    )
}

FILTER_KINDS: dict[str, dict[str, Any]] = {
    "async_delay_filter": {"delay_ms": 0},
    "chroma_key_filter_v2": {
        "brightness": 0.0,
        "contrast": 0.0,
        "gamma": 0.0,
        "key_color": 65280,
        "key_color_type": "green",
        "opacity": 1.0,
        "similarity": 400,
        "smoothness": 80,
        "spill": 100,
    },
    "color_filter_v2": {
        "brightness": 0.0,
        "color_add": 0,
        "color_multiply": 16777215,
        "contrast": 0.0,
        "gamma": 0.0,
        "hue_shift": 0.0,
        "opacity": 1.0,
        "saturation": 0.0,
    },
    "color_key_filter_v2": {
        "brightness": 0.0,
        "contrast": 0.0,
        "gamma": 0.0,
        "key_color": 65280,
        "key_color_type": "green",
        "opacity": 1.0,
        "similarity": 80,
        "smoothness": 50,
    },
    "compressor_filter": {
        "attack_time": 6,
        "output_gain": 0.0,
        "ratio": 10.0,
        "release_time": 60,
        "sidechain_source": "none",
        "threshold": -18.0,
    },
    "crop_filter": {"relative": True},
    "expander_filter": {
        "attack_time": 10,
        "detector": "RMS",
        "output_gain": 0.0,
        "presets": "expander",
        "ratio": 2.0,
        "release_time": 50,
        "threshold": -40.0,
    },
    "gain_filter": {"db": 0.0},
    "gpu_delay": {"delay_ms": 0},
    "limiter_filter": {"release_time": 60, "threshold": -6.0},
    "luma_key_filter_v2": {
        "luma_max": 1.0,
        "luma_max_smooth": 0.0,
        "luma_min": 0.0,
        "luma_min_smooth": 0.0,
    },
    "mask_filter_v2": {"color": 16777215, "opacity": 1.0, "type": "mask_color_filter.effect"},
    "noise_gate_filter": {
        "attack_time": 25,
        "close_threshold": -32.0,
        "hold_time": 200,
        "open_threshold": -26.0,
        "release_time": 150,
    },
    "noise_suppress_filter_v2": {"method": "rnnoise", "suppress_level": -30},
    "scale_filter": {"resolution": "None", "sampling": "bicubic", "undistort": False},
    "scroll_filter": {"limit_size": False, "loop": True, "speed_x": 0.0, "speed_y": 0.0},
    "sharpness_filter_v2": {"sharpness": 0.08},
}

AUDIO_FILTER_KINDS = frozenset(
    {
        "async_delay_filter",
        "compressor_filter",
        "expander_filter",
        "gain_filter",
        "limiter_filter",
        "noise_gate_filter",
        "noise_suppress_filter_v2",
    }
)

# (name, kind, fixed, configurable) — OBS ships Cut and Fade in every new collection.
DEFAULT_TRANSITIONS: tuple[tuple[str, str, bool, bool], ...] = (
    ("Cut", "cut_transition", True, False),
    ("Fade", "fade_transition", False, False),
)

TRANSITION_KINDS: tuple[str, ...] = (
    "cut_transition",
    "fade_transition",
    "swipe_transition",
    "slide_transition",
    "obs_stinger_transition",
    "fade_to_color_transition",
    "wipe_transition",
)

MONITOR_TYPES: tuple[str, ...] = (
    "OBS_MONITORING_TYPE_NONE",
    "OBS_MONITORING_TYPE_MONITOR_ONLY",
    "OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT",
)


def input_kind(kind: str) -> InputKind | None:
    """The known kind `kind` (versioned id), or None when no loaded plugin provides it."""
    return INPUT_KINDS.get(kind)
