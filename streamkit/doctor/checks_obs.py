"""OBS checks: reachable and authenticated, versions, disk and CPU headroom, the fallback scene."""

from __future__ import annotations

import re
from typing import Any

from streamkit.doctor.core import CheckResult, DoctorContext, Skip, Status
from streamkit.errors import ConfigError
from streamkit.health.settings import MetricThreshold
from streamkit.obs.errors import ObsAuthFailed, ObsUnreachable

MIN_OBS = (28, 0)  # obs-websocket 5 ships with OBS from 28.0
MIN_WEBSOCKET = (5, 0)


def check_connection(ctx: DoctorContext) -> CheckResult:
    """OBS answers on obs.host:obs.port and accepts the password."""
    settings = ctx.config.obs
    where = f"ws://{settings.host}:{settings.port}"
    error = ctx.obs_error()
    if isinstance(error, ConfigError):
        raise Skip("the websocket password cannot be resolved (see config.secrets)")
    if isinstance(error, ObsAuthFailed):
        return CheckResult(
            "obs.connection",
            Status.FAIL,
            f"OBS at {where} refused the websocket password",
            "make obs.password point to the password shown in OBS's Tools > WebSocket Server "
            "Settings (or turn authentication off there)",
        )
    if isinstance(error, ObsUnreachable) and ctx.facts.get("first_logon_pending"):
        from streamkit.aws.workspace.logon import WAITING  # set by the aws.workspace check

        return CheckResult(
            "obs.connection",
            Status.WARN,
            f"OBS is not reachable at {where}: {WAITING}",
            "connect to the WorkSpace with the WorkSpaces client (the streaming user's logon "
            "starts OBS), then run doctor again",
        )
    if isinstance(error, ObsUnreachable):
        return CheckResult(
            "obs.connection",
            Status.FAIL,
            f"OBS is not reachable at {where}",
            "start OBS, enable Tools > WebSocket Server Settings > Enable WebSocket server, and "
            "check obs.host / obs.port (or the SSH tunnel to the WorkSpace)",
        )
    if error is not None:
        return CheckResult("obs.connection", Status.FAIL, error.message, error.hint or "")
    auth = "authenticated" if settings.password else "no password set"
    return CheckResult("obs.connection", Status.PASS, f"connected to {where} ({auth})")


def obs_status(ctx: DoctorContext) -> Any:
    """The `obs status` snapshot, fetched once and shared."""
    if "obs_status" not in ctx.facts:
        from streamkit.obs.status import fetch_status

        ctx.facts["obs_status"] = fetch_status(ctx.obs())
    return ctx.facts["obs_status"]


def version_tuple(text: str) -> tuple[int, ...]:
    """'29.0.2' -> (29, 0, 2); text without a leading number -> ()."""
    match = re.match(r"^\s*(\d+(?:\.\d+)*)", text or "")
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def check_versions(ctx: DoctorContext) -> CheckResult:
    """OBS and obs-websocket are recent enough for what streamkit asks of them."""
    status = obs_status(ctx)
    obs, websocket = version_tuple(status.obs_version), version_tuple(status.websocket_version)
    summary = f"OBS {status.obs_version}, obs-websocket {status.websocket_version}"
    if status.platform:
        summary += f" on {status.platform}"
    if obs < MIN_OBS or websocket < MIN_WEBSOCKET:
        return CheckResult(
            "obs.versions",
            Status.FAIL,
            f"{summary}: streamkit needs OBS >= {_dotted(MIN_OBS)} with obs-websocket "
            f">= {_dotted(MIN_WEBSOCKET)}",
            "upgrade OBS Studio (obs-websocket 5 is built into OBS 28 and later)",
        )
    return CheckResult("obs.versions", Status.PASS, summary)


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def check_resources(ctx: DoctorContext) -> CheckResult:
    """Free disk space and CPU use on the OBS machine, against health.thresholds."""
    stats = obs_status(ctx).stats
    thresholds = ctx.config.health.thresholds
    disk, cpu = stats.get("availableDiskSpace"), stats.get("cpuUsage")
    findings = [
        _judge("disk", disk, thresholds.disk_space, "MB free"),
        _judge("CPU", cpu, thresholds.cpu, "% used by OBS"),
    ]
    worst = max((f[0] for f in findings), key=_RANK.__getitem__)
    summary = ", ".join(text for _, text in findings)
    fixes = []
    if findings[0][0] is not Status.PASS:
        fixes.append("free disk space on the OBS machine (old recordings, logs) or grow its volume")
    if findings[1][0] is not Status.PASS:
        fixes.append(
            "close other programs on the OBS machine, lower the output resolution or encoder "
            "preset, or move to a bigger bundle (GraphicsPro.g4dn)"
        )
    return CheckResult("obs.resources", worst, summary, "; ".join(fixes))


_RANK = {Status.PASS: 0, Status.SKIP: 0, Status.WARN: 1, Status.FAIL: 2}


def _judge(label: str, value: Any, threshold: MetricThreshold, unit: str) -> tuple[Status, str]:
    if not isinstance(value, int | float):
        return Status.WARN, f"{label}: OBS did not report it"
    text = f"{label} {value:.0f} {unit}" if unit.startswith("MB") else f"{label} {value:.1f}{unit}"
    if not threshold.enabled:
        return Status.PASS, text
    low = threshold.direction == "low"

    def beyond(limit: float | None) -> bool:
        return limit is not None and (value <= limit if low else value >= limit)

    if beyond(threshold.alarm):
        return Status.FAIL, f"{text} (alarm at {threshold.alarm:g})"
    if beyond(threshold.warn):
        return Status.WARN, f"{text} (warn at {threshold.warn:g})"
    return Status.PASS, text


def check_fallback_scene(ctx: DoctorContext) -> CheckResult:
    """The scene shown when the stream is in trouble exists in the live collection."""
    from streamkit.show.control import ShowControl

    wanted = ctx.config.show.fallback_scene
    if not wanted:
        raise Skip("not configured (show.fallback_scene is empty)")
    scenes = ShowControl(ctx.obs()).scenes().names
    if wanted in scenes:
        return CheckResult("obs.fallback_scene", Status.PASS, f"scene {wanted!r} is present")
    listed = ", ".join(repr(s) for s in scenes[:8]) + (" ..." if len(scenes) > 8 else "")
    return CheckResult(
        "obs.fallback_scene",
        Status.FAIL,
        f"scene {wanted!r} (show.fallback_scene) is not in the live collection",
        f"import the collection (`streamkit obs import`) or set show.fallback_scene to one of: "
        f"{listed}",
    )
