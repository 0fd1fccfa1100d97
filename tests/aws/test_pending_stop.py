"""A stop refused past its retries stays pending until it happens: moto server, fake clock.

The figure: forgotten running minutes, the minutes the WorkSpace runs after the last client
left beyond one retry interval (goal 0).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from streamkit.aws.errors import AwsActionFailed
from streamkit.aws.notify import sns_notifier
from streamkit.aws.schedule.calendar import Calendar
from streamkit.aws.schedule.control import AwsWorkspace
from streamkit.aws.schedule.ledger import Ledger
from streamkit.aws.schedule.plan import OUTSIDE_KEY, RetryPolicy
from streamkit.aws.schedule.runner import Runner
from streamkit.aws.workspace.api import WorkspaceManager
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
from tests.cli import run_cli

EVERY = timedelta(minutes=10)
log = logging.getLogger(__name__)


class Inbox:
    """An SQS queue subscribed to an SNS topic on the moto server."""

    def __init__(self, moto) -> None:
        self.sns, self.sqs = moto.client("sns"), moto.client("sqs")
        self.topic = self.sns.create_topic(Name="streamkit-alerts")["TopicArn"]
        self.queue = self.sqs.create_queue(QueueName="alerts")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])
        self.sns.subscribe(
            TopicArn=self.topic, Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"]
        )

    def subjects(self) -> list[str]:
        answer = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10)
        return [json.loads(m["Body"])["Subject"] for m in answer.get("Messages", [])]


@pytest.fixture
def workspace_id(moto) -> str:
    return stopped_workspace(moto)


def make_runner(moto, workspace_id, tmp_path, clock, notify=None, limit=2) -> Runner:
    settings = WorkspaceSettings(region=REGION, workspace_id=workspace_id, poll_interval=0.05)
    manager = WorkspaceManager(
        moto.client("workspaces"), settings, clock=clock, sleep=lambda s: time.sleep(min(s, 0.05))
    )
    return Runner(
        Calendar("meetup", (MEETUP,)),
        AwsWorkspace(manager),
        Ledger(tmp_path / "schedule.sqlite"),
        policy=RetryPolicy(every=EVERY, limit=limit),
        clock=clock,
        notify=notify,
        outside_after=timedelta(hours=1),
    )


def test_sns_notifier_publishes_and_reports_a_refusal(moto):
    inbox = Inbox(moto)
    notify = sns_notifier(moto.client("sns"), inbox.topic)
    notify("streamkit: stop pending " + "x" * 200, "the WorkSpace is still running")
    (subject,) = inbox.subjects()
    assert subject.startswith("streamkit: stop pending") and len(subject) == 100
    missing = inbox.topic.replace("streamkit-alerts", "no-such-topic")
    with pytest.raises(AwsActionFailed, match="SNS Publish"):
        sns_notifier(moto.client("sns"), missing)("subject", "message")


def test_forgotten_running_minutes_after_two_refused_retries_are_zero(moto, workspace_id, tmp_path):
    """A client stays connected through the stop and two retries, then leaves."""
    inbox = Inbox(moto)
    clock = FakeClock(POWER_ON)
    runner = make_runner(
        moto, workspace_id, tmp_path, clock, notify=sns_notifier(moto.client("sns"), inbox.topic)
    )
    assert runner.run_due()[0].state == "done"
    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")
    left_at = None
    stopped_at = None
    clock.now = POWER_OFF
    while clock.now < POWER_OFF + timedelta(hours=3):
        runner.run_due()
        attempts = runner.ledger.records().get("meetup-stop")
        if left_at is None and attempts and attempts.attempts == 3:  # the stop and 2 retries
            assert attempts.state == "pending"
            assert [p.key for p in runner.pending_stops()] == ["meetup-stop"]
            clock.now += 3 * MIN
            moto.control(workspace_id=workspace_id, connection_state="DISCONNECTED")
            left_at = clock.now
        if describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED"):
            stopped_at = clock.now
            break
        clock.now += MIN
    assert left_at is not None and stopped_at is not None, "never stopped"
    after_leaving = stopped_at - left_at
    forgotten = max(timedelta(0), after_leaving - EVERY)
    figure = (
        f"forgotten running minutes: {forgotten // MIN} beyond the {EVERY // MIN}-min retry "
        f"interval (stopped {after_leaving // MIN} min after the last client left)"
    )
    log.info("%s", figure)
    print(figure)
    assert forgotten == timedelta(0), figure
    assert runner.pending_stops() == []
    assert runner.ledger.records()["meetup-stop"].state == "done"
    subjects = inbox.subjects()
    assert any("stop pending: meetup-stop" in s for s in subjects), subjects
    assert any("stop meetup-stop done" in s for s in subjects), subjects


def test_a_workspace_left_running_outside_every_window_is_stopped_and_reported(
    moto, workspace_id, tmp_path
):
    inbox = Inbox(moto)
    moto.client("workspaces").start_workspaces(
        StartWorkspaceRequests=[{"WorkspaceId": workspace_id}]
    )
    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")
    clock = FakeClock(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))  # a Tuesday, no event
    runner = make_runner(
        moto, workspace_id, tmp_path, clock, notify=sns_notifier(moto.client("sns"), inbox.topic)
    )
    assert runner.run_due() == []
    assert runner.ledger.records()[OUTSIDE_KEY].since == clock.now
    clock.now += 61 * MIN
    runner.run_due()  # in use: not stopped, but reported once
    assert describe(moto, workspace_id)["State"] == "AVAILABLE"
    (subject,) = inbox.subjects()
    assert "outside every event window for 61 min" in subject
    clock.now += 10 * MIN
    runner.run_due()
    assert inbox.subjects() == []
    moto.control(workspace_id=workspace_id, connection_state="DISCONNECTED")
    clock.now += 10 * MIN
    runner.run_due()
    assert describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED")
    clock.now += 10 * MIN
    runner.run_due()
    assert OUTSIDE_KEY not in runner.ledger.records()


def test_a_pending_stop_shows_in_status_list_and_doctor_until_acknowledged(
    moto, workspace_id, tmp_path, aws_env
):
    import subprocess
    from pathlib import Path

    from streamkit.aws.schedule.plan import Record

    moto.control(workspace_id=workspace_id, state="AVAILABLE")
    jobstore = tmp_path / "schedule.sqlite"
    since = datetime.now(UTC) - timedelta(hours=2)
    Ledger(jobstore).write(
        Record(
            "meetup-stop",
            "stop",
            "pending",
            14,
            since + timedelta(minutes=110),
            "not stopping: a user is connected to it",
            refused=True,
            since=since,
        )
    )
    path = cli_config(tmp_path, workspace_id, jobstore)

    def streamkit(*args: str) -> subprocess.CompletedProcess:
        return run_cli("--config", str(path), *args, environ=aws_env, cwd=Path(__file__).parents[2])

    status = streamkit("workspace", "status")
    assert status.returncode == 0, status.stderr
    (line,) = [line for line in status.stdout.splitlines() if line.startswith("STOP PENDING")]
    assert "stop meetup-stop pending for 120 min (local runner, 14 attempts" in line
    listed = streamkit("schedule", "list", "--local")
    assert "PENDING: stop meetup-stop pending for 120 min" in listed.stdout, listed.stderr
    doctor = streamkit("doctor", "--json")
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["aws.workspace"]["status"] == "WARN"
    assert "1 stop(s) pending" in checks["aws.workspace"]["summary"]
    assert "schedule ack" in checks["aws.workspace"]["fix"]

    wrong = streamkit("schedule", "ack", "meetup-start")
    assert wrong.returncode != 0 and "not a stop being tried" in wrong.stderr
    assert "pending stops: meetup-stop" in wrong.stderr and "Traceback" not in wrong.stderr
    acked = streamkit("schedule", "ack", "--note", "rehearsal until 23:00")
    assert acked.returncode == 0, acked.stderr
    assert "meetup-stop: acknowledged" in acked.stdout
    assert "STOP PENDING" not in streamkit("workspace", "status").stdout
    assert (
        Ledger(jobstore)
        .records()["meetup-stop"]
        .detail.startswith("acknowledged by an operator: rehearsal until 23:00")
    )


def test_a_hold_outlasting_the_retries_is_never_released_and_the_stop_waits_for_its_end(
    moto, workspace_id, tmp_path
):
    """An organizer holds until +75 min; with 2 retries of 10 min the stop runs out of
    retries long before: the hold must stay, and the WorkSpace stop at its end."""
    from streamkit.aws.workspace.hold import UNTIL_TAG, hold

    clock = FakeClock(POWER_ON)
    runner = make_runner(moto, workspace_id, tmp_path, clock)
    assert runner.run_due()[0].state == "done"
    clock.now = POWER_OFF - 10 * MIN
    hold(runner.workspace.manager, POWER_OFF + 75 * MIN)
    clock.now = POWER_OFF
    while clock.now < POWER_OFF + 75 * MIN:
        runner.run_due()
        state = describe(moto, workspace_id)["State"]
        assert state == "AVAILABLE", f"stopped at +{(clock.now - POWER_OFF) // MIN} min"
        tags = runner.workspace.manager.tags(workspace_id)
        assert UNTIL_TAG in tags, f"hold released at +{(clock.now - POWER_OFF) // MIN} min"
        assert runner.pending_stops() == []
        clock.now += MIN
    (stopped,) = runner.run_due()
    assert stopped.state == "done", stopped.detail
    assert describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED")


def test_escalating_a_stop_leaves_a_hold_in_force_alone(moto, workspace_id, tmp_path):
    from streamkit.aws.workspace.hold import UNTIL_TAG, hold

    clock = FakeClock(POWER_ON)
    runner = make_runner(moto, workspace_id, tmp_path, clock)
    runner.run_due()
    hold(runner.workspace.manager, POWER_OFF + 75 * MIN)
    clock.now = POWER_OFF + 30 * MIN
    assert "left as it is: held until" in runner.workspace.release()
    assert UNTIL_TAG in runner.workspace.manager.tags(workspace_id)
    props = describe(moto, workspace_id)["WorkspaceProperties"]
    assert props["RunningModeAutoStopTimeoutInMinutes"] == 300
    clock.now = POWER_OFF + 76 * MIN
    assert "back to 60 min" in runner.workspace.release()


def test_a_stale_pending_stop_no_longer_planned_never_keeps_the_workspace_billing(
    moto, workspace_id, tmp_path
):
    """The event of a pending stop left the calendar: the record is dropped (and no longer
    reported), and the WorkSpace, running outside every window, is stopped."""
    from streamkit.aws.schedule.plan import Record

    moto.client("workspaces").start_workspaces(
        StartWorkspaceRequests=[{"WorkspaceId": workspace_id}]
    )
    clock = FakeClock(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))  # a Tuesday, no event
    runner = make_runner(moto, workspace_id, tmp_path, clock)
    since = clock.now - timedelta(hours=3)
    runner.ledger.write(
        Record("removed-stop", "stop", "pending", 9, clock.now - 5 * MIN, "refused", since=since)
    )
    for _ in range(18):  # three hours of looks, nobody connected
        runner.run_due()
        if describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED"):
            break
        clock.now += 10 * MIN
    assert describe(moto, workspace_id)["State"] in ("STOPPING", "STOPPED"), "left billing"
    assert runner.pending_stops() == []
    dropped = runner.ledger.records()["removed-stop"]
    assert dropped.state == "dropped" and "no longer in the calendar" in dropped.detail


def test_a_cloud_pending_stop_is_listed_and_acknowledged_through_the_cli(
    moto, workspace_id, tmp_path, aws_env
):
    from pathlib import Path

    from streamkit.aws.schedule.plan import Record
    from streamkit.aws.schedule.tagledger import PREFIX, decode, encode

    moto.control(workspace_id=workspace_id, state="AVAILABLE")
    since = datetime.now(UTC) - timedelta(hours=2)
    pending = Record(
        "meetup-stop",
        "stop",
        "pending",
        14,
        since + 110 * MIN,
        "not stopping: a user is connected to it",
        refused=True,
        since=since,
    )
    workspaces = moto.client("workspaces")
    workspaces.create_tags(
        ResourceId=workspace_id, Tags=[{"Key": PREFIX + "meetup-stop", "Value": encode(pending)}]
    )
    path = cli_config(tmp_path, workspace_id, tmp_path / "none.sqlite")

    def streamkit(*args: str):
        return run_cli("--config", str(path), *args, environ=aws_env, cwd=Path(__file__).parents[2])

    listed = streamkit("schedule", "list")
    assert listed.returncode == 0, listed.stderr
    assert "PENDING: stop meetup-stop pending for 120 min (cloud function" in listed.stdout
    as_json = json.loads(streamkit("schedule", "list", "--json").stdout)
    assert [p["where"] for p in as_json["pending_stops"]] == ["cloud function"]
    acked = streamkit("schedule", "ack", "--note", "rehearsal")
    assert acked.returncode == 0, acked.stderr
    assert "meetup-stop: acknowledged" in acked.stdout and "cloud function" in acked.stdout
    tag = {
        t["Key"]: t["Value"] for t in workspaces.describe_tags(ResourceId=workspace_id)["TagList"]
    }
    record = decode("meetup-stop", tag[PREFIX + "meetup-stop"])
    assert record.state == "acknowledged" and "rehearsal" in record.detail
    assert "STOP PENDING" not in streamkit("workspace", "status").stdout
    assert "PENDING" not in streamkit("schedule", "list").stdout
    again = streamkit("schedule", "ack", "meetup-stop")
    assert again.returncode != 0 and "not a stop being tried" in again.stderr


def cli_config(folder: Path, workspace_id: str, jobstore: Path) -> Path:
    """A streamkit.yaml for the CLI: this WorkSpace, the meetup, the runner's job store."""
    path = folder / "streamkit.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "obs": {"host": "127.0.0.1", "port": 9, "timeout": 1},
                "workspace": {"region": REGION, "workspace_id": workspace_id},
                "calendar": {"events": [{"id": "meetup", "start": "2026-12-10 18:30"}]},
                "schedule": {"runner": {"jobstore": str(jobstore)}},
            }
        ),
        encoding="utf-8",
    )
    return path
