"""`streamkit schedule plan` as a subprocess: local and UTC times, clock-change notes, errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from tests.cli import run_cli, write_config

CALENDAR = """\
calendar:
  timezone: Europe/Rome
  events:
    - id: monthly
      title: Monthly meetup
      start: 2026-01-01 18:30
      rrule: FREQ=MONTHLY;BYDAY=2TH
    - id: night
      start: 2026-03-29 02:30
      duration: 1h
"""


def test_plan_shows_local_and_utc_across_the_spring_change(tmp_path):
    config = write_config(tmp_path / "streamkit.yaml", CALENDAR)
    result = run_cli(
        "--config", str(config), "schedule", "plan", "--from", "2026-03-01T00:00Z", "--days", "45"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "2026-03-12",
        "16:45",
        "UTC",
        "Thu",
        "2026-03-12",
        "17:45",
        "CET",
        "Europe/Rome",
        "start",
        "monthly-20260312-start",
        "Monthly",
        "meetup",
    ]
    assert "2026-03-29 00:45 UTC  Sun 2026-03-29 01:45 CET " in lines[2]
    assert "2026-03-29 02:45 UTC  Sun 2026-03-29 04:45 CEST" in lines[3]
    assert lines[4].startswith("2026-04-09 15:45 UTC  Thu 2026-04-09 17:45 CEST")
    assert lines[-1] == (
        "note: 2026-03-29 02:30 does not exist in Europe/Rome "
        "(clocks go forward): starts at 03:30 CEST"
    )


def test_plan_json(tmp_path):
    config = write_config(tmp_path / "streamkit.yaml", CALENDAR)
    result = run_cli(
        "--config",
        str(config),
        "schedule",
        "plan",
        "--from",
        "2026-03-12T17:00Z",
        "--days",
        "1",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    (stop,) = json.loads(result.stdout)  # the start is behind us; the stop is still ahead
    assert stop == {
        "key": "monthly-20260312-stop",
        "action": "stop",
        "utc": "2026-03-12T19:45:00+00:00",
        "local": "2026-03-12T20:45:00+01:00",
        "timezone": "Europe/Rome",
        "may_run_late_minutes": None,
        "events": ["monthly-20260312"],
    }


def test_bad_calendar_is_a_config_error_with_its_line(tmp_path):
    config = write_config(tmp_path / "streamkit.yaml", CALENDAR.replace("BYDAY=2TH", "BYDAY=2XX"))
    result = run_cli("--config", str(config), "schedule", "plan")
    assert result.returncode == 2
    assert f"{config}:7: calendar.events.0.rrule: invalid RRULE" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_from_is_a_usage_error(tmp_path):
    config = write_config(tmp_path / "streamkit.yaml", CALENDAR)
    result = run_cli("--config", str(config), "schedule", "plan", "--from", "2026-03-01")
    assert result.returncode == 2
    assert "give a zone or offset" in result.stderr


def test_deploy_without_a_role_says_where_to_get_one(tmp_path):
    config = write_config(tmp_path / "streamkit.yaml", CALENDAR)
    result = run_cli("--config", str(config), "schedule", "deploy")
    assert result.returncode == 2
    assert "schedule.eventbridge.role_arn is not set" in result.stderr


def test_run_keeps_its_jobs_across_a_restart(tmp_path):
    state = tmp_path / "state" / "schedule.sqlite"
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    config = write_config(
        tmp_path / "streamkit.yaml",
        "workspace:\n  region: us-east-1\n  workspace_id: ws-abcdef123\n"
        f"schedule:\n  runner:\n    jobstore: {state}\n"
        f"calendar:\n  events:\n    - id: later\n      start: {day} 18:00\n",
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    env.pop("STREAMKIT_CONFIG", None)
    for _ in range(2):  # the second run finds the jobs the first one stored
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamkit", "--config", str(config), "schedule", "run"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout.readline().startswith(f"running 2 job(s) from {state}")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "jobs stay stored" in out
    listed = run_cli("--config", str(config), "schedule", "list", "--local", "--json")
    jobs = json.loads(listed.stdout)["local_jobs"]
    assert [(j["id"], j["run_date"], j["grace_seconds"]) for j in jobs] == [
        ("later-start", f"{day}T17:15:00+00:00", 9900),  # may start late until the 2 h event ends
        ("later-stop", f"{day}T20:15:00+00:00", None),
    ]
