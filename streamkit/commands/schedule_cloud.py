"""`streamkit schedule deploy|diff`: the calendar as EventBridge Scheduler schedules, calling
WorkSpaces directly or invoking the streamkit function."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from streamkit.commands import load_config
from streamkit.errors import ConfigError, UsageError


def cmd_deploy(args: argparse.Namespace) -> int:
    from streamkit.aws.schedule.group import deploy

    config = load_config(args.config)
    since = _since(args)
    if since < datetime.now(UTC) - timedelta(minutes=1):
        raise UsageError(
            f"--from {args.since} is in the past: schedules for past times never run",
            hint="deploy adds schedules from now on; leave --from out, or give a later time",
        )
    group, wanted = _cloud(args, config)
    changes = deploy(group, wanted, config.calendar.name, keep_before=since)
    for change in changes:
        print(change.describe())
    print(
        f"{group.name}: {len(wanted)} schedule(s) in sync"
        + (f" after {len(changes)} change(s)" if changes else ", nothing to change")
        + (f"; schedules before {since:%Y-%m-%d %H:%M} UTC left as they are" if args.since else "")
    )
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from streamkit.aws.schedule.eventbridge import diff

    config = load_config(args.config)
    group, wanted = _cloud(args, config)
    changes = diff(wanted, group.schedules(), keep_before=_since(args))
    for change in changes:
        print(change.describe())
    if not changes:
        print(f"{group.name}: in sync ({len(wanted)} schedule(s))")
    return 1 if changes else 0


def _cloud(args: argparse.Namespace, config: Any) -> tuple[Any, list[Any]]:
    from streamkit.aws.schedule.eventbridge import desired
    from streamkit.aws.schedule.plan import plan

    bridge = config.schedule.eventbridge
    if not bridge.role_arn:
        raise ConfigError(
            "schedule.eventbridge.role_arn is not set: EventBridge Scheduler needs a role "
            "allowed to call workspaces:StartWorkspaces/StopWorkspaces",
            hint="deploy infra/ and copy the scheduler role's ARN into streamkit.yaml",
        )
    now = max(_since(args), datetime.now(UTC))  # never a schedule in the past
    calendar = config.calendar.to_calendar()
    _warn_past_events(calendar, datetime.now(UTC))
    actions = plan(calendar, now, now + config.schedule.horizon)
    manager = _manager(config)
    workspace_id = manager.require().workspace_id
    if bridge.function_arn:
        tags = manager.tags(workspace_id)
        return _group(config), _function_schedules(config, calendar, workspace_id, now, tags)
    hold = bridge.hold_autostop and config.workspace.running_mode == "AUTO_STOP"
    wanted = desired(
        actions,
        workspace_id,
        bridge.role_arn,
        now,
        retry_attempts=bridge.retry_attempts,
        restore_minutes=config.workspace.auto_stop_timeout_minutes if hold else None,
    )
    return _group(config), wanted


def _function_schedules(
    config: Any, calendar: Any, workspace_id: str, first: datetime, tags: dict[str, str]
) -> list:
    """Schedules invoking the streamkit function, each with the plan it decides from.

    One-off schedules start at `first` (deploy --from); the plan they all carry starts from
    the real time, reaching back to the oldest stop the function still tries (`tags`).
    """
    from streamkit.aws.schedule.cloud import CloudSettings, make_payload
    from streamkit.aws.schedule.eventbridge import function_schedules
    from streamkit.aws.schedule.plan import plan

    schedule, bridge = config.schedule, config.schedule.eventbridge
    region = bridge.function_arn.split(":")[3]
    now = datetime.now(UTC)
    actions = plan(calendar, _plan_back(tags, now), first + schedule.horizon)
    payload = make_payload(
        actions,
        CloudSettings(workspace_id=workspace_id, region=config.workspace.region or region),
        schedule.retry_policy(),
        calendar=calendar.name,
        outside_after=schedule.outside_window_after,
        sns_topic_arn=schedule.sns_topic_arn,
    )
    return function_schedules(
        actions,
        payload,
        bridge.function_arn,
        bridge.role_arn,
        first,
        every_minutes=bridge.reconcile_every_minutes,
        retry_attempts=bridge.retry_attempts,
    )


def _plan_back(tags: dict[str, str], now: datetime) -> datetime:
    """Where the function's plan starts: two days back (a start running late, a stop being
    retried), or a day before the oldest stop it still tries, from the WorkSpace's tags."""
    from streamkit.aws.schedule.plan import TRYING
    from streamkit.aws.schedule.tagledger import records_of

    since = now - timedelta(days=2)
    for record in records_of(tags).values():
        if record.kind == "stop" and record.state in TRYING:
            since = min(since, (record.since or record.last_attempt) - timedelta(days=1))
    return since


def _warn_past_events(calendar: Any, now: datetime) -> None:
    for past in calendar.past_events(now):
        print(
            f"warning: skipped {past.event.id}: it was on {past.wall:%Y-%m-%d %H:%M} "
            f"{past.event.tz.key} (a past or mistyped date? nothing is scheduled for it)",
            file=sys.stderr,
        )


def _group(config: Any) -> Any:
    from streamkit.aws.schedule.group import ScheduleGroup
    from streamkit.aws.session import make_client

    name = config.schedule.eventbridge.group or f"streamkit-{config.calendar.name}"
    return ScheduleGroup(make_client("scheduler", config.workspace.region), name)


def _manager(config: Any) -> Any:
    from streamkit.aws.session import make_client
    from streamkit.aws.workspace.api import WorkspaceManager

    settings = config.workspace
    return WorkspaceManager(make_client("workspaces", settings.region), settings)


def _since(args: argparse.Namespace) -> datetime:
    text = getattr(args, "since", None)
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--from {text!r}: expected an ISO time such as 2026-03-20T00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise UsageError(f"--from {text!r}: give a zone or offset, e.g. 2026-03-20T00:00+01:00")
    return moment.astimezone(UTC)
