"""Session log: JSONL records written flushed and append-only, read back despite damage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streamkit.errors import StreamkitError, UsageError
from streamkit.health.alerts import AlertEvent, Level
from streamkit.health.fallback import SwitchScene
from streamkit.health.metrics import Metrics
from streamkit.health.sessionlog import (
    SessionLog,
    event_slug,
    iso_utc,
    parse_iso,
    read_session_log,
    session_log_path,
)
from streamkit.health.settings import SessionLogSettings
from streamkit.redact import REDACT

T0 = 1_778_781_600.0  # 2026-05-14T18:00:00Z


def test_iso_times_round_trip_in_utc():
    assert iso_utc(T0) == "2026-05-14T18:00:00.000Z"
    assert iso_utc(T0 + 0.25) == "2026-05-14T18:00:00.250Z"
    assert parse_iso("2026-05-14T18:00:00.250Z") == T0 + 0.25
    assert parse_iso("2026-05-14T20:00:00+02:00") == T0
    assert parse_iso("2026-05-14T18:00:00") == T0


def test_log_path_per_event_and_date(tmp_path: Path):
    settings = SessionLogSettings(directory=tmp_path / "logs")
    assert session_log_path(settings, "Python Meetup #42", T0) == (
        tmp_path / "logs" / "python-meetup-42-2026-05-14.jsonl"
    )
    assert event_slug("  ") == "event"
    custom = SessionLogSettings(directory=tmp_path, file_name="{date}_{event}.log")
    assert session_log_path(custom, "x", T0).name == "2026-05-14_x.log"


def test_file_name_setting_is_checked():
    for bad in ("../up.jsonl", "{when}.jsonl", ""):
        with pytest.raises(ValueError):
            SessionLogSettings(file_name=bad)


def test_writes_every_kind_of_record_and_reads_them_back(tmp_path: Path):
    path = tmp_path / "logs" / "event.jsonl"
    metrics = Metrics(t=T0, live=True, reconnecting=False, bitrate=6000.0, total_frames=30)
    alert = AlertEvent(
        T0 + 1, "network_drops", Level.ALARM, Level.OK, 12.0, 5.0, "Network drops 12.0%", "x"
    )
    with SessionLog(path) as log:
        log.sample(metrics)
        log.alert(alert)
        log.action(SwitchScene(T0 + 2, "stream reconnecting", "BRB"))
        log.note(T0 + 3, "speaker changed", speaker="Ada")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["sample", "alert", "action", "note"]
    assert json.loads(lines[0])["t"] == "2026-05-14T18:00:00.000Z"
    contents = read_session_log(path)
    assert contents.skipped == []
    sample, event, action, note = contents.records
    assert sample.t == T0 and sample.data["bitrate"] == 6000.0 and sample.data["live"] is True
    assert event.data["level"] == "ALARM" and event.data["threshold"] == 5.0
    assert action.data["scene"] == "BRB" and action.t == T0 + 2
    assert note.data == {"text": "speaker changed", "speaker": "Ada"}
    assert [r.type for r in contents.of_type("note")] == ["note"]


def test_each_line_is_on_disk_before_the_log_is_closed(tmp_path: Path):
    path = tmp_path / "live.jsonl"
    log = SessionLog(path)
    try:
        log.note(T0, "first")
        assert read_session_log(path).records[0].data["text"] == "first"
    finally:
        log.close()


def test_reopening_appends(tmp_path: Path):
    path = tmp_path / "e.jsonl"
    with SessionLog(path) as log:
        log.note(T0, "one")
    with SessionLog(path) as log:
        log.note(T0 + 1, "two")
    assert [r.data["text"] for r in read_session_log(path).records] == ["one", "two"]


def test_truncated_last_line_is_skipped_and_reported(tmp_path: Path):
    path = tmp_path / "crash.jsonl"
    with SessionLog(path) as log:
        log.note(T0, "one")
        log.note(T0 + 1, "two")
    with path.open("a", encoding="utf-8") as f:
        f.write('{"t":"2026-05-14T18:00:02.000Z","type":"sam')
    contents = read_session_log(path)
    assert len(contents.records) == 2
    assert [(s.line, s.reason) for s in contents.skipped] == [(3, "truncated last line")]


def test_appending_after_a_crash_starts_a_fresh_line(tmp_path: Path):
    path = tmp_path / "crash.jsonl"
    path.write_text('{"t":"2026-05-14T18:00:00.000Z","type":"note","text":"a"}\n{"t":"20', "utf-8")
    with SessionLog(path) as log:
        log.note(T0 + 5, "after restart")
    contents = read_session_log(path)
    assert [r.data["text"] for r in contents.records] == ["a", "after restart"]
    assert [(s.line, s.reason) for s in contents.skipped] == [(2, "not JSON")]


def test_bad_lines_are_skipped_with_reasons(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"t":"2026-05-14T18:00:00Z","type":"note","text":"ok"}',
                "[1, 2]",
                '{"t":"2026-05-14T18:00:01Z","type":"gossip"}',
                '{"type":"note"}',
                '{"t":"yesterday","type":"note"}',
                "",
                '{"t":"2026-05-14T18:00:02Z","type":"note","text":"still read"}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    contents = read_session_log(path)
    assert [r.data["text"] for r in contents.records] == ["ok", "still read"]
    assert [(s.line, s.reason) for s in contents.skipped] == [
        (2, "not a JSON object"),
        (3, "unknown type 'gossip'"),
        (4, "no time (t)"),
        (5, "bad time 'yesterday'"),
    ]


def test_non_finite_numbers_are_written_as_null(tmp_path: Path):
    path = tmp_path / "nan.jsonl"
    with SessionLog(path) as log:
        log.write(
            "sample", T0, {"cpu": float("nan"), "fps": float("inf"), "nested": [float("nan")]}
        )
    [record] = read_session_log(path).records
    assert record.data == {"cpu": None, "fps": None, "nested": [None]}


def test_known_secrets_never_reach_the_log(tmp_path: Path):
    REDACT.add("sk-live-4f9a2c")
    path = tmp_path / "secret.jsonl"
    with SessionLog(path) as log:
        log.note(T0, "stream key sk-live-4f9a2c pasted into chat")
    text = path.read_text(encoding="utf-8")
    assert "sk-live-4f9a2c" not in text and "***" in text


def test_unknown_record_type_is_refused(tmp_path: Path):
    with SessionLog(tmp_path / "x.jsonl") as log, pytest.raises(ValueError, match="gossip"):
        log.write("gossip", T0, {})


def test_unwritable_place_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StreamkitError, match="cannot write the session log") as info:
        SessionLog(blocker / "logs" / "e.jsonl")
    assert "health.session_log.directory" in str(info.value)


def test_missing_log_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="no such session log"):
        read_session_log(tmp_path / "nope.jsonl")
