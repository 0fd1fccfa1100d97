"""Start/stop actions from the event calendar: plan them and decide what is due (pure).

The calendar is the source of truth. `plan` turns it into actions; `decide` says, for a time
T and what has already run, which actions are due, which were missed and which wait (a pure
function, tested with a fake clock). The outcomes are kept by `ledger` (SQLite, local runner)
or in the WorkSpace's tags (the cloud function); both decide through this module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
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
                grace=first.event.warmup,
            )
        )
        actions.append(
            Action("stop", last.power_off, f"{last.key}-stop", served, last.power_off, grace=None)
        )
    actions.sort(key=lambda a: (a.at, a.kind != "stop", a.key))
    return actions


# --- decide -----------------------------------------------------------------------------

Outcome = Literal["done", "retry", "gave_up", "missed", "failed"]


@dataclass(frozen=True)
class Record:
    """What happened to an action so far (a ledger row)."""

    key: str
    kind: ActionKind
    state: Outcome
    attempts: int
    last_attempt: datetime
    detail: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    """A refused or failed action is tried again every `every`, `limit` times at most."""

    every: timedelta = timedelta(minutes=10)
    limit: int = 12


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
    if record.state == "retry":
        return record.last_attempt + policy.every
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
