"""`streamkit doctor [--event ID] [--json] [--rehearse]`: the event-night preflight."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from streamkit.commands import load_config
from streamkit.errors import ConfigError, UsageError

# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "doctor": "preflight checklist: config, AWS, WorkSpace, schedule, OBS, NDI, sync, resources",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        help=COMMANDS["doctor"],
        description="Check everything the stream needs; exit 0 (all pass), 1 (warnings) or "
        "2 (failures).",
    )
    p.add_argument(
        "--event",
        metavar="ID",
        help="calendar event id to measure against (default: the next one)",
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--ascii", action="store_true", help="PASS/WARN/FAIL without ✓ ! ✗ marks")
    p.add_argument(
        "--rehearse",
        action="store_true",
        help="after the checks, stream to the rehearsal target and report drops and bitrate",
    )
    p.add_argument("--target", metavar="URL", help="rehearsal RTMP server (rehearsal.target_url)")
    p.add_argument("--seconds", type=int, metavar="N", help="rehearsal length (default 60)")
    p.add_argument(
        "--bandwidth-test",
        action="store_true",
        help="rehearse against the configured Twitch service with ?bandwidthtest=true",
    )
    p.set_defaults(handler=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    from streamkit.doctor.checklist import Status, config_failed, diagnose, exit_code
    from streamkit.doctor.report import render_text, to_json

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        results = [config_failed(exc)]
    else:
        results = diagnose(config, event=args.event)
    extra: dict[str, Any] = {}
    code = exit_code(results)
    if args.rehearse:
        reachable = any(r.name == "obs.connection" and r.status is Status.PASS for r in results)
        rehearsal = _rehearse(args, config) if reachable else None
        extra["rehearsal"] = rehearsal.to_dict() if rehearsal else None
        if rehearsal is not None:
            code = max(code, {"PASS": 0, "WARN": 1, "FAIL": 2}[rehearsal.status])
    if args.json:
        print(to_json(results, extra | {"exit_code": code}))
        return code
    print(render_text(results, ascii_only=args.ascii))
    if args.rehearse:
        if extra["rehearsal"] is None:
            print("rehearsal not run: OBS is not connected (see obs.connection)")
        else:
            print("\n".join(rehearsal.lines()))
    return code


def _rehearse(args: argparse.Namespace, config: Any) -> Any:
    from pydantic import ValidationError

    from streamkit.doctor.rehearse import Rehearsal
    from streamkit.doctor.settings import RehearsalSettings
    from streamkit.obs.client import client_for

    settings = config.rehearsal
    changes = {
        k: v
        for k, v in (
            ("target_url", args.target),
            ("seconds", args.seconds),
            ("bandwidth_test", args.bandwidth_test or None),
        )
        if v is not None
    }
    if changes:
        try:
            settings = RehearsalSettings.model_validate(settings.model_dump() | changes)
        except ValidationError as exc:
            problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
            raise UsageError(f"rehearsal options: {problems}") from None
    with client_for(config.obs, reconnect=False, subscriptions=0) as client:
        if not args.json:
            print(f"rehearsing for {settings.seconds} s ...", file=sys.stderr, flush=True)
        return Rehearsal(client, settings, expected=_profile_bitrate(config)).run()


def _profile_bitrate(config: Any) -> Any:
    """The bitrate obs.profile streams at, for the rehearsal to hold OBS to."""
    from streamkit.collection.encoder import stream_bitrate
    from streamkit.collection.profile import read_profile

    if config.obs.profile is None:
        return None
    return stream_bitrate(read_profile(config.path(config.obs.profile)))
