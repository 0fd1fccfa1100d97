"""The `calendar:` and `schedule:` sections of streamkit.yaml: events, runner and EventBridge."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, field_validator, model_validator

from streamkit.aws.schedule.calendar import (
    DEFAULT_COOLDOWN,
    DEFAULT_DURATION,
    DEFAULT_WARMUP,
    Calendar,
    Event,
    cron_rule,
    parse_rrule,
    zone,
)
from streamkit.aws.schedule.plan import RetryPolicy
from streamkit.config_base import Section

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$")
_FUNCTION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]{1,64}$")


def parse_duration(value: Any) -> timedelta:
    """'45m', '2h30m', '90s' (a unit is required) or a timedelta."""
    if isinstance(value, timedelta):
        return value
    text = str(value).strip().lower().replace(" ", "")
    match = _DURATION.match(text)
    if isinstance(value, bool | int | float) or not text or not match:
        raise ValueError("expected a duration with units, such as '45m', '2h' or '1h30m'")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The inverse of parse_duration: '1h30m', '45m', '0m'."""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    text += f"{seconds}s" if seconds else ""
    return text or "0m"


Duration = Annotated[
    timedelta, BeforeValidator(parse_duration), PlainSerializer(format_duration, return_type=str)
]


def _local_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("expected a local date and time such as '2026-12-10 18:30'") from None
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise ValueError("write the local time without an offset; the time zone says where")
    return value


LocalDateTime = Annotated[datetime, BeforeValidator(_local_datetime)]


class EventSettings(Section):
    """One event, or a series when `rrule` or `cron` is given (at most one a day)."""

    id: str = Field(description="short name: lowercase letters, digits, '-'")
    title: str = ""
    start: LocalDateTime = Field(description="local start; for a series, its first possible date")
    timezone: str | None = Field(default=None, description="IANA zone; default: the calendar's")
    duration: Duration | None = None
    warmup: Duration | None = Field(default=None, description="start the WorkSpace this early")
    cooldown: Duration | None = Field(default=None, description="stop it this long after")
    rrule: str | None = Field(
        default=None, description="iCalendar RRULE, e.g. FREQ=MONTHLY;BYDAY=2TH"
    )
    cron: str | None = Field(default=None, description="minute hour day month weekday (thu#2)")
    until: date | None = Field(default=None, description="last date of a series (local)")
    skip: list[date] = Field(default_factory=list, description="dates of a series to skip")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use 1-30 lowercase letters, digits and '-' (it names schedules)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value

    @field_validator("rrule")
    @classmethod
    def _rrule_valid(cls, value: str | None) -> str | None:
        return parse_rrule(value) if value is not None else None

    @field_validator("cron")
    @classmethod
    def _cron_valid(cls, value: str | None) -> str | None:
        if value is not None:
            cron_rule(value, datetime(2000, 1, 1))
        return value

    @model_validator(mode="after")
    def _series_fields(self) -> EventSettings:
        if self.rrule and self.cron:
            raise ValueError("give either rrule or cron, not both")
        if not (self.rrule or self.cron) and (self.skip or self.until):
            raise ValueError("skip and until apply only to a series (rrule or cron)")
        return self


class CalendarSettings(Section):
    """The events that need the WorkSpace; defaults apply to every event that omits them."""

    name: str = Field(default="meetup", description="names the EventBridge schedule group")
    timezone: str = Field(default="UTC", description="IANA zone of events that give none")
    duration: Duration = DEFAULT_DURATION
    warmup: Duration = Field(default=DEFAULT_WARMUP, description="GPU WorkSpaces cold-boot")
    cooldown: Duration = DEFAULT_COOLDOWN
    events: list[EventSettings] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use 1-30 lowercase letters, digits and '-'")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        zone(value)
        return value

    @model_validator(mode="after")
    def _unique_ids_and_real_skips(self) -> CalendarSettings:
        seen: set[str] = set()
        for index, item in enumerate(self.events):
            if item.id in seen:
                raise ValueError(f"events[{index}]: id {item.id!r} is used twice")
            seen.add(item.id)
        for item, event in zip(self.events, self.to_calendar().events, strict=True):
            for day in item.skip:
                if not event.occurs_on(day):
                    raise ValueError(f"event {item.id!r}: skip {day} is not a date of the series")
        return self

    def to_calendar(self) -> Calendar:
        """The calendar these settings describe."""
        return Calendar(self.name, tuple(self._event(item) for item in self.events))

    def _event(self, item: EventSettings) -> Event:
        return Event(
            id=item.id,
            title=item.title,
            tz=zone(item.timezone or self.timezone),
            start=item.start,
            duration=item.duration if item.duration is not None else self.duration,
            warmup=item.warmup if item.warmup is not None else self.warmup,
            cooldown=item.cooldown if item.cooldown is not None else self.cooldown,
            rrule=item.rrule,
            cron=item.cron,
            until=item.until,
            skip=frozenset(item.skip),
        )


