"""Carrying out due actions on the WorkSpace: start with a hold, stop behind the interlocks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from streamkit.aws.errors import AwsError, StopRefused
from streamkit.aws.schedule.calendar import Calendar
from streamkit.aws.schedule.ledger import Ledger
from streamkit.aws.schedule.plan import (
    Action,
    Decision,
    Outcome,
    Record,
    RetryPolicy,
    decide,
    plan,
    utcnow,
)
from streamkit.errors import StreamkitError

log = logging.getLogger(__name__)

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
    """WorkspaceControl over streamkit.aws.workspace.api, with the stop interlock and the hold."""

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
        from streamkit.aws.workspace.hold import hold

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
        from streamkit.aws.workspace.hold import release
        from streamkit.aws.workspace.interlock import check_stop

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
        from streamkit.aws.workspace.hold import release

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
