"""The event calendar: one-off events and recurring series, expanded to dated occurrences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as _rrule

DEFAULT_WARMUP = timedelta(minutes=45)  # GPU WorkSpaces cold-boot: no hibernation
DEFAULT_COOLDOWN = timedelta(minutes=15)
DEFAULT_DURATION = timedelta(hours=2)

_SUB_DAILY = {"HOURLY", "MINUTELY", "SECONDLY"}


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; ValueError with the name when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone {name!r} (e.g. 'Europe/Rome')") from None


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """A naive wall-clock time in `tz` as an aware UTC instant, by zoneinfo's fold=0 rule.

    A time skipped by a spring-forward change (02:30 when clocks jump 02:00 -> 03:00) takes
    the offset in force before the change, so it lands as many minutes after the jump
    (03:30). A time that happens twice on a fall-back night is its first occurrence
    (summer time).
    """
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def is_ambiguous(wall: datetime, tz: ZoneInfo) -> bool:
    """True when the naive `wall` time happens twice in `tz` (the fall-back hour)."""
    first = wall.replace(tzinfo=tz, fold=0).utcoffset()
    second = wall.replace(tzinfo=tz, fold=1).utcoffset()
    return first != second and localize(wall, tz).astimezone(tz).replace(tzinfo=None) == wall


def parse_rrule(text: str) -> str:
    """Validate an iCalendar RRULE (with or without the `RRULE:` prefix); returns its body."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts = {}
    for part in body.split(";"):
        key, sep, value = part.partition("=")
        if not sep or not value:
            raise ValueError(f"RRULE part {part!r} is not NAME=VALUE")
        parts[key.strip().upper()] = value.strip().upper()
    if "DTSTART" in parts:
        raise ValueError("RRULE must not contain DTSTART: the event's `start` is the series start")
    if parts.get("FREQ") in _SUB_DAILY:
        raise ValueError("a series has at most one event a day (FREQ must be DAILY or longer)")
    for key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if "," in parts.get(key, ""):
            raise ValueError(f"a series has at most one event a day ({key} must be one value)")
    try:
        _rrule.rrulestr(body, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"invalid RRULE: {exc}") from None
    return body


@dataclass(frozen=True)
class Event:
    """An event, or a series of them when `rrule` or `cron` is set.

    `start` is naive wall-clock time in `tz`: the event itself, or the first possible
    occurrence of a series (an RRULE's DTSTART; a cron series begins there). Durations,
    warm-up and cool-down are elapsed time, so they are right across clock changes.
    """

    id: str
    tz: ZoneInfo
    start: datetime
    duration: timedelta = DEFAULT_DURATION
    warmup: timedelta = DEFAULT_WARMUP
    cooldown: timedelta = DEFAULT_COOLDOWN
    title: str = ""
    rrule: str | None = None
    cron: str | None = None
    until: date | None = None
    skip: frozenset[date] = field(default_factory=frozenset)

    @property
    def recurring(self) -> bool:
        return bool(self.rrule or self.cron)

    def wall_times(self, first: datetime, last: datetime) -> Iterator[datetime]:
        """Naive local start times between `first` and `last` (inclusive), skips left out."""
        for wall in self._all_wall_times(first, last):
            if self.until and wall.date() > self.until:
                return
            if wall.date() not in self.skip:
                yield wall

    def _all_wall_times(self, first: datetime, last: datetime) -> Iterator[datetime]:
        if self.rrule:
            rule = _rrule.rrulestr(self.rrule, dtstart=self.start)
            yield from rule.between(max(first, self.start), last, inc=True)
        elif self.cron:
            yield from cron_rule(self.cron, self.start).between(
                max(first, self.start), last, inc=True
            )
        elif first <= self.start <= last:
            yield self.start

    def occurs_on(self, day: date) -> bool:
        """True when a start of this event (skips aside) falls on the local date `day`."""
        midnight = datetime.combine(day, time())
        return any(
            wall.date() == day
            for wall in self._all_wall_times(midnight, midnight + timedelta(days=1))
        )


@dataclass(frozen=True)
class Occurrence:
    """One dated happening of an event; instants are aware, in UTC; `wall` as written."""

    event: Event
    start: datetime
    wall: datetime

    @property
    def key(self) -> str:
        """Stable id: the event id, plus the local date for a series (one event a day)."""
        if not self.event.recurring:
            return self.event.id
        return f"{self.event.id}-{self.local_start:%Y%m%d}"

    @property
    def end(self) -> datetime:
        return self.start + self.event.duration

    @property
    def power_on(self) -> datetime:
        """When the WorkSpace must start: the start minus the warm-up."""
        return self.start - self.event.warmup

    @property
    def power_off(self) -> datetime:
        """When the WorkSpace may stop: the end plus the cool-down."""
        return self.end + self.event.cooldown

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.event.tz)

    @property
    def title(self) -> str:
        return self.event.title or self.event.id

    def clock_change_note(self) -> str | None:
        """Why the start differs from the written time, on a clock-change night; else None."""
        tz = self.event.tz.key
        if self.local_start.replace(tzinfo=None) != self.wall:
            return (
                f"{self.wall:%Y-%m-%d %H:%M} does not exist in {tz} (clocks go forward): "
                f"starts at {self.local_start:%H:%M %Z}"
            )
        if is_ambiguous(self.wall, self.event.tz):
            return (
                f"{self.wall:%Y-%m-%d %H:%M} happens twice in {tz} (clocks go back): "
                f"the first one, {self.local_start:%H:%M %Z}, is used"
            )
        return None


