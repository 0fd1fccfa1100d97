"""The next scheduled start and stop of the WorkSpace: in the local runner's jobs or deployed."""

from __future__ import annotations

from datetime import datetime

from streamkit.doctor.core import CheckResult, DoctorContext, Skip, Status


def deployed_names(ctx: DoctorContext) -> set[str]:
    """Names of the EventBridge schedules of the calendar's group (empty when not deployed)."""
    from streamkit.aws.schedule.group import ScheduleGroup

    if "deployed" not in ctx.facts:
        name = ctx.config.schedule.eventbridge.group or f"streamkit-{ctx.config.calendar.name}"
        group = ScheduleGroup(ctx.aws("scheduler"), name)
        ctx.facts["deployed"] = {s.name for s in group.schedules()}
    return ctx.facts["deployed"]


def local_keys(ctx: DoctorContext) -> set[str]:
    """Action keys of the jobs in the local runner's job store."""
    from streamkit.aws.schedule.driver import read_jobs

    return {job.key for job in read_jobs(ctx.config.schedule.runner.jobstore.expanduser())}


def check_schedule(ctx: DoctorContext) -> CheckResult:
    """The event's start (unless it is past) and stop are scheduled somewhere."""
    from streamkit.aws.schedule.plan import plan

    if not ctx.config.calendar.events:
        raise Skip("not configured (no calendar.events)")
    event = ctx.event
    if event is None:
        raise Skip(f"no event in the next {ctx.config.schedule.horizon_days} days")
    now = ctx.clock()
    calendar = ctx.config.calendar.to_calendar()
    actions = [
        a
        for a in plan(calendar, now - event.event.warmup, event.end + event.event.cooldown)
        if event in a.occurrences and (a.at >= now or a.kind == "stop")
    ]
    if not actions:
        raise Skip(f"nothing left to schedule for {event.title}")
    local = local_keys(ctx)
    deploy = bool(ctx.config.schedule.eventbridge.role_arn)
    deployed = deployed_names(ctx) if deploy else set()
    found, missing = [], []
    for action in actions:
        where = [
            w
            for w, keys in (("local runner", local), ("EventBridge", deployed))
            if action.key in keys
        ]
        line = f"{action.kind} {_when(action.at)}"
        (found if where else missing).append(f"{line} ({', '.join(where)})" if where else line)
    if missing:
        return CheckResult(
            "schedule",
            Status.WARN,
            f"{event.title}: not scheduled: {'; '.join(missing)}",
            "run `streamkit schedule deploy` (EventBridge, needs schedule.eventbridge.role_arn) "
            "or keep `streamkit schedule run` going on an always-on machine"
            + ("" if deploy else "; no role_arn, so deployed schedules were not looked at"),
            details=[f"scheduled: {line}" for line in found],
        )
    return CheckResult("schedule", Status.PASS, f"{event.title}: {'; '.join(found)}")


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"
