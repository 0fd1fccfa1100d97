"""EventBridge Scheduler sync against the moto server: idempotent deploy, update, delete."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from streamkit.aws.schedule.calendar import Calendar, Event, zone
from streamkit.aws.schedule.eventbridge import desired
from streamkit.aws.schedule.group import ScheduleGroup, deploy
from streamkit.aws.schedule.plan import plan

ROME = zone("Europe/Rome")
ROLE = "arn:aws:iam::123456789012:role/streamkit-scheduler"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
GROUP = "streamkit-meetup"

MONTHLY = Event(
    id="monthly",
    tz=ROME,
    start=datetime(2026, 12, 1, 18, 30),
    rrule="FREQ=MONTHLY;BYDAY=2TH",
    title="Monthly meetup",
)
SPECIAL = Event(id="special", tz=ROME, start=datetime(2027, 1, 20, 19, 0))


def wanted(*events: Event):
    actions = plan(Calendar("meetup", events), NOW, NOW + timedelta(days=62))
    return desired(actions, "ws-0123456789", ROLE, NOW)


@pytest.fixture
def group(moto) -> ScheduleGroup:
    return ScheduleGroup(moto.client("scheduler"), GROUP)


def names(client) -> list[str]:
    pages = client.get_paginator("list_schedules").paginate(GroupName=GROUP)
    return sorted(s["Name"] for page in pages for s in page["Schedules"])


def test_deploy_twice_creates_no_duplicates(group):
    first = deploy(group, wanted(MONTHLY, SPECIAL), "meetup")
    assert [c.op for c in first] == ["create"] * 6
    assert names(group.client) == [
        "monthly-20261210-start",
        "monthly-20261210-stop",
        "monthly-20270114-start",
        "monthly-20270114-stop",
        "special-start",
        "special-stop",
    ]
    assert deploy(group, wanted(MONTHLY, SPECIAL), "meetup") == []
    assert len(names(group.client)) == 6
    tags = group.client.list_tags_for_resource(
        ResourceArn=group.client.get_schedule_group(Name=GROUP)["Arn"]
    )["Tags"]
    assert {"Key": "streamkit:calendar", "Value": "meetup"} in tags


def test_deployed_schedule_is_one_time_and_deletes_itself(group):
    deploy(group, wanted(SPECIAL), "meetup")
    got = group.client.get_schedule(Name="special-start", GroupName=GROUP)
    assert got["ScheduleExpression"] == "at(2027-01-20T18:15:00)"
    assert got["ScheduleExpressionTimezone"] == "Europe/Rome"
    assert got["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert got["ActionAfterCompletion"] == "DELETE"
    assert got["Target"]["Arn"] == "arn:aws:scheduler:::aws-sdk:workspaces:startWorkspaces"
    assert got["Target"]["RoleArn"] == ROLE
    assert json.loads(got["Target"]["Input"]) == {
        "StartWorkspaceRequests": [{"WorkspaceId": "ws-0123456789"}]
    }


def test_changing_an_event_updates_its_schedules(group):
    deploy(group, wanted(MONTHLY, SPECIAL), "meetup")
    later = replace(SPECIAL, start=datetime(2027, 1, 20, 20, 0))
    changes = deploy(group, wanted(MONTHLY, later), "meetup")
    assert [(c.op, c.name, c.fields) for c in changes] == [
        ("update", "special-start", ("expression", "description")),
        ("update", "special-stop", ("expression", "description")),
    ]
    got = group.client.get_schedule(Name="special-start", GroupName=GROUP)
    assert got["ScheduleExpression"] == "at(2027-01-20T19:15:00)"
    assert deploy(group, wanted(MONTHLY, later), "meetup") == []


def test_removing_an_event_deletes_its_schedules(group):
    deploy(group, wanted(MONTHLY, SPECIAL), "meetup")
    changes = deploy(group, wanted(MONTHLY), "meetup")
    assert [(c.op, c.name) for c in changes] == [
        ("delete", "special-start"),
        ("delete", "special-stop"),
    ]
    assert "special-start" not in names(group.client)
    skipped = replace(MONTHLY, skip=frozenset({datetime(2027, 1, 14).date()}))
    changes = deploy(group, wanted(skipped), "meetup")
    assert {c.name for c in changes if c.op == "delete"} == {
        "monthly-20270114-start",
        "monthly-20270114-stop",
    }


def test_diff_of_a_missing_group_is_all_creates(group):
    assert not group.exists()
    assert group.schedules() == []
