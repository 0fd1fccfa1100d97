"""The local runner against the moto server, with an injected clock: start, stop, interlock."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from streamkit.aws.schedule.calendar import Calendar
from streamkit.aws.schedule.control import AwsWorkspace
from streamkit.aws.schedule.ledger import Ledger
from streamkit.aws.schedule.plan import RetryPolicy
from streamkit.aws.schedule.runner import Runner
from streamkit.aws.workspace.api import WorkspaceManager
from streamkit.aws.workspace.hold import RESTORE_TAG
from streamkit.aws.workspace.settings import WorkspaceSettings
from tests.aws.conftest import REGION
from tests.aws.schedule_support import (
    MEETUP,
    MIN,
    POWER_OFF,
    POWER_ON,
    FakeClock,
    describe,
    stopped_workspace,
)


@pytest.fixture
def workspace_id(moto) -> str:
    return stopped_workspace(moto)


def make_runner(moto, workspace_id, tmp_path, clock) -> Runner:
    """A fresh runner, as after a process (re)start: only the SQLite file carries over."""
    settings = WorkspaceSettings(region=REGION, workspace_id=workspace_id, poll_interval=0.05)
    manager = WorkspaceManager(
        moto.client("workspaces"), settings, clock=clock, sleep=lambda s: time.sleep(min(s, 0.05))
    )
    return Runner(
        Calendar("meetup", (MEETUP,)),
        AwsWorkspace(manager),
        Ledger(tmp_path / "schedule.sqlite"),
        policy=RetryPolicy(every=timedelta(minutes=10), limit=6),
        clock=clock,
    )


def tags(moto, workspace_id) -> dict[str, str]:
    answer = moto.client("workspaces").describe_tags(ResourceId=workspace_id)
    return {t["Key"]: t["Value"] for t in answer["TagList"]}


def test_start_at_warmup_then_restart_then_stop_after_cooldown(moto, workspace_id, tmp_path):
    clock = FakeClock(POWER_ON - MIN)
    runner = make_runner(moto, workspace_id, tmp_path, clock)
    assert runner.run_due() == []
    assert describe(moto, workspace_id)["State"] == "STOPPED"

    clock.now = POWER_ON
    (started,) = runner.run_due()
    assert started.state == "done", started.detail
    ws = describe(moto, workspace_id)
    assert ws["State"] == "AVAILABLE"
    assert ws["WorkspaceProperties"]["RunningModeAutoStopTimeoutInMinutes"] == 180
    assert tags(moto, workspace_id)[RESTORE_TAG] == "60"

    del runner  # the process is killed; a new one starts later
    clock.now = POWER_OFF - MIN
    restarted = make_runner(moto, workspace_id, tmp_path, clock)
    assert restarted.run_due() == []
    clock.now = POWER_OFF
    (stopped,) = restarted.run_due()
    assert stopped.state == "done", stopped.detail
    ws = describe(moto, workspace_id)
    assert ws["State"] in ("STOPPING", "STOPPED")
    assert ws["WorkspaceProperties"]["RunningModeAutoStopTimeoutInMinutes"] == 60
    assert RESTORE_TAG not in tags(moto, workspace_id)


def test_refused_stop_is_retried_and_happens_once_the_user_disconnects(
    moto, workspace_id, tmp_path
):
    clock = FakeClock(POWER_ON + 10 * MIN)  # the process slept through the start time
    runner = make_runner(moto, workspace_id, tmp_path, clock)
    assert runner.run_due()[0].state == "done"
    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")

    clock.now = POWER_OFF
    (refused,) = runner.run_due()
    assert (refused.state, refused.attempts) == ("retry", 1)
    assert "a user is connected" in refused.detail
    clock.now = POWER_OFF + 10 * MIN
    assert runner.run_due()[0].state == "retry"
    assert describe(moto, workspace_id)["State"] == "AVAILABLE"
    assert (
        describe(moto, workspace_id)["WorkspaceProperties"]["RunningModeAutoStopTimeoutInMinutes"]
        == 180
    )  # still held while refused

    moto.control(workspace_id=workspace_id, connection_state="DISCONNECTED")
    clock.now = POWER_OFF + 15 * MIN
    assert runner.run_due() == []  # not before the next retry
    clock.now = POWER_OFF + 20 * MIN
    (stopped,) = runner.run_due()
    assert (stopped.state, stopped.attempts) == ("done", 3)
    assert describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED")


def test_start_missed_until_the_event_ended_is_skipped(moto, workspace_id, tmp_path):
    clock = FakeClock(POWER_OFF - 14 * MIN)  # the event ended a minute ago
    runner = make_runner(moto, workspace_id, tmp_path, clock)
    assert runner.run_due() == []
    assert runner.ledger.records()["meetup-start"].state == "missed"
    assert describe(moto, workspace_id)["State"] == "STOPPED"
