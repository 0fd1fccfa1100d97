"""The doctor's pure parts: runner, exit codes, rendering, event choice and rehearsal figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from streamkit.config import parse_config
from streamkit.doctor.checklist import (
    CheckResult,
    DoctorContext,
    Skip,
    Status,
    exit_code,
    run_checks,
)
from streamkit.doctor.events import pick_event
from streamkit.doctor.rehearse import (
    BANDWIDTH_TEST,
    Rehearsal,
    _restoring,
    counter_totals,
    summarize,
)
from streamkit.doctor.report import render_text, to_json
from streamkit.doctor.settings import RehearsalSettings
from streamkit.errors import UsageError
from streamkit.health.metrics import Metrics, percentile
from streamkit.obs.errors import ObsRequestFailed


def result(status: Status, name: str = "x") -> CheckResult:
    return CheckResult(name, status, f"{status.value.lower()} summary", f"fix {name}")


@pytest.mark.parametrize(
    "statuses,code",
    [
        ([], 0),
        ([Status.PASS, Status.SKIP], 0),
        ([Status.PASS, Status.WARN, Status.SKIP], 1),
        ([Status.WARN, Status.FAIL, Status.PASS], 2),
    ],
)
def test_exit_code_is_the_worst_status(statuses, code):
    assert exit_code([result(s) for s in statuses]) == code


def test_runner_turns_skips_and_project_errors_into_results():
    def skipped(ctx):
        raise Skip("OBS is not reachable (see obs.connection)")

    def refused(ctx):
        raise ObsRequestFailed("GetStats", 600, "nope")

    def fine(ctx):
        return result(Status.PASS, "fine")

    ctx = DoctorContext(parse_config("{}", Path("streamkit.yaml")))
    got = run_checks(ctx, [("a", skipped), ("b", refused), ("fine", fine)])
    assert [(r.name, r.status) for r in got] == [
        ("a", Status.SKIP),
        ("b", Status.FAIL),
        ("fine", Status.PASS),
    ]
    assert got[0].summary == "OBS is not reachable (see obs.connection)"
    assert "GetStats" in got[1].summary


def test_text_shows_fixes_only_for_warnings_and_failures():
    results = [
        result(Status.PASS, "ok"),
        result(Status.WARN, "warned"),
        result(Status.FAIL, "failed"),
        result(Status.SKIP, "skipped"),
    ]
    text = render_text(results)
    assert "✓ PASS ok" in text and "! WARN warned" in text and "✗ FAIL failed" in text
    assert "fix: fix warned" in text and "fix: fix failed" in text
    assert "fix ok" not in text and "fix skipped" not in text
    assert text.splitlines()[-1] == "NOT ready: 1 pass, 1 warn, 1 fail, 1 skip"
    plain = render_text(results, ascii_only=True)
    assert "✓" not in plain and "FAIL   failed" in plain


def test_json_counts_and_checks():
    data = json.loads(to_json([result(Status.PASS), result(Status.WARN, "w")]))
    assert data["exit_code"] == 1
    assert data["counts"] == {"PASS": 1, "WARN": 1, "FAIL": 0, "SKIP": 0}
    assert data["checks"][1] == {
        "name": "w",
        "status": "WARN",
        "summary": "warn summary",
        "fix": "fix w",
        "details": [],
    }


CALENDAR = """\
calendar:
  timezone: Europe/Rome
  events:
    - {id: march, start: "2026-03-12 18:30", duration: 2h}
    - {id: monthly, start: "2026-01-08 19:00", rrule: "FREQ=MONTHLY;BYDAY=2TH"}
