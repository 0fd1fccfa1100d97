"""What a profile asks the stream encoder for, and which of its keys decide it."""

from __future__ import annotations

from dataclasses import dataclass

from streamkit.collection.profile import ProfileFiles

# basic.ini keys that decide how the stream is encoded: a difference means another bitrate,
# encoder or quality on air.
ENCODER_PARAMETERS = {
    ("Output", "Mode"),
    ("SimpleOutput", "StreamEncoder"),
    ("SimpleOutput", "VBitrate"),
    ("SimpleOutput", "ABitrate"),
    ("SimpleOutput", "Preset"),
    ("SimpleOutput", "NVENCPreset2"),
    ("SimpleOutput", "UseAdvanced"),
    ("SimpleOutput", "x264Settings"),
    ("AdvOut", "Encoder"),
    ("AdvOut", "TrackIndex"),
    ("AdvOut", "AudioEncoder"),
    *(("AdvOut", f"Track{n}Bitrate") for n in range(1, 7)),
}
BITRATE_TOLERANCE = 0.10  # a rehearsal's average may differ this much from the profile's
DEFAULT_AUDIO_KBPS = 160  # OBS's default audio bitrate


@dataclass(frozen=True)
class StreamBitrate:
    """The bitrate a profile streams at (kbps), and where that was read."""

    video: int
    audio: int
    source: str

    @property
    def total(self) -> int:
        return self.video + self.audio


def advanced_mode(files: ProfileFiles) -> bool:
    return files.parameters.get(("Output", "Mode"), "Simple") == "Advanced"


def unverifiable_encoder(files: ProfileFiles) -> str | None:
    """Why the profile's encoder settings cannot be set or read over obs-websocket, if so:
    Advanced output mode keeps them in streamEncoder.json."""
    if advanced_mode(files) and "streamEncoder.json" in files.encoders:
        return (
            "Advanced output mode keeps the stream encoder's settings in streamEncoder.json, "
            "which obs-websocket can neither set nor read"
        )
    return None


def stream_bitrate(files: ProfileFiles) -> StreamBitrate | None:
    """Video + audio kbps the profile streams at; None for a quality-based rate control."""
    get = files.parameters.get
    if advanced_mode(files):
        encoder = files.encoders.get("streamEncoder.json") or {}
        if encoder.get("rate_control", "CBR") not in ("CBR", "VBR", "ABR"):
            return None
        video = _int(encoder.get("bitrate", 2500))
        track = get(("AdvOut", "TrackIndex"), "1")
        audio = _int(get(("AdvOut", f"Track{track}Bitrate"), DEFAULT_AUDIO_KBPS))
        where = f"{files.folder / 'streamEncoder.json'} and [AdvOut] Track{track}Bitrate"
    else:
        video = _int(get(("SimpleOutput", "VBitrate"), 2500))
        audio = _int(get(("SimpleOutput", "ABitrate"), DEFAULT_AUDIO_KBPS))
        where = f"{files.folder / 'basic.ini'} [SimpleOutput] VBitrate + ABitrate"
    if video is None or audio is None:
        return None
    return StreamBitrate(video, audio, where)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
