"""The calendar: and schedule: sections: defaults, durations, and errors naming file:line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import Field, ValidationError

from streamkit.aws.schedule.settings import (
    CalendarSettings,
    ScheduleSettings,
    format_duration,
    parse_duration,
)
from streamkit.config_base import Section, format_validation_error
from streamkit.yamlpos import load_yaml_with_lines


class Root(Section):
    """The two sections as they hang on the root config."""

    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)


def load(text: str) -> Root:
    path = Path("streamkit.yaml")
    data, lines = load_yaml_with_lines(text, path)
    try:
        return Root.model_validate(data or {})
    except ValidationError as exc:
        raise ValueError(format_validation_error(exc, path, lines)) from None


EVENT_A = "calendar:\n  events:\n    - id: a\n      start: 2026-01-01 18:30\n"
GOOD = """\
calendar:
  name: milano
  timezone: Europe/Rome
  warmup: 50m
  events:
    - id: monthly
      title: Monthly meetup
      start: 2026-01-01 18:30
      rrule: FREQ=MONTHLY;BYDAY=2TH
      duration: 2h30m
      skip: [2026-08-13]
    - id: special
      start: "2026-12-03T19:00"
      timezone: America/New_York
      warmup: 1h
schedule:
  runner:
    stop_retry_every: 5m
  eventbridge:
    role_arn: arn:aws:iam::123456789012:role/streamkit-scheduler
"""


def test_a_full_calendar_loads_with_defaults_applied():
    root = load(GOOD)
    calendar = root.calendar.to_calendar()
    monthly, special = calendar.events
    assert calendar.name == "milano"
    assert monthly.tz.key == "Europe/Rome" and special.tz.key == "America/New_York"
    assert monthly.warmup == timedelta(minutes=50) and special.warmup == timedelta(hours=1)
    assert monthly.duration == timedelta(hours=2, minutes=30)
    assert special.duration == timedelta(hours=2) and special.cooldown == timedelta(minutes=15)
    assert monthly.skip == frozenset({date(2026, 8, 13)})
    assert root.schedule.runner.stop_retry_every == timedelta(minutes=5)
    assert root.schedule.runner.stop_retry_limit == 12
    assert root.schedule.horizon == timedelta(days=62)
    starts = [
        o.local_start.strftime("%m-%d %H:%M")
        for o in calendar.occurrences(
            datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
        )
    ]
    assert starts == ["07-09 18:30", "09-10 18:30"]  # August skipped


def test_defaults_without_any_section():
    root = load("")
    assert root.calendar.to_calendar().events == ()
    assert root.calendar.warmup == timedelta(minutes=45)
    assert root.schedule.eventbridge.role_arn is None
    assert root.model_dump(mode="json")["calendar"]["warmup"] == "45m"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "calendar:\n  timezone: Europe/Roma\n",
            "streamkit.yaml:2: calendar.timezone: unknown IANA time zone 'Europe/Roma'",
        ),
        (
            "calendar:\n  warmup: 45\n",
            "streamkit.yaml:2: calendar.warmup: expected a duration with units, such as '45m'",
        ),
        (
            EVENT_A + "      rrule: FREQ=HOURLY\n",
            "streamkit.yaml:5: calendar.events.0.rrule: a series has at most one event a day",
        ),
        (
            EVENT_A + "      cron: 30 18 * *\n",
            "streamkit.yaml:5: calendar.events.0.cron: cron needs 5 fields",
        ),
        (
            "calendar:\n  events:\n    - id: A b\n      start: 2026-01-01 18:30\n",
            "streamkit.yaml:3: calendar.events.0.id: use 1-30 lowercase letters",
        ),
        (
            "calendar:\n  events:\n    - id: a\n      start: tomorrow\n",
            "streamkit.yaml:4: calendar.events.0.start: expected a local date and time",
        ),
        (
            "calendar:\n  events:\n    - id: a\n      start: 2026-01-01T18:30:00+01:00\n",
            "streamkit.yaml:4: calendar.events.0.start: write the local time without an offset",
        ),
        (
            EVENT_A + "      skip: [2026-02-01]\n",
            "skip and until apply only to a series",
        ),
        (
            "calendar:\n  events:\n    - id: a\n      start: 2026-01-01 18:30\n"
            "      rrule: FREQ=MONTHLY;BYDAY=2TH\n      skip: [2026-02-13]\n",
            "event 'a': skip 2026-02-13 is not a date of the series",
        ),
        (
            "calendar:\n  events:\n    - {id: a, start: 2026-01-01 18:30}\n"
            "    - {id: a, start: 2026-01-02 18:30}\n",
            "events[1]: id 'a' is used twice",
        ),
        (
            "schedule:\n  eventbridge:\n    role_arn: streamkit-scheduler\n",
            "streamkit.yaml:3: schedule.eventbridge.role_arn: expected an IAM role ARN",
        ),
        (
            "schedule:\n  runner:\n    stop_retry_every: 10s\n",
            "streamkit.yaml:3: schedule.runner.stop_retry_every: must be at least 1m",
        ),
        ("schedule:\n  horizon: 30\n", "streamkit.yaml:2: schedule.horizon: unknown key"),
    ],
)
def test_errors_name_file_line_and_field(text, expected):
    with pytest.raises(ValueError) as info:
        load(text)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("text", "minutes"), [("45m", 45), ("2h", 120), ("1h30m", 90), ("90s", 1.5), (" 2H 15M ", 135)]
)
def test_durations_round_trip(text, minutes):
    value = parse_duration(text)
    assert value == timedelta(minutes=minutes)
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize("bad", ["", "45", "m", "1d", "-5m", True, 30])
def test_bad_durations(bad):
    with pytest.raises(ValueError, match="with units"):
        parse_duration(bad)
