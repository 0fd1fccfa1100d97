"""EventBridge schedules from actions, and the diff between calendar and deployment (pure)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from streamkit.aws.schedule.calendar import Calendar, Event, zone
from streamkit.aws.schedule.eventbridge import CloudSchedule, desired, diff, to_cloud_schedule
from streamkit.aws.schedule.plan import plan

ROME = zone("Europe/Rome")
ROLE = "arn:aws:iam::123456789012:role/streamkit-scheduler"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def actions_for(*events: Event):
    return plan(Calendar("meetup", events), utc(2026, 1, 1), utc(2027, 12, 31))


MEETUP = Event(
    id="meetup",
    tz=ROME,
    start=datetime(2026, 12, 10, 18, 30),
    title="December",
    duration=timedelta(hours=2),
)


def test_start_schedule_calls_start_workspaces_in_the_events_zone():
    start, stop = actions_for(MEETUP)
    schedule = to_cloud_schedule(start, "ws-abc123", ROLE)
    request = schedule.request()
    assert request["ScheduleExpression"] == "at(2026-12-10T17:45:00)"
    assert request["ScheduleExpressionTimezone"] == "Europe/Rome"
    assert request["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert request["ActionAfterCompletion"] == "DELETE"
    target = request["Target"]
    assert target["Arn"] == "arn:aws:scheduler:::aws-sdk:workspaces:startWorkspaces"
    assert target["RoleArn"] == ROLE
    assert json.loads(target["Input"]) == {"StartWorkspaceRequests": [{"WorkspaceId": "ws-abc123"}]}
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 9900, "MaximumRetryAttempts": 3}
    assert request["Description"].startswith("streamkit: start ws-abc123 for December")

    stop_request = to_cloud_schedule(stop, "ws-abc123", ROLE).request()
    assert stop_request["ScheduleExpression"] == "at(2026-12-10T20:45:00)"
    assert stop_request["Target"]["Arn"].endswith(":workspaces:stopWorkspaces")
    assert json.loads(stop_request["Target"]["Input"]) == {
        "StopWorkspaceRequests": [{"WorkspaceId": "ws-abc123"}]
    }
    assert stop_request["Target"]["RetryPolicy"]["MaximumEventAgeInSeconds"] == 86400


def test_a_time_in_the_fall_back_hour_is_written_in_utc():
    # 03:15 on 2026-10-25 is after the change (CET, 02:15 UTC); 45 min earlier is the
    # second 02:30 of the night, which `at(02:30)` in Europe/Rome would not say.
    night = Event(id="night", tz=ROME, start=datetime(2026, 10, 25, 3, 15))
    start = actions_for(night)[0]
    assert start.at == utc(2026, 10, 25, 1, 30)
    assert start.local_at.strftime("%H:%M %Z") == "02:30 CET"
    schedule = to_cloud_schedule(start, "ws-1", ROLE)
    assert (schedule.expression, schedule.timezone) == ("at(2026-10-25T01:30:00)", "UTC")


def test_spring_forward_times_are_written_as_they_happen():
    night = Event(id="night", tz=ROME, start=datetime(2026, 3, 29, 2, 30))  # becomes 03:30
    schedule = to_cloud_schedule(actions_for(night)[0], "ws-1", ROLE)
    assert (schedule.expression, schedule.timezone) == ("at(2026-03-29T01:45:00)", "Europe/Rome")


def test_only_future_actions_are_wanted():
    actions = actions_for(MEETUP)
    assert [s.name for s in desired(actions, "ws-1", ROLE, utc(2026, 12, 1))] == [
        "meetup-start",
        "meetup-stop",
    ]
    assert [s.name for s in desired(actions, "ws-1", ROLE, utc(2026, 12, 10, 18))] == [
        "meetup-stop"
    ]


class TestDiff:
    wanted = desired(actions_for(MEETUP), "ws-1", ROLE, utc(2026, 12, 1))

    def test_in_sync_is_empty(self):
        deployed = [CloudSchedule.from_api({**s.request(), "Arn": "x"}) for s in self.wanted]
        assert diff(self.wanted, deployed) == []

    def test_create_update_delete(self):
        stop = self.wanted[1]
        old = replace(stop, expression="at(2026-12-10T21:00:00)", role_arn="arn:other")
        stale = replace(stop, name="old-stop")
        changes = diff(self.wanted, [old, stale])
        assert [(c.op, c.name) for c in changes] == [
            ("create", "meetup-start"),
            ("update", "meetup-stop"),
            ("delete", "old-stop"),
        ]
        assert changes[1].fields == ("expression", "role_arn")
        assert changes[1].describe().startswith("update meetup-stop at(2026-12-10T20:45:00)")

    def test_input_is_compared_as_json(self):
        start = self.wanted[0]
        api = start.request()
        api["Target"]["Input"] = json.dumps(start.input, indent=2)
        assert diff([start], [CloudSchedule.from_api(api)]) == []


def test_autostop_is_raised_before_the_start_and_put_back_before_the_stop():
    wanted = desired(actions_for(MEETUP), "ws-1", ROLE, utc(2026, 12, 1), restore_minutes=60)
    assert [(s.name, s.expression, s.operation) for s in wanted] == [
        ("meetup-hold", "at(2026-12-10T17:43:00)", "modifyWorkspaceProperties"),
        ("meetup-start", "at(2026-12-10T17:45:00)", "startWorkspaces"),
        ("meetup-restore", "at(2026-12-10T20:44:00)", "modifyWorkspaceProperties"),
        ("meetup-stop", "at(2026-12-10T20:45:00)", "stopWorkspaces"),
    ]
    hold, restore = wanted[0], wanted[2]
    # 17:45 to 20:45 is 3 hours of WorkSpace time: AutoStop may not cut in before.
    assert hold.input == {
        "WorkspaceId": "ws-1",
        "WorkspaceProperties": {"RunningModeAutoStopTimeoutInMinutes": 180},
    }
    assert restore.input["WorkspaceProperties"] == {"RunningModeAutoStopTimeoutInMinutes": 60}
    assert hold.description.startswith("streamkit: raise AutoStop of ws-1 to 180 min for December")
