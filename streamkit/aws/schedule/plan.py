"""Start/stop actions from the event calendar: plan, decide what is due, and the ledger.

The calendar is the source of truth. `plan` turns it into actions; `decide` says, for a time
T and what has already run, which actions are due, which were missed and which wait (a pure
function, tested with a fake clock); `Ledger` keeps the outcome of every action. The runner
that performs them is `runner`, its real-time driver `driver` (both in this package).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from streamkit.aws.schedule.calendar import Calendar, Occurrence
from streamkit.errors import ConfigError

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


# --- ledger -----------------------------------------------------------------------------

_LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS streamkit_actions (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_attempt TEXT NOT NULL,
    detail TEXT NOT NULL
)
"""


class Ledger:
    """The outcome of every action, in a SQLite table next to APScheduler's jobs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(_LEDGER_SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection; a damaged or unreadable file is a ConfigError naming the setting."""
        try:
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                yield db
        except sqlite3.DatabaseError as exc:
            raise unusable_jobstore(self.path, exc) from None

    def records(self) -> dict[str, Record]:
        with self._lock, self._connect() as db:
            rows = db.execute(
                "SELECT key, kind, state, attempts, last_attempt, detail FROM streamkit_actions"
            ).fetchall()
        return {
            key: Record(key, kind, state, attempts, datetime.fromisoformat(last), detail)
            for key, kind, state, attempts, last, detail in rows
        }

    def write(self, record: Record) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO streamkit_actions VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.key,
                    record.kind,
                    record.state,
                    record.attempts,
                    record.last_attempt.isoformat(),
                    record.detail,
                ),
            )


def unusable_jobstore(path: Path, exc: Exception) -> ConfigError:
    return ConfigError(
        f"{path}: the schedule's job store cannot be read ({type(exc).__name__})",
        hint="move the file away (streamkit schedule run builds a new one) or point "
        "schedule.runner.jobstore elsewhere",
    )
