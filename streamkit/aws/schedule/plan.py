"""Start/stop actions from the event calendar: plan them and decide what is due (pure).

The calendar is the source of truth. `plan` turns it into actions; `decide` says, for a time
T and what has already run, which actions are due, which were missed and which wait (a pure
function, tested with a fake clock). The outcomes are kept by `ledger` (SQLite, local runner)
or in the WorkSpace's tags (the cloud function); both decide through this module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from streamkit.aws.schedule.calendar import Calendar, Occurrence

log = logging.getLogger(__name__)

ActionKind = Literal["start", "stop"]
MIN_STOPPED = timedelta(hours=1)  # shorter gaps between windows are bridged


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """Start or stop the WorkSpace at `at` (UTC) for one or more occurrences.

    `grace` is how late the action may still run (None: however late); `until` is the end
    of the WorkSpace window the action belongs to (its stop time).
    """

    kind: ActionKind
    at: datetime
    key: str
    occurrences: tuple[Occurrence, ...]
    until: datetime
    grace: timedelta | None

    @property
    def local_at(self) -> datetime:
        """`at` in the time zone of the (first) event it serves."""
        return self.at.astimezone(self.occurrences[0].event.tz)

    @property
    def titles(self) -> str:
        return ", ".join(o.title for o in self.occurrences)


def plan(calendar: Calendar, since: datetime, until: datetime) -> list[Action]:
    """The start and stop actions of every WorkSpace window overlapping [since, until).

    Occurrences whose windows (warm-up to cool-down) overlap, or are less than MIN_STOPPED
    apart, share one window: one start, one stop. So one event's stop never cuts the next
    one's warm-up, and no start is attempted while the WorkSpace is still stopping.
    """
    windows: list[list[Occurrence]] = []
    for occurrence in calendar.occurrences(since, until):
        if windows and occurrence.power_on - max(o.power_off for o in windows[-1]) < MIN_STOPPED:
            windows[-1].append(occurrence)
        else:
            windows.append([occurrence])
    actions = []
    for window in windows:
        first = window[0]
        last = max(window, key=lambda o: o.power_off)
        served = tuple(window)
        actions.append(
            Action(
                "start",
                first.power_on,
                f"{first.key}-start",
                served,
                last.power_off,
                grace=max(o.end for o in window) - first.power_on,  # late, while events are on
            )
        )
        actions.append(
            Action("stop", last.power_off, f"{last.key}-stop", served, last.power_off, grace=None)
        )
    actions.sort(key=lambda a: (a.at, a.kind != "stop", a.key))
    return actions


# --- decide -----------------------------------------------------------------------------

Outcome = Literal["done", "retry", "pending", "gave_up", "missed", "acknowledged", "dropped"]
#: Outcomes after which an action is never tried again ("dropped": a stop still being tried
#: whose action is no longer planned, e.g. its event was removed from the calendar).
FINISHED = frozenset({"done", "gave_up", "missed", "acknowledged", "dropped"})
TRYING = frozenset({"retry", "pending"})


@dataclass(frozen=True)
class Record:
    """What happened to an action so far (a ledger row).

    `refused` says the last attempt was refused by the interlock (someone connected or live),
    not failed; `since` is when the action was first tried; `notified` that the people who
    watch the WorkSpace were told it is pending; `held_until` that an operator's hold
    (`workspace hold --until`) refused the stop: it is tried again at the hold's end, and
    such refusals do not count toward the retry limit.
    """

    key: str
    kind: ActionKind
    state: Outcome
    attempts: int
    last_attempt: datetime
    detail: str = ""
    refused: bool = False
    since: datetime | None = None
    notified: bool = False
    held_until: datetime | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """A refused or failed action is tried again every `every`, `limit` times.

    Then a start gives up, and a stop becomes pending: it is tried until it happens or an
    operator acknowledges it, every `every` while it is refused (waiting for people to leave
    costs two describe calls) and with a backoff doubling up to `max_every` while AWS fails.
    """

    every: timedelta = timedelta(minutes=10)
    limit: int = 12
    max_every: timedelta = timedelta(hours=1)

    def delay(self, record: Record) -> timedelta:
        """How long after `record`'s last attempt the next one is due."""
        beyond = record.attempts - self.limit
        if record.state != "pending" or record.refused or beyond <= 0:
            return self.every
        return min(self.every * 2 ** min(beyond, 20), max(self.max_every, self.every))

    def retry_at(self, record: Record) -> datetime:
        """When the action of `record` (retry or pending) is tried next: at the end of the
        hold that refused it, else one delay after its last attempt."""
        if record.held_until is not None:
            return max(record.held_until, record.last_attempt)
        return record.last_attempt + self.delay(record)


@dataclass
class Decision:
    """Actions due now, missed (too late to run) and waiting (with their due time)."""

    run: list[Action] = field(default_factory=list)
    missed: list[Action] = field(default_factory=list)
    waiting: list[tuple[Action, datetime]] = field(default_factory=list)