class RunnerSettings(Section):
    """The local runner (`streamkit schedule run`)."""

    jobstore: Path = Field(
        default=Path("~/.local/state/streamkit/schedule.sqlite"),
        description="SQLite file holding jobs and the log of what ran",
    )
    stop_retry_every: Duration = Field(
        default=timedelta(minutes=10), description="retry a refused stop this often"
    )
    stop_retry_limit: int = Field(
        default=12,
        ge=0,
        le=1000,
        description="then the stop is pending: reported, and tried until it happens or "
        "`schedule ack`",
    )
    stop_retry_max_every: Duration = Field(
        default=timedelta(hours=1),
        description="a pending stop that fails (not refused) backs off up to this interval",
    )
    import_at_start: bool = Field(
        default=False,
        description="once OBS answers after a start, import obs.profile and obs.collection",
    )
    obs_wait: Duration = Field(
        default=timedelta(minutes=20), description="how long to wait for OBS after a start"
    )

    @field_validator("stop_retry_every")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value < timedelta(minutes=1):
            raise ValueError("must be at least 1m")
        return value


class EventBridgeSettings(Section):
    """Cloud schedules (`streamkit schedule deploy`)."""

    role_arn: str | None = Field(
        default=None, description="role EventBridge Scheduler assumes (from infra/ template)"
    )
    group: str | None = Field(default=None, description="schedule group; default streamkit-NAME")
    hold_autostop: bool = Field(
        default=True,
        description="also raise the AutoStop timeout before each start and put it back "
        "(workspace.auto_stop_timeout_minutes) before each stop",
    )
    retry_attempts: int = Field(
        default=3, ge=0, le=185, description="retries when AWS cannot be reached or throttles"
    )
    function_arn: str | None = Field(
        default=None,
        description="the streamkit function (infra/scheduler-function.yaml): schedules invoke "
        "it, and it decides like the local runner (interlock, hold, retries, reconcile)",
    )
    reconcile_every_minutes: int = Field(
        default=5, ge=1, le=60, description="with function_arn: how often the function looks"
    )

    @field_validator("function_arn")
    @classmethod
    def _function_shape(cls, value: str | None) -> str | None:
        if value is not None and not _FUNCTION_ARN.match(value):
            raise ValueError(
                "expected a Lambda function ARN, arn:aws:lambda:REGION:123456789012:function:NAME"
            )
        return value

    @field_validator("role_arn")
    @classmethod
    def _arn_shape(cls, value: str | None) -> str | None:
        if value is not None and not _ROLE_ARN.match(value):
            raise ValueError("expected an IAM role ARN, arn:aws:iam::123456789012:role/NAME")
        return value

    @field_validator("group")
    @classmethod
    def _group_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[0-9a-zA-Z._-]{1,64}$", value):
            raise ValueError("1-64 letters, digits, '.', '_' or '-'")
        return value


class ScheduleSettings(Section):
    """How the calendar is turned into WorkSpace starts and stops."""

    horizon_days: int = Field(default=62, ge=1, le=366, description="plan and deploy this far")
    runner: RunnerSettings = Field(default_factory=RunnerSettings)
    eventbridge: EventBridgeSettings = Field(default_factory=EventBridgeSettings)
    sns_topic_arn: str | None = Field(
        default=None,
        description="SNS topic told when a stop is pending, a start is given up, or the "
        "WorkSpace runs outside every event window",
    )
    outside_window_after: Duration | None = Field(
        default=timedelta(hours=1),
        description="a WorkSpace running this long outside every event window is stopped "
        "(never while in use) and reported; null: leave it",
    )

    @field_validator("sns_topic_arn")
    @classmethod
    def _topic_shape(cls, value: str | None) -> str | None:
        if value is not None and not _TOPIC_ARN.match(value):
            raise ValueError("expected an SNS topic ARN, arn:aws:sns:REGION:123456789012:NAME")
        return value

    @field_validator("outside_window_after")
    @classmethod
    def _at_least_a_minute(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < timedelta(minutes=1):
            raise ValueError("must be at least 1m (or null to leave such a WorkSpace alone)")
        return value

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    def retry_policy(self) -> RetryPolicy:
        """The retry policy of the local runner and the cloud function."""
        return RetryPolicy(
            self.runner.stop_retry_every,
            self.runner.stop_retry_limit,
            self.runner.stop_retry_max_every,
        )
