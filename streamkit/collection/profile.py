"""OBS profiles kept in git: read Profile > Export folders, import over the websocket, export."""

from __future__ import annotations

import configparser
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streamkit.collection.basicini import read_basic_ini
from streamkit.errors import ConfigError, UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.landed import switch_profile
from streamkit.obs.types import Request
from streamkit.sensitive import is_secret_key
from streamkit.textfile import read_text

# basic.ini keys that are not settings to carry between machines.
SKIPPED = {("General", "Name"), ("Panels", "CookieId")}
VIDEO_KEYS = (
    "BaseCX",
    "BaseCY",
    "OutputCX",
    "OutputCY",
    "FPSType",
    "FPSCommon",
    "FPSInt",
    "FPSNum",
    "FPSDen",
)
COMMON_FPS = {
    "10": (10, 1),
    "20": (20, 1),
    "24 NTSC": (24000, 1001),
    "25 PAL": (25, 1),
    "29.97": (30000, 1001),
    "30": (30, 1),
    "48": (48, 1),
    "50 PAL": (50, 1),
    "59.94": (60000, 1001),
    "60": (60, 1),
}
# Keys `profile export` reads back; obs-websocket cannot list a profile's keys.
EXPORTED_KEYS: dict[str, tuple[str, ...]] = {
    "Video": (*VIDEO_KEYS, "ScaleType", "ColorFormat", "ColorSpace", "ColorRange"),
    "Audio": ("SampleRate", "ChannelSetup"),
    "Output": (
        "Mode",
        "Reconnect",
        "RetryDelay",
        "MaxRetries",
        "DelayEnable",
        "DelaySec",
        "FilenameFormatting",
    ),
    "SimpleOutput": (
        "StreamEncoder",
        "VBitrate",
        "ABitrate",
        "Preset",
        "NVENCPreset2",
        "UseAdvanced",
        "RecQuality",
        "RecFormat2",
        "RecEncoder",
    ),
    "AdvOut": (
        "Encoder",
        "ApplyServiceSettings",
        "Rescale",
        "TrackIndex",
        "AudioEncoder",
        "Track1Bitrate",
        "RecType",
        "RecFormat2",
        "RecEncoder",
        "RecAudioEncoder",
        "RecTracks",
    ),
}
ENCODER_FILES = ("streamEncoder.json", "recordEncoder.json")


@dataclass
class ProfileFiles:
    """What OBS's Profile > Export writes: basic.ini, service.json and encoder settings."""

    folder: Path
    name: str
    parameters: dict[tuple[str, str], str]
    service: dict[str, Any] | None
    encoders: dict[str, dict[str, Any]] = field(default_factory=dict)

    def video_settings(self) -> dict[str, int]:
        """SetVideoSettings fields from the [Video] keys."""
        video = {k: v for (section, k), v in self.parameters.items() if section == "Video"}
        out: dict[str, int] = {}
        for field_name, key in (
            ("baseWidth", "BaseCX"),
            ("baseHeight", "BaseCY"),
            ("outputWidth", "OutputCX"),
            ("outputHeight", "OutputCY"),
        ):
            if key in video:
                out[field_name] = self._int(video[key], "Video", key)
        fps = _fps(video, self._int)
        if fps is not None:
            out["fpsNumerator"], out["fpsDenominator"] = fps
        return out

    def _int(self, value: str, section: str, key: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise ConfigError(
                f"{self.folder / 'basic.ini'}: [{section}] {key}: expected a "
                f"whole number, got {value!r}"
            ) from None


def _fps(video: dict[str, str], number: Callable[[str, str, str], int]) -> tuple[int, int] | None:
    kind = video.get("FPSType", "0")
    if kind == "0" and "FPSCommon" in video:
        return COMMON_FPS.get(video["FPSCommon"])
    if kind == "1" and "FPSInt" in video:
        return number(video["FPSInt"], "Video", "FPSInt"), 1
    if kind == "2" and "FPSNum" in video:
        return (
            number(video["FPSNum"], "Video", "FPSNum"),
            number(video.get("FPSDen", "1"), "Video", "FPSDen"),
        )
    return None


def read_profile(folder: Path) -> ProfileFiles:
    """Read a profile folder; errors name the file and line."""
    ini = folder / "basic.ini"
    if not ini.is_file():
        raise ConfigError(f"{folder}: not an OBS profile folder (no basic.ini)")
    ini_file = read_basic_ini(ini)
    parameters = ini_file.values
    name = ini_file.get("General", "Name", folder.name) or folder.name
    service = _read_json(folder / "service.json")
    encoders = {n: data for n in ENCODER_FILES if (data := _read_json(folder / n)) is not None}
    return ProfileFiles(folder, name, parameters, service, encoders)


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a JSON object")
    return data


@dataclass
class ProfilePlan:
    """What importing a profile would do; requests are data until applied."""

    profile: str
    switch: Request | None
    requests: list[Request]
    notes: list[str]

    @property
    def changes(self) -> int:
        return len(self.requests) + (1 if self.switch else 0)

    def describe(self) -> list[str]:
        lines = (
            [f"switch to profile {self.profile!r} ({self.switch.request_type})"]
            if self.switch
            else []
        )
        for request in self.requests:
            data = request.data or {}
            if request.request_type == "SetProfileParameter":
                lines.append(
                    f"set [{data['parameterCategory']}] {data['parameterName']} = "
                    f"{data['parameterValue']}"
                )
            elif request.request_type == "SetVideoSettings":
                lines.append("set video " + ", ".join(f"{k}={v}" for k, v in data.items()))
            elif request.request_type == "SetStreamServiceSettings":
                lines.append(
                    f"set stream service {data['streamServiceType']} "
                    f"({_service_label(data['streamServiceSettings'])})"
                )
        return lines + [f"note: {n}" for n in self.notes]


def _service_label(settings: dict[str, Any]) -> str:
    parts = [f"{k}={settings[k]}" for k in ("service", "server") if settings.get(k)]
    parts.append("key set" if settings.get("key") else "key left as it is")
    return ", ".join(parts)


def plan_profile(client: ObsClient, files: ProfileFiles, stream_key: str | None) -> ProfilePlan:
    """Compare the files with the live profile; only differing values become requests."""
    listing = client.request("GetProfileList")
    switch = None
    fresh = files.name not in listing.get("profiles", [])
    if fresh:
        switch = Request("CreateProfile", {"profileName": files.name})
    elif listing.get("currentProfileName") != files.name:
        switch = Request("SetCurrentProfile", {"profileName": files.name})
    # resolution and frame rate go through SetVideoSettings, which rewrites those keys itself
    params = [
        (s, k, v)
        for (s, k), v in files.parameters.items()
        if (s, k) not in SKIPPED and not (s == "Video" and k in VIDEO_KEYS)
    ]
    current = _current_values(client, params, fresh or switch is not None)
    requests = [
        Request(
            "SetProfileParameter", {"parameterCategory": s, "parameterName": k, "parameterValue": v}
        )
        for (s, k, v), now in zip(params, current, strict=True)
        if now != v
    ]
    video = files.video_settings()
    live_video = client.request("GetVideoSettings") if switch is None else {}
    if video and any(live_video.get(k) != v for k, v in video.items()):
        requests.append(Request("SetVideoSettings", video))
    notes = []
    if files.service is not None:
        service = _service_request(files, stream_key)
        if switch is not None or _service_differs(client, service):
            requests.append(service)
        if not service.data["streamServiceSettings"].get("key"):
            notes.append(
                "no stream key configured: OBS keeps the key it has (set obs.stream_key "
                "in streamkit.yaml, a secret reference, to manage it)"
            )
    if files.encoders and files.parameters.get(("Output", "Mode")) == "Advanced":
        notes.append(
            f"{' and '.join(files.encoders)} (Advanced output mode encoder settings) "
            "cannot be set over obs-websocket; use Simple output mode in basic.ini "
            "or set them once in OBS"
        )
    return ProfilePlan(files.name, switch, requests, notes)


def _current_values(
    client: ObsClient, params: list[tuple[str, str, str]], switching: bool
) -> list[str | None]:
    """Live values of the keys (all unknown when we are about to switch profile)."""
    if switching:
        return [None] * len(params)
    results = client.batch(
        [
            Request("GetProfileParameter", {"parameterCategory": s, "parameterName": k})
            for s, k, _ in params
        ]
    )
    return [r.data.get("parameterValue") if r.ok else None for r in results]


def _service_request(files: ProfileFiles, stream_key: str | None) -> Request:
    assert files.service is not None
    settings = files.service.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(f"{files.folder / 'service.json'}: settings: expected an object")
    # empty secrets in the file mean "not kept in git": leave OBS's own key alone
    settings = {k: v for k, v in settings.items() if not (is_secret_key(k) and not v)}
    if stream_key:
        settings["key"] = stream_key
    return Request(
        "SetStreamServiceSettings",
        {
            "streamServiceType": files.service.get("type", "rtmp_common"),
            "streamServiceSettings": settings,
        },
    )


def _service_differs(client: ObsClient, wanted: Request) -> bool:
    live = client.request("GetStreamServiceSettings")
    data = wanted.data or {}
    if live.get("streamServiceType") != data["streamServiceType"]:
        return True
    live_settings = live.get("streamServiceSettings") or {}
    return any(live_settings.get(k) != v for k, v in data["streamServiceSettings"].items())


def apply_profile(client: ObsClient, plan: ProfilePlan) -> list[str]:
    """Apply a plan; refuses while streaming or recording. Returns what was done."""
    for request_type, label in (("GetStreamStatus", "streaming"), ("GetRecordStatus", "recording")):
        if client.request(request_type).get("outputActive"):
            raise UsageError(
                f"OBS is {label}: a profile import would change video and "
                "stream settings under a live output",
                hint="stop the stream and recording first, then import again",
            )
    if plan.switch is not None:  # OBS 32 switches after answering: wait until it has
        switch_profile(client, plan.switch.request_type, plan.profile)
    results = client.batch(plan.requests, halt_on_failure=True)
    done = [
        line
        for line, r in zip(plan.describe()[1 if plan.switch else 0 :], results, strict=False)
        if r.ok
    ]
    failed = next((r for r in results if not r.ok), None)
    if failed is not None:
        from streamkit.obs.errors import ObsError

        reason = failed.comment or f"status {failed.code}"
        raise ObsError(
            f"profile import stopped at step {failed.index + 1} of "
            f"{len(plan.requests)} ({failed.request_type}: {reason}); "
            f"applied before it: {len(done)}",
            hint="fix the cause and import again; applied steps are not repeated",
        )
    return done


def export_profile(client: ObsClient, folder: Path) -> ProfileFiles:
    """Write the live profile's known keys and service (without the stream key) to `folder`."""
    name = client.request("GetProfileList").get("currentProfileName", folder.name)
    keys = [(s, k) for s, names in EXPORTED_KEYS.items() for k in names]
    results = client.batch(
        [
            Request("GetProfileParameter", {"parameterCategory": s, "parameterName": k})
            for s, k in keys
        ]
    )
    parameters = {("General", "Name"): name}
    for key, result in zip(keys, results, strict=True):
        value = result.data.get("parameterValue") if result.ok else None
        if value is not None:
            parameters[key] = value
    service = client.request("GetStreamServiceSettings")
    settings = {
        k: v
        for k, v in (service.get("streamServiceSettings") or {}).items()
        if k not in ("key", "password", "bearer_token")
    }
    files = ProfileFiles(
        folder,
        name,
        parameters,
        {"type": service.get("streamServiceType", "rtmp_common"), "settings": settings},
    )
    write_profile(files)
    return files


def write_profile(files: ProfileFiles) -> None:
    files.folder.mkdir(parents=True, exist_ok=True)
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    for (section, key), value in files.parameters.items():
        if not parser.has_section(section):
            parser.add_section(section)
        parser.set(section, key, str(value))
    with open(files.folder / "basic.ini", "w", encoding="utf-8") as out:
        parser.write(out, space_around_delimiters=False)
    if files.service is not None:
        (files.folder / "service.json").write_text(json.dumps(files.service, indent=4) + "\n")