# An action is tried from its time (minus nothing) until its retries run out; a record from
# before that belongs to an earlier event that had the same id (a one-off event edited for
# the next month keeps its id), not to this action.
STALE_RECORD = timedelta(days=1)


def next_due(action: Action, record: Record | None, policy: RetryPolicy) -> datetime | None:
    """When `action` should (next) run; None once it is finished, one way or another."""
    if record is None or record.last_attempt < action.at - STALE_RECORD:
        return action.at
    if record.state in ("retry", "pending"):
        return policy.retry_at(record)
    return None


def decide(
    actions: Iterable[Action], records: dict[str, Record], now: datetime, policy: RetryPolicy
) -> Decision:
    """Sort actions into due, missed and waiting at `now`, given what has run."""
    decision = Decision()
    for action in actions:
        due = next_due(action, records.get(action.key), policy)
        if due is None:
            continue
        if due > now:
            decision.waiting.append((action, due))
        elif action.grace is not None and now - action.at > action.grace:
            decision.missed.append(action)
        else:
            decision.run.append(action)
    return decision


def outcome_after_failure(action: Action, attempts: int, policy: RetryPolicy) -> Outcome:
    """What a refused or failed attempt leaves: retry, then a start gives up and a stop
    stays pending (a WorkSpace left running bills by the hour)."""
    if attempts <= policy.limit:
        return "retry"
    return "pending" if action.kind == "stop" else "gave_up"


def lateness(action: Action, now: datetime) -> timedelta:
    """How late an action runs at `now` (zero when on time, within a minute)."""
    late = now - action.at
    return late if late >= timedelta(minutes=1) else timedelta(0)


# --- pending stops and a WorkSpace running outside every window -------------------------


@dataclass(frozen=True)
class PendingStop:
    """A stop that ran out of retries and is still tried: shown by status, list, doctor, TUI."""

    key: str
    since: datetime
    attempts: int
    last_attempt: datetime
    next_attempt: datetime
    detail: str
    where: str = "local runner"

    def summary(self, now: datetime) -> str:
        minutes = int((now - self.since).total_seconds() // 60)
        return (
            f"stop {self.key} pending for {minutes} min ({self.where}, {self.attempts} attempts; "
            f"last: {self.detail}); next try {self.next_attempt:%H:%M} UTC"
        )


def pending_stops(
    records: Iterable[Record], policy: RetryPolicy, where: str = "local runner"
) -> list[PendingStop]:
    """The stops still pending, oldest first (acknowledge one to stop trying it)."""
    found = [
        PendingStop(
            r.key,
            r.since or r.last_attempt,
            r.attempts,
            r.last_attempt,
            policy.retry_at(r),
            r.detail,
            where,
        )
        for r in records
        if r.kind == "stop" and r.state == "pending"
    ]
    return sorted(found, key=lambda p: p.since)


def acknowledged(record: Record | None, key: str, note: str = "") -> Record:
    """`record` taken over by an operator: no longer tried. ValueError unless it is a stop
    still being tried."""
    if record is None or record.kind != "stop" or record.state in FINISHED:
        raise ValueError(f"{key}: not a stop being tried")
    said = "acknowledged by an operator" + (f": {note}" if note else "")
    return replace(record, state="acknowledged", detail=f"{said} (was: {record.detail})")


OUTSIDE_KEY = "outside-windows"


def window_at(actions: Iterable[Action], now: datetime) -> Action | None:
    """The start action of the WorkSpace window `now` falls in, if any."""
    for action in actions:
        if action.kind == "start" and action.at <= now < action.until:
            return action
    return None


def restart_due(
    actions: Iterable[Action], records: dict[str, Record], state: str, now: datetime
) -> Action | None:
    """A start again for a WorkSpace found STOPPED inside its window after its start was
    done (AutoStop or a stop cut in): once per window, so a second stop is left alone."""
    window = window_at(actions, now)
    if window is None or state != "STOPPED":
        return None
    started = records.get(window.key)
    if started is None or started.state != "done" or started.last_attempt < window.at:
        return None  # the start itself is still to run (late, retried) or was missed
    return replace(window, key=f"{window.key}-again", at=now)


@dataclass(frozen=True)
class OutsideVerdict:
    """What to do about a WorkSpace running outside every window."""

    record: Record | None  # what to keep (None: forget the episode)
    stop: bool = False  # stop it now, behind the interlock
    notify: bool = False  # tell people (once per episode)


def watch_outside(
    actions: Iterable[Action],
    running: bool,
    record: Record | None,
    now: datetime,
    after: timedelta,
) -> OutsideVerdict:
    """A WorkSpace that has run outside every window for `after` is stopped (behind the
    interlock, at each look until it is stopped) and reported once.

    `record` (key OUTSIDE_KEY) remembers since when it has been seen running outside.
    """
    if not running or window_at(actions, now) is not None:
        return OutsideVerdict(None)
    if record is None:
        return OutsideVerdict(Record(OUTSIDE_KEY, "stop", "retry", 0, now, since=now))
    since = record.since or record.last_attempt
    if now - since < after:
        return OutsideVerdict(record)
    return OutsideVerdict(record, stop=True, notify=not record.notified)