"""


def test_pick_event_next_named_in_progress_and_unknown():
    config = parse_config(CALENDAR, Path("streamkit.yaml"))
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert pick_event(config, now).key == "march"  # 18:30 on the 12th, before 19:00
    assert pick_event(config, now, "monthly").key == "monthly-20260312"
    during = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)  # 19:00 in Rome: march is on
    assert pick_event(config, during).key == "march"
    after = datetime(2026, 3, 13, tzinfo=UTC)
    assert pick_event(config, after, "march") is None
    assert pick_event(config, after).key == "monthly-20260409"
    with pytest.raises(UsageError, match="--event nope: no such event"):
        pick_event(config, now, "nope")
    assert pick_event(parse_config("{}", Path("s.yaml")), now) is None


def metrics(t: float, **values) -> Metrics:
    return Metrics(t=t, live=values.pop("live", True), reconnecting=False, **values)


def stream(total: int, skipped: int, sent: int, ms: int, active: bool = True) -> dict:
    return {
        "outputActive": active,
        "outputTotalFrames": total,
        "outputSkippedFrames": skipped,
        "outputBytes": sent,
        "outputDuration": ms,
    }


def test_summarize_totals_follow_obs_counters_across_a_reconnect():
    samples = [
        metrics(1, bitrate=800.0, fps=30.0, cpu=10.0),
        metrics(2, bitrate=4000.0, fps=30.0, cpu=20.0, congestion=40.0),
        Metrics(t=3, live=True, reconnecting=True, congestion=100.0),
        metrics(4, bitrate=3600.0, fps=29.0, cpu=30.0),
    ]
    streams = [
        stream(12, 0, 100_000, 400),
        stream(42, 40, 600_000, 1400),  # a burst: more dropped than sent in that second
        stream(0, 0, 0, 0),  # reconnecting: OBS's counters start again
        stream(30, 2, 450_000, 1000),
    ]
    got = summarize("rtmp://x/live/rehearsal", samples, streams, stream(31, 2, 460_000, 1030))
    assert (got.samples, got.total_frames, got.dropped_frames) == (4, 72, 42)
    assert got.bytes_sent == 1_050_000 and got.seconds == 2.4
    assert got.bitrate_avg == pytest.approx(1_050_000 * 8 / 1000 / 2.4)
    assert (got.bitrate_min, got.bitrate_max) == (3600.0, 4000.0)  # the first second left out
    assert got.congestion_max == 100.0 and got.cpu_max == 30.0 and got.reconnects == 1
    assert got.drop_pct == pytest.approx(100 * 42 / 72)
    assert got.status == "FAIL"
    assert got.obs_counters["outputTotalFrames"] == 31
    assert summarize("t", [], [], {}).verdict.startswith("FAIL: no frames")


def test_counter_totals_ignore_inactive_answers():
    assert counter_totals([stream(5, 1, 10, 100, active=False), stream(3, 0, 9, 90)]) == {
        "outputTotalFrames": 3,
        "outputSkippedFrames": 0,
        "outputBytes": 9,
        "outputDuration": 90,
    }


def test_percentile_nearest_rank():
    assert percentile([], 5) is None
    assert percentile([1.0], 5) == 1.0
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 5) == 5.0 and percentile(values, 100) == 100.0


class NoClient:
    def request(self, *args, **kwargs):
        raise AssertionError("destination() must not talk to OBS")


TWITCH = {
    "streamServiceType": "rtmp_common",
    "streamServiceSettings": {"service": "Twitch", "server": "auto", "key": "live_abc"},
}


def test_bandwidth_test_keeps_the_service_and_marks_the_key():
    rehearsal = Rehearsal(NoClient(), RehearsalSettings(bandwidth_test=True))
    wanted, target = rehearsal.destination(TWITCH)
    assert wanted["streamServiceSettings"]["key"] == "live_abc" + BANDWIDTH_TEST
    assert wanted["streamServiceSettings"]["service"] == "Twitch"
    assert target == "Twitch (bandwidth test)" and "live_abc" not in target
    youtube = {
        "streamServiceType": "rtmp_common",
        "streamServiceSettings": {"service": "YouTube - RTMPS", "key": "k"},
    }
    with pytest.raises(UsageError, match="needs the Twitch service"):
        rehearsal.destination(youtube)


def test_a_target_is_required_and_validated():
    with pytest.raises(UsageError, match="no rehearsal target"):
        Rehearsal(NoClient(), RehearsalSettings()).destination(TWITCH)
    with pytest.raises(ValidationError, match="rtmp://"):
        RehearsalSettings(target_url="http://example.org/live")
    with pytest.raises(ValidationError):
        RehearsalSettings(target_url="rtmp://127.0.0.1/live", seconds=1)


def test_restoring_empties_fields_the_original_lacked():
    original = {"streamServiceType": "rtmp_common", "streamServiceSettings": {"service": "Twitch"}}
    wanted = {"streamServiceSettings": {"server": "rtmp://127.0.0.1/live", "key": "rehearsal"}}
    assert _restoring(original, wanted) == {
        "streamServiceType": "rtmp_common",
        "streamServiceSettings": {"service": "Twitch", "server": "", "key": ""},
    }


def test_clock_drives_the_in_progress_window():
    config = parse_config(CALENDAR, Path("streamkit.yaml"))
    start = datetime(2026, 3, 12, 17, 30, tzinfo=UTC)  # 18:30 in Rome
    assert pick_event(config, start + timedelta(hours=1), "march").start == start
