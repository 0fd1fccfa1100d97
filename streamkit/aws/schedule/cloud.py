"""The cloud side of the schedule: an AWS Lambda handler that decides like the local runner.

EventBridge Scheduler invokes it at each planned start and stop and every few minutes
(`reconcile`); each invocation carries the planned actions and the settings, made by
`streamkit schedule deploy`. It runs the same Runner over the same pure decisions as
`schedule run`: the connected interlock and the hold before a stop, retries, a stop that
stays pending, a late start while the event is on, a WorkSpace running outside every window
stopped and reported. Its ledger is the WorkSpace's tags (tagledger). It cannot ask OBS
whether it is live (OBS's websocket is never open to the internet): a connected client or
`workspace hold --until` keeps the WorkSpace up.

Runs on the Lambda Python runtime with nothing but boto3: it imports no pydantic, yaml,
dateutil rules or APScheduler.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from streamkit.aws.schedule.calendar import Event, Occurrence
from streamkit.aws.schedule.plan import Action, RetryPolicy, pending_stops, utcnow

log = logging.getLogger(__name__)
PAYLOAD_VERSION = 1
RECONCILE = "reconcile"  # the trigger of the schedule invoking the function every few minutes


@dataclass(frozen=True)
class CloudSettings:
    """What the function needs of the WorkSpace settings (WorkspaceManager reads these)."""

    workspace_id: str
    region: str
    directory_id: str = ""
    user_name: str = ""
    name: str = "stream"
    poll_interval: float = 10.0
    start_timeout_minutes: float = 45.0


# --- the payload, written by `schedule deploy` ---------------------------------------------


def action_to_dict(action: Action) -> dict[str, Any]:
    return {
        "kind": action.kind,
        "at": action.at.isoformat(),
        "key": action.key,
        "until": action.until.isoformat(),
        "grace_s": None if action.grace is None else int(action.grace.total_seconds()),
        "title": action.titles,
        "tz": action.occurrences[0].event.tz.key,
    }


def action_from_dict(data: dict[str, Any]) -> Action:
    at = datetime.fromisoformat(data["at"])
    tz = ZoneInfo(data["tz"])
    wall = at.astimezone(tz).replace(tzinfo=None)
    event = Event(id=data["key"], tz=tz, start=wall, title=data["title"])
    grace = data.get("grace_s")
    return Action(
        data["kind"],
        at,
        data["key"],
        (Occurrence(event, at, wall),),
        datetime.fromisoformat(data["until"]),
        None if grace is None else timedelta(seconds=grace),
    )


def make_payload(
    actions: list[Action],
    settings: CloudSettings,
    policy: RetryPolicy,
    *,
    calendar: str,
    outside_after: timedelta | None,
    sns_topic_arn: str | None,
) -> dict[str, Any]:
    """The Input of every schedule that invokes the function."""
    return {
        "streamkit": PAYLOAD_VERSION,
        "calendar": calendar,
        "workspace_id": settings.workspace_id,
        "region": settings.region,
        "policy": {
            "every_s": int(policy.every.total_seconds()),
            "limit": policy.limit,
            "max_every_s": int(policy.max_every.total_seconds()),
        },
        "outside_after_s": None if outside_after is None else int(outside_after.total_seconds()),
        "sns_topic_arn": sns_topic_arn,
        "actions": [action_to_dict(a) for a in actions],
    }


# --- the handler ---------------------------------------------------------------------------


def handler(event: dict[str, Any], context: Any = None, *, clock: Any = utcnow) -> dict[str, Any]:
    """Lambda entry point: perform what is due for the WorkSpace, then report.

    `event` is the payload (plus `trigger`, the schedule that fired). Returns a summary
    (also logged) that the function's CloudWatch log keeps.
    """
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):  # in Lambda: INFO lines reach CloudWatch
        logging.getLogger("streamkit").setLevel(logging.INFO)
    if event.get("streamkit") != PAYLOAD_VERSION:
        raise ValueError(
            f"payload version {event.get('streamkit')!r}: redeploy with `schedule deploy`"
        )
    runner = build_runner(event, clock=clock)
    done = runner.run_due()
    pending = pending_stops(runner.ledger.records().values(), runner.policy, "cloud function")
    now = clock()
    summary = {
        "trigger": event.get("trigger", RECONCILE),
        "workspace_id": event["workspace_id"],
        "ran": [f"{r.kind} {r.key}: {r.state} - {r.detail}" for r in done],
        "pending_stops": [p.summary(now) for p in pending],
    }
    log.info("streamkit function: %s", summary)
    _prune(runner, now)
    return summary


def build_runner(event: dict[str, Any], *, clock: Any = utcnow, client: Any = None) -> Any:
    """The Runner the function uses: actions from the payload, tags as ledger, no waiting."""
    from streamkit.aws.schedule.control import AwsWorkspace
    from streamkit.aws.schedule.runner import Runner
    from streamkit.aws.schedule.tagledger import TagLedger
    from streamkit.aws.session import make_client
    from streamkit.aws.workspace.api import WorkspaceManager

    settings = CloudSettings(workspace_id=event["workspace_id"], region=event["region"])
    manager = WorkspaceManager(
        client or make_client("workspaces", settings.region, retry_mode="standard"),
        settings,  # type: ignore[arg-type]  # the fields WorkspaceManager reads
        clock=clock,
    )
    policy = RetryPolicy(
        timedelta(seconds=event["policy"]["every_s"]),
        event["policy"]["limit"],
        timedelta(seconds=event["policy"]["max_every_s"]),
    )
    # every deploy updates the reconcile's plan, while a one-off schedule kept by `deploy
    # --from` may carry an older one: only the reconcile watches the WorkSpace outside the
    # windows and drops stops that are no longer planned
    reconcile = event.get("trigger", RECONCILE) == RECONCILE
    outside = event.get("outside_after_s") if reconcile else None
    return Runner(
        [action_from_dict(a) for a in event["actions"]],
        AwsWorkspace(manager, obs_live=None, wait=False),
        TagLedger(manager, settings.workspace_id),
        policy=policy,
        clock=clock,
        notify=_notifier(event.get("sns_topic_arn")),
        outside_after=None if outside is None else timedelta(seconds=outside),
        name=event.get("calendar", ""),
        drop_unplanned=reconcile,
        confirm_boot=reconcile,  # it does not wait for a start: the reconcile checks the boot
    )


def _notifier(topic: str | None) -> Any:
    if not topic:
        return None
    from streamkit.aws.notify import sns_notifier
    from streamkit.aws.session import make_client

    return sns_notifier(make_client("sns", topic.split(":")[3], retry_mode="standard"), topic)


def _prune(runner: Any, now: datetime) -> None:
    """Forget finished records of actions long past: a WorkSpace holds at most 50 tags."""
    from streamkit.aws.schedule.plan import FINISHED

    keys = {a.key for a in runner.actions(now)}
    for key, record in runner.ledger.records().items():
        old = now - record.last_attempt > timedelta(days=2)
        if record.state in FINISHED and old and key not in keys:
            runner.ledger.forget(key)