@dataclass(frozen=True)
class Calendar:
    """A named set of events (the name is the EventBridge schedule group's)."""

    name: str
    events: tuple[Event, ...] = ()

    def occurrences(self, since: datetime, until: datetime) -> list[Occurrence]:
        """Occurrences whose WorkSpace time (warm-up to cool-down) overlaps [since, until)."""
        found = []
        for event in self.events:
            reach = event.warmup + event.duration + event.cooldown + timedelta(days=1)
            first = since.astimezone(event.tz).replace(tzinfo=None) - reach
            last = until.astimezone(event.tz).replace(tzinfo=None) + timedelta(days=1)
            for wall in event.wall_times(first, last):
                occurrence = Occurrence(event, localize(wall, event.tz), wall)
                if occurrence.power_off > since and occurrence.power_on < until:
                    found.append(occurrence)
        found.sort(key=lambda o: (o.power_on, o.key))
        return found


# --- cron (minute hour day-of-month month day-of-week), expanded through dateutil ---------

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_WEEKDAYS = (_rrule.SU, _rrule.MO, _rrule.TU, _rrule.WE, _rrule.TH, _rrule.FR, _rrule.SA)
_FIELDS = (
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day of month", 1, 31, None),
    ("month", 1, 12, _MONTHS),
)
_NTH = re.compile(r"^([a-z]+|[0-7])#([1-5])$")


def cron_rule(expr: str, dtstart: datetime) -> _rrule.rrule:
    """A 5-field cron expression as a dateutil rule from `dtstart`; ValueError when invalid.

    Day of week is 0-7 (0 and 7 are Sunday) or sun..sat, and `thu#2` is the second
    Thursday of the month. Day of month and day of week may not both be restricted
    (cron would take either, which is rarely what a calendar means).
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"cron needs 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, monthday, month = (
        _cron_values(text, name, low, high, names)
        for text, (name, low, high, names) in zip(fields[:4], _FIELDS, strict=True)
    )
    weekday = _cron_weekdays(fields[4].lower())
    if len(minute) != 1 or len(hour) != 1:
        raise ValueError("a series has at most one event a day (one minute and one hour)")
    if fields[2] != "*" and fields[4] != "*":
        raise ValueError("cron: restrict the day of month or the day of week, not both")
    return _rrule.rrule(
        _rrule.MONTHLY,
        dtstart=dtstart.replace(second=0, microsecond=0),
        byminute=minute,
        byhour=hour,
        bysecond=0,
        bymonthday=monthday if fields[4] == "*" else None,
        bymonth=month,
        byweekday=weekday,
    )


def _cron_values(
    text: str, name: str, low: int, high: int, names: list[str] | None = None
) -> tuple[int, ...]:
    values: set[int] = set()
    for item in text.lower().split(","):
        spec, _, step_text = item.partition("/")
        step = _cron_int(step_text, name, 1, high) if step_text else 1
        if spec == "*":
            first, last = low, high
        else:
            start, _, end = spec.partition("-")
            first = _cron_int(start, name, low, high, names)
            last = _cron_int(end, name, low, high, names) if end else first
            if step_text and not end:
                last = high
        if first > last:
            raise ValueError(f"cron {name}: range {spec!r} runs backwards")
        values.update(range(first, last + 1, step))
    return tuple(sorted(values))


def _cron_int(text: str, name: str, low: int, high: int, names: list[str] | None = None) -> int:
    if names and text in names:
        return names.index(text) + (1 if name == "month" else 0)
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"cron {name}: {text!r} is not in {low}-{high}")
    return int(text)


def _cron_weekdays(text: str) -> tuple[_rrule.weekday, ...] | None:
    if text == "*":
        return None
    nth = _NTH.match(text)
    if nth:
        day = _cron_int(nth.group(1), "day of week", 0, 7, _DAYS) % 7
        return (_WEEKDAYS[day](int(nth.group(2))),)
    days = _cron_values(text, "day of week", 0, 7, _DAYS)
    return tuple(_WEEKDAYS[d % 7] for d in sorted(set(days)))
