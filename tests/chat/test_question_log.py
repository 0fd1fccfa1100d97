"""Audience questions in the session log, and in the post-event report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from streamkit.health.report import format_summary, summarize, summary_to_json
from streamkit.health.sessionlog import SessionLog, parse_iso, read_session_log
from tests.cli import run_cli

FIXTURE_LOG = Path(__file__).parents[1] / "fixtures" / "logs" / "meetup-2026-05-14.jsonl"
T0 = parse_iso("2026-05-14T18:40:00Z")


def _log_with_questions(path: Path) -> Path:
    shutil.copy(FIXTURE_LOG, path)
    with SessionLog(path) as log:
        bert = {"id": "m1", "author": "ByteBert", "text": "Does the fallback kick in?"}
        log.question(T0, "asked", **bert)
        log.question(T0 + 30, "asked", id="m2", author="Ana", text="Is it open source?")
        log.question(T0 + 70, "shown", **bert)
        log.question(T0 + 130, "answered", **bert)
        log.question(T0 + 140, "shown", id="cli-1", author="", text="Typed by the host")
    return path


def test_questions_are_logged_with_times(tmp_path: Path):
    log = read_session_log(_log_with_questions(tmp_path / "log.jsonl"))
    records = log.of_type("question")
    assert [(r.data["event"], r.data["id"]) for r in records] == [
        ("asked", "m1"),
        ("asked", "m2"),
        ("shown", "m1"),
        ("answered", "m1"),
        ("shown", "cli-1"),
    ]
    assert records[2].t == T0 + 70
    with SessionLog(tmp_path / "x.jsonl") as other, pytest.raises(ValueError):
        other.question(T0, "liked", id="m1")


def test_the_report_lists_each_question_once_with_its_times(tmp_path: Path):
    summary = summarize(read_session_log(_log_with_questions(tmp_path / "log.jsonl")))
    text = format_summary(summary)
    assert "Questions (2 asked, 2 shown):" in text
    assert "  18:40:00  ByteBert: Does the fallback kick in?  [shown 18:41:10]" in text
    assert "  18:40:30  Ana: Is it open source?  [not shown]" in text
    assert "  --:--:--  Typed by the host  [shown 18:42:20]" in text
    data = summary_to_json(summary)["questions"]
    assert data[0] == {
        "id": "m1",
        "author": "ByteBert",
        "text": "Does the fallback kick in?",
        "asked": "2026-05-14T18:40:00.000Z",
        "shown": "2026-05-14T18:41:10.000Z",
        "answered": "2026-05-14T18:42:10.000Z",
    }
    assert data[1]["shown"] is None


def test_a_log_without_questions_reports_none():
    summary = summarize(read_session_log(FIXTURE_LOG))
    assert summary.questions == []
    assert "Questions" not in format_summary(summary)
    assert summary_to_json(summary)["questions"] == []


def test_report_command_lists_questions(tmp_path: Path):
    path = _log_with_questions(tmp_path / "log.jsonl")
    result = run_cli("report", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert [q["id"] for q in json.loads(result.stdout)["questions"]] == ["m1", "m2", "cli-1"]
