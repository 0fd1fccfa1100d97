"""Start/stop actions from the event calendar, and the local runner that carries them out.

The calendar is the source of truth. `plan` turns it into actions; `decide` says, for a time
T and what has already run, which actions are due, which were missed and which wait (a pure
function, tested with a fake clock); `Runner` performs due actions on a WorkSpace and keeps
a ledger of outcomes; `LocalScheduler` is the real-time driver: APScheduler with a SQLite
job store, one job per pending action, so that jobs survive restarts.
"""

from __future__ import annotations

import contextlib
import logging
import math
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from streamkit.aws.calendar import Calendar, Occurrence
from streamkit.aws.errors import AwsError, StopRefused
from streamkit.errors import ConfigError, StreamkitError

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


# --- the WorkSpace --------------------------------------------------------------------


class WorkspaceControl(Protocol):
    """What the runner needs from the WorkSpace; each method returns a line for the log."""

    def start(self, until: datetime) -> str:
        """Start, wait until AVAILABLE, and keep AutoStop from stopping it before `until`."""

    def stop(self) -> str:
        """Stop (a no-op when stopped) and restore AutoStop; StopRefused while in use."""

    def release(self) -> str:
        """Restore the AutoStop timeout without stopping."""


class AwsWorkspace:
    """WorkspaceControl over streamkit.aws.workspaces, with the stop interlock and the hold."""

    def __init__(
        self,
        manager: Any,
        obs_live: Callable[[], bool] | None = None,
        after_start: Callable[[], str] | None = None,
    ) -> None:
        self.manager = manager
        self.obs_live = obs_live
        self.after_start = after_start  # e.g. import the OBS setup once OBS answers

    def start(self, until: datetime) -> str:
        from streamkit.aws.hold import hold

        info = self.manager.require()
        asked = self.manager.start(info)
        self.manager.wait_for(info.workspace_id, "AVAILABLE")
        verb = "started" if asked else f"was already {info.state}"
        if info.running_mode and info.running_mode != "AUTO_STOP":
            done = f"{info.workspace_id} {verb}, now AVAILABLE ({info.running_mode}: no AutoStop)"
        else:
            _, held, minutes = hold(self.manager, until)
            done = (
                f"{info.workspace_id} {verb}, now AVAILABLE; AutoStop {minutes} min until "
                f"{until:%Y-%m-%d %H:%M} UTC (then back to {held.restore_minutes})"
            )
        return f"{done}; {self.after_start()}" if self.after_start else done

    def stop(self) -> str:
        from streamkit.aws.hold import release
        from streamkit.aws.interlock import check_stop

        info = self.manager.require()
        if info.state in ("STOPPED", "STOPPING"):
            restored = release(self.manager)
            return f"{info.workspace_id} was already {info.state}{_restored(restored)}"
        connection = self.manager.connection(info.workspace_id)
        for warning in check_stop(info.workspace_id, connection.state, self.obs_live):
            log.warning("%s", warning)
        try:
            restored = release(self.manager)
        except AwsError as exc:  # the stop matters more than the timeout's restore
            log.error("AutoStop timeout not put back before the stop: %s", exc.message)
            restored = None
        self.manager.stop(info)
        return f"{info.workspace_id} stopping{_restored(restored)}"

    def release(self) -> str:
        from streamkit.aws.hold import release

        return f"AutoStop{_restored(release(self.manager)) or ' unchanged (no hold)'}"


def _restored(minutes: int | None) -> str:
    return f"; AutoStop back to {minutes} min" if minutes is not None else ""


# --- the runner -------------------------------------------------------------------------


