"""`streamkit schedule deploy|diff|list|run --once` as subprocesses against the moto server."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tests.aws.conftest import REGION
from tests.aws.schedule_support import describe, stopped_workspace
from tests.cli import run_cli

ROLE = "arn:aws:iam::123456789012:role/streamkit-scheduler"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workspace_id(moto) -> str:
    return stopped_workspace(moto)


def config(tmp_path: Path, workspace_id: str, events: list[dict], **schedule) -> Path:
    data = {
        "obs": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        "workspace": {"region": REGION, "workspace_id": workspace_id, "poll_interval": 0.1},
        "calendar": {"name": "milano", "timezone": "Europe/Rome", "events": events},
        "schedule": {
            "runner": {"jobstore": str(tmp_path / "state" / "schedule.sqlite")},
            "eventbridge": {"role_arn": ROLE},
            **schedule,
        },
    }
    path = tmp_path / "streamkit.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def schedule(aws_env, path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--config", str(path), "schedule", *args, environ=aws_env, cwd=ROOT)


MONTHLY = {
    "id": "monthly",
    "title": "Monthly meetup",
    "start": "2030-01-01 18:30",
    "rrule": "FREQ=MONTHLY;BYDAY=2TH",
}
FROM = ("--from", "2030-01-01T00:00Z")


def test_deploy_diff_list_round_trip(moto, aws_env, tmp_path, workspace_id):
    path = config(tmp_path, workspace_id, [MONTHLY])
    diff = schedule(aws_env, path, "diff", *FROM)
    assert diff.returncode == 1, diff.stderr
    assert [line.split()[:3] for line in diff.stdout.splitlines()[:2]] == [
        ["create", "monthly-20300110-hold", "at(2030-01-10T17:43:00)"],
        ["create", "monthly-20300110-start", "at(2030-01-10T17:45:00)"],
    ]

    deployed = schedule(aws_env, path, "deploy", *FROM)
    assert deployed.returncode == 0, deployed.stderr
    assert "streamkit-milano: 8 schedule(s) in sync after 8 change(s)" in deployed.stdout
    again = schedule(aws_env, path, "deploy", *FROM)
    assert "in sync, nothing to change" in again.stdout
    assert schedule(aws_env, path, "diff", *FROM).returncode == 0

    got = moto.client("scheduler").get_schedule(
        Name="monthly-20300110-stop", GroupName="streamkit-milano"
    )
    assert json.loads(got["Target"]["Input"]) == {
        "StopWorkspaceRequests": [{"WorkspaceId": workspace_id}]
    }

    listed = schedule(aws_env, path, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["local_jobs"] == []
    assert {s["action_after_completion"] for s in data["deployed"]} == {"DELETE"}
    assert sorted(s["name"] for s in data["deployed"]) == [
        f"monthly-{day}-{step}"
        for day in ("20300110", "20300214")
        for step in ("hold", "restore", "start", "stop")
    ]

    moved = dict(MONTHLY, start="2030-01-01 19:00")
    path = config(tmp_path, workspace_id, [moved])
    updated = schedule(aws_env, path, "deploy", *FROM)
    assert updated.stdout.count("update ") == 8, updated.stdout
    path = config(tmp_path, workspace_id, [])
    emptied = schedule(aws_env, path, "deploy", *FROM)
    assert emptied.stdout.count("delete ") == 8, emptied.stdout
    assert "none (create them" in schedule(aws_env, path, "list").stdout


def test_deploy_from_a_later_time_keeps_what_is_coming_before_it(
    moto, aws_env, tmp_path, workspace_id
):
    soon = datetime.now(UTC) + timedelta(days=3)
    later = soon + timedelta(days=20)
    events = [
        {"id": "soon", "start": f"{soon:%Y-%m-%d %H:%M}", "timezone": "UTC"},
        {"id": "later", "start": f"{later:%Y-%m-%d %H:%M}", "timezone": "UTC"},
    ]
    path = config(tmp_path, workspace_id, events)
    first = schedule(aws_env, path, "deploy")
    assert first.returncode == 0, first.stderr
    assert "8 schedule(s) in sync after 8 change(s)" in first.stdout
    after_soon = f"{soon + timedelta(days=1):%Y-%m-%dT%H:%MZ}"
    again = schedule(aws_env, path, "deploy", "--from", after_soon)
    assert again.returncode == 0, again.stderr
    assert "delete" not in again.stdout, again.stdout
    names = {
        s["Name"]
        for s in moto.client("scheduler").list_schedules(GroupName="streamkit-milano")["Schedules"]
    }
    assert {"soon-start", "soon-stop", "later-start", "later-stop"} <= names
    assert schedule(aws_env, path, "diff", "--from", after_soon).returncode == 0


def test_deploy_says_which_events_are_past_and_refuses_a_past_from(
    moto, aws_env, tmp_path, workspace_id
):
    future = datetime.now(UTC) + timedelta(days=3)
    events = [
        {"id": "last-year", "start": "2025-12-10 18:30"},
        {"id": "typo", "start": f"{datetime.now(UTC).year - 1}-12-11 18:30"},
        {"id": "next", "start": f"{future:%Y-%m-%d %H:%M}", "timezone": "UTC"},
    ]
    path = config(tmp_path, workspace_id, events)
    deployed = schedule(aws_env, path, "deploy")
    assert deployed.returncode == 0, deployed.stderr
    assert "warning: skipped last-year: it was on 2025-12-10 18:30 Europe/Rome" in deployed.stderr
    assert "warning: skipped typo:" in deployed.stderr
    assert "next-start" in deployed.stdout
    past = schedule(aws_env, path, "deploy", "--from", "2026-01-01T00:00Z")
    assert past.returncode == 2, past.stdout
    assert "--from 2026-01-01T00:00Z is in the past" in past.stderr
    assert "Traceback" not in past.stderr


def test_run_once_starts_a_workspace_whose_event_is_warming_up(
    moto, aws_env, tmp_path, workspace_id
):
    soon = datetime.now(UTC) + timedelta(minutes=40)  # warm-up (45 min) began 5 min ago
    event = {"id": "now", "start": soon.strftime("%Y-%m-%d %H:%M"), "timezone": "UTC"}
    path = config(tmp_path, workspace_id, [event])
    result = schedule(aws_env, path, "run", "--once")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("start now-start: done")
    assert describe(moto, workspace_id)["State"] == "AVAILABLE"
    assert "start now-start" in result.stderr  # every action is logged

    again = schedule(aws_env, path, "run", "--once")
    assert again.stdout.strip() == "nothing due"
    listed = schedule(aws_env, path, "list", "--local")
    assert "now-start  done" in listed.stdout


def test_aws_failure_is_an_error_not_a_traceback(moto, aws_env, tmp_path):
    path = config(tmp_path, "ws-doesnotexist", [MONTHLY])
    result = schedule(aws_env, path, "deploy", *FROM)
    assert result.returncode == 6
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
