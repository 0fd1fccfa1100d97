"""The streamkit function (the cloud runner), called as plain Python against the moto server.

moto cannot invoke a Lambda function without Docker: the handler is called directly, with
the payload `schedule deploy` writes into the schedules, and a fake clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from streamkit.aws.schedule.calendar import Calendar
from streamkit.aws.schedule.cloud import CloudSettings, handler, make_payload
from streamkit.aws.schedule.pending import cloud_pending_stops
from streamkit.aws.schedule.plan import RetryPolicy, plan
from streamkit.aws.workspace.hold import RESTORE_TAG, UNTIL_TAG
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
from tests.aws.test_pending_stop import Inbox


@pytest.fixture
def workspace_id(moto, in_moto) -> str:
    return stopped_workspace(moto)


def payload(workspace_id: str, topic: str | None = None, limit: int = 2) -> dict:
    actions = plan(Calendar("meetup", (MEETUP,)), POWER_ON - timedelta(days=2), POWER_OFF)
    return make_payload(
        actions,
        CloudSettings(workspace_id=workspace_id, region=REGION),
        RetryPolicy(every=timedelta(minutes=10), limit=limit),
        calendar="meetup",
        outside_after=timedelta(hours=1),
        sns_topic_arn=topic,
    )


def tags(moto, workspace_id) -> dict[str, str]:
    answer = moto.client("workspaces").describe_tags(ResourceId=workspace_id)
    return {t["Key"]: t["Value"] for t in answer["TagList"]}


def test_the_function_starts_holds_refuses_a_connected_stop_then_stops(moto, workspace_id):
    inbox = Inbox(moto)
    event = payload(workspace_id, inbox.topic)
    clock = FakeClock(POWER_ON - 5 * MIN)
    assert handler({**event, "trigger": "reconcile"}, clock=clock)["ran"] == []

    clock.now = POWER_ON
    (started,) = handler({**event, "trigger": "meetup-start"}, clock=clock)["ran"]
    assert started.startswith("start meetup-start: done") and "start requested" in started
    ws = describe(moto, workspace_id)
    assert ws["State"] in ("STARTING", "AVAILABLE")
    assert ws["WorkspaceProperties"]["RunningModeAutoStopTimeoutInMinutes"] == 180
    assert tags(moto, workspace_id)[RESTORE_TAG] == "60"
    assert tags(moto, workspace_id)["streamkit:run:meetup-start"].startswith("done 1 ")

    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")
    for minutes in (0, 10, 20):  # the stop, then two retries: all refused
        clock.now = POWER_OFF + minutes * MIN
        (refused,) = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
        assert "a user is connected" in refused
    assert refused.startswith("stop meetup-stop: pending")
    (pending,) = cloud_pending_stops(tags(moto, workspace_id), RetryPolicy(limit=2))
    assert pending.where == "cloud function" and pending.attempts == 3
    assert any("stop pending: meetup-stop" in s for s in inbox.subjects())

    moto.control(workspace_id=workspace_id, connection_state="DISCONNECTED")
    clock.now = POWER_OFF + 25 * MIN
    assert handler({**event, "trigger": "reconcile"}, clock=clock)["ran"] == []  # not yet due
    clock.now = POWER_OFF + 30 * MIN
    (stopped,) = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
    assert stopped.startswith("stop meetup-stop: done")
    assert describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED")
    assert cloud_pending_stops(tags(moto, workspace_id), RetryPolicy()) == []


def test_a_refused_start_is_retried_and_a_late_one_still_runs(moto, workspace_id):
    event = payload(workspace_id)
    moto.control(
        fail_next={"StartWorkspaces": {"ErrorCode": "InvalidResourceState", "ErrorMessage": "busy"}}
    )
    clock = FakeClock(POWER_ON + 70 * MIN)  # the talk began 25 min ago: start late
    (refused,) = handler({**event, "trigger": "meetup-start"}, clock=clock)["ran"]
    assert refused.startswith("start meetup-start: retry") and "busy" in refused
    clock.now += 10 * MIN
    (started,) = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
    assert started.startswith("start meetup-start: done")
    assert describe(moto, workspace_id)["State"] in ("STARTING", "AVAILABLE")


def test_a_hold_past_the_planned_stop_keeps_an_overrunning_talk_on_air(moto, workspace_id):
    from streamkit.aws.session import make_client
    from streamkit.aws.workspace.api import WorkspaceManager
    from streamkit.aws.workspace.hold import hold
    from streamkit.aws.workspace.settings import WorkspaceSettings

    event = payload(workspace_id)
    clock = FakeClock(POWER_ON)
    handler({**event, "trigger": "meetup-start"}, clock=clock)
    moto.control(workspace_id=workspace_id, state="AVAILABLE")
    clock.now = POWER_OFF - 10 * MIN  # the talk overruns: an organizer holds until 21:00 UTC
    manager = WorkspaceManager(
        make_client("workspaces", REGION),
        WorkspaceSettings(region=REGION, workspace_id=workspace_id),
        clock=clock,
    )
    hold(manager, POWER_OFF + 75 * MIN)
    clock.now = POWER_OFF
    (refused,) = handler({**event, "trigger": "meetup-stop"}, clock=clock)["ran"]
    assert "held until" in refused
    assert describe(moto, workspace_id)["State"] == "AVAILABLE"
    clock.now = POWER_OFF + 80 * MIN
    (stopped,) = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
    assert stopped.startswith("stop meetup-stop: done")
    assert UNTIL_TAG not in tags(moto, workspace_id)


def test_a_hold_outlasting_the_retries_is_kept_by_the_function(moto, workspace_id):
    """Reconcile every 5 min with 2 retries: the stop is refused by the hold at +0, +10,
    +20... past its retries; the hold must stay and the stop wait for its end."""
    from streamkit.aws.session import make_client
    from streamkit.aws.workspace.api import WorkspaceManager
    from streamkit.aws.workspace.hold import hold
    from streamkit.aws.workspace.settings import WorkspaceSettings

    event = payload(workspace_id)
    clock = FakeClock(POWER_ON)
    handler({**event, "trigger": "meetup-start"}, clock=clock)
    moto.control(workspace_id=workspace_id, state="AVAILABLE")
    clock.now = POWER_OFF - 10 * MIN
    manager = WorkspaceManager(
        make_client("workspaces", REGION),
        WorkspaceSettings(region=REGION, workspace_id=workspace_id),
        clock=clock,
    )
    hold(manager, POWER_OFF + 75 * MIN)
    for minutes in range(0, 75, 5):
        clock.now = POWER_OFF + minutes * MIN
        summary = handler({**event, "trigger": "reconcile"}, clock=clock)
        assert describe(moto, workspace_id)["State"] == "AVAILABLE", f"stopped at +{minutes}"
        assert UNTIL_TAG in tags(moto, workspace_id), f"hold released at +{minutes} min"
        assert summary["pending_stops"] == []
    clock.now = POWER_OFF + 75 * MIN
    (stopped,) = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
    assert stopped.startswith("stop meetup-stop: done")
    assert describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED")


def test_a_stale_pending_stop_tag_never_keeps_the_workspace_billing(moto, workspace_id):
    """A pending stop tag whose action the payload no longer plans: reconciles drop it,
    and stop the WorkSpace running outside every window."""
    from streamkit.aws.schedule.plan import Record
    from streamkit.aws.schedule.tagledger import PREFIX, encode

    event = {**payload(workspace_id), "actions": []}  # a plan from after the stop's event
    moto.control(workspace_id=workspace_id, state="AVAILABLE")
    clock = FakeClock(POWER_OFF + timedelta(days=5))
    stale = Record(
        "removed-stop", "stop", "pending", 9, clock.now - 5 * MIN, "refused", since=clock.now
    )
    moto.client("workspaces").create_tags(
        ResourceId=workspace_id, Tags=[{"Key": PREFIX + "removed-stop", "Value": encode(stale)}]
    )
    # a one-off schedule kept by `deploy --from` may carry an older plan: it drops nothing
    handler({**event, "trigger": "meetup-stop"}, clock=clock)
    assert tags(moto, workspace_id)[PREFIX + "removed-stop"].startswith("pending ")
    for _ in range(36):  # three hours of reconciles, nobody connected
        summary = handler({**event, "trigger": "reconcile"}, clock=clock)
        if describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED"):
            break
        clock.now += 5 * MIN
    assert describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED"), "left billing"
    assert summary["pending_stops"] == []
    assert tags(moto, workspace_id)[PREFIX + "removed-stop"].startswith("dropped ")


def test_an_unknown_payload_is_refused_with_the_fix(moto, workspace_id):
    with pytest.raises(ValueError, match="redeploy with `schedule deploy`"):
        handler({"trigger": "reconcile"})


def test_the_function_needs_nothing_the_lambda_runtime_lacks():
    """Lambda's Python runtime has boto3 only: the handler must import without the rest."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'pydantic', 'yaml', 'apscheduler', 'sqlalchemy',\n"
        "                                  'obsws_python', 'textual', 'tzlocal'}:\n"
        "            raise ImportError(name + ' is not on the Lambda runtime')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import streamkit.aws.schedule.cloud as cloud\n"
        "cloud.build_runner({'workspace_id': 'ws-1', 'region': 'us-east-1', 'actions': [],\n"
        "    'policy': {'every_s': 600, 'limit': 1, 'max_every_s': 3600},\n"
        "    'sns_topic_arn': 'arn:aws:sns:us-east-1:123456789012:t'})\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1"},
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_deploy_with_the_function_invokes_it_at_each_action_and_every_few_minutes(
    moto, workspace_id, aws_env, tmp_path
):
    import json

    from tests.aws.test_schedule_cli import config, schedule

    function = "arn:aws:lambda:us-east-1:123456789012:function:streamkit-schedule"
    soon = datetime.now(UTC) + timedelta(days=3)
    event = {"id": "soon", "start": f"{soon:%Y-%m-%d %H:%M}", "timezone": "UTC"}
    path = config(
        tmp_path,
        workspace_id,
        [event],
        eventbridge={"role_arn": "arn:aws:iam::123456789012:role/invoke", "function_arn": function},
    )
    deployed = schedule(aws_env, path, "deploy")
    assert deployed.returncode == 0, deployed.stderr
    assert "3 schedule(s) in sync" in deployed.stdout  # start, stop, reconcile
    client = moto.client("scheduler")
    reconcile = client.get_schedule(Name="reconcile", GroupName="streamkit-milano")
    assert reconcile["ScheduleExpression"] == "rate(5 minutes)"
    assert reconcile["Target"]["Arn"] == function
    sent = json.loads(reconcile["Target"]["Input"])
    assert sent["workspace_id"] == workspace_id and sent["trigger"] == "reconcile"
    assert [a["key"] for a in sent["actions"]] == ["soon-start", "soon-stop"]
    start = client.get_schedule(Name="soon-start", GroupName="streamkit-milano")
    assert json.loads(start["Target"]["Input"])["trigger"] == "soon-start"
    again = schedule(aws_env, path, "diff")
    assert again.returncode == 0, again.stdout


