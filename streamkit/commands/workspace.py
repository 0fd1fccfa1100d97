"""`streamkit workspace ...`: the streaming PC on Amazon WorkSpaces."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streamkit.aws.errors import AwsError
from streamkit.commands import load_config
from streamkit.commands.workspace_cost import cmd_cost
from streamkit.errors import UsageError

# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "workspace": "provision, start, stop and cost the WorkSpace",
}


def register(sub: argparse._SubParsersAction) -> None:
    ws = sub.add_parser("workspace", help=COMMANDS["workspace"])
    cmds = ws.add_subparsers(dest="workspace_command", metavar="SUBCOMMAND", required=True)

    p = cmds.add_parser("bundles", help="GPU bundles offered in the region")
    p.add_argument("--all", action="store_true", help="list every bundle, not only GPU ones")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(handler=cmd_bundles)

    p = cmds.add_parser("provision", help="create the WorkSpace from the config (idempotent)")
    p.add_argument("--no-wait", action="store_true", help="return once creation is requested")
    p.add_argument(
        "--accept-bundle",
        metavar="BUNDLE_ID",
        help="accept the user's existing WorkSpace although this bundle is not a GPU one",
    )
    p.set_defaults(handler=cmd_provision)

    p = cmds.add_parser("status", help="state, bundle, mode, IP, connection, hold")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(handler=cmd_status)

    p = cmds.add_parser("start", help="start the WorkSpace (AUTO_STOP only)")
    p.add_argument(
        "--wait",
        action="store_true",
        help="wait until it is AVAILABLE (a STOPPING one is first let stop)",
    )
    p.set_defaults(handler=cmd_start)

    p = cmds.add_parser("stop", help="stop it, unless someone is connected or OBS is live")
    p.add_argument("--force", action="store_true", help="stop even if connected or live")
    p.add_argument("--wait", action="store_true", help="wait until it is STOPPED")
    p.set_defaults(handler=cmd_stop)

    p = cmds.add_parser("hold", help="raise the AutoStop timeout so it runs until TIME")
    p.add_argument(
        "--until",
        required=True,
        metavar="TIME",
        help="ISO time, e.g. 2026-03-05T22:30+01:00 (no zone: local time)",
    )
    p.set_defaults(handler=cmd_hold)

    p = cmds.add_parser("release", help="put back the AutoStop timeout saved by hold")
    p.add_argument("--minutes", type=int, help="set this timeout instead (multiple of 60)")
    p.set_defaults(handler=cmd_release)

    p = cmds.add_parser("mode", help="switch the running mode (ModifyWorkspaceProperties)")
    p.add_argument("running_mode", choices=["AUTO_STOP", "ALWAYS_ON"])
    p.add_argument("--timeout-minutes", type=int, help="AutoStop timeout (multiple of 60)")
    p.set_defaults(handler=cmd_mode)

    p = cmds.add_parser("cost", help="what the WorkSpace costs: AUTO_STOP vs ALWAYS_ON")
    p.add_argument("--hours-per-event", type=float, metavar="H", help="running hours per event")
    p.add_argument("--events-per-month", type=int, metavar="N", help="events per month")
    p.add_argument(
        "--sessions",
        type=Path,
        metavar="FILE",
        help="YAML list of [start, end] ISO times of running sessions",
    )
    p.add_argument(
        "--maintenance-hours",
        type=int,
        default=0,
        metavar="H",
        help="monthly maintenance hours to bill too (default 0)",
    )
    p.add_argument(
        "--from",
        dest="since",
        metavar="DATE",
        help="with neither option above: cost the calendar's windows (warm-up and cool-down "
        "included) from DATE (default today) over schedule.horizon_days",
    )
    p.add_argument("--region", help="default: workspace.region")
    p.add_argument("--bundle", help="default: workspace.bundle")
    p.add_argument(
        "--refresh-prices",
        action="store_true",
        help="read the region's prices from the AWS Price List API and cache them "
        "($XDG_CACHE_HOME/streamkit, default ~/.cache/streamkit); on failure the cache or the "
        "bundled table is used",
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(handler=cmd_cost)


# -- handlers ------------------------------------------------------------------------------


def cmd_bundles(args: argparse.Namespace) -> int:
    from streamkit.aws.workspace.bundles import amazon_bundles, gpu_bundles

    manager = _manager(args)
    bundles = amazon_bundles(manager.client) if args.all else gpu_bundles(manager.client)
    if args.json:
        print(json.dumps([vars(b) for b in bundles], indent=2))
        return 0
    print(f"{'bundle id':<15} {'compute type':<22} name")
    for b in bundles:
        print(f"{b.bundle_id:<15} {b.compute_type:<22} {b.name}")
    if not bundles:
        print(f"(no {'' if args.all else 'GPU '}bundles offered in {manager.region})")
    return 0


def cmd_provision(args: argparse.Namespace) -> int:
    from streamkit.aws.workspace.provision import provision

    manager = _manager(args)
    result = provision(
        manager,
        wait=not args.no_wait,
        on_progress=_progress_printer(),
        accept_bundle=args.accept_bundle,
    )
    info = result.workspace
    if result.warning:
        print(f"warning: {result.warning} (accepted with --accept-bundle)", file=sys.stderr)
    if result.created:
        print(
            f"created {info.workspace_id} ({result.bundle.name if result.bundle else ''}): "
            f"{info.state}"
        )
    else:
        print(f"{info.workspace_id} already exists for {info.user_name}: {info.state}")
    if result.tagged:
        print(result.tagged)
    if result.untagged:
        print(f"warning: {result.untagged}", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from streamkit.aws.workspace.status import fetch_status

    config = load_config(args.config)
    status = fetch_status(
        _manager(args, config),
        config.schedule.runner.jobstore.expanduser(),
        config.schedule.retry_policy(),
    )
    if args.json:
        print(json.dumps(status.to_dict(), indent=2))
    else:
        print(format_status(status))
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    manager = _manager(args)
    info = manager.require()
    if info.state == "STOPPING" and args.wait:
        info = manager.wait_for(info.workspace_id, "STOPPED", on_progress=_progress_printer())
    asked = manager.start(info)
    print(f"{info.workspace_id}: {'start requested' if asked else 'already ' + info.state}")
    if args.wait:
        info = manager.wait_for(info.workspace_id, "AVAILABLE", on_progress=_progress_printer())
        print(
            f"{info.workspace_id} is AVAILABLE"
            + (f" at {info.ip_address}" if info.ip_address else "")
        )
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    from streamkit.aws.workspace.hold import release
    from streamkit.aws.workspace.interlock import check_stop
    from streamkit.commands.obslive import obs_live_check

    config = load_config(args.config)
    manager = _manager(args, config)
    info = manager.require()
    if info.state in ("STOPPED", "STOPPING"):
        print(f"{info.workspace_id}: already {info.state}")
        return 0
    connection = manager.connection(info.workspace_id)
    for warning in check_stop(
        info.workspace_id, connection.state, obs_live_check(config), force=args.force
    ):
        print(f"warning: {warning}", file=sys.stderr)
    try:  # before the stop: a STOPPING WorkSpace cannot be modified
        restored = release(manager)
    except AwsError as exc:  # never let the timeout's restore block the stop itself
        restored = None
        print(
            f"warning: AutoStop timeout not put back: {exc.message}; run "
            "`streamkit workspace release` later",
            file=sys.stderr,
        )
    if restored:
        print(f"AutoStop timeout put back to {restored} min")
    manager.stop(info)
    print(f"{info.workspace_id}: stop requested")
    if args.wait:
        manager.wait_for(info.workspace_id, "STOPPED", on_progress=_progress_printer())
        print(f"{info.workspace_id} is STOPPED")
    return 0


def cmd_hold(args: argparse.Namespace) -> int:
    from streamkit.aws.workspace.hold import hold

    until = _parse_time(args.until)
    info, held, minutes = hold(_manager(args), until)
    print(
        f"{info.workspace_id}: AutoStop timeout {minutes} min until {until.isoformat()} "
        f"(will be put back to {held.restore_minutes} min by `streamkit workspace release` "
        "or `streamkit workspace stop`)"
    )
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from streamkit.aws.workspace.hold import release

    restored = release(_manager(args), args.minutes)
    print("no hold to release" if restored is None else f"AutoStop timeout set to {restored} min")
    return 0


def cmd_mode(args: argparse.Namespace) -> int:
    manager = _manager(args)
    info = manager.require()
    props: dict[str, Any] = {"RunningMode": args.running_mode}
    if args.timeout_minutes is not None:
        from streamkit.aws.workspace.settings import MAX_AUTOSTOP_MINUTES

        minutes = args.timeout_minutes
        if (
            args.running_mode != "AUTO_STOP"
            or minutes % 60
            or not 60 <= minutes <= MAX_AUTOSTOP_MINUTES
        ):
            raise UsageError(
                f"--timeout-minutes needs AUTO_STOP and a multiple of 60 from 60 to "
                f"{MAX_AUTOSTOP_MINUTES}"
            )
        props["RunningModeAutoStopTimeoutInMinutes"] = args.timeout_minutes
    manager.modify_properties(info.workspace_id, **props)
    print(
        f"{info.workspace_id}: running mode {args.running_mode} (was {info.running_mode}); "
        "a switch mid-month can bill both modes for the month"
    )
    return 0


# -- helpers -------------------------------------------------------------------------------


def _manager(args: argparse.Namespace, config: Any = None) -> Any:
    from streamkit.aws.session import make_client
    from streamkit.aws.workspace.api import WorkspaceManager

    settings = (config or load_config(args.config)).workspace
    return WorkspaceManager(make_client("workspaces", settings.region), settings)


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--until {text!r}: expected an ISO time such as 2026-03-05T22:30+01:00"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def _progress_printer() -> Any:
    """A progress callback: one updating line on a terminal, a line per change otherwise."""
    tty = sys.stderr.isatty()
    last: list[str] = []

    def show(progress: Any) -> None:
        minutes, seconds = divmod(int(progress.elapsed), 60)
        line = f"{progress.workspace_id}: {progress.state:<10} {minutes}m{seconds:02d}s"
        if tty:
            end = "\n" if progress.state == progress.target else ""
            print(
                f"\r{line}  (waiting for {progress.target})", end=end, file=sys.stderr, flush=True
            )
        elif last[-1:] != [progress.state]:
            print(line, file=sys.stderr, flush=True)
        last.append(progress.state)

    return show


def format_status(status: Any) -> str:
    ws, conn = status.workspace, status.connection
    mode = ws.running_mode
    if ws.running_mode == "AUTO_STOP" and ws.auto_stop_minutes:
        mode += f" (stops {ws.auto_stop_minutes} min after disconnect)"
    rows = [
        ("WorkSpace", ws.workspace_id),
        ("state", ws.state + (f" ({ws.error})" if ws.error else "")),
        ("bundle", f"{status.bundle_name} {status.compute_type}".strip()),
        ("running mode", mode),
        ("user", f"{ws.user_name} in {ws.directory_id}"),
        ("IP address", ws.ip_address or "-"),
        ("connection", conn.state),
        (
            "last connection",
            conn.last_user_connection.isoformat() if conn.last_user_connection else "-",
        ),
    ]
    if status.hold:
        until = status.hold.until.isoformat() if status.hold.until else "?"
        note = " - EXPIRED: run `streamkit workspace release`" if status.hold_expired else ""
        if status.hold_leftover:
            note = (
                f" - LEFT OVER: AutoStop is already back to {status.hold.restore_minutes} min; "
                "run `streamkit workspace release` to remove the tags"
            )
        rows.append(
            ("hold", f"until {until}, then back to {status.hold.restore_minutes} min" + note)
        )
    now = datetime.now(UTC)
    for stop in status.pending_stops:
        rows.append(
            ("STOP PENDING", stop.summary(now) + "; `streamkit schedule ack` takes it over")
        )
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
