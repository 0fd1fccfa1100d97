"""`streamkit obs ...`: talk to the OBS named in the config."""

from __future__ import annotations

import argparse
import json

from streamkit.config import load_config


def register(sub: argparse._SubParsersAction) -> None:
    obs = sub.add_parser("obs", help="inspect and configure OBS over obs-websocket")
    obs_sub = obs.add_subparsers(dest="obs_command", metavar="SUBCOMMAND", required=True)
    status = obs_sub.add_parser(
        "status", help="versions, collection, profile, scenes, outputs and stats of OBS"
    )
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    from streamkit.obs.client import client_from_config
    from streamkit.obs.status import fetch_status

    config = load_config(args.config)
    with client_from_config(config, reconnect=False) as client:
        status = fetch_status(client)
    if args.json:
        print(json.dumps(status.to_dict(), indent=2))
    else:
        print(format_status(status))
    return 0


def format_status(status) -> str:
    stats = status.stats
    stream = "LIVE " + status.stream_timecode if status.streaming else "offline"
    if status.stream_reconnecting:
        stream += " (reconnecting)"
    record = "recording " + status.record_timecode if status.recording else "not recording"
    if status.recording_paused:
        record += " (paused)"
    rows = [
        ("OBS", f"{status.obs_version} (obs-websocket {status.websocket_version})"),
        ("platform", status.platform),
        ("scene collection", status.scene_collection),
        ("profile", status.profile),
        ("program scene", status.program_scene),
        ("preview scene", status.preview_scene or "- (studio mode off)"),
        ("stream", stream),
        ("record", record),
        ("fps", f"{stats.get('activeFps', 0):.1f}"),
        ("CPU", f"{stats.get('cpuUsage', 0):.1f} %"),
        ("memory", f"{stats.get('memoryUsage', 0):.0f} MB"),
        ("disk free", f"{stats.get('availableDiskSpace', 0) / 1024:.1f} GB"),
        ("render time", f"{stats.get('averageFrameRenderTime', 0):.2f} ms"),
        ("render skipped", _frames(stats, "render")),
        ("encoder skipped", _frames(stats, "output")),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def _frames(stats: dict, prefix: str) -> str:
    skipped = stats.get(f"{prefix}SkippedFrames", 0)
    total = stats.get(f"{prefix}TotalFrames", 0)
    share = 100 * skipped / total if total else 0.0
    return f"{skipped} of {total} ({share:.1f} %)"
