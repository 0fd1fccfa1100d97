"""`streamkit schedule ...`: start the WorkSpace before each event and stop it after."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from streamkit.commands import load_config
from streamkit.commands.schedule_cloud import _manager, _since, cmd_deploy, cmd_diff
from streamkit.commands.schedule_state import cmd_ack, cmd_list
from streamkit.commands.schedule_state import jobstore as _jobstore
from streamkit.errors import UsageError

# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "schedule": "start/stop the WorkSpace around calendar events",
}


def register(sub: argparse._SubParsersAction) -> None:
    sched = sub.add_parser("schedule", help=COMMANDS["schedule"])
    cmds = sched.add_subparsers(dest="schedule_command", metavar="SUBCOMMAND", required=True)

    p = cmds.add_parser("plan", help="the coming start and stop actions, local time and UTC")
    _add_from(p)
    p.add_argument("--days", type=int, help="how far ahead (default: schedule.horizon_days)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(handler=cmd_plan)

    p = cmds.add_parser("run", help="run the actions on this machine (APScheduler, SQLite)")
    p.add_argument(
        "--once", action="store_true", help="perform what is due now, then exit (for cron)"
    )
    p.set_defaults(handler=cmd_run)

    p = cmds.add_parser("deploy", help="sync EventBridge Scheduler with the calendar")
    _add_from(p)
    p.set_defaults(handler=cmd_deploy)

    p = cmds.add_parser("diff", help="what deploy would change (exit 1 when out of sync)")
    _add_from(p)
    p.set_defaults(handler=cmd_diff)

    p = cmds.add_parser("package", help="write the streamkit function's code zip (for infra/)")
    p.add_argument(
        "--output",
        type=Path,
        default=Path("streamkit-function.zip"),
        metavar="FILE",
        help="zip to write (default streamkit-function.zip)",
    )
    p.set_defaults(handler=cmd_package)

    p = cmds.add_parser("ack", help="take over a pending stop: streamkit stops trying it")
    p.add_argument("key", nargs="?", help="the stop's key (default: every pending stop)")
    p.add_argument("--note", default="", help="why, for the log (e.g. 'rehearsal until 23:00')")
    p.set_defaults(handler=cmd_ack)

    p = cmds.add_parser("list", help="local jobs and deployed schedules")
    p.add_argument("--local", action="store_true", help="only the local runner's jobs")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(handler=cmd_list)


def _add_from(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="since",
        metavar="TIME",
        help="plan as if it were TIME (ISO, e.g. 2026-03-20T00:00Z; default: now)",
    )


# -- plan ----------------------------------------------------------------------------------


def cmd_plan(args: argparse.Namespace) -> int:

    from streamkit.aws.schedule.plan import plan

    if args.days is not None and args.days < 1:
        raise UsageError("--days must be at least 1")
    config = load_config(args.config)
    now = _since(args)
    horizon = timedelta(days=args.days) if args.days else config.schedule.horizon
    actions = [a for a in plan(config.calendar.to_calendar(), now, now + horizon) if a.at >= now]
    if args.json:
        print(json.dumps([_action_json(a) for a in actions], indent=2))
        return 0
    if not actions:
        print(f"no actions in the next {horizon.days} days (calendar: {_count(config)})")
        return 0
    rows = [_action_row(a) for a in actions]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))
    notes = (n for a in actions for o in a.occurrences if (n := o.clock_change_note()))
    for note in dict.fromkeys(notes):
        print(f"note: {note}")
    return 0


def _action_row(action: Any) -> tuple[str, ...]:
    local = action.local_at
    return (
        f"{action.at:%Y-%m-%d %H:%M} UTC",
        f"{local:%a %Y-%m-%d %H:%M %Z}",
        str(local.tzinfo),
        action.kind,
        action.key,
        action.titles,
    )


def _action_json(action: Any) -> dict[str, Any]:
    return {
        "key": action.key,
        "action": action.kind,
        "utc": action.at.isoformat(),
        "local": action.local_at.isoformat(),
        "timezone": str(action.local_at.tzinfo),
        "may_run_late_minutes": (
            None if action.grace is None else int(action.grace.total_seconds() // 60)
        ),
        "events": [o.key for o in action.occurrences],
    }


def _count(config: Any) -> str:
    n = len(config.calendar.events)
    return f"{n} event{'s' if n != 1 else ''}"


# -- run -----------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from streamkit.aws.schedule.driver import LocalScheduler, read_jobs

    config = load_config(args.config)
    runner = _runner(args, config)
    logging.getLogger("streamkit.aws").setLevel(logging.INFO)
    if args.once:
        records = runner.run_due()
        for record in records:
            print(f"{record.kind} {record.key}: {record.state} - {record.detail}")
        if not records:
            print("nothing due")
        return 0 if all(r.state == "done" for r in records) else 6
    driver = LocalScheduler(runner, _jobstore(config))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    driver.start()
    jobs = read_jobs(_jobstore(config))
    print(f"running {len(jobs)} job(s) from {_jobstore(config)}; Ctrl-C to stop", flush=True)
    try:
        stop.wait()
    finally:
        driver.shutdown(wait=False)
    print("stopped; the jobs stay stored and resume at the next `schedule run`")
    return 0


def _runner(args: argparse.Namespace, config: Any) -> Any:
    from streamkit.aws.schedule.control import AwsWorkspace
    from streamkit.aws.schedule.ledger import Ledger
    from streamkit.aws.schedule.runner import Runner
    from streamkit.commands.obslive import obs_live_check

    runner_settings = config.schedule.runner
    manager = _manager(config)
    after_start = None
    if runner_settings.import_at_start and (config.obs.profile or config.obs.collection):
        from streamkit.aws.workspace.logon import after_first_logon
        from streamkit.collection.setup import setup_step

        wait = runner_settings.obs_wait.total_seconds()
        after_start = after_first_logon(manager, setup_step(config, wait), wait)
    return Runner(
        config.calendar.to_calendar(),
        AwsWorkspace(manager, obs_live_check(config), after_start),
        Ledger(_jobstore(config)),
        policy=config.schedule.retry_policy(),
        horizon=config.schedule.horizon,
        notify=_notifier(config),
        outside_after=config.schedule.outside_window_after,
    )


def _notifier(config: Any) -> Any:
    topic = config.schedule.sns_topic_arn
    if not topic:
        return None
    from streamkit.aws.notify import sns_notifier
    from streamkit.aws.session import make_client

    return sns_notifier(make_client("sns", topic.split(":")[3]), topic)


def cmd_package(args: argparse.Namespace) -> int:
    from streamkit.aws.schedule.bundle import HANDLER, build_function_zip

    try:
        names = build_function_zip(args.output)
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write the zip ({exc.strerror})") from None
    print(f"{args.output}: {len(names)} files; handler {HANDLER}")
    print(
        "next: `aws s3 cp` it to a bucket, deploy infra/scheduler-function.yaml with that "
        "bucket, then set schedule.eventbridge.function_arn and role_arn from its outputs"
    )
    return 0
