"""The EventBridge Scheduler schedule group of one calendar, through a boto3 `scheduler`
client: read what is deployed, and make it hold exactly what is wanted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from streamkit.aws.errors import aws_call
from streamkit.aws.schedule.eventbridge import CALENDAR_TAG, Change, CloudSchedule, diff


class ScheduleGroup:
    """The schedule group of one calendar, through an injected boto3 `scheduler` client."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def exists(self) -> bool:
        with aws_call("GetScheduleGroup"):
            try:
                self.client.get_schedule_group(Name=self.name)
            except self.client.exceptions.ResourceNotFoundException:
                return False
        return True

    def ensure(self, calendar_name: str) -> bool:
        """Create the group when missing; True when it was created."""
        if self.exists():
            return False
        with aws_call("CreateScheduleGroup"):
            self.client.create_schedule_group(
                Name=self.name, Tags=[{"Key": CALENDAR_TAG, "Value": calendar_name}]
            )
        return True

    def schedules(self) -> list[CloudSchedule]:
        """Every schedule of the group, in full (ListSchedules gives only a summary)."""
        if not self.exists():
            return []
        names: list[str] = []
        with aws_call("ListSchedules"):
            for page in self.client.get_paginator("list_schedules").paginate(GroupName=self.name):
                names.extend(s["Name"] for s in page.get("Schedules", []))
        found = []
        for name in sorted(names):
            with aws_call(f"GetSchedule {name}"):
                found.append(
                    CloudSchedule.from_api(self.client.get_schedule(Name=name, GroupName=self.name))
                )
        return found

    def apply(self, changes: Iterable[Change]) -> None:
        for change in changes:
            if change.op == "delete":
                with aws_call(f"DeleteSchedule {change.name}"):
                    self.client.delete_schedule(Name=change.name, GroupName=self.name)
                continue
            request = {**_schedule_of(change).request(), "GroupName": self.name}
            if change.op == "create":
                with aws_call(f"CreateSchedule {change.name}"):
                    self.client.create_schedule(**request)
            else:
                with aws_call(f"UpdateSchedule {change.name}"):
                    self.client.update_schedule(**request)


def _schedule_of(change: Change) -> CloudSchedule:
    if change.schedule is None:
        raise ValueError(f"{change.op} {change.name}: the change carries no schedule")
    return change.schedule


def deploy(
    group: ScheduleGroup,
    wanted: list[CloudSchedule],
    calendar_name: str,
    keep_before: datetime | None = None,
) -> list[Change]:
    """Make the group hold exactly `wanted` (what is due before `keep_before` aside);
    returns the changes made (empty: in sync)."""
    group.ensure(calendar_name)
    changes = diff(wanted, group.schedules(), keep_before)
    group.apply(changes)
    return changes
