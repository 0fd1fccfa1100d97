"""Input, filter and transition kinds: platform equivalents, versioned ids, providing plugins."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Kinds that do the same job on Windows, macOS and Linux (OBS's own importer maps them the same
# way). Each group lists every kind that can stand in for the others.
EQUIVALENT_KINDS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "wasapi_input_capture",
            "pulse_input_capture",
            "coreaudio_input_capture",
            "alsa_input_capture",
        }
    ),
    frozenset(
        {
            "wasapi_output_capture",
            "pulse_output_capture",
            "coreaudio_output_capture",
            "jack_output_capture",
        }
    ),
    frozenset({"dshow_input", "v4l2_input", "av_capture_input", "macos_avcapture"}),
    frozenset({"window_capture", "xcomposite_input", "screen_capture"}),
    frozenset(
        {"monitor_capture", "xshm_input", "display_capture", "pipewire-desktop-capture-source"}
    ),
    frozenset({"game_capture", "syphon-input"}),
    frozenset({"text_gdiplus", "text_ft2_source"}),
)

# The versioned id written next to `id` for kinds whose versioned id differs: the oldest one
# that OBS 28 to 32 all load. obs-websocket's CreateInput needs a versioned id; against a live
# OBS prefer pick_versioned_kind() with its GetInputKindList.
VERSIONED_KINDS: dict[str, str] = {
    "color_source": "color_source_v3",
    "text_gdiplus": "text_gdiplus_v2",
    "text_ft2_source": "text_ft2_source_v2",
    "av_capture_input": "av_capture_input_v2",
    "color_filter": "color_filter_v2",
    "chroma_key_filter": "chroma_key_filter_v2",
    "color_key_filter": "color_key_filter_v2",
    "mask_filter": "mask_filter_v2",
    "sharpness_filter": "sharpness_filter_v2",
    "noise_suppress_filter": "noise_suppress_filter_v2",
    "luma_key_filter": "luma_key_filter_v2",
}

# Which plugin provides a kind, for "install this plugin" messages when OBS refuses one (code 605).
PLUGIN_OF_KIND: dict[str, str] = {
    "ndi_source": "DistroAV (NDI plugin)",
    "ndi_filter": "DistroAV (NDI plugin)",
    "ndi_audiofilter": "DistroAV (NDI plugin)",
    "browser_source": "obs-browser",
    "vlc_source": "vlc-video (needs VLC installed)",
    "text_gdiplus": "obs-text (Windows)",
    "text_ft2_source": "text-freetype2",
    "image_source": "image-source",
    "color_source": "image-source",
    "slideshow": "image-source",
    "ffmpeg_source": "obs-ffmpeg",
    "wasapi_input_capture": "win-wasapi (Windows)",
    "wasapi_output_capture": "win-wasapi (Windows)",
    "wasapi_process_output_capture": "win-wasapi (Windows)",
    "pulse_input_capture": "linux-pulseaudio (Linux)",
    "pulse_output_capture": "linux-pulseaudio (Linux)",
    "coreaudio_input_capture": "mac-capture (macOS)",
    "coreaudio_output_capture": "mac-capture (macOS)",
    "dshow_input": "win-dshow (Windows)",
    "v4l2_input": "linux-v4l2 (Linux)",
    "av_capture_input": "mac-avcapture (macOS)",
    "window_capture": "win-capture (Windows)",
    "game_capture": "win-capture (Windows)",
    "monitor_capture": "win-capture (Windows)",
    "xcomposite_input": "linux-capture (Linux)",
    "xshm_input": "linux-capture (Linux)",
    "noise_suppress_filter": "obs-filters",
    "noise_gate_filter": "obs-filters",
    "gain_filter": "obs-filters",
    "compressor_filter": "obs-filters",
    "limiter_filter": "obs-filters",
    "color_filter": "obs-filters",
    "chroma_key_filter": "obs-filters",
    "crop_filter": "obs-filters",
    "scroll_filter": "obs-filters",
    "mask_filter": "obs-filters",
}

_VERSION_SUFFIX = re.compile(r"^(?P<base>.+)_v(?P<n>\d+)$")


def unversioned_kind(kind: str) -> str:
    """`color_source_v3` -> `color_source`; a kind without a version suffix is returned as is."""
    match = _VERSION_SUFFIX.match(kind)
    return match["base"] if match else kind


def default_versioned_kind(kind: str) -> str:
    """The versioned id OBS writes for `kind` (itself when the kind has no versions)."""
    return VERSIONED_KINDS.get(kind, kind)


def pick_versioned_kind(kind: str, available: Iterable[str]) -> str | None:
    """The newest versioned id of `kind` among `available` (GetInputKindList unversioned=false)."""
    best: tuple[int, str] | None = None
    for candidate in available:
        if candidate == kind:
            rank = (0, candidate)
        else:
            match = _VERSION_SUFFIX.match(candidate)
            if not match or match["base"] != kind:
                continue
            rank = (int(match["n"]), candidate)
        if best is None or rank > best:
            best = rank
    return best[1] if best else None


def equivalent_kind(kind: str, available_kinds: Iterable[str]) -> str | None:
    """`kind` itself when available, else the available kind doing the same job on this platform.

    Versioned and unversioned ids are both understood; the answer has the form found in
    `available_kinds`. None when nothing available can stand in.
    """
    available = list(available_kinds)
    base = unversioned_kind(kind)
    by_base = {unversioned_kind(candidate): candidate for candidate in available}
    if kind in available:
        return kind
    if base in by_base:
        return by_base[base]
    for group in EQUIVALENT_KINDS:
        if base in group:
            for other in sorted(group):
                if other in by_base:
                    return by_base[other]
    return None


def plugin_of(kind: str) -> str | None:
    """The plugin that provides `kind` (versioned or not), when known."""
    return PLUGIN_OF_KIND.get(unversioned_kind(kind))
