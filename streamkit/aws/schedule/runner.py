"""Carrying out due actions on the WorkSpace: start with a hold, stop behind the interlocks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from streamkit.aws.errors import StopRefused
from streamkit.aws.schedule.calendar import Calendar
from streamkit.aws.schedule.control import WorkspaceControl
from streamkit.aws.schedule.plan import (
    FINISHED,
    OUTSIDE_KEY,
    TRYING,
    Action,
    Decision,
    Outcome,
    PendingStop,
    Record,
    RetryPolicy,
    acknowledged,
    decide,
    lateness,
    outcome_after_failure,
    pending_stops,
    plan,
    utcnow,
)
from streamkit.aws.schedule.watch import Watch, minutes_of
from streamkit.errors import StreamkitError

log = logging.getLogger(__name__)

#: Tells the people who watch the WorkSpace (subject, message); e.g. an SNS topic.
Notify = Callable[[str, str], None]

# --- the runner -------------------------------------------------------------------------


class Runner(Watch):
    """Performs due actions of a calendar on a WorkSpace and records their outcomes.

    Time comes from `clock`; nothing here sleeps, so a fake clock drives it in tests.
    `calendar` is a Calendar, or the actions already planned from one (the cloud function
    receives them). With `outside_after`, `watch` stops a WorkSpace that has run outside
    every window that long; `notify` is told of pending stops, given-up starts and that.
    With `drop_unplanned`, `watch` drops stops still being tried that are no longer planned
    (off for a plan that may be older than another's: a one-off cloud schedule's). With
    `confirm_boot` (the cloud function, which does not wait for a start), `watch` tries a
    start again when its WorkSpace is not seen AVAILABLE (schedule.watch).
    """

    def __init__(
        self,
        calendar: Calendar | Sequence[Action],
        workspace: WorkspaceControl,
        ledger: ActionLedger,
        *,
        policy: RetryPolicy | None = None,
        horizon: timedelta = timedelta(days=62),
        clock: Callable[[], datetime] = utcnow,
        notify: Notify | None = None,
        outside_after: timedelta | None = None,
        name: str = "",
        drop_unplanned: bool = True,
        confirm_boot: bool = False,
    ) -> None:
        self.calendar = calendar
        self.workspace = workspace
        self.ledger = ledger
        self.policy = policy or RetryPolicy()
        self.horizon = horizon
        self.clock = clock
        self.notify = notify
        self.outside_after = outside_after
        self.name = name or getattr(calendar, "name", "streamkit")
        self.drop_unplanned = drop_unplanned
        self.confirm_boot = confirm_boot
        self._lock = threading.RLock()
        self._in_flight: set[str] = set()

    @property
    def lookback(self) -> timedelta:
        """How far back actions are still looked at (a stop may be retried for this long)."""
        return max(timedelta(days=2), self.policy.every * (self.policy.limit + 1))

    def actions(self, now: datetime) -> list[Action]:
        """The planned actions around `now`, back far enough for every pending stop."""
        if not isinstance(self.calendar, Calendar):
            return list(self.calendar)
        since = now - self.lookback
        for record in self.ledger.records().values():
            if record.kind == "stop" and record.state in TRYING:
                since = min(since, (record.since or record.last_attempt) - timedelta(days=1))
        return plan(self.calendar, since, now + self.horizon)

    def decide(self, now: datetime | None = None) -> Decision:
        """What is due, missed and waiting now; an action being performed is left out."""
        now = now or self.clock()
        actions = [a for a in self.actions(now) if a.key not in self._in_flight]
        return decide(actions, self.ledger.records(), now, self.policy)

    def run_due(self) -> list[Record]:
        """Record missed actions and perform due ones, at the clock's time; then watch."""
        with self._lock:
            now = self.clock()
            decision = self.decide(now)
            for action in decision.missed:
                self._missed(action, now)
            done = [self._perform(action) for action in decision.run]
            looked = self.watch()
            if looked is not None and looked.key != OUTSIDE_KEY:  # started again
                done.append(looked)
            return done

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

    # -- pending stops ------------------------------------------------------------------

    def pending_stops(self) -> list[PendingStop]:
        return pending_stops(self.ledger.records().values(), self.policy)

    def acknowledge(self, key: str, note: str = "") -> Record:
        """An operator takes over a pending (or retrying) stop: it is no longer tried."""
        with self._lock:
            record = acknowledged(self.ledger.records().get(key), key, note)
            self.ledger.write(record)
            log.warning("stop %s: %s; the WorkSpace is left as it is", key, record.detail)
            return record

    # -- performing ---------------------------------------------------------------------

    def _missed(self, action: Action, now: datetime) -> Record:
        late = minutes_of(now - action.at)
        if action.kind == "start":
            detail = (
                f"missed: the event ended {late - minutes_of(action.grace or timedelta())} min "
                f"ago ({late} min after the start time); skipped"
            )
        else:
            detail = f"missed by {late} min; skipped"
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
        if previous is not None and previous.state in FINISHED:
            previous = None  # an earlier event's record with the same key
        attempts = (previous.attempts if previous else 0) + 1
        now = self.clock()
        late = lateness(action, now)
        if previous is None and late:
            log.warning(
                "%s %s is %d min late (%s at %s): running it now",
                action.kind,
                action.key,
                minutes_of(late),
                action.titles,
                _when(action),
            )
        log.info(
            "%s %s (%s at %s), attempt %d",
            action.kind,
            action.key,
            action.titles,
            _when(action),
            attempts,
        )
        refused = False
        try:
            if action.kind == "start":
                detail = self.workspace.start(action.until)
            else:
                detail = self.workspace.stop()
            state: Outcome = "done"
            if previous is None and late:
                detail = f"{detail} ({minutes_of(late)} min late)"
        except StopRefused as exc:
            if exc.held_until is not None and exc.held_until > now:
                return self._held(action, previous, exc.message, exc.held_until, now)
            refused, detail = True, exc.message
            state = outcome_after_failure(action, attempts, self.policy)
            self._log_failure(action, state, detail, refused, previous)
        except Exception as exc:  # any failure is recorded, then retried or given up
            if isinstance(exc, StreamkitError):
                detail = exc.message
            else:
                log.exception("%s %s raised", action.kind, action.key)
                detail = f"{type(exc).__name__}: {exc}"
            state = outcome_after_failure(action, attempts, self.policy)
            self._log_failure(action, state, detail, refused, previous)
        record = Record(
            action.key,
            action.kind,
            state,
            attempts,
            self.clock(),
            detail,
            refused=refused,
            since=previous.since if previous and previous.since else now,
            notified=bool(previous and previous.notified),
        )
        if state == "done":
            log.info("%s %s done: %s", action.kind, action.key, detail)
            if record.notified:
                self._tell(f"{action.kind} {action.key} done", f"{action.key}: {detail}")
        elif state == "gave_up" or (state == "pending" and not record.notified):
            record = self._escalate(action, record)
        self.ledger.write(record)
        return record

    def _held(
        self,
        action: Action,
        previous: Record | None,
        detail: str,
        held_until: datetime,
        now: datetime,
    ) -> Record:
        """A stop refused by an operator's hold: tried again at its end, the refusal not
        counted (the hold is what the operator asked for, not a stop going wrong)."""
        log.warning(
            "%s %s refused (%s); trying again at the hold's end, %s UTC",
            action.kind,
            action.key,
            detail,
            f"{held_until.astimezone(UTC):%Y-%m-%d %H:%M}",
        )
        record = Record(
            action.key,
            action.kind,
            previous.state if previous is not None else "retry",
            previous.attempts if previous is not None else 0,
            now,
            detail,
            refused=True,
            since=previous.since if previous and previous.since else now,
            notified=bool(previous and previous.notified),
            held_until=held_until,
        )
        self.ledger.write(record)
        return record

    def _log_failure(
        self, action: Action, state: Outcome, detail: str, refused: bool, previous: Any
    ) -> None:
        if state not in ("retry", "pending"):
            return
        probe = Record(
            action.key,
            action.kind,
            state,
            (previous.attempts if previous else 0) + 1,
            self.clock(),
            refused=refused,
        )
        wait = minutes_of(self.policy.delay(probe))
        what = "refused" if refused else "failed"
        level = logging.WARNING if refused else logging.ERROR
        log.log(
            level, "%s %s %s (%s); retrying in %d min", action.kind, action.key, what, detail, wait
        )

    def _escalate(self, action: Action, record: Record) -> Record:
        """A start given up or a stop now pending: say so loudly, once, everywhere."""
        if action.kind == "stop":
            log.critical(
                "STOP PENDING: %s after %d attempts (%s). The WorkSpace is still running and "
                "billing; streamkit keeps trying until it stops or someone runs "
                "`streamkit schedule ack %s`.",
                action.key,
                record.attempts,
                record.detail,
                action.key,
            )
            try:
                log.warning("%s", self.workspace.release())
            except StreamkitError as exc:
                log.error("could not restore the AutoStop timeout: %s", exc.message)
            subject = f"stop pending: {action.key} (the WorkSpace is still running)"
        else:
            log.critical(
                "GAVE UP: start %s after %d attempts (%s). The WorkSpace may still be stopped: "
                "check it with `streamkit workspace status`.",
                action.key,
                record.attempts,
                record.detail,
            )
            subject = f"start given up: {action.key} (the WorkSpace may be stopped)"
        self._tell(subject, f"{action.titles} at {_when(action)}: {record.detail}")
        return replace(record, notified=True)

    def _tell(self, subject: str, message: str) -> None:
        if self.notify is None:
            return
        try:
            self.notify(f"streamkit: {subject}", message)
        except StreamkitError as exc:  # a lost notification never stops the schedule
            log.error("could not send the notification %r: %s", subject, exc.message)


class ActionLedger(Protocol):
    """Where outcomes are kept: the SQLite Ledger, or the WorkSpace's tags in the cloud."""

    def records(self) -> dict[str, Record]: ...

    def write(self, record: Record) -> None: ...

    def forget(self, key: str) -> None: ...


def _when(action: Action) -> str:
    local = action.local_at
    if not local.utcoffset():
        return f"{action.at:%Y-%m-%d %H:%M} UTC"
    return f"{local:%Y-%m-%d %H:%M %Z} = {action.at:%H:%M} UTC"
