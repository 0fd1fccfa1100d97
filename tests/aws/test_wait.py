"""Waiting for a state: polls with backoff, reports progress, gives up plainly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from streamkit.aws.errors import AwsActionFailed
from streamkit.aws.workspace.api import WorkspaceManager
from streamkit.aws.workspace.settings import WorkspaceSettings


class FakeTime:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


class ScriptedClient:
    """DescribeWorkspaces answers in sequence (None: not listed yet); the last one repeats."""

    def __init__(self, states: list[str | None]) -> None:
        self.states = states

    def describe_workspaces(self, WorkspaceIds: list[str]) -> dict:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        if state is None:
            return {"Workspaces": []}
        return {
            "Workspaces": [
                {
                    "WorkspaceId": WorkspaceIds[0],
                    "State": state,
                    "ErrorCode": "E1" if state == "ERROR" else None,
                }
            ]
        }


def manager(states, **settings) -> tuple[WorkspaceManager, FakeTime]:
    time = FakeTime()
    config = WorkspaceSettings(poll_interval=10, **settings)
    return WorkspaceManager(
        ScriptedClient(states), config, clock=time.clock, sleep=time.sleep
    ), time


def test_progress_and_backoff_until_available():
    mgr, time = manager([None, "PENDING", "STARTING", "STARTING", "AVAILABLE"])
    seen = []
    info = mgr.wait_for("ws-1", "AVAILABLE", on_progress=seen.append)
    assert info.state == "AVAILABLE"
    assert [p.state for p in seen] == ["PENDING", "PENDING", "STARTING", "STARTING", "AVAILABLE"]
    assert time.sleeps == [10, 15, 22.5, 33.75]
    assert [p.elapsed for p in seen] == [0, 10, 25, 47.5, 81.25]


def test_backoff_is_capped_at_a_minute():
    mgr, time = manager(["STARTING"] * 12 + ["AVAILABLE"])
    mgr.wait_for("ws-1", "AVAILABLE")
    assert max(time.sleeps) == 60


def test_timeout_names_the_state():
    mgr, time = manager(["STARTING"], start_timeout_minutes=5)
    with pytest.raises(AwsActionFailed, match="ws-1 is still STARTING after 5 min"):
        mgr.wait_for("ws-1", "AVAILABLE")
    assert sum(time.sleeps) == 300


def test_a_failed_state_stops_the_wait():
    mgr, _ = manager(["STARTING", "ERROR"])
    with pytest.raises(AwsActionFailed, match="ws-1 went ERROR instead of AVAILABLE: E1"):
        mgr.wait_for("ws-1", "AVAILABLE")