def test_a_workspace_stopped_during_its_window_is_started_again_once(moto, workspace_id):
    event = payload(workspace_id)
    clock = FakeClock(POWER_ON)
    handler({**event, "trigger": "meetup-start"}, clock=clock)
    clock.now = POWER_ON + 5 * MIN
    assert handler({**event, "trigger": "reconcile"}, clock=clock)["ran"] == []  # seen up
    moto.control(workspace_id=workspace_id, state="STOPPED")  # AutoStop cut in at 18:00
    clock.now = POWER_ON + 75 * MIN
    (again,) = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
    assert again.startswith("start meetup-start-again: done")
    assert describe(moto, workspace_id)["State"] in ("STARTING", "AVAILABLE")
    moto.control(workspace_id=workspace_id, state="STOPPED")  # stopped again: someone meant it
    clock.now += 5 * MIN
    assert handler({**event, "trigger": "reconcile"}, clock=clock)["ran"] == []
    assert describe(moto, workspace_id)["State"] == "STOPPED"


def test_a_stop_or_start_another_invocation_already_made_counts_as_done(moto, workspace_id):
    """Two invocations overlapping (a one-off schedule and the reconcile): the second
    asks AWS from a stale look, and AWS refuses as the WorkSpace is already on its way."""
    from streamkit.aws.session import make_client
    from streamkit.aws.workspace.api import WorkspaceManager
    from streamkit.aws.workspace.settings import WorkspaceSettings

    manager = WorkspaceManager(
        make_client("workspaces", REGION),
        WorkspaceSettings(region=REGION, workspace_id=workspace_id),
    )
    stopped = manager.require()
    manager.start(stopped)
    assert manager.start(stopped) is True  # AWS refused: already started
    running = manager.require()
    manager.stop(running)
    assert manager.stop(running) is True  # AWS refused: already stopped


