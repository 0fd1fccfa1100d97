"""EventBridge Scheduler: the calendar's actions as one-time schedules, synced idempotently.

Each action becomes an `at()` schedule in the event's time zone, FlexibleTimeWindow OFF,
ActionAfterCompletion DELETE, whose universal target calls workspaces:startWorkspaces or
stopWorkspaces; optionally two more call modifyWorkspaceProperties to raise the AutoStop
timeout before the start and put it back before the stop. One schedule group per calendar
holds them; `diff` compares it with the calendar and `deploy` creates what is missing,
updates what changed and deletes the rest.

Calling WorkSpaces directly has limits: a refused start comes back inside FailedRequests and
is never retried, and nothing checks who is connected before a stop. With
schedule.eventbridge.function_arn the schedules invoke the streamkit function instead
(`function_schedules`, streamkit.aws.schedule.cloud), which decides like the local runner.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from streamkit.aws.schedule.calendar import is_ambiguous, localize, zone
from streamkit.aws.schedule.cloud import RECONCILE
from streamkit.aws.schedule.plan import Action
from streamkit.aws.workspace.settings import MAX_AUTOSTOP_MINUTES

_SDK = "arn:aws:scheduler:::aws-sdk:workspaces:"
TARGETS = {
    "start": (f"{_SDK}startWorkspaces", "StartWorkspaceRequests"),
    "stop": (f"{_SDK}stopWorkspaces", "StopWorkspaceRequests"),
}
MODIFY_TARGET = f"{_SDK}modifyWorkspaceProperties"
HOLD_LEAD = timedelta(minutes=2)  # AutoStop is raised this long before the start
RESTORE_LEAD = timedelta(minutes=1)  # and put back this long before the stop
MAX_EVENT_AGE = 86400  # EventBridge's ceiling, seconds
CALENDAR_TAG = "streamkit:calendar"


@dataclass(frozen=True)
class CloudSchedule:
    """One schedule as deployed: everything `deploy` sets and `diff` compares."""

    name: str
    expression: str
    timezone: str
    target_arn: str
    role_arn: str
    input: dict[str, Any]
    retry_policy: dict[str, int]
    description: str
    action_after_completion: str = "DELETE"
    state: str = "ENABLED"
    at: datetime | None = field(default=None, compare=False)

    @property
    def operation(self) -> str:
        """The WorkSpaces API the schedule calls (startWorkspaces, ...)."""
        return self.target_arn.rsplit(":", 1)[-1]

    def request(self) -> dict[str, Any]:
        """Arguments of CreateSchedule/UpdateSchedule (the group name aside)."""
        return {
            "Name": self.name,
            "ScheduleExpression": self.expression,
            "ScheduleExpressionTimezone": self.timezone,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": self.action_after_completion,
            "State": self.state,
            "Description": self.description,
            "Target": {
                "Arn": self.target_arn,
                "RoleArn": self.role_arn,
                "Input": json.dumps(self.input, sort_keys=True),
                "RetryPolicy": dict(self.retry_policy),
            },
        }

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> CloudSchedule:
        target = data.get("Target") or {}
        try:
            payload = json.loads(target.get("Input") or "{}")
        except ValueError:
            payload = {"unparsed": target.get("Input")}
        return cls(
            name=data["Name"],
            expression=data.get("ScheduleExpression", ""),
            timezone=data.get("ScheduleExpressionTimezone") or "UTC",
            target_arn=target.get("Arn", ""),
            role_arn=target.get("RoleArn", ""),
            input=payload,
            retry_policy=dict(target.get("RetryPolicy") or {}),
            description=data.get("Description") or "",
            action_after_completion=data.get("ActionAfterCompletion") or "NONE",
            state=data.get("State") or "ENABLED",
        )

    def when(self) -> str:
        return f"{self.expression} {self.timezone}"


def to_cloud_schedule(
    action: Action, workspace_id: str, role_arn: str, retry_attempts: int = 3
) -> CloudSchedule:
    """The schedule that starts or stops the WorkSpace for one action."""
    arn, field = TARGETS[action.kind]
    max_age = action.grace.total_seconds() if action.grace is not None else MAX_EVENT_AGE
    return _schedule(
        action,
        name=action.key,
        at=action.at,
        target_arn=arn,
        payload={field: [{"WorkspaceId": workspace_id}]},
        max_age=max_age,
        what=f"{action.kind} {workspace_id}",
        role_arn=role_arn,
        retry_attempts=retry_attempts,
    )


def autostop_schedule(
    action: Action,
    workspace_id: str,
    role_arn: str,
    restore_minutes: int,
    retry_attempts: int = 3,
) -> CloudSchedule:
    """Before a start: raise AutoStop to cover the window; before a stop: put it back.

    AUTO_STOP stops a WorkSpace once nobody has been connected for the timeout, even in
    the middle of a stream. The WorkSpace is STOPPED (start) or AVAILABLE (stop) at these
    times, the states in which ModifyWorkspaceProperties is accepted.
    """
    if action.kind == "start":
        hours = math.ceil((action.until - action.at).total_seconds() / 3600)
        minutes = min(max(60, hours * 60), MAX_AUTOSTOP_MINUTES)
        name, at = f"{action.key.removesuffix('-start')}-hold", action.at - HOLD_LEAD
        max_age = action.grace.total_seconds() if action.grace is not None else MAX_EVENT_AGE
        what = f"raise AutoStop of {workspace_id} to {minutes} min"
    else:
        minutes = restore_minutes
        name, at = f"{action.key.removesuffix('-stop')}-restore", action.at - RESTORE_LEAD
        max_age = MAX_EVENT_AGE
        what = f"put AutoStop of {workspace_id} back to {minutes} min"
    return _schedule(
        action,
        name=name,
        at=at,
        target_arn=MODIFY_TARGET,
        payload={
            "WorkspaceId": workspace_id,
            "WorkspaceProperties": {"RunningModeAutoStopTimeoutInMinutes": minutes},
        },
        max_age=max_age,
        what=what,
        role_arn=role_arn,
        retry_attempts=retry_attempts,
    )


def _schedule(
    action: Action,
    *,
    name: str,
    at: datetime,
    target_arn: str,
    payload: dict[str, Any],
    max_age: float,
    what: str,
    role_arn: str,
    retry_attempts: int,
) -> CloudSchedule:
    """A one-time schedule at `at`, written in the event's zone.

    A wall time that happens twice (the fall-back hour) is written in UTC instead, so that
    AWS cannot pick the other one.
    """
    first = action.occurrences[0]
    tz = first.event.tz
    local = at.astimezone(tz).replace(tzinfo=None)
    if is_ambiguous(local, tz):
        local, zone_name = at.astimezone(UTC).replace(tzinfo=None), "UTC"
    else:
        zone_name = tz.key
    return CloudSchedule(
        name=name,
        expression=f"at({local:%Y-%m-%dT%H:%M:%S})",
        timezone=zone_name,
        target_arn=target_arn,
        role_arn=role_arn,
        input=payload,
        retry_policy={
            "MaximumEventAgeInSeconds": int(min(max(max_age, 60), MAX_EVENT_AGE)),
            "MaximumRetryAttempts": retry_attempts,
        },
        description=(
            f"streamkit: {what} for {action.titles} ({first.local_start:%Y-%m-%d %H:%M} {tz.key})"
        )[:512],
        at=at,
    )


def desired(
    actions: Iterable[Action],
    workspace_id: str,
    role_arn: str,
    now: datetime,
    *,
    retry_attempts: int = 3,
    restore_minutes: int | None = None,
) -> list[CloudSchedule]:
    """Schedules still ahead of `now` (past ones would never fire), in time order.

    With `restore_minutes`, each window also gets AutoStop hold and restore schedules.
    """
    wanted = []
    for action in actions:
        wanted.append(to_cloud_schedule(action, workspace_id, role_arn, retry_attempts))
        if restore_minutes is not None:
            wanted.append(
                autostop_schedule(action, workspace_id, role_arn, restore_minutes, retry_attempts)
            )
    return sorted((s for s in wanted if s.at is not None and s.at > now), key=_order)


MAX_INPUT = 8192  # characters of a schedule target's Input


def function_schedules(
    actions: Iterable[Action],
    payload: dict[str, Any],
    function_arn: str,
    role_arn: str,
    now: datetime,
    *,
    every_minutes: int = 5,
    retry_attempts: int = 3,
) -> list[CloudSchedule]:
    """Schedules that invoke the streamkit function: one at each coming action, and one
    every few minutes (the reconcile) that retries, catches up and watches.

    Every one carries the whole payload, so that any invocation can decide alone.
    """
    from streamkit.errors import ConfigError

    size = len(json.dumps({**payload, "trigger": RECONCILE}, sort_keys=True))
    if size > MAX_INPUT:
        raise ConfigError(
            f"the plan for the function is {size} characters, more than the {MAX_INPUT} a "
            "schedule can carry",
            hint="lower schedule.horizon_days",
        )
    wanted = []
    for action in actions:
        schedule = _schedule(
            action,
            name=action.key,
            at=action.at,
            target_arn=function_arn,
            payload={**payload, "trigger": action.key},
            max_age=action.grace.total_seconds() if action.grace is not None else MAX_EVENT_AGE,
            what=f"{action.kind} {payload['workspace_id']} through the streamkit function",
            role_arn=role_arn,
            retry_attempts=retry_attempts,
        )
        if schedule.at is not None and schedule.at > now:
            wanted.append(schedule)
    wanted.sort(key=_order)
    wanted.append(
        CloudSchedule(
            name=RECONCILE,
            expression=f"rate({every_minutes} minute{'s' if every_minutes > 1 else ''})",
            timezone="UTC",
            target_arn=function_arn,
            role_arn=role_arn,
            input={**payload, "trigger": RECONCILE},
            retry_policy={
                "MaximumEventAgeInSeconds": 60 * every_minutes,
                "MaximumRetryAttempts": 0,
            },
            description=f"streamkit: look at {payload['workspace_id']} every {every_minutes} min",
            action_after_completion="NONE",
        )
    )
    return wanted


def _order(schedule: CloudSchedule) -> tuple[datetime, str]:
    return (schedule.at or datetime.min.replace(tzinfo=UTC), schedule.name)


@dataclass(frozen=True)
class Change:
    """One step of a sync: create, update (with the fields that differ) or delete."""

    op: Literal["create", "update", "delete"]
    name: str
    schedule: CloudSchedule | None = None
    fields: tuple[str, ...] = ()

    def describe(self) -> str:
        when = f" {self.schedule.when()}" if self.schedule else ""
        what = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.op:6} {self.name}{when}{what}"


_COMPARED = (
    "expression",
    "timezone",
    "target_arn",
    "role_arn",
    "input",
    "retry_policy",
    "description",
    "action_after_completion",
    "state",
)


def scheduled_at(schedule: CloudSchedule) -> datetime | None:
    """When a deployed one-time schedule fires (its `at()` in its zone); None otherwise."""
    if schedule.at is not None:
        return schedule.at
    text = schedule.expression
    if not (text.startswith("at(") and text.endswith(")")):
        return None
    try:
        local = datetime.fromisoformat(text[3:-1])
        return localize(local, zone(schedule.timezone))
    except ValueError:
        return None


def diff(
    wanted: Iterable[CloudSchedule],
    deployed: Iterable[CloudSchedule],
    keep_before: datetime | None = None,
) -> list[Change]:
    """What deploy would do: creates and updates in time order, then deletes by name.

    A deployed schedule due before `keep_before` (deploy --from) is out of sight, and kept.
    """
    have = {s.name: s for s in deployed}
    if keep_before is not None:
        kept = {n for n, s in have.items() if (at := scheduled_at(s)) and at < keep_before}
        have = {n: s for n, s in have.items() if n not in kept}
    changes: list[Change] = []
    names = set()
    for schedule in wanted:
        names.add(schedule.name)
        current = have.get(schedule.name)
        if current is None:
            changes.append(Change("create", schedule.name, schedule))
            continue
        differ = tuple(f for f in _COMPARED if getattr(current, f) != getattr(schedule, f))
        if differ:
            changes.append(Change("update", schedule.name, schedule, differ))
    stale = sorted(set(have) - names)
    changes.extend(Change("delete", name, have[name]) for name in stale)
    return changes
