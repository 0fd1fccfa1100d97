"""Post-event summary of a session log: time live, drops, worst minute, bitrate, alerts, OBS
outages and audience questions. The chart is `chart.render_svg`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from streamkit.health.metrics import percentile
from streamkit.health.sessionlog import LogRecord, SessionRecords, SkippedLine, iso_utc

WORST_WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class BitrateStats:
    """Per-sample bitrate figures in kbps; `avg` is total bits over total time."""

    min: float
    avg: float
    p5: float
    max: float
    samples: int


@dataclass(frozen=True, slots=True)
class WorstMinute:
    """The 60 s window (start, end] with the highest share of network-dropped frames."""

    start: float
    end: float
    drop_pct: float
    dropped: int
    total: int


@dataclass(frozen=True, slots=True)
class QuestionLine:
    """One audience question of the log: when it was asked and when it was shown, if ever."""

    id: str
    author: str
    text: str
    asked: float | None = None
    shown: float | None = None
    answered: float | None = None


@dataclass(frozen=True, slots=True)
class Outage:
    """A time OBS did not answer; `end` is None when the log ends before it does."""

    start: float
    end: float | None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Summary:
    """The post-event figures of one session log."""

    start: float | None
    end: float | None
    samples: int
    time_live_s: float
    dropped_frames: int
    total_frames: int
    drop_pct: float | None
    worst_minute: WorstMinute | None
    bitrate: BitrateStats | None
    alerts: list[LogRecord] = field(default_factory=list)
    actions: list[LogRecord] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)
    questions: list[QuestionLine] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def frame_counts(sample: LogRecord) -> tuple[int, int] | None:
    """(dropped, total) network frames of a sample's interval, when both are known."""
    dropped, total = _int(sample.data.get("dropped_frames")), _int(sample.data.get("total_frames"))
    return None if dropped is None or total is None else (dropped, total)


def time_live(samples: list[LogRecord]) -> float:
    """Seconds live: for each run of live samples, the stream's last reported duration.

    A run ends at a sample that is not live or whose uptime went down (the stream restarted).
    Runs without uptime count the sampled intervals instead.
    """
    total = 0.0
    run_uptime: float | None = None
    run_intervals = 0.0
    for sample in samples:
        live = sample.data.get("live") is True
        uptime = number(sample.data.get("uptime_s"))
        restarted = uptime is not None and run_uptime is not None and uptime < run_uptime
        if not live or restarted:
            total += run_uptime if run_uptime is not None else run_intervals
            run_uptime, run_intervals = None, 0.0
        if live:
            run_uptime = uptime if uptime is not None else run_uptime
            run_intervals += number(sample.data.get("interval_s")) or 0.0
    return total + (run_uptime if run_uptime is not None else run_intervals)


def worst_window(samples: list[LogRecord], seconds: float = WORST_WINDOW_S) -> WorstMinute | None:
    """The window (end - seconds, end] with the highest drop %, inside the log: it starts at or
    after the first sample (earliest wins). A log shorter than `seconds` is one window."""
    counted = [(s.t, c) for s in samples if (c := frame_counts(s)) is not None]
    if not counted:
        return None
    span_start = counted[0][0]
    if counted[-1][0] - span_start < seconds:
        dropped = sum(d for _, (d, _) in counted)
        total = sum(n for _, (_, n) in counted)
        if total <= 0:
            return None
        pct = min(100.0, 100.0 * dropped / total)
        return WorstMinute(span_start, counted[-1][0], pct, dropped, total)
    best: WorstMinute | None = None
    dropped = total = 0
    first = 0
    for t, (d, n) in counted:
        dropped, total = dropped + d, total + n
        while counted[first][0] <= t - seconds:
            dropped -= counted[first][1][0]
            total -= counted[first][1][1]
            first += 1
        if total <= 0 or t - seconds < span_start:
            continue
        pct = min(100.0, 100.0 * dropped / total)
        if best is None or pct > best.drop_pct:
            best = WorstMinute(t - seconds, t, pct, dropped, total)
    return best


def bitrate_stats(samples: list[LogRecord]) -> BitrateStats | None:
    """Bitrate of live samples: min, nearest-rank p5 and max per sample; avg = bits / time."""
    values = []
    bits = 0
    seconds = 0.0
    for sample in samples:
        kbps = number(sample.data.get("bitrate"))
        if kbps is None or sample.data.get("live") is not True:
            continue
        values.append(kbps)
        sent, interval = _int(sample.data.get("bytes_sent")), number(sample.data.get("interval_s"))
        if sent is not None and interval:
            bits += sent * 8
            seconds += interval
    if not values:
        return None
    avg = bits / seconds / 1000 if seconds else sum(values) / len(values)
    return BitrateStats(min(values), avg, percentile(values, 5), max(values), len(values))


def questions_of(records: list[LogRecord]) -> list[QuestionLine]:
    """Question records folded into one line per question id, in the order first seen; the
    first time of each event counts."""
    lines: dict[str, QuestionLine] = {}
    for number, record in enumerate(records):
        key = str(record.data.get("id") or f"#{number}")
        line = lines.get(key) or QuestionLine(
            key, str(record.data.get("author", "")), str(record.data.get("text", ""))
        )
        event = record.data.get("event")
        if event in ("asked", "shown", "answered") and getattr(line, event) is None:
            line = replace(line, **{event: record.t})
        lines[key] = line
    return list(lines.values())


def outages_of(records: list[LogRecord]) -> list[Outage]:
    """Outage records paired: each `began` with the next `ended`."""
    found: list[Outage] = []
    for record in records:
        event = record.data.get("event")
        if event == "began" and (not found or found[-1].end is not None):
            found.append(Outage(record.t, None, str(record.data.get("detail", ""))))
        elif event == "ended" and found and found[-1].end is None:
            found[-1] = replace(found[-1], end=record.t)
    return found


def summarize(log: SessionRecords) -> Summary:
    """The figures of a session log read with sessionlog.read_session_log."""
    samples = log.of_type("sample")
    counts = [c for s in samples if (c := frame_counts(s)) is not None]
    dropped = sum(d for d, _ in counts)
    total = sum(n for _, n in counts)
    times = [r.t for r in log.records]
    return Summary(
        start=min(times, default=None),
        end=max(times, default=None),
        samples=len(samples),
        time_live_s=time_live(samples),
        dropped_frames=dropped,
        total_frames=total,
        drop_pct=min(100.0, 100.0 * dropped / total) if total else None,
        worst_minute=worst_window(samples),
        bitrate=bitrate_stats(samples),
        alerts=log.of_type("alert"),
        actions=log.of_type("action"),
        skipped=list(log.skipped),
        questions=questions_of(log.of_type("question")),
        outages=outages_of(log.of_type("outage")),
    )


def format_duration(seconds: float) -> str:
    """H:MM:SS."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def clock(t: float) -> str:
    """HH:MM:SS UTC of a time."""
    return datetime.fromtimestamp(t, UTC).strftime("%H:%M:%S")


def format_summary(summary: Summary, title: str = "") -> str:
    """The summary as text for a terminal."""
    out = [f"Session log: {title}"] if title else []
    if summary.start is None or summary.end is None:
        out.append("No records.")
    else:
        day = datetime.fromtimestamp(summary.start, UTC).strftime("%Y-%m-%d")
        span = format_duration(summary.end - summary.start)
        out.append(
            f"From {day} {clock(summary.start)} to {clock(summary.end)} UTC ({span}), "
            f"{summary.samples} samples"
        )
    out.append(f"Time live:       {format_duration(summary.time_live_s)}")
    if summary.drop_pct is None:
        out.append("Frames dropped:  n/a (no frame counts while live)")
    else:
        out.append(
            f"Frames dropped:  {summary.drop_pct:.2f}% "
            f"({summary.dropped_frames} of {summary.total_frames}, network)"
        )
    worst = summary.worst_minute
    if worst is not None:
        out.append(
            f"Worst minute:    {clock(worst.start)} to {clock(worst.end)} UTC, "
            f"{worst.drop_pct:.2f}% dropped ({worst.dropped} of {worst.total})"
        )
    rate = summary.bitrate
    if rate is None:
        out.append("Bitrate:         n/a")
    else:
        out.append(
            f"Bitrate (kbps):  min {rate.min:.0f}  avg {rate.avg:.0f}  p5 {rate.p5:.0f}  "
            f"max {rate.max:.0f}  ({rate.samples} samples)"
        )
    out.append(f"Alerts ({len(summary.alerts)}):")
    for alert in summary.alerts:
        level = str(alert.data.get("level", "?"))
        out.append(f"  {clock(alert.t)}  {level:<5}  {alert.data.get('message', '')}")
    if summary.outages:
        out.append(f"OBS unreachable ({len(summary.outages)}):")
        for outage in summary.outages:
            until = clock(outage.end) if outage.end is not None else "the end of the log"
            lasted = f" ({format_duration(outage.end - outage.start)})" if outage.end else ""
            detail = f"  {outage.detail}" if outage.detail else ""
            out.append(f"  {clock(outage.start)} to {until}{lasted}{detail}")
    out.append(f"Actions ({len(summary.actions)}):")
    for action in summary.actions:
        out.append(f"  {clock(action.t)}  {action.data.get('message', '')}")
    if summary.questions:
        shown = sum(1 for q in summary.questions if q.shown is not None)
        asked = sum(1 for q in summary.questions if q.asked is not None)
        out.append(f"Questions ({asked} asked, {shown} shown):")
        for question in summary.questions:
            when = clock(question.asked) if question.asked is not None else "--:--:--"
            status = f"shown {clock(question.shown)}" if question.shown else "not shown"
            who = f"{question.author}: " if question.author else ""
            out.append(f"  {when}  {who}{question.text}  [{status}]")
    if summary.skipped:
        lines = ", ".join(f"line {s.line}: {s.reason}" for s in summary.skipped)
        out.append(f"Skipped lines:   {len(summary.skipped)} ({lines})")
    return "\n".join(out) + "\n"


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """The summary as a JSON-ready dict (times ISO 8601 UTC)."""
    worst, rate = summary.worst_minute, summary.bitrate
    return {
        "start": None if summary.start is None else iso_utc(summary.start),
        "end": None if summary.end is None else iso_utc(summary.end),
        "samples": summary.samples,
        "time_live_s": round(summary.time_live_s, 3),
        "frames": {
            "dropped": summary.dropped_frames,
            "total": summary.total_frames,
            "dropped_pct": None if summary.drop_pct is None else round(summary.drop_pct, 4),
        },
        "worst_minute": None
        if worst is None
        else {
            "start": iso_utc(worst.start),
            "end": iso_utc(worst.end),
            "dropped_pct": round(worst.drop_pct, 4),
            "dropped": worst.dropped,
            "total": worst.total,
        },
        "bitrate_kbps": None
        if rate is None
        else {
            "min": round(rate.min, 3),
            "avg": round(rate.avg, 3),
            "p5": round(rate.p5, 3),
            "max": round(rate.max, 3),
            "samples": rate.samples,
        },
        "alerts": [{"t": iso_utc(a.t), **a.data} for a in summary.alerts],
        "actions": [{"t": iso_utc(a.t), **a.data} for a in summary.actions],
        "skipped_lines": [{"line": s.line, "reason": s.reason} for s in summary.skipped],
        "outages": [
            {
                "start": iso_utc(o.start),
                "end": None if o.end is None else iso_utc(o.end),
                "detail": o.detail,
            }
            for o in summary.outages
        ],
        "questions": [
            {
                "id": q.id,
                "author": q.author,
                "text": q.text,
                **{
                    event: None if (t := getattr(q, event)) is None else iso_utc(t)
                    for event in ("asked", "shown", "answered")
                },
            }
            for q in summary.questions
        ],
    }


# ---- SVG chart -------------------------------------------------------------------------------
