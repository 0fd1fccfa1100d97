"""`streamkit doctor` AWS and schedule checks against the moto server: pass, then each fault."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from streamkit.config import parse_config
from streamkit.doctor.checklist import Status, diagnose
from tests.aws.conftest import REGION
from tests.aws.schedule_support import stopped_workspace
from tests.cli import run_cli

ROLE = "arn:aws:iam::123456789012:role/streamkit-scheduler"
ROOT = Path(__file__).resolve().parents[2]
AWS_CHECKS = ["aws.credentials", "aws.workspace", "aws.autostop", "schedule"]
START = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def workspace_id(moto) -> str:
    """A running AUTO_STOP WorkSpace with a 60 min timeout."""
    workspace_id = stopped_workspace(moto)
    moto.control(workspace_id=workspace_id, state="AVAILABLE")
    return workspace_id


def write(
    tmp_path: Path, workspace: dict, duration: str = "10m", hold_autostop: bool = False
) -> Path:
    data = {
        "obs": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        "workspace": {"region": REGION, "poll_interval": 0.1, **workspace},
        "calendar": {
            "name": "doctor",
            "events": [
                {
                    "id": "meetup",
                    "title": "Meetup",
                    "start": f"{START:%Y-%m-%d %H:%M}",
                    "duration": duration,
                },
                {"id": "later", "start": f"{START + timedelta(days=7):%Y-%m-%d %H:%M}"},
            ],
        },
        "schedule": {
            "runner": {"jobstore": str(tmp_path / "schedule.sqlite")},
            "eventbridge": {"role_arn": ROLE, "hold_autostop": hold_autostop},
        },
    }
    path = tmp_path / "streamkit.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def streamkit(env: dict, path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--config", str(path), *args, environ=env, cwd=ROOT)


def check(path: Path, event: str | None = None) -> dict:
    config = parse_config(path.read_text(encoding="utf-8"), path)
    return {r.name: r for r in diagnose(config, event=event, only=AWS_CHECKS)}


def test_good_set_up_passes_and_the_cli_reports_it(workspace_id, aws_env, tmp_path):
    path = write(tmp_path, {"workspace_id": workspace_id})
    deployed = streamkit(aws_env, path, "schedule", "deploy")
    assert deployed.returncode == 0, deployed.stderr
    result = streamkit(aws_env, path, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert {n: checks[n]["status"] for n in AWS_CHECKS} == dict.fromkeys(AWS_CHECKS, "PASS")
    assert "account 123456789012" in checks["aws.credentials"]["summary"]
    assert f"{workspace_id} is AVAILABLE, AUTO_STOP" in checks["aws.workspace"]["summary"]
    assert "covers the event" in checks["aws.autostop"]["summary"]
    assert "(EventBridge)" in checks["schedule"]["summary"]
    assert checks["obs.connection"]["status"] == "FAIL"  # no OBS here: exit 2
    assert result.returncode == 2
    assert "testing" not in result.stdout  # the fake secret key


def test_missing_credentials_fail_and_aws_checks_skip(workspace_id, in_moto, tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    results = check(write(tmp_path, {"workspace_id": workspace_id}))
    assert results["aws.credentials"].status is Status.FAIL
    assert "no AWS credentials" in results["aws.credentials"].summary
    assert "aws configure" in results["aws.credentials"].fix
    for name in ("aws.workspace", "schedule"):
        assert results[name].status is Status.SKIP
        assert "see aws.credentials" in results[name].summary


def test_no_workspace_fails_with_provision_fix(moto, in_moto, tmp_path):
    results = check(write(tmp_path, {"directory_id": moto.directory(), "user_name": "bob"}))
    assert results["aws.workspace"].status is Status.FAIL
    assert "no WorkSpace for user bob" in results["aws.workspace"].summary
    assert "streamkit workspace provision" in results["aws.workspace"].fix
    assert results["aws.autostop"].status is Status.SKIP


def test_broken_and_stopped_workspaces(moto, workspace_id, in_moto, tmp_path):
    path = write(tmp_path, {"workspace_id": workspace_id})
    moto.control(workspace_id=workspace_id, state="UNHEALTHY")
    result = check(path)["aws.workspace"]
    assert result.status is Status.FAIL and "UNHEALTHY" in result.summary
    assert "reboot" in result.fix
    moto.control(workspace_id=workspace_id, state="STOPPED")
    result = check(path)["aws.workspace"]
    assert result.status is Status.WARN and "not running yet" in result.summary
    assert "streamkit workspace start --wait" in result.fix


def test_running_mode_other_than_configured_warns(workspace_id, in_moto, tmp_path):
    path = write(tmp_path, {"workspace_id": workspace_id, "running_mode": "ALWAYS_ON"})
    result = check(path)["aws.workspace"]
    assert result.status is Status.WARN
    assert "streamkit workspace mode ALWAYS_ON" in result.fix


def test_autostop_shorter_than_the_event_warns_until_held(workspace_id, aws_env, in_moto, tmp_path):
    path = write(tmp_path, {"workspace_id": workspace_id}, duration="3h")
    result = check(path)["aws.autostop"]
    assert result.status is Status.WARN
    assert "AutoStop 1h is shorter than the event" in result.summary
    assert "streamkit workspace hold --until" in result.fix
    end = START + timedelta(hours=3)
    held = streamkit(aws_env, path, "workspace", "hold", "--until", end.isoformat())
    assert held.returncode == 0, held.stderr
    result = check(path)["aws.autostop"]
    assert result.status is Status.PASS and "held until" in result.summary


def test_deployed_autostop_hold_covers_a_long_event(workspace_id, aws_env, in_moto, tmp_path):
    path = write(tmp_path, {"workspace_id": workspace_id}, duration="3h", hold_autostop=True)
    assert check(path)["aws.autostop"].status is Status.WARN
    deployed = streamkit(aws_env, path, "schedule", "deploy")
    assert deployed.returncode == 0, deployed.stderr
    result = check(path)["aws.autostop"]
    assert result.status is Status.PASS
    assert "raised by the deployed schedule" in result.summary


def test_event_option_picks_the_event_to_measure(workspace_id, in_moto, tmp_path):
    path = write(tmp_path, {"workspace_id": workspace_id})
    assert check(path)["aws.autostop"].summary.count("Meetup") == 1
    later = check(path, event="later")["aws.autostop"]  # the calendar's default 2h
    assert later.status is Status.WARN and "later" in later.summary


def test_unscheduled_event_warns_and_local_runner_jobs_count(
    workspace_id, aws_env, in_moto, tmp_path
):
    path = write(tmp_path, {"workspace_id": workspace_id})
    result = check(path)["schedule"]
    assert result.status is Status.WARN
    assert "not scheduled: start" in result.summary and "; stop" in result.summary
    assert "streamkit schedule deploy" in result.fix
    # the local runner stores its jobs when it starts; stop it once it says so
    runner = subprocess.Popen(
        [sys.executable, "-m", "streamkit", "--config", str(path), "schedule", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=aws_env,
        cwd=ROOT,
    )
    try:
        assert runner.stdout.readline().startswith("running ")
    finally:
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=20)
    result = check(path)["schedule"]
    assert result.status is Status.PASS
    assert result.summary.count("(local runner)") == 2
