"""Keep an AUTO_STOP WorkSpace up through an event, and put its AutoStop timeout back after.

AUTO_STOP stops a WorkSpace once its client has been disconnected for the timeout, even in
the middle of a stream. `hold` raises the timeout so that it cannot stop before `until`, and
remembers the original value in the WorkSpace's own tags, so that `release` (run by hand,
by the scheduler, or by `stop`) restores it from any machine.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from streamkit.aws.errors import AwsActionFailed, AwsError, aws_call
from streamkit.aws.workspace.api import MAX_AUTOSTOP_MINUTES, WorkspaceInfo, WorkspaceManager
from streamkit.errors import UsageError

log = logging.getLogger(__name__)

RESTORE_TAG = "streamkit:autostop-restore"
UNTIL_TAG = "streamkit:hold-until"


@dataclass(frozen=True)
class Hold:
    """A hold in place: the timeout to restore and when the hold ends."""

    restore_minutes: int
    until: datetime | None


def hold_minutes(now: datetime, until: datetime) -> int:
    """The AutoStop timeout (whole hours, in minutes) that keeps a WorkSpace up until `until`."""
    if until.tzinfo is None:
        raise UsageError("the hold's end time needs a time zone (e.g. 2026-03-05T21:00+01:00)")
    seconds = (until - now).total_seconds()
    if seconds <= 0:
        raise UsageError(f"{until.isoformat()} is in the past")
    minutes = max(60, math.ceil(seconds / 3600) * 60)
    if minutes > MAX_AUTOSTOP_MINUTES:
        raise UsageError(
            f"a hold can last at most {MAX_AUTOSTOP_MINUTES // 60} hours "
            f"(the longest AutoStop time); {until.isoformat()} is further away"
        )
    return minutes


def current_hold(manager: WorkspaceManager, workspace_id: str) -> Hold | None:
    """The hold recorded in the WorkSpace's tags, if any."""
    tags = manager.tags(workspace_id)
    if RESTORE_TAG not in tags:
        return None
    try:
        restore = int(tags[RESTORE_TAG])
    except ValueError:
        raise AwsActionFailed(
            f"tag {RESTORE_TAG} of {workspace_id} is {tags[RESTORE_TAG]!r}, not minutes",
            hint="fix or delete the tag, then set the timeout with `workspace release --minutes`",
        ) from None
    return Hold(restore, _until(tags.get(UNTIL_TAG), workspace_id))


def _until(text: str | None, workspace_id: str) -> datetime | None:
    """The hold's end from its tag; a tag someone edited badly is ignored, with a warning
    (restoring the timeout and stopping never depend on it)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        log.warning("tag %s of %s is %r, not a time: ignored", UNTIL_TAG, workspace_id, text)
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hold(
    manager: WorkspaceManager, until: datetime, *, keep_later: bool = False
) -> tuple[WorkspaceInfo, Hold, int]:
    """Raise the AutoStop timeout so the WorkSpace stays up until `until`.

    Returns the WorkSpace, the hold (with the timeout to restore) and the new timeout.
    Holding again keeps the original timeout to restore, not the raised one. With
    `keep_later` (a scheduled start) a hold already reaching past `until` is kept as it is
    (an operator's longer hold is never shortened); an operator's own `workspace hold`
    replaces the end.
    """
    info = manager.require()
    if info.running_mode != "AUTO_STOP":
        raise AwsActionFailed(
            f"{info.workspace_id} runs {info.running_mode or 'in an unknown mode'}: "
            "only AUTO_STOP WorkSpaces stop by themselves, so there is nothing to hold"
        )
    previous = current_hold(manager, info.workspace_id)
    if keep_later and previous is not None and previous.until is not None:
        until = max(until, previous.until)
    minutes = hold_minutes(manager.clock(), until)
    restore = previous.restore_minutes if previous else (info.auto_stop_minutes or 60)
    _tag(manager, info.workspace_id, {RESTORE_TAG: str(restore), UNTIL_TAG: until.isoformat()})
    manager.modify_properties(info.workspace_id, RunningModeAutoStopTimeoutInMinutes=minutes)
    return info, Hold(restore, until), minutes


def release(manager: WorkspaceManager, minutes: int | None = None) -> int | None:
    """Put the AutoStop timeout back (to `minutes` when given) and forget the hold.

    Returns the timeout set, or None when there was no hold and no `minutes`.
    """
    info = manager.require()
    held = current_hold(manager, info.workspace_id)
    target = minutes if minutes is not None else (held.restore_minutes if held else None)
    if target is None:
        return None
    if target % 60 or not 60 <= target <= MAX_AUTOSTOP_MINUTES:
        raise UsageError(f"an AutoStop timeout is 60 to {MAX_AUTOSTOP_MINUTES} minutes, in hours")
    if info.running_mode == "AUTO_STOP":
        manager.modify_properties(info.workspace_id, RunningModeAutoStopTimeoutInMinutes=target)
    if held:
        try:
            with aws_call("DeleteTags"):
                manager.client.delete_tags(
                    ResourceId=info.workspace_id, TagKeys=[RESTORE_TAG, UNTIL_TAG]
                )
        except AwsError as exc:  # no hidden half state: say what is left, and how to clear it
            raise AwsActionFailed(
                f"the AutoStop timeout is back to {target} min, but the tags {RESTORE_TAG} and "
                f"{UNTIL_TAG} are left over on {info.workspace_id} ({exc.message})",
                hint="`streamkit workspace status` shows them; run `streamkit workspace "
                "release` again to remove them",
            ) from None
    return target


def is_leftover(hold: Hold, info: WorkspaceInfo, now: datetime | None = None) -> bool:
    """The hold's tags outlived its release: the timeout is already the one to restore.

    A hold still running at `now` that never needed a higher timeout (under an hour on a
    60-minute timeout) is live, not left over: its tag still keeps a scheduled stop off.
    """
    if info.running_mode != "AUTO_STOP":
        return True
    if info.auto_stop_minutes != hold.restore_minutes:
        return False
    if hold.until is None or now is None or hold.until <= now:
        return True
    needed = max(60, math.ceil((hold.until - now).total_seconds() / 3600) * 60)
    return needed > hold.restore_minutes


def _tag(manager: WorkspaceManager, workspace_id: str, tags: dict[str, str]) -> None:
    with aws_call("CreateTags"):
        manager.client.create_tags(
            ResourceId=workspace_id, Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )
