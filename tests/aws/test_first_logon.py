"""After a scheduled start nobody is logged on: OBS waits for the first logon (moto server)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from streamkit.aws.schedule.ledger import Ledger
from streamkit.aws.schedule.plan import Record
from streamkit.aws.workspace.api import WorkspaceManager
from streamkit.aws.workspace.logon import WAITING, after_first_logon
from streamkit.aws.workspace.settings import WorkspaceSettings
from streamkit.config import parse_config
from streamkit.doctor.checklist import Status, diagnose
from tests.aws.conftest import REGION
from tests.aws.schedule_support import stopped_workspace


class SteppingClock:
    """A clock that sleep() moves forward: waiting costs no real time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def workspace_id(moto) -> str:
    workspace_id = stopped_workspace(moto)
    moto.control(workspace_id=workspace_id, state="AVAILABLE")
    return workspace_id


def manager_for(moto, workspace_id, clock) -> WorkspaceManager:
    return WorkspaceManager(
        moto.client("workspaces"),
        WorkspaceSettings(region=REGION, workspace_id=workspace_id),
        clock=clock,
        sleep=clock.sleep,
    )


def test_the_obs_setup_waits_for_the_first_logon_instead_of_failing(moto, workspace_id):
    clock = SteppingClock()
    calls = []
    step = after_first_logon(
        manager_for(moto, workspace_id, clock), lambda: calls.append(1) or "OBS set up", 1200
    )
    said = step(clock.now)
    assert calls == [] and WAITING in said and "streamkit obs import" in said
    assert "failed" not in said
    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")
    assert step(clock.now) == "OBS set up" and calls == [1]


def test_doctor_says_the_workspace_waits_for_the_first_logon(
    moto, workspace_id, aws_env, tmp_path, monkeypatch
):
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in aws_env.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    jobstore = tmp_path / "schedule.sqlite"
    started = datetime.now(UTC) - timedelta(minutes=10)
    Ledger(jobstore).write(Record("meetup-start", "start", "done", 1, started, "started"))
    path = tmp_path / "streamkit.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "obs": {"host": "127.0.0.1", "port": 9, "timeout": 1},
                "workspace": {"region": REGION, "workspace_id": workspace_id},
                "schedule": {"runner": {"jobstore": str(jobstore)}},
            }
        ),
        encoding="utf-8",
    )
    config = parse_config(path.read_text(encoding="utf-8"), path)
    result, obs = diagnose(config, only=["aws.workspace", "obs.connection"])
    assert WAITING in result.summary
    assert obs.status is Status.WARN and WAITING in obs.summary  # not a FAIL: nobody logged on
    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")
    (result,) = diagnose(config, only=["aws.workspace"])
    assert WAITING not in result.summary


def test_a_workspace_already_running_with_a_session_sets_obs_up_at_once(moto, workspace_id):
    """Someone logged on before the scheduled start found it running: OBS is up already."""
    from streamkit.aws.schedule.control import AwsWorkspace

    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")
    moto.control(workspace_id=workspace_id, connection_state="DISCONNECTED")
    clock = SteppingClock()
    manager = manager_for(moto, workspace_id, clock)
    calls = []
    step = after_first_logon(manager, lambda: calls.append(1) or "OBS set up", 1200)
    began = clock.now
    said = AwsWorkspace(manager, after_start=step).start(clock.now + timedelta(hours=3))
    assert calls == [1] and said.endswith("OBS set up"), said
    assert clock.now - began < timedelta(minutes=1)
