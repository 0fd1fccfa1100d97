"""AWS checks: credentials and region, the WorkSpace, and its AutoStop timeout versus the event."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from streamkit.aws.errors import AwsError, aws_call
from streamkit.aws.workspace.logon import WAITING
from streamkit.doctor.core import CheckResult, DoctorContext, Skip, Status

if TYPE_CHECKING:
    from streamkit.aws.schedule.calendar import Occurrence
    from streamkit.aws.workspace.api import WorkspaceManager

BROKEN = {"ERROR", "UNHEALTHY", "IMPAIRED", "SUSPENDED", "TERMINATING", "TERMINATED"}
GPU_BOOT = "GPU bundles cold-boot: allow 15-30 min"


def workspace_configured(ctx: DoctorContext) -> bool:
    s = ctx.config.workspace
    return bool(s.workspace_id or s.directory_id)


def check_credentials(ctx: DoctorContext) -> CheckResult:
    """STS GetCallerIdentity works with the credentials and region streamkit would use."""
    if not workspace_configured(ctx):
        raise Skip("not configured (workspace.directory_id or workspace.workspace_id)")
    try:
        sts = ctx.aws("sts")
        with aws_call("GetCallerIdentity"):
            identity = sts.get_caller_identity()
    except AwsError as exc:
        ctx.aws_error = exc
        return CheckResult(
            "aws.credentials",
            Status.FAIL,
            exc.message,
            exc.hint or "check AWS_PROFILE / AWS_ACCESS_KEY_ID and workspace.region",
        )
    return CheckResult(
        "aws.credentials",
        Status.PASS,
        f"{identity.get('Arn', '?')} (account {identity.get('Account', '?')}), "
        f"region {sts.meta.region_name}",
    )


def workspace_manager(ctx: DoctorContext) -> WorkspaceManager:
    from streamkit.aws.workspace.api import WorkspaceManager

    if "workspace_manager" not in ctx.facts:
        ctx.facts["workspace_manager"] = WorkspaceManager(
            ctx.aws("workspaces"), ctx.config.workspace, clock=ctx.clock
        )
    return ctx.facts["workspace_manager"]


def check_workspace(ctx: DoctorContext) -> CheckResult:
    """The WorkSpace exists, is usable, runs in the configured mode, and no stop is pending."""
    result = _check_workspace(ctx)
    info = ctx.facts.get("workspace")
    if info is None:
        return result
    from streamkit.aws.schedule.pending import all_pending_stops

    schedule = ctx.config.schedule
    pending = all_pending_stops(
        schedule.runner.jobstore.expanduser(),
        schedule.retry_policy(),
        workspace_manager(ctx).tags(info.workspace_id),
    )
    if not pending:
        return result
    now = ctx.clock()
    lines = [f"STOP PENDING: {stop.summary(now)}" for stop in pending]
    status = Status.FAIL if result.status == Status.FAIL else Status.WARN
    return CheckResult(
        result.name,
        status,
        f"{result.summary}; {len(pending)} stop(s) pending: it keeps running and billing",
        "let the person connected disconnect (the stop is retried), or take it over with "
        "`streamkit schedule ack`" + (f"; {result.fix}" if result.fix else ""),
        details=[*lines, *result.details],
    )


def _check_workspace(ctx: DoctorContext) -> CheckResult:
    if not workspace_configured(ctx):
        raise Skip("not configured (workspace.directory_id or workspace.workspace_id)")
    manager = workspace_manager(ctx)
    info = manager.find()
    if info is None:
        s = ctx.config.workspace
        return CheckResult(
            "aws.workspace",
            Status.FAIL,
            f"no WorkSpace for user {s.user_name or '?'} in directory {s.directory_id or '?'} "
            f"({manager.region})" + (f"; {s.workspace_id} is not listed" if s.workspace_id else ""),
            "run `streamkit workspace provision`, or fix workspace.workspace_id",
        )
    ctx.facts["workspace"] = info
    wanted = ctx.config.workspace.running_mode
    summary = f"{info.workspace_id} is {info.state}, {info.running_mode or '?'}"
    if info.running_mode == "AUTO_STOP" and info.auto_stop_minutes:
        summary += f" (AutoStop {info.auto_stop_minutes} min)"
    if info.state in BROKEN:
        return CheckResult(
            "aws.workspace",
            Status.FAIL,
            summary + (f": {info.error}" if info.error else ""),
            "reboot it (`aws workspaces reboot-workspaces`) or, if that fails, rebuild it; "
            "OBS on it is unusable meanwhile",
        )
    if info.running_mode and info.running_mode != wanted:
        return CheckResult(
            "aws.workspace",
            Status.WARN,
            f"{summary}; the config says {wanted}",
            f"run `streamkit workspace mode {wanted}`, or change workspace.running_mode",
        )
    if info.state != "AVAILABLE":
        return CheckResult(
            "aws.workspace",
            Status.WARN,
            f"{summary}: not running yet",
            f"run `streamkit workspace start --wait` ({GPU_BOOT}), or let the schedule start it",
        )
    if _first_logon_pending(ctx, info.workspace_id):
        ctx.facts["first_logon_pending"] = True
        return CheckResult(
            "aws.workspace",
            Status.PASS,
            f"{summary}; {WAITING}",
            details=["OBS is not expected to answer until then"],
        )
    return CheckResult("aws.workspace", Status.PASS, summary)


def _first_logon_pending(ctx: DoctorContext, workspace_id: str) -> bool:
    """Started by the schedule (local runner or function) and nobody connected since."""
    from streamkit.aws.schedule.ledger import Ledger
    from streamkit.aws.schedule.tagledger import records_of
    from streamkit.aws.workspace.logon import first_logon_pending

    manager = workspace_manager(ctx)
    records = list(records_of(manager.tags(workspace_id)).values())
    jobstore = ctx.config.schedule.runner.jobstore.expanduser()
    if jobstore.is_file():
        records += Ledger(jobstore).records().values()
    starts = [r.last_attempt for r in records if r.kind == "start" and r.state == "done"]
    recent = [t for t in starts if ctx.clock() - t < timedelta(days=1)]
    if not recent:
        return False
    return first_logon_pending(manager.connection(workspace_id), max(recent))


def check_autostop(ctx: DoctorContext) -> CheckResult:
    """An AUTO_STOP WorkSpace cannot stop mid-event: timeout, hold or deployed hold covers it."""
    from streamkit.aws.workspace.hold import current_hold

    if not workspace_configured(ctx):
        raise Skip("not configured (workspace.directory_id or workspace.workspace_id)")
    info = ctx.facts.get("workspace")
    if info is None:
        raise Skip("no WorkSpace to look at (see aws.workspace)")
    if info.running_mode == "ALWAYS_ON":
        return CheckResult("aws.autostop", Status.PASS, "ALWAYS_ON: it never stops by itself")
    event = ctx.event
    if event is None:
        raise Skip("not configured (no calendar event ahead to compare with)")
    now = ctx.clock()
    # nobody need be connected: AutoStop then counts from the (scheduled) start of the WorkSpace
    length = event.end - max(now, event.power_on)
    timeout = timedelta(minutes=info.auto_stop_minutes or 60)
    what = (
        f"{event.title} ends {event.end:%Y-%m-%d %H:%M} UTC, {_hours(length)} after the "
        "WorkSpace starts for it"
    )
    if event.power_on < now:
        what = f"{event.title} is on until {event.end:%H:%M} UTC, {_hours(length)} from now"
    held = current_hold(workspace_manager(ctx), info.workspace_id)
    if held and held.until and held.until >= event.end:
        return CheckResult(
            "aws.autostop",
            Status.PASS,
            f"held until {held.until:%Y-%m-%d %H:%M %Z} (AutoStop {timeout // timedelta(minutes=1)}"
            f" min); {what}",
        )
    if timeout >= length:
        return CheckResult(
            "aws.autostop",
            Status.PASS,
            f"AutoStop {_hours(timeout)} covers the event: {what}",
        )
    if _deployed_hold(ctx, event):
        return CheckResult(
            "aws.autostop",
            Status.PASS,
            f"AutoStop {_hours(timeout)} is raised by the deployed schedule before the start; "
            f"{what}",
        )
    return CheckResult(
        "aws.autostop",
        Status.WARN,
        f"AutoStop {_hours(timeout)} is shorter than the event: {what}; if every client "
        "disconnects, the WorkSpace stops mid-stream",
        f"run `streamkit workspace hold --until {event.end.isoformat()}`, deploy schedules with "
        "schedule.eventbridge.hold_autostop, or keep a client connected",
    )


def _deployed_hold(ctx: DoctorContext, event: Occurrence) -> bool:
    """Whether EventBridge holds the timeout for this event (only when deploys do so)."""
    from streamkit.doctor.checks_schedule import deployed_names

    bridge = ctx.config.schedule.eventbridge
    if not (bridge.role_arn and bridge.hold_autostop) or event.start < ctx.clock():
        return False
    return f"{event.key}-hold" in deployed_names(ctx)


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}m" if rest else f"{hours}h"
