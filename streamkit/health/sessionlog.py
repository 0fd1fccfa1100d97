"""The session log of an event: one JSON object per line (samples, alerts, actions, notes,
audience questions)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from streamkit.errors import StreamkitError, UsageError
from streamkit.health.settings import SessionLogSettings
from streamkit.redact import REDACT

RECORD_TYPES = ("sample", "alert", "action", "note", "question", "outage")
QUESTION_EVENTS = ("asked", "shown", "answered")
OUTAGE_EVENTS = ("began", "ended")


class _Recordable(Protocol):
    t: float

    def to_record(self) -> dict[str, Any]: ...


def iso_utc(t: float) -> str:
    """Seconds since the epoch as ISO 8601 UTC with milliseconds, e.g. 2026-05-14T18:00:00.000Z."""
    stamp = datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def parse_iso(text: str) -> float:
    """ISO 8601 back to seconds since the epoch; a time without zone is taken as UTC."""
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def event_slug(event: str) -> str:
    """The event's name made safe for a file name."""
    slug = re.sub(r"[^a-z0-9]+", "-", event.lower()).strip("-")
    return slug or "event"


def session_log_path(settings: SessionLogSettings, event: str, t: float) -> Path:
    """Where the log of `event`, started at `t`, goes (directory / file_name with placeholders)."""
    date = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")
    return settings.directory / settings.file_name.format(event=event_slug(event), date=date)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


class SessionLog:
    """Appends records to a JSONL file, one flushed line each; safe to reopen after a crash."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            needs_newline = _ends_without_newline(self.path)
            self._file: TextIO = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise StreamkitError(
                f"{self.path}: cannot write the session log ({exc.strerror or exc})",
                hint="check the health.session_log.directory setting and its permissions",
            ) from None
        if needs_newline:  # a previous run died mid-line: start on a fresh one
            self._file.write("\n")
            self._file.flush()

    def write(self, record_type: str, t: float, fields: Mapping[str, Any]) -> None:
        """Append one record {"t": ..., "type": record_type, **fields} and flush it."""
        if record_type not in RECORD_TYPES:
            raise ValueError(f"unknown record type {record_type!r}")
        record = {"t": iso_utc(t), "type": record_type, **_json_safe(dict(fields))}
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self._file.write(REDACT(line) + "\n")
        self._file.flush()

    def sample(self, metrics: _Recordable) -> None:
        """Log a health.Metrics."""
        self.write("sample", metrics.t, metrics.to_record())

    def alert(self, event: _Recordable) -> None:
        """Log an alerts.AlertEvent."""
        self.write("alert", event.t, event.to_record())

    def action(self, action: _Recordable) -> None:
        """Log a degrade.Action (or any action with t and to_record())."""
        self.write("action", action.t, action.to_record())

    def note(self, t: float, text: str, **fields: Any) -> None:
        """Log a free-text note (stream started, operator remark, ...)."""
        self.write("note", t, {"text": text, **fields})

    def outage(self, t: float, event: str, detail: str = "") -> None:
        """Log that OBS stopped answering (`began`) or answers again (`ended`)."""
        if event not in OUTAGE_EVENTS:
            raise ValueError(f"unknown outage event {event!r}")
        self.write("outage", t, {"event": event, "detail": detail})

    def question(self, t: float, event: str, **fields: Any) -> None:
        """Log an audience question `event` (asked, shown, answered) with its id, author, text."""
        if event not in QUESTION_EVENTS:
            raise ValueError(f"unknown question event {event!r}")
        self.write("question", t, {"event": event, **fields})

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ends_without_newline(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as f:
        f.seek(-1, 2)
        return f.read(1) != b"\n"


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One line of a session log; `data` holds its fields besides t and type."""

    t: float
    type: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line that could not be read, and why."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class SessionRecords:
    """A session log read back: its records in file order and the lines skipped."""

    records: list[LogRecord]
    skipped: list[SkippedLine]

    def of_type(self, record_type: str) -> list[LogRecord]:
        return [r for r in self.records if r.type == record_type]


def read_session_log(path: str | Path) -> SessionRecords:
    """Read a session log; bad lines (a truncated last line, say) are skipped and listed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such session log") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the session log ({exc.strerror or exc})") from None
    lines = text.split("\n")
    last_complete = text.endswith("\n")
    records: list[LogRecord] = []
    skipped: list[SkippedLine] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        is_last = number == len(lines) and not last_complete
        record, problem = _parse_line(line)
        if problem is not None:
            reason = "truncated last line" if is_last and problem == "not JSON" else problem
            skipped.append(SkippedLine(number, reason))
        elif record is not None:
            records.append(record)
    return SessionRecords(records, skipped)


def _parse_line(line: str) -> tuple[LogRecord | None, str | None]:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError:
        return None, "not JSON"
    if not isinstance(raw, dict):
        return None, "not a JSON object"
    t, record_type = raw.pop("t", None), raw.pop("type", None)
    if record_type not in RECORD_TYPES:
        return None, f"unknown type {record_type!r}"
    if not isinstance(t, str):
        return None, "no time (t)"
    try:
        seconds = parse_iso(t)
    except ValueError:
        return None, f"bad time {t!r}"
    return LogRecord(seconds, record_type, raw), None
