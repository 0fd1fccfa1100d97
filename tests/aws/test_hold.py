"""hold raises the AutoStop timeout for an event and remembers the original in a tag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from streamkit.aws.errors import AwsActionFailed
from streamkit.aws.workspace.api import WorkspaceManager
from streamkit.aws.workspace.hold import (
    RESTORE_TAG,
    UNTIL_TAG,
    current_hold,
    hold,
    hold_minutes,
    release,
)
from streamkit.aws.workspace.provision import provision
from streamkit.aws.workspace.settings import WorkspaceSettings
from streamkit.errors import UsageError

NOW = datetime(2026, 3, 5, 17, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "until,minutes",
    [
        (NOW + timedelta(minutes=5), 60),
        (NOW + timedelta(hours=1), 60),
        (NOW + timedelta(hours=1, seconds=1), 120),
        (NOW + timedelta(hours=4, minutes=50), 300),
        (NOW + timedelta(hours=48), 2880),
    ],
)
def test_hold_minutes_are_whole_hours_reaching_past_until(until, minutes):
    assert hold_minutes(NOW, until) == minutes


@pytest.mark.parametrize(
    "until,message",
    [
        (NOW - timedelta(minutes=1), "in the past"),
        (NOW + timedelta(hours=48, minutes=1), "at most 48 hours"),
        (datetime(2026, 3, 5, 22, 0), "needs a time zone"),
    ],
)
def test_impossible_holds_are_usage_errors(until, message):
    with pytest.raises(UsageError, match=message):
        hold_minutes(NOW, until)


@pytest.fixture
def manager(moto):
    settings = WorkspaceSettings(
        region="us-east-1",
        directory_id=moto.directory(),
        user_name="alice",
        auto_stop_timeout_minutes=120,
        poll_interval=0.05,
    )
    manager = WorkspaceManager(moto.client("workspaces"), settings, clock=lambda: NOW)
    provision(manager)
    return manager


def _timeout(manager):
    return manager.require().auto_stop_minutes


def test_hold_then_release_restores_the_original_timeout(manager):
    until = NOW + timedelta(hours=5, minutes=20)
    info, held, minutes = hold(manager, until)
    assert (minutes, held.restore_minutes) == (360, 120)
    assert _timeout(manager) == 360
    assert manager.tags(info.workspace_id)[RESTORE_TAG] == "120"
    assert current_hold(manager, info.workspace_id).until == until

    _, again, minutes = hold(manager, until + timedelta(hours=2))  # a second hold
    assert (minutes, again.restore_minutes) == (480, 120)  # still restores the original

    assert release(manager) == 120
    assert _timeout(manager) == 120
    tags = manager.tags(info.workspace_id)
    assert RESTORE_TAG not in tags and UNTIL_TAG not in tags
    assert release(manager) is None  # nothing left to release


def test_release_with_explicit_minutes(manager):
    assert release(manager, 180) == 180
    assert _timeout(manager) == 180
    with pytest.raises(UsageError, match="60 to 2880 minutes"):
        release(manager, 90)


def test_hold_on_always_on_is_refused(manager):
    manager.modify_properties(manager.require().workspace_id, RunningMode="ALWAYS_ON")
    with pytest.raises(AwsActionFailed, match="nothing to hold"):
        hold(manager, NOW + timedelta(hours=2))


def test_cli_hold_status_and_stop_releases(moto, config_file, cli):
    config = config_file(directory_id=moto.directory())
    assert cli(config, "provision").returncode == 0
    until = (datetime.now(UTC) + timedelta(hours=2, minutes=30)).replace(microsecond=0)
    held = cli(config, "hold", "--until", until.isoformat())
    assert held.returncode == 0, held.stderr
    assert "AutoStop timeout 180 min" in held.stdout
    assert moto.workspaces()[0]["WorkspaceProperties"]["RunningModeAutoStopTimeoutInMinutes"] == 180

    status = cli(config, "status")
    assert f"until {until.isoformat()}, then back to 60 min" in status.stdout

    stopped = cli(config, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert "AutoStop timeout put back to 60 min" in stopped.stdout
    assert moto.workspaces()[0]["WorkspaceProperties"]["RunningModeAutoStopTimeoutInMinutes"] == 60

    bad = cli(config, "hold", "--until", "tomorrow evening")
    assert bad.returncode == 2 and "expected an ISO time" in bad.stderr


def test_release_whose_tag_removal_fails_reports_the_leftover_tags(moto, manager):
    from streamkit.aws.workspace.status import fetch_status

    hold(manager, NOW + timedelta(hours=3))
    moto.control(fail_next={"DeleteTags": {"ErrorCode": "InternalFailure", "ErrorMessage": "x"}})
    with pytest.raises(AwsActionFailed) as failed:
        release(manager)
    assert "AutoStop timeout is back to 120 min" in failed.value.message
    assert f"the tags {RESTORE_TAG} and {UNTIL_TAG} are left over" in failed.value.message
    assert "workspace release" in failed.value.hint
    assert _timeout(manager) == 120
    status = fetch_status(manager)
    assert status.hold is not None and status.hold_leftover
    assert release(manager) == 120  # run again: the tags go
    assert fetch_status(manager).hold is None


def test_cli_status_shows_a_leftover_hold(moto, config_file, cli):
    config = config_file(directory_id=moto.directory())
    assert cli(config, "provision").returncode == 0
    until = (datetime.now(UTC) + timedelta(hours=2, minutes=30)).replace(microsecond=0)
    assert cli(config, "hold", "--until", until.isoformat()).returncode == 0
    moto.control(fail_next={"DeleteTags": {"ErrorCode": "InternalFailure", "ErrorMessage": "x"}})
    released = cli(config, "release")
    assert released.returncode == 6 and "left over" in released.stderr
    status = cli(config, "status")
    assert "LEFT OVER: AutoStop is already back to 60 min" in status.stdout, status.stdout


def test_a_live_hold_that_needed_no_raise_is_not_reported_left_over():
    """A hold under an hour on a 60-minute timeout leaves the timeout at 60: it is live."""
    from streamkit.aws.workspace.api import WorkspaceInfo
    from streamkit.aws.workspace.hold import Hold, is_leftover

    info = WorkspaceInfo("ws-1", "AVAILABLE", running_mode="AUTO_STOP", auto_stop_minutes=60)
    live = Hold(60, NOW + timedelta(minutes=40))
    assert not is_leftover(live, info, NOW)
    assert is_leftover(live, info, NOW + timedelta(minutes=41))  # its end has passed
    raised = Hold(60, NOW + timedelta(hours=3))  # a hold that had to raise it: not raised now
    assert is_leftover(raised, info, NOW)


@pytest.mark.parametrize("state", ["STOPPED", "STOPPING"])
def test_stopping_a_stopped_workspace_keeps_a_hold_still_in_force(moto, manager, state):
    """A scheduled stop finding the WorkSpace already stopped does not remove an operator's
    hold still in force (nothing streamkit does removes one)."""
    from streamkit.aws.schedule.control import AwsWorkspace

    until = NOW + timedelta(hours=3)
    info, _, _ = hold(manager, until)
    moto.control(workspace_id=info.workspace_id, state=state)
    said = AwsWorkspace(manager, wait=False).stop()
    assert f"was already {state}" in said
    assert current_hold(manager, info.workspace_id).until == until
    assert _timeout(manager) == 180


def test_stopping_a_stopped_workspace_releases_a_hold_that_ended(moto, manager):
    from streamkit.aws.schedule.control import AwsWorkspace

    info, _, _ = hold(manager, NOW + timedelta(hours=3))
    later = NOW + timedelta(hours=4)
    manager.clock = lambda: later
    moto.control(workspace_id=info.workspace_id, state="STOPPED")
    AwsWorkspace(manager, wait=False).stop()
    assert current_hold(manager, info.workspace_id) is None


def test_a_start_never_shortens_a_longer_hold(moto, manager):
    """A scheduled start (a boot retry too) holds until its window's end, but an operator's
    hold reaching further is kept."""
    from streamkit.aws.schedule.control import AwsWorkspace

    longer = NOW + timedelta(hours=6)
    info, _, _ = hold(manager, longer)
    moto.control(workspace_id=info.workspace_id, state="STOPPED")
    said = AwsWorkspace(manager, wait=False).start(NOW + timedelta(hours=2))
    assert current_hold(manager, info.workspace_id).until == longer
    assert _timeout(manager) == 360
    assert f"until {longer:%Y-%m-%d %H:%M} UTC" in said
    moto.control(workspace_id=info.workspace_id, state="STOPPED")
    further = NOW + timedelta(hours=8)
    AwsWorkspace(manager, wait=False).start(further)
    assert current_hold(manager, info.workspace_id).until == further
