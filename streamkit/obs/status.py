"""A snapshot of what OBS is doing, fetched in one round trip."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from streamkit.obs.client import ObsClient
from streamkit.obs.types import Request

STATUS_REQUESTS = (
    "GetVersion",
    "GetSceneCollectionList",
    "GetProfileList",
    "GetCurrentProgramScene",
    "GetStudioModeEnabled",
    "GetCurrentPreviewScene",  # fails with 506 outside studio mode: that means "no preview"
    "GetStreamStatus",
    "GetRecordStatus",
    "GetStats",
)


@dataclass
class ObsStatus:
    """What `streamkit obs status` shows."""

    obs_version: str
    websocket_version: str
    platform: str
    scene_collection: str
    profile: str
    program_scene: str
    preview_scene: str | None
    studio_mode: bool
    streaming: bool
    stream_reconnecting: bool
    stream_timecode: str
    recording: bool
    recording_paused: bool
    record_timecode: str
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fetch_status(client: ObsClient) -> ObsStatus:
    """Ask OBS for versions, collection, profile, scenes, outputs and stats in one batch."""
    results = client.batch([Request(name) for name in STATUS_REQUESTS])
    by_type = {r.request_type: r for r in results}
    for name in STATUS_REQUESTS:
        result = by_type.get(name)
        if result is None:
            raise client_error(name)
        if not result.ok and name != "GetCurrentPreviewScene":
            raise result.error()
    data = {name: by_type[name].data for name in STATUS_REQUESTS}
    version, stream, record = data["GetVersion"], data["GetStreamStatus"], data["GetRecordStatus"]
    studio = bool(data["GetStudioModeEnabled"].get("studioModeEnabled"))
    preview = data["GetCurrentPreviewScene"] if by_type["GetCurrentPreviewScene"].ok else {}
    return ObsStatus(
        obs_version=version.get("obsVersion", ""),
        websocket_version=version.get("obsWebSocketVersion", ""),
        platform=version.get("platformDescription") or version.get("platform", ""),
        scene_collection=data["GetSceneCollectionList"].get("currentSceneCollectionName", ""),
        profile=data["GetProfileList"].get("currentProfileName", ""),
        program_scene=_scene_name(data["GetCurrentProgramScene"], "currentProgramSceneName"),
        preview_scene=_scene_name(preview, "currentPreviewSceneName") if studio else None,
        studio_mode=studio,
        streaming=bool(stream.get("outputActive")),
        stream_reconnecting=bool(stream.get("outputReconnecting")),
        stream_timecode=stream.get("outputTimecode", ""),
        recording=bool(record.get("outputActive")),
        recording_paused=bool(record.get("outputPaused")),
        record_timecode=record.get("outputTimecode", ""),
        stats=data["GetStats"],
    )


def _scene_name(data: dict[str, Any], key: str) -> str:
    # websocket 5.x answers with currentProgramSceneName; 5.3+ also with sceneName
    return data.get(key) or data.get("sceneName") or ""


def client_error(name: str) -> Exception:
    from streamkit.obs.errors import ObsError

    return ObsError(f"OBS returned no answer for {name} in the status batch")
