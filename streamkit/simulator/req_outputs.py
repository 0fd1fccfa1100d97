"""Output requests: stream, record, generic outputs, virtual camera."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from streamkit.simulator.outputs import Output
from streamkit.simulator.params import (
    NOT_FOUND,
    OUTPUT_NOT_PAUSED,
    OUTPUT_NOT_RUNNING,
    OUTPUT_PAUSED,
    OUTPUT_RUNNING,
    Params,
    RequestError,
)
from streamkit.simulator.registry import Context, request
from streamkit.simulator.state import SimState

_FLAGS = {
    "rtmp_output": {
        "OBS_OUTPUT_AUDIO": True,
        "OBS_OUTPUT_ENCODED": True,
        "OBS_OUTPUT_MULTI_TRACK": False,
        "OBS_OUTPUT_SERVICE": True,
        "OBS_OUTPUT_VIDEO": True,
    },
    "mp4_output": {
        "OBS_OUTPUT_AUDIO": True,
        "OBS_OUTPUT_ENCODED": True,
        "OBS_OUTPUT_MULTI_TRACK": True,
        "OBS_OUTPUT_SERVICE": False,
        "OBS_OUTPUT_VIDEO": True,
    },
}


def _state_event(ctx: Context, output: Output, state: str, active: bool) -> None:
    if output is ctx.outputs.stream:
        ctx.emit("StreamStateChanged", {"outputActive": active, "outputState": state})
    else:
        path = (
            output.path
            if state in ("OBS_WEBSOCKET_OUTPUT_STARTED", "OBS_WEBSOCKET_OUTPUT_STOPPED")
            else None
        )
        ctx.emit(
            "RecordStateChanged", {"outputActive": active, "outputState": state, "outputPath": path}
        )


CONNECT_TIMEOUT = 10.0  # seconds the simulated RTMP connect may take before OBS gives up


def stream_target(state: SimState) -> tuple[str, int] | None:
    """(host, port) of the current profile's RTMP server; None when no server is configured."""
    settings = state.profile.stream_service_settings
    server = settings.get("server")
    if not isinstance(server, str) or not server.strip():
        return None
    url = urlsplit(server.strip())
    if url.scheme not in ("rtmp", "rtmps") or not url.hostname:
        return None
    try:
        port = url.port
    except ValueError:
        return None
    return url.hostname, port or (443 if url.scheme == "rtmps" else 1935)


