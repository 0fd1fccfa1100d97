"""Synthetic audio levels for InputVolumeMeters: speech-like, deterministic in time."""

from __future__ import annotations

import math
import zlib
from typing import Any

from streamkit.simulator.state import Input, SimState


def _level(t: float, seed: int) -> float:
    """A speech-like envelope in 0..1: syllables over phrases with pauses."""
    phase = seed % 1000 / 159.0
    phrase = 0.5 + 0.5 * math.sin(t * 0.9 + phase)
    syllable = abs(math.sin(t * 7.3 + phase * 3.0)) * (0.6 + 0.4 * math.sin(t * 2.1 + phase))
    return max(0.0, min(1.0, 0.05 + 0.55 * phrase * syllable))


def input_levels(state: SimState, source: Input, t: float) -> list[list[float]]:
    """[[magnitude, peak, inputPeak], ...] per channel (stereo), as obs-websocket sends them."""
    silent = source.kind == "ndi_source" and (
        source.settings.get("ndi_source_name") not in state.ndi_senders
    )
    raw = 0.0 if silent else _level(t, zlib.crc32(source.name.encode()))
    after = 0.0 if source.muted else raw * min(source.volume_mul, 1.0)
    left = after * min(1.0, 2.0 * (1.0 - source.balance))
    right = after * min(1.0, 2.0 * source.balance)
    return [[round(ch * 0.7, 6), round(ch, 6), round(raw, 6)] for ch in (left, right)]


def volume_meters(state: SimState, t: float) -> dict[str, Any]:
    """The eventData of one InputVolumeMeters event for every audio input of the collection."""
    return {
        "inputs": [
            {"inputName": i.name, "inputUuid": i.uuid, "inputLevelsMul": input_levels(state, i, t)}
            for i in state.collection.inputs
            if i.has_audio
        ]
    }
