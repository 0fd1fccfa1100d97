"""The real-time driver of the runner: APScheduler with a SQLite job store, one job an action."""

from __future__ import annotations

import contextlib
import logging
import math
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from streamkit.aws.schedule.ledger import unusable_jobstore
from streamkit.aws.schedule.plan import Decision, Record, RetryPolicy, next_due
from streamkit.aws.schedule.runner import Runner
from streamkit.errors import StreamkitError

log = logging.getLogger(__name__)

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
        """Make the stored jobs match the calendar and the ledger; report missed actions;
        watch for a WorkSpace running outside every window (every `sync_every`)."""
        from apscheduler.jobstores.base import JobLookupError

        with self._sync_lock:
            try:  # a WorkSpace left running outside every window: stopped and reported
                self.runner.watch()
            except StreamkitError as exc:
                log.error("could not look at the WorkSpace: %s", exc.message)
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
