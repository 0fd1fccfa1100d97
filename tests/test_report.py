"""Post-event report: figures of a fixture log computed by hand, JSON, SVG chart, CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from streamkit.cli import main
from streamkit.health.chart import render_svg
from streamkit.health.metrics import percentile
from streamkit.health.report import (
    format_summary,
    summarize,
    summary_to_json,
    time_live,
    worst_window,
)
from streamkit.health.sessionlog import LogRecord, SessionRecords, read_session_log
from tests.cli import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "logs" / "meetup-2026-05-14.jsonl"
T0 = 1_778_781_600.0  # 2026-05-14T18:00:00Z
SVG = "{http://www.w3.org/2000/svg}"

# The fixture (tests/fixtures/logs/meetup-2026-05-14.jsonl), from 18:00:00 UTC:
# - note at +0 s; 300 live samples at +1..+300 s, uptime 1..300 s, 1 s apart, 30 frames each;
#   samples +121..+140 (20 of them) drop 15 of 30 frames and send 250 000 bytes (2000 kbps),
#   all others drop none and send 750 000 bytes (6000 kbps);
# - a not-live sample at +301 s; a note at +359 s;
# - 60 live samples at +361..+420 s after a restart (uptime 1..60 s), healthy; a note at +425 s;
# - alerts at +121 (ALARM) and +152 (OK); actions at +126 (to BRB) and +162 (back to Talk);
# - a truncated last line (line 369).
# Hand-computed figures:
# - time live: 300 s + 60 s = 6:00
# - frames: 360 samples * 30 = 10 800 total, 20 * 15 = 300 dropped -> 2.78 %
# - worst minute: any 60 s window holding all 20 bad samples has 60 samples: 300 of 1800
#   = 16.67 %; the earliest ends at +140 s (18:02:20), so it is 18:01:20 to 18:02:20
# - bitrate: min 2000, max 6000; p5 = 18th smallest of 360 (ceil(0.05 * 360)) = 2000;
#   avg = (340 * 750 000 + 20 * 250 000) * 8 / 360 s / 1000 = 5777.8 kbps


def test_fixture_figures():
    summary = summarize(read_session_log(FIXTURE))
    assert summary.samples == 361
    assert summary.time_live_s == 360.0
    assert (summary.dropped_frames, summary.total_frames) == (300, 10_800)
    assert summary.drop_pct == pytest.approx(300 / 10_800 * 100)
    worst = summary.worst_minute
    assert worst is not None
    assert (worst.start, worst.end) == (T0 + 80, T0 + 140)
    assert (worst.dropped, worst.total) == (300, 1800)
    rate = summary.bitrate
    assert rate is not None
    assert (rate.min, rate.p5, rate.max, rate.samples) == (2000.0, 2000.0, 6000.0, 360)
    assert rate.avg == pytest.approx(2_080_000_000 / 360 / 1000)
    assert [a.t - T0 for a in summary.alerts] == [121, 152]
    assert [a.t - T0 for a in summary.actions] == [126, 162]
    assert [(s.line, s.reason) for s in summary.skipped] == [(369, "truncated last line")]


def test_report_prints_the_figures(capsys):
    assert main(["report", str(FIXTURE)]) == 0
    out, err = capsys.readouterr()
    assert "From 2026-05-14 18:00:00 to 18:07:05 UTC (0:07:05), 361 samples" in out
    assert "Time live:       0:06:00" in out
    assert "Frames dropped:  2.78% (300 of 10800, network)" in out
    assert "Worst minute:    18:01:20 to 18:02:20 UTC, 16.67% dropped (300 of 1800)" in out
    assert "Bitrate (kbps):  min 2000  avg 5778  p5 2000  max 6000  (360 samples)" in out
    assert "Alerts (2):" in out
    assert "  18:02:01  ALARM  Network drops 50.0% — lower the bitrate" in out
    assert "  18:02:32  OK     Network drops back to OK (0.0%)" in out
    assert "Actions (2):" in out
    assert '  18:02:06  Switching to fallback scene "BRB"' in out
    assert '  18:02:42  Switching back to scene "Talk": healthy for 10 s' in out
    assert "Skipped lines:   1 (line 369: truncated last line)" in out
    assert "meetup-2026-05-14.jsonl:369: skipped (truncated last line)" in err


def test_report_json(capsys):
    assert main(["report", str(FIXTURE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["time_live_s"] == 360.0
    assert data["frames"] == {"dropped": 300, "total": 10_800, "dropped_pct": 2.7778}
    assert data["worst_minute"] == {
        "start": "2026-05-14T18:01:20.000Z",
        "end": "2026-05-14T18:02:20.000Z",
        "dropped_pct": 16.6667,
        "dropped": 300,
        "total": 1800,
    }
    assert data["bitrate_kbps"] == {
        "min": 2000.0,
        "avg": 5777.778,
        "p5": 2000.0,
        "max": 6000.0,
        "samples": 360,
    }
    assert [a["level"] for a in data["alerts"]] == ["ALARM", "OK"]
    assert data["alerts"][0]["t"] == "2026-05-14T18:02:01.000Z"
    assert [a["scene"] for a in data["actions"]] == ["BRB", "Talk"]
    assert data["skipped_lines"] == [{"line": 369, "reason": "truncated last line"}]


def test_svg_chart_is_well_formed_with_series_and_markers(tmp_path: Path, capsys):
    chart = tmp_path / "health.svg"
    assert main(["report", str(FIXTURE), "--svg", str(chart)]) == 0
    assert f"Chart written to {chart}" in capsys.readouterr().out
    root = ET.fromstring(chart.read_text(encoding="utf-8"))
    assert root.tag == f"{SVG}svg"
    lines = root.findall(f"{SVG}polyline")
    # drops, bitrate, congestion: each broken in two runs by the stop between streams
    assert len(lines) == 6
    markers = root.findall(f"{SVG}line")
    assert [m.get("stroke") for m in markers] == ["#e74c3c", "#27ae60"]
    assert "ALARM Network drops" in markers[0].find(f"{SVG}title").text
    actions = root.findall(f"{SVG}path")
    assert len(actions) == 2
    assert "BRB" in actions[0].find(f"{SVG}title").text


def test_svg_escapes_text_and_handles_an_empty_log():
    log = SessionRecords(
        [LogRecord(T0, "action", {"message": 'switch to "<A&B>"'})],
        [],
    )
    root = ET.fromstring(render_svg(log, title="a <b> & c"))
    assert root.find(f"{SVG}title").text == "a <b> & c"
    ET.fromstring(render_svg(SessionRecords([], [])))


def test_report_of_a_log_without_samples():
    summary = summarize(SessionRecords([LogRecord(T0, "note", {"text": "hi"})], []))
    text = format_summary(summary)
    assert "Time live:       0:00:00" in text
    assert "Frames dropped:  n/a" in text
    assert "Bitrate:         n/a" in text
    assert summary_to_json(summary)["worst_minute"] is None


def test_report_cli_errors(tmp_path: Path, capsys):
    assert main(["report", str(tmp_path / "missing.jsonl")]) == 2
    assert "no such session log" in capsys.readouterr().err
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("hello\nworld\n", encoding="utf-8")
    assert main(["report", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert "no readable records (2 bad lines, first: line 1: not JSON)" in err
    assert "Traceback" not in err
    assert main(["report", str(FIXTURE), "--svg", str(tmp_path / "no" / "dir" / "x.svg")]) == 2
    assert "cannot write the chart" in capsys.readouterr().err


def test_report_runs_as_a_command():
    result = run_cli("report", str(FIXTURE), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["frames"]["dropped"] == 300


def sample(t: float, **data) -> LogRecord:
    return LogRecord(T0 + t, "sample", data)


def test_time_live_counts_each_stream_run_and_falls_back_to_intervals():
    samples = [
        sample(1, live=True, uptime_s=100.0),
        sample(2, live=True, uptime_s=101.0),
        sample(3, live=True, uptime_s=2.0),  # restarted without a not-live sample between
        sample(4, live=True, uptime_s=3.0),
        sample(5, live=False),
        sample(6, live=True, interval_s=1.0),  # no uptime known
        sample(7, live=True, interval_s=1.5),
    ]
    assert time_live(samples) == 101.0 + 3.0 + 2.5


def test_worst_window_ties_go_to_the_earliest_and_windows_slide():
    samples = [sample(i, dropped_frames=0, total_frames=30) for i in range(1, 200)]
    samples[99] = sample(100, dropped_frames=30, total_frames=30)
    worst = worst_window(samples, seconds=60)
    assert worst is not None and worst.end == T0 + 100 and worst.dropped == 30
    assert worst.total == 60 * 30
    assert worst_window([sample(1, dropped_frames=0, total_frames=0)]) is None


def test_worst_window_lies_inside_the_log():
    """Drops in the first seconds: the window starts at the log's first sample, not before;
    a log shorter than the window is one window."""
    samples = [sample(i, dropped_frames=15, total_frames=30) for i in range(10, 16)]
    samples += [sample(i, dropped_frames=0, total_frames=30) for i in range(16, 300)]
    worst = worst_window(samples, seconds=60)
    assert worst is not None and (worst.start, worst.end) == (T0 + 10, T0 + 70)
    assert (worst.dropped, worst.total) == (5 * 15, 60 * 30)
    short = worst_window(samples[:20], seconds=60)
    assert short is not None and (short.start, short.end) == (T0 + 10, T0 + 29)
    assert (short.dropped, short.total) == (6 * 15, 20 * 30)


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 5) == 5.0
    assert percentile([7.0], 5) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