def test_a_start_that_never_boots_is_retried_and_reported(moto, workspace_id):
    """AWS accepted the start, but the WorkSpace is STOPPED again (or ERROR) at the next
    reconcile, never seen AVAILABLE: the start is tried again, then given up, and told."""
    inbox = Inbox(moto)
    event = payload(workspace_id, inbox.topic)
    clock = FakeClock(POWER_ON)
    (started,) = handler({**event, "trigger": "meetup-start"}, clock=clock)["ran"]
    assert started.startswith("start meetup-start: done")
    moto.control(workspace_id=workspace_id, state="STOPPED")  # the boot failed
    clock.now += 5 * MIN
    (again,) = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
    assert again.startswith("start meetup-start: done") and "start requested" in again
    assert any("did not boot" in s for s in inbox.subjects())
    moto.control(workspace_id=workspace_id, state="ERROR")
    for _ in range(6):
        clock.now += 10 * MIN
        handler({**event, "trigger": "reconcile"}, clock=clock)
    assert tags(moto, workspace_id)["streamkit:run:meetup-start"].startswith("gave_up ")
    assert any("start given up: meetup-start" in s for s in inbox.subjects())


def test_a_start_that_keeps_not_booting_is_given_up_after_the_limit(moto, workspace_id):
    """Each restart AWS accepts is counted: with limit 2 the WorkSpace, STOPPED at every
    reconcile, is started twice more at most, then the start is given up and told."""
    inbox = Inbox(moto)
    event = payload(workspace_id, inbox.topic, limit=2)
    clock = FakeClock(POWER_ON)
    handler({**event, "trigger": "meetup-start"}, clock=clock)
    restarts = 0
    for _ in range(10):
        moto.control(workspace_id=workspace_id, state="STOPPED")  # the boot failed again
        clock.now += 5 * MIN
        ran = handler({**event, "trigger": "reconcile"}, clock=clock)["ran"]
        restarts += sum(r.startswith("start meetup-start: done") for r in ran)
    assert restarts == 2
    assert tags(moto, workspace_id)["streamkit:run:meetup-start"].startswith("gave_up ")
    assert any("start given up: meetup-start" in s for s in inbox.subjects())
    assert describe(moto, workspace_id)["State"] == "STOPPED"


@pytest.mark.parametrize("seen", ["STARTING", "STOPPING"])
def test_a_workspace_stopped_by_someone_before_it_booted_is_left_alone(moto, workspace_id, seen):
    """The event was cancelled: an organizer stops the WorkSpace while it boots. Seen
    STARTING (the start took effect) then STOPPED, or seen STOPPING, it is not restarted."""
    event = payload(workspace_id)
    clock = FakeClock(POWER_ON)
    handler({**event, "trigger": "meetup-start"}, clock=clock)
    moto.control(workspace_id=workspace_id, state=seen)
    clock.now += 5 * MIN
    assert handler({**event, "trigger": "reconcile"}, clock=clock)["ran"] == []
    moto.control(workspace_id=workspace_id, state="STOPPED")  # the organizer's stop
    for _ in range(6):
        clock.now += 5 * MIN
        assert handler({**event, "trigger": "reconcile"}, clock=clock)["ran"] == []
    assert describe(moto, workspace_id)["State"] == "STOPPED"
