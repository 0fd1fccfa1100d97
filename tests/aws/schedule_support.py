"""Helpers shared by the schedule tests against the moto server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from streamkit.aws.schedule.calendar import Event, zone

MIN = timedelta(minutes=1)
# 2026-12-10 18:30 Rome (17:30 UTC), 2 h; warm-up 45 min, cool-down 15 min.
MEETUP = Event(
    id="meetup",
    tz=zone("Europe/Rome"),
    start=datetime(2026, 12, 10, 18, 30),
    duration=timedelta(hours=2),
)
POWER_ON = datetime(2026, 12, 10, 16, 45, tzinfo=UTC)
POWER_OFF = datetime(2026, 12, 10, 19, 45, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def stopped_workspace(moto: Any) -> str:
    """Create a stopped AUTO_STOP GPU WorkSpace (60 min timeout); transitions are instant."""
    moto.control(timings={"starting": 0, "stopping": 0})
    client = moto.client("workspaces")
    bundle = next(
        b["BundleId"]
        for page in client.get_paginator("describe_workspace_bundles").paginate(Owner="AMAZON")
        for b in page["Bundles"]
        if b["Name"].startswith("Graphics.g4dn with Windows")
    )
    created = client.create_workspaces(
        Workspaces=[
            {
                "DirectoryId": moto.directory(),
                "UserName": "alice",
                "BundleId": bundle,
                "WorkspaceProperties": {
                    "RunningMode": "AUTO_STOP",
                    "RunningModeAutoStopTimeoutInMinutes": 60,
                },
            }
        ]
    )
    workspace_id = created["PendingRequests"][0]["WorkspaceId"]
    client.describe_workspaces(WorkspaceIds=[workspace_id])
    client.stop_workspaces(StopWorkspaceRequests=[{"WorkspaceId": workspace_id}])
    return workspace_id


def describe(moto: Any, workspace_id: str) -> dict[str, Any]:
    answer = moto.client("workspaces").describe_workspaces(WorkspaceIds=[workspace_id])
    return answer["Workspaces"][0]
