"""Helpers shared by the schedule tests against the moto server."""

from __future__ import annotations

from typing import Any


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
