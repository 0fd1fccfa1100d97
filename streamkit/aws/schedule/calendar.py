"""The event calendar: one-off events and recurring series, expanded to dated occurrences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # both are imported where a rule is expanded: loading a config stays light
    from apscheduler.triggers.cron import CronTrigger

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
        from dateutil.rrule import rrulestr

        rrulestr(body, dtstart=datetime(2000, 1, 1))
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
            from dateutil.rrule import rrulestr

            rule = rrulestr(self.rrule, dtstart=self.start)
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

    def past_events(self, now: datetime) -> list[Occurrence]:
        """One-off events that ended before `now` (nothing will be scheduled for them)."""
        past = []
        for event in self.events:
            if event.recurring:
                continue
            occurrence = Occurrence(event, localize(event.start, event.tz), event.start)
            if occurrence.end <= now:
                past.append(occurrence)
        return past

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


# --- cron (minute hour day-of-month month day-of-week), evaluated by APScheduler -----------

_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_NTH = re.compile(r"^([a-z]+|[0-7])#([1-5])$")
_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th"}
_LABELS = {
    "minute": "minute",
    "hour": "hour",
    "day": "day of month",
    "month": "month",
    "day_of_week": "day of week",
    "second": "second",
}


class CronSeries:
    """A 5-field cron expression, expanded by APScheduler's CronTrigger in naive wall time."""

    def __init__(self, trigger: CronTrigger) -> None:
        self.trigger = trigger

    def between(self, first: datetime, last: datetime, inc: bool = True) -> Iterator[datetime]:
        """Naive start times from `first` to `last` (inclusive when `inc`)."""
        moment = self.trigger.get_next_fire_time(None, first.replace(tzinfo=UTC))
        while moment is not None:
            wall = moment.replace(tzinfo=None)
            if wall > last or (wall == last and not inc):
                return
            if inc or wall != first:
                yield wall
            moment = self.trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))


def cron_rule(expr: str, dtstart: datetime) -> CronSeries:
    """A 5-field cron expression from `dtstart` on; ValueError naming the field when invalid.

    The fields go to APScheduler's CronTrigger. Only the day of week is translated first:
    cron counts it 0-7 from Sunday (0 and 7 are Sunday) where APScheduler 3 counts from
    Monday, and `thu#2` (the second Thursday of the month) is APScheduler's `2nd thu`.
    A series has at most one event a day, so minute and hour are single numbers; day of
    month and day of week may not both be restricted (cron would take either, APScheduler
    both, and a calendar rarely means either).
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"cron needs 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, monthday, month, weekday = (f.lower() for f in fields)
    if not (minute.isdigit() and hour.isdigit()):
        raise ValueError("a series has at most one event a day (one minute and one hour)")
    if monthday != "*" and weekday != "*":
        raise ValueError("cron: restrict the day of month or the day of week, not both")
    options = {"minute": minute, "hour": hour, "day": monthday, "month": month, "second": "0"}
    nth = _NTH.match(weekday)
    if nth:
        day = _DAYS[_weekday_number(nth.group(1)) % 7]
        options["day"] = f"{_ORDINALS[int(nth.group(2))]} {day}"
    elif weekday != "*":
        options["day_of_week"] = ",".join(_DAYS[d] for d in _cron_weekdays(weekday))
    for name, value in options.items():  # one at a time, so that the error names the field
        try:
            CronTrigger(**{name: value}, timezone=UTC)
        except ValueError as exc:
            raise ValueError(f"cron {_LABELS[name]} {value!r}: {exc}") from None
    start = dtstart.replace(second=0, microsecond=0, tzinfo=UTC)
    return CronSeries(CronTrigger(**options, start_date=start, timezone=UTC))


def _weekday_number(text: str) -> int:
    if text in _DAYS:
        return _DAYS.index(text)
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    raise ValueError(f"cron day of week: {text!r} is not in 0-7 or sun..sat")


def _cron_weekdays(text: str) -> list[int]:
    """Cron's day-of-week field (lists, ranges, steps) as sorted day numbers, Sunday 0."""
    days: set[int] = set()
    for item in text.split(","):
        spec, _, step_text = item.partition("/")
        if step_text and not step_text.isdigit():
            raise ValueError(f"cron day of week: step {step_text!r} is not a number")
        step = int(step_text) if step_text else 1
        if spec == "*":
            first, last = 0, 6
        else:
            start, _, end = spec.partition("-")
            first = _weekday_number(start)
            last = _weekday_number(end) if end else (6 if step_text else first)
        if first > last:
            raise ValueError(f"cron day of week: range {spec!r} runs backwards")
        days.update(d % 7 for d in range(first, last + 1, max(step, 1)))
    return sorted(days)
