"""The runner's look at the WorkSpace between actions: a start that never booted, a
WorkSpace stopped inside its window, one running outside every window, stops no longer
planned."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from streamkit.aws.schedule.plan import (
    OUTSIDE_KEY,
    TRYING,
    Action,
    Outcome,
    Record,
    next_due,
    outcome_after_failure,
    restart_due,
    watch_outside,
    window_at,
)
from streamkit.errors import StreamkitError

log = logging.getLogger(__name__)

RUNNING = frozenset({"AVAILABLE", "STARTING", "REBOOTING", "IMPAIRED", "UNHEALTHY"})
#: States in which a WorkSpace whose start AWS accepted has not booted.
NOT_BOOTED = frozenset({"STOPPED", "ERROR", "UNHEALTHY"})
#: How long after a start request the WorkSpace may still read STOPPED (AWS lags a little).
BOOT_GRACE = timedelta(minutes=2)
UP_SUFFIX = "-up"  # the record saying a window's WorkSpace was seen AVAILABLE
#: The record saying a window's WorkSpace was seen STARTING, or stopped by someone before it
#: booted (detail LEFT_ALONE).
BOOT_SUFFIX = "-boot"
LEFT_ALONE = "stopped by someone before it booted: left alone"


def minutes_of(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


class Watch:
    """`Runner.watch` and its helpers (Runner inherits them; see its attributes)."""

    clock: Any
    ledger: Any
    workspace: Any
    policy: Any
    name: str
    outside_after: timedelta | None
    drop_unplanned: bool
    confirm_boot: bool
    _lock: Any

    def watch(self) -> Record | None:
        """Start again a start that never booted (`confirm_boot`) and a WorkSpace stopped
        inside its window (once); stop (behind the interlock) and report one running
        outside every window."""
        with self._lock:
            now = self.clock()
            actions = self.actions(now)
            records = self._drop_unplanned(actions, self.ledger.records())
            if self.outside_after is None and not self.confirm_boot:
                return None
            planned = {a.key for a in actions}
            if any(
                r.kind == "stop" and r.state in TRYING and key in planned
                for key, r in records.items()
            ):
                return None  # a scheduled stop is being tried already
            state = self.workspace.state()
            booting = False
            if self.confirm_boot:
                retried, booting = self._check_boot(actions, records, state, now)
                if retried is not None:
                    return retried
            if self.outside_after is None:
                return None
            again = None if booting else restart_due(actions, records, state, now)
            due = next_due(again, records.get(again.key), self.policy) if again else None
            if again is not None and due is not None and due <= now:
                log.warning("the WorkSpace is STOPPED during %s: starting it again", again.titles)
                return self._perform(again)
            return self._watch_outside(actions, records, state, now)

    def _check_boot(
        self, actions: Sequence[Action], records: dict[str, Record], state: str, now: datetime
    ) -> tuple[Record | None, bool]:
        """A window's start that AWS accepted but that was never seen AVAILABLE: try it
        again (counted against the retry limit, told) when the WorkSpace is STOPPED, ERROR
        or UNHEALTHY; past the limit the start is given up, and told.

        A WorkSpace seen STOPPING, or STOPPED after it was seen STARTING (the start took
        effect), was stopped by someone (an organizer cancelling the event): it is left
        alone for the rest of the window.

        Returns the retried start, if any, and whether the WorkSpace is to be left as it is
        (its boot unconfirmed, or stopped by someone).
        """
        window = window_at(actions, now)
        started = records.get(window.key) if window else None
        if window is None or started is None or started.state != "done":
            return None, False
        if started.last_attempt < window.at:
            return None, False
        up = records.get(window.key + UP_SUFFIX)
        if up is not None and up.last_attempt >= started.last_attempt:
            return None, False
        if state == "AVAILABLE":
            self.ledger.write(Record(window.key + UP_SUFFIX, "start", "done", 1, now, "AVAILABLE"))
            return None, False
        seen = records.get(window.key + BOOT_SUFFIX)
        if seen is not None and seen.last_attempt < started.last_attempt:
            seen = None  # about an earlier attempt
        if seen is not None and seen.detail == LEFT_ALONE:
            return None, True
        if state == "STOPPING" or (seen is not None and state == "STOPPED"):
            log.warning(
                "start %s: the WorkSpace is %s after its start took effect: stopped by "
                "someone, left alone",
                window.key,
                state,
            )
            self.ledger.write(Record(window.key + BOOT_SUFFIX, "start", "done", 1, now, LEFT_ALONE))
            return None, True
        if state == "STARTING":
            if seen is None:
                self.ledger.write(
                    Record(window.key + BOOT_SUFFIX, "start", "done", 1, now, "STARTING")
                )
            return None, True
        if state not in NOT_BOOTED or now - started.last_attempt < BOOT_GRACE:
            return None, True
        if outcome_after_failure(window, started.attempts, self.policy) != "retry":
            detail = (
                f"the start was accepted {started.attempts} times but the WorkSpace never "
                f"booted (now {state})"
            )
            record = replace(started, state="gave_up", last_attempt=now, detail=detail)
            self.ledger.write(self._escalate(window, record))
            return None, True
        detail = f"the start was accepted but the WorkSpace is {state}: starting it again"
        log.error("start %s: %s", window.key, detail)
        self._tell(f"start {window.key} did not boot (WorkSpace {state})", detail)
        self.ledger.write(replace(started, state="retry", detail=detail, notified=True))
        return self._perform(window), True

    def _watch_outside(
        self, actions: Sequence[Action], records: dict[str, Record], state: str, now: datetime
    ) -> Record | None:
        running = state in RUNNING
        record = records.get(OUTSIDE_KEY)
        verdict = watch_outside(actions, running, record, now, self.outside_after)
        if verdict.record is None:
            if record is not None:
                self.ledger.forget(OUTSIDE_KEY)
            return None
        record = verdict.record
        if verdict.stop:
            record = self._stop_outside(record, now)
        if verdict.notify:
            minutes = minutes_of(now - (record.since or now))
            self._tell(
                f"WorkSpace running outside every event window for {minutes} min",
                f"The streaming WorkSpace has been running for {minutes} min with no event "
                f"in the calendar {self.name!r}; streamkit {record.detail}. "
                "Check it with `streamkit workspace status`.",
            )
            record = replace(record, notified=True)
        self.ledger.write(record)
        return record

    def _drop_unplanned(
        self, actions: Sequence[Action], records: dict[str, Record]
    ) -> dict[str, Record]:
        """Stops still being tried whose action is no longer planned (its event left the
        calendar) would never be tried again, yet hold off the watch and stay reported:
        they are dropped, and said; the watch outside every window takes over."""
        if not self.drop_unplanned:
            return records
        planned = {a.key for a in actions}
        for key, record in list(records.items()):
            if record.kind != "stop" or record.state not in TRYING or key == OUTSIDE_KEY:
                continue
            if key in planned:
                continue
            dropped = replace(
                record,
                state="dropped",
                detail=f"dropped: no longer in the calendar (was: {record.detail})",
            )
            watched = (
                f"a WorkSpace still running outside every window is stopped after "
                f"{minutes_of(self.outside_after)} min"
                if self.outside_after is not None
                else "nothing stops the WorkSpace now: check it with `streamkit workspace status`"
            )
            log.warning("stop %s is no longer in the calendar: dropped; %s", key, watched)
            self.ledger.write(dropped)
            if record.notified:
                self._tell(f"stop {key} dropped", f"{key}: no longer in the calendar; {watched}")
            records[key] = dropped
        return records

    def _stop_outside(self, record: Record, now: datetime) -> Record:
        try:
            detail = "stopped it: " + self.workspace.stop()
            state: Outcome = "done"
        except StreamkitError as exc:
            detail = f"could not stop it ({exc.message}); tries again at the next look"
            state = "retry"
        log.warning("WorkSpace running outside every window: %s", detail)
        return replace(record, state=state, attempts=record.attempts + 1, detail=detail)

    # provided by Runner
    def actions(self, now: datetime) -> list[Action]:
        raise NotImplementedError

    def _perform(self, action: Action) -> Record:
        raise NotImplementedError

    def _tell(self, subject: str, message: str) -> None:
        raise NotImplementedError

    def _escalate(self, action: Action, record: Record) -> Record:
        raise NotImplementedError