async def reachable(host: str, port: int, timeout: float = CONNECT_TIMEOUT) -> bool:
    """True when a TCP connection to host:port opens within `timeout` (the simulated handshake)."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def _go_live(ctx: Context, output: Output) -> None:
    output.connecting = False
    output.start(ctx.outputs.now())
    if output is ctx.outputs.stream:
        output.bitrate_kbps = (
            float(ctx.state.profile.parameters.get(("SimpleOutput", "VBitrate"), "6000")) + 160.0
        )
    _state_event(ctx, output, "OBS_WEBSOCKET_OUTPUT_STARTED", True)


def start_output(ctx: Context, output: Output) -> None:
    """Start `output` (500 when it already runs), emitting STARTING then STARTED.

    The stream first connects to the profile's server, as OBS does: with no server configured
    it stays at STARTING (OBS 32 shows an error instead of starting); an unreachable server
    gives STOPPED. Either way the output never becomes active.
    """
    if output.active or output.connecting:
        raise RequestError(OUTPUT_RUNNING)
    if output is ctx.outputs.record:
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H-%M-%S")
        output.path = f"{ctx.state.record_directory}/{stamp}.mkv"
    _state_event(ctx, output, "OBS_WEBSOCKET_OUTPUT_STARTING", False)
    if output is not ctx.outputs.stream:
        _go_live(ctx, output)
        return
    target = stream_target(ctx.state)
    if target is None:
        return
    output.connecting = True

    async def connect() -> None:
        ok = await reachable(*target)
        if not output.connecting:
            return
        if ok:
            _go_live(ctx, output)
        else:
            output.connecting = False
            _state_event(ctx, output, "OBS_WEBSOCKET_OUTPUT_STOPPED", False)

    ctx.spawn(connect())


def stop_output(ctx: Context, output: Output) -> None:
    """Stop `output` (501 when it is not running), emitting STOPPING then STOPPED."""
    if not output.active:
        raise RequestError(OUTPUT_NOT_RUNNING)
    _state_event(ctx, output, "OBS_WEBSOCKET_OUTPUT_STOPPING", True)
    output.stop(ctx.outputs.now())
    _state_event(ctx, output, "OBS_WEBSOCKET_OUTPUT_STOPPED", False)


@request("GetStreamStatus")
def get_stream_status(ctx: Context, p: Params) -> dict[str, Any]:
    return ctx.outputs.stream.status(ctx.outputs.now())


@request("StartStream")
def start_stream(ctx: Context, p: Params) -> None:
    start_output(ctx, ctx.outputs.stream)


@request("StopStream")
def stop_stream(ctx: Context, p: Params) -> None:
    stop_output(ctx, ctx.outputs.stream)


@request("ToggleStream")
def toggle_stream(ctx: Context, p: Params) -> dict[str, Any]:
    stream = ctx.outputs.stream
    was_active = stream.active
    (stop_output if was_active else start_output)(ctx, stream)
    return {"outputActive": not was_active}  # what was asked for, as OBS answers


@request("SendStreamCaption")
def send_stream_caption(ctx: Context, p: Params) -> None:
    if not ctx.outputs.stream.active:
        raise RequestError(OUTPUT_NOT_RUNNING)
    p.string("captionText", allow_empty=True)


@request("GetRecordStatus")
def get_record_status(ctx: Context, p: Params) -> dict[str, Any]:
    record = ctx.outputs.record
    status = record.status(ctx.outputs.now())
    return {
        "outputActive": status["outputActive"],
        "outputPaused": record.paused,
        "outputTimecode": status["outputTimecode"],
        "outputDuration": status["outputDuration"],
        "outputBytes": status["outputBytes"],
    }


@request("StartRecord")
def start_record(ctx: Context, p: Params) -> None:
    start_output(ctx, ctx.outputs.record)


@request("StopRecord")
def stop_record(ctx: Context, p: Params) -> dict[str, Any]:
    stop_output(ctx, ctx.outputs.record)
    return {"outputPath": ctx.outputs.record.path}


@request("ToggleRecord")
def toggle_record(ctx: Context, p: Params) -> dict[str, Any]:
    record = ctx.outputs.record
    was_active = record.active
    (stop_output if was_active else start_output)(ctx, record)
    return {"outputActive": not was_active}  # what was asked for, as OBS answers


def _pause(ctx: Context, paused: bool) -> None:
    record = ctx.outputs.record
    if not record.active:
        raise RequestError(OUTPUT_NOT_RUNNING)
    if record.paused == paused:
        raise RequestError(OUTPUT_PAUSED if paused else OUTPUT_NOT_PAUSED)
    record.advance(ctx.outputs.now())
    record.paused = paused
    state = "OBS_WEBSOCKET_OUTPUT_PAUSED" if paused else "OBS_WEBSOCKET_OUTPUT_RESUMED"
    _state_event(ctx, record, state, True)


@request("PauseRecord")
def pause_record(ctx: Context, p: Params) -> None:
    _pause(ctx, True)


@request("ResumeRecord")
def resume_record(ctx: Context, p: Params) -> None:
    _pause(ctx, False)


@request("ToggleRecordPause")
def toggle_record_pause(ctx: Context, p: Params) -> None:
    _pause(ctx, not ctx.outputs.record.paused)


@request("GetOutputList")
def get_output_list(ctx: Context, p: Params) -> dict[str, Any]:
    video = ctx.state.profile.parameters
    width, height = int(video[("Video", "OutputCX")]), int(video[("Video", "OutputCY")])
    return {
        "outputs": [
            {
                "outputName": o.name,
                "outputKind": o.kind,
                "outputActive": o.active,
                "outputWidth": width if o.active else 0,
                "outputHeight": height if o.active else 0,
                "outputFlags": dict(_FLAGS[o.kind]),
            }
            for o in ctx.outputs.all()
        ]
    }


def find_output(ctx: Context, p: Params) -> Output:
    name = p.string("outputName")
    output = ctx.outputs.find(name)
    if output is None:
        raise RequestError(NOT_FOUND, f"No output was found with the name `{name}`.")
    return output


@request("GetOutputStatus")
def get_output_status(ctx: Context, p: Params) -> dict[str, Any]:
    return find_output(ctx, p).status(ctx.outputs.now())


@request("StartOutput")
def start_named_output(ctx: Context, p: Params) -> None:
    start_output(ctx, find_output(ctx, p))


@request("StopOutput")
def stop_named_output(ctx: Context, p: Params) -> None:
    stop_output(ctx, find_output(ctx, p))


@request("ToggleOutput")
def toggle_named_output(ctx: Context, p: Params) -> dict[str, Any]:
    output = find_output(ctx, p)
    was_active = output.active
    (stop_output if was_active else start_output)(ctx, output)
    return {"outputActive": not was_active}  # what was asked for, as OBS answers