class Runner:
    """Performs due actions of a calendar on a WorkSpace and records their outcomes.

    Time comes from `clock`; nothing here sleeps, so a fake clock drives it in tests.
    """

    def __init__(
        self,
        calendar: Calendar,
        workspace: WorkspaceControl,
        ledger: Ledger,
        *,
        policy: RetryPolicy | None = None,
        horizon: timedelta = timedelta(days=62),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.calendar = calendar
        self.workspace = workspace
        self.ledger = ledger
        self.policy = policy or RetryPolicy()
        self.horizon = horizon
        self.clock = clock
        self._lock = threading.RLock()
        self._in_flight: set[str] = set()

    @property
    def lookback(self) -> timedelta:
        """How far back actions are still looked at (a stop may be retried for this long)."""
        return max(timedelta(days=2), self.policy.every * (self.policy.limit + 1))

    def actions(self, now: datetime) -> list[Action]:
        return plan(self.calendar, now - self.lookback, now + self.horizon)

    def decide(self, now: datetime | None = None) -> Decision:
        """What is due, missed and waiting now; an action being performed is left out."""
        now = now or self.clock()
        actions = [a for a in self.actions(now) if a.key not in self._in_flight]
        return decide(actions, self.ledger.records(), now, self.policy)

    def run_due(self) -> list[Record]:
        """Record missed actions and perform due ones, at the clock's time."""
        with self._lock:
            now = self.clock()
            decision = self.decide(now)
            for action in decision.missed:
                self._missed(action, now)
            return [self._perform(action) for action in decision.run]

    def execute(self, key: str, *, may_run: bool = True) -> Record | None:
        """Perform the action `key` if it is due now (a scheduler job calls this)."""
        with self._lock:
            now = self.clock()
            action = next((a for a in self.actions(now) if a.key == key), None)
            if action is None:
                log.warning("action %s is no longer in the calendar; nothing done", key)
                return None
            decision = decide([action], self.ledger.records(), now, self.policy)
            if decision.missed:
                return self._missed(action, now)
            if not decision.run or not may_run:
                return None
            return self._perform(action)

    def _missed(self, action: Action, now: datetime) -> Record:
        late = _minutes(now - action.at)
        detail = (
            f"missed by {late} min, more than the {_minutes(action.grace or timedelta())} min "
            "it may be late: skipped"
        )
        log.error(
            "%s %s (%s at %s): %s", action.kind, action.key, action.titles, _when(action), detail
        )
        previous = self.ledger.records().get(action.key)
        attempts = previous.attempts if previous else 0
        record = Record(action.key, action.kind, "missed", attempts, now, detail)
        self.ledger.write(record)
        return record

    def _perform(self, action: Action) -> Record:
        self._in_flight.add(action.key)
        try:
            return self._attempt(action)
        finally:
            self._in_flight.discard(action.key)

    def _attempt(self, action: Action) -> Record:
        previous = self.ledger.records().get(action.key)
        attempts = (previous.attempts if previous else 0) + 1
        log.info(
            "%s %s (%s at %s), attempt %d",
            action.kind,
            action.key,
            action.titles,
            _when(action),
            attempts,
        )
        try:
            if action.kind == "start":
                detail = self.workspace.start(action.until)
            else:
                detail = self.workspace.stop()
            state: Outcome = "done"
        except Exception as exc:  # any failure is recorded, then retried or given up
            if isinstance(exc, StreamkitError):
                detail = exc.message
            else:
                log.exception("%s %s raised", action.kind, action.key)
                detail = f"{type(exc).__name__}: {exc}"
            state = "retry" if attempts <= self.policy.limit else "gave_up"
            if isinstance(exc, StopRefused) and state == "retry":
                log.warning(
                    "%s %s refused (%s); retrying in %d min",
                    action.kind,
                    action.key,
                    detail,
                    _minutes(self.policy.every),
                )
            elif state == "retry":
                log.error(
                    "%s %s failed (%s); retrying in %d min",
                    action.kind,
                    action.key,
                    detail,
                    _minutes(self.policy.every),
                )
        record = Record(action.key, action.kind, state, attempts, self.clock(), detail)
        self.ledger.write(record)
        if state == "done":
            log.info("%s %s done: %s", action.kind, action.key, detail)
        elif state == "gave_up":
            self._give_up(action, attempts, detail)
        return record

    def _give_up(self, action: Action, attempts: int, detail: str) -> None:
        log.critical(
            "GAVE UP: %s %s after %d attempts (%s). The WorkSpace may still be %s: "
            "check it with `streamkit workspace status`.",
            action.kind,
            action.key,
            attempts,
            detail,
            "running" if action.kind == "stop" else "stopped",
        )
        if action.kind == "stop":
            try:
                log.warning("%s", self.workspace.release())
            except StreamkitError as exc:
                log.error("could not restore the AutoStop timeout: %s", exc.message)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _when(action: Action) -> str:
    local = action.local_at
    if not local.utcoffset():
        return f"{action.at:%Y-%m-%d %H:%M} UTC"
    return f"{local:%Y-%m-%d %H:%M %Z} = {action.at:%H:%M} UTC"


# --- the real-time driver ---------------------------------------------------------------

ACTIONS_STORE = "actions"
SYNC_JOB_ID = "streamkit-sync"
_RUNNERS: dict[str, Runner] = {}
_DRIVERS: dict[str, LocalScheduler] = {}


def run_job(runner_name: str, key: str) -> None:
    """The callable stored in every job (importable, with picklable arguments)."""
    runner = _RUNNERS.get(runner_name)
    if runner is None:
        log.error(
            "job %s fired but runner %r is not active; it will be re-synced", key, runner_name
        )
        return
    runner.execute(key)
    driver = _DRIVERS.get(runner_name)
    if driver is not None:
        driver.sync()


@dataclass(frozen=True)
class JobSpec:
    """A job the scheduler should hold: id, action key, run time and misfire grace (s)."""

    id: str
    key: str
    run_date: datetime
    grace_seconds: int | None


def job_specs(decision: Decision, records: dict[str, Record], policy: RetryPolicy) -> list[JobSpec]:
    """One job per action that is due or waiting; a retry gets its own id (`key#retryN`)."""
    specs = []
    pending = [(a, next_due(a, records.get(a.key), policy) or a.at) for a in decision.run]
    for action, due in pending + decision.waiting:
        record = records.get(action.key)
        job_id = action.key if record is None else f"{action.key}#retry{record.attempts}"
        grace = None
        if action.grace is not None:
            remaining = action.grace - (due - action.at)
            grace = max(1, math.ceil(remaining.total_seconds()))
        specs.append(JobSpec(job_id, action.key, due, grace))
    return specs


class LocalScheduler:
    """APScheduler 3 with a SQLite job store driving a Runner in real time."""

    def __init__(
        self,
        runner: Runner,
        jobstore: Path,
        *,
        name: str | None = None,
        sync_every: timedelta = timedelta(minutes=15),
    ) -> None:
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        self.runner = runner
        self.name = name or runner.calendar.name
        self.sync_every = sync_every
        jobstore.parent.mkdir(parents=True, exist_ok=True)
        self.scheduler = BackgroundScheduler(
            jobstores={
                "default": MemoryJobStore(),
                ACTIONS_STORE: SQLAlchemyJobStore(url=f"sqlite:///{jobstore}"),
            },
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        self.scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)
        self._sync_lock = threading.Lock()

    def start(self, *, paused: bool = False) -> None:
        """Register, sync the jobs with the calendar, then let due jobs run (unless paused)."""
        _RUNNERS[self.name] = self.runner
        _DRIVERS[self.name] = self
        self.scheduler.start(paused=True)
        self.sync()
        self.scheduler.add_job(
            self.sync,
            "interval",
            seconds=self.sync_every.total_seconds(),
            id=SYNC_JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
        )
        if not paused:
            self.resume()

    def resume(self) -> None:
        self.scheduler.resume()

    def shutdown(self, wait: bool = False) -> None:
        self.scheduler.shutdown(wait=wait)
        _RUNNERS.pop(self.name, None)
        _DRIVERS.pop(self.name, None)

    def jobs(self) -> list[Any]:
        return self.scheduler.get_jobs(jobstore=ACTIONS_STORE)

    def sync(self) -> None:
        """Make the stored jobs match the calendar and the ledger; report missed actions."""
        from apscheduler.jobstores.base import JobLookupError

        with self._sync_lock:
            now = self.runner.clock()
            decision = self.runner.decide(now)
            for action in decision.missed:
                self.runner.execute(action.key, may_run=False)
            records = self.runner.ledger.records()
            wanted = {spec.id: spec for spec in job_specs(decision, records, self.runner.policy)}
            for job in self.jobs():
                spec = wanted.get(job.id)
                if spec is None or not _job_matches(job, spec, self.name):
                    with contextlib.suppress(JobLookupError):
                        self.scheduler.remove_job(job.id, jobstore=ACTIONS_STORE)
                else:
                    del wanted[job.id]
            for spec in wanted.values():
                self.scheduler.add_job(
                    run_job,
                    "date",
                    run_date=spec.run_date,
                    args=(self.name, spec.key),
                    id=spec.id,
                    name=spec.key,
                    jobstore=ACTIONS_STORE,
                    misfire_grace_time=spec.grace_seconds,
                    replace_existing=True,
                )
                log.info(
                    "job %s at %s UTC (may run late by %s)",
                    spec.id,
                    f"{spec.run_date:%Y-%m-%d %H:%M}",
                    "any time" if spec.grace_seconds is None else f"{spec.grace_seconds // 60} min",
                )

    def _on_missed(self, event: Any) -> None:
        key = event.job_id.split("#", 1)[0]
        self.runner.execute(key, may_run=False)

    def _on_error(self, event: Any) -> None:
        log.error(
            "job %s raised %s: %s", event.job_id, type(event.exception).__name__, event.exception
        )


def _job_matches(job: Any, spec: JobSpec, runner_name: str) -> bool:
    return (
        getattr(job.trigger, "run_date", None) == spec.run_date
        and job.misfire_grace_time == spec.grace_seconds
        and tuple(job.args) == (runner_name, spec.key)
    )


@dataclass(frozen=True)
class StoredJob:
    """A job as kept in the SQLite job store (for `schedule list`)."""

    id: str
    key: str
    run_date: datetime | None
    grace_seconds: int | None


def read_jobs(jobstore: Path) -> list[StoredJob]:
    """The jobs in a job store file, without starting a scheduler (none when no file)."""
    if not jobstore.is_file():
        return []
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from sqlalchemy.exc import SQLAlchemyError

    store = SQLAlchemyJobStore(url=f"sqlite:///{jobstore}")
    try:
        store.start(None, ACTIONS_STORE)
        try:
            return [
                StoredJob(job.id, job.args[1], job.next_run_time, job.misfire_grace_time)
                for job in store.get_all_jobs()
            ]
        finally:
            store.shutdown()
    except SQLAlchemyError as exc:
        raise unusable_jobstore(jobstore, exc) from None


def unusable_jobstore(path: Path, exc: Exception) -> ConfigError:
    return ConfigError(
        f"{path}: the schedule's job store cannot be read ({type(exc).__name__})",
        hint="move the file away (streamkit schedule run builds a new one) or point "
        "schedule.runner.jobstore elsewhere",
    )
