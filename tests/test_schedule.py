"""Start/stop actions from the calendar, the due/missed decision, and the runner (fake clock)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from streamkit.aws.errors import AwsActionFailed, StopRefused
from streamkit.aws.schedule.calendar import Calendar, Event, zone
from streamkit.aws.schedule.driver import job_specs
from streamkit.aws.schedule.ledger import Ledger
from streamkit.aws.schedule.plan import Record, RetryPolicy, decide, next_due, plan
from streamkit.aws.schedule.runner import Runner

ROME = zone("Europe/Rome")
MIN = timedelta(minutes=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def event(id: str, start: datetime, **kw) -> Event:
    kw.setdefault("duration", timedelta(hours=2))
    kw.setdefault("warmup", timedelta(minutes=45))
    kw.setdefault("cooldown", timedelta(minutes=15))
    return Event(id=id, tz=ROME, start=start, **kw)


# 2026-12-10 18:30 Rome = 17:30 UTC; warm-up 45 min, 2 h, cool-down 15 min.
MEETUP = event("meetup", datetime(2026, 12, 10, 18, 30))
POWER_ON = utc(2026, 12, 10, 16, 45)
POWER_OFF = utc(2026, 12, 10, 19, 45)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeWorkspace:
    """Records calls; refuses stops while `connected`; can fail starts."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.connected = False
        self.start_error: Exception | None = None

    def start(self, until: datetime) -> str:
        self.calls.append(("start", until))
        if self.start_error:
            raise self.start_error
        return "started"

    def stop(self) -> str:
        self.calls.append(("stop",))
        if self.connected:
            raise StopRefused("not stopping ws-1: a user is connected to it")
        return "stopping"

    def release(self) -> str:
        self.calls.append(("release",))
        return "AutoStop back to 60 min"


def make_runner(tmp_path, now, calendar=None, workspace=None, policy=None):
    clock = FakeClock(now)
    runner = Runner(
        calendar or Calendar("c", (MEETUP,)),
        workspace or FakeWorkspace(),
        Ledger(tmp_path / "schedule.sqlite"),
        policy=policy or RetryPolicy(every=timedelta(minutes=10), limit=3),
        clock=clock,
    )
    return runner, clock


class TestPlan:
    def test_one_event_gives_start_and_stop(self):
        actions = plan(Calendar("c", (MEETUP,)), utc(2026, 12, 1), utc(2027, 1, 1))
        assert [(a.kind, a.at, a.key) for a in actions] == [
            ("start", POWER_ON, "meetup-start"),
            ("stop", POWER_OFF, "meetup-stop"),
        ]
        start, stop = actions
        assert start.grace == timedelta(minutes=45 + 120) and stop.grace is None  # until the end
        assert start.until == stop.until == POWER_OFF
        assert start.local_at.strftime("%H:%M %Z") == "17:45 CET"

    def test_overlapping_windows_share_one_start_and_stop(self):
        late = event("late", datetime(2026, 12, 10, 21, 0))  # warms up at 20:15 < 20:45 stop
        apart = event("next-day", datetime(2026, 12, 11, 18, 30))
        actions = plan(Calendar("c", (MEETUP, late, apart)), utc(2026, 12, 1), utc(2027, 1, 1))
        assert [(a.kind, a.key) for a in actions] == [
            ("start", "meetup-start"),
            ("stop", "late-stop"),
            ("start", "next-day-start"),
            ("stop", "next-day-stop"),
        ]
        assert actions[0].until == actions[1].at == utc(2026, 12, 10, 22, 15)
        assert actions[0].titles == "meetup, late"

    def test_windows_less_than_an_hour_apart_are_bridged(self):
        # meetup stops 20:45 Rome; a 22:30 event warms up at 21:45 (1 h later), 22:29 at 21:44.
        for start, expected in (
            (datetime(2026, 12, 10, 22, 29), 2),
            (datetime(2026, 12, 10, 22, 30), 4),
        ):
            later = event("later", start)
            actions = plan(Calendar("c", (MEETUP, later)), utc(2026, 12, 1), utc(2027, 1, 1))
            assert len(actions) == expected

    def test_series_keys_carry_the_date(self):
        series = event("monthly", datetime(2026, 1, 1, 18, 30), rrule="FREQ=MONTHLY;BYDAY=2TH")
        actions = plan(Calendar("c", (series,)), utc(2026, 1, 1), utc(2026, 3, 1))
        assert [a.key for a in actions] == [
            "monthly-20260108-start",
            "monthly-20260108-stop",
            "monthly-20260212-start",
            "monthly-20260212-stop",
        ]


class TestDecide:
    actions = plan(Calendar("c", (MEETUP,)), utc(2026, 12, 1), utc(2027, 1, 1))
    policy = RetryPolicy(every=timedelta(minutes=10), limit=3)

    def kinds(self, now, records=None):
        d = decide(self.actions, records or {}, now, self.policy)
        return (
            [a.kind for a in d.run],
            [a.kind for a in d.missed],
            [(a.kind, due) for a, due in d.waiting],
        )

    def test_before_the_start_everything_waits(self):
        assert self.kinds(POWER_ON - MIN) == ([], [], [("start", POWER_ON), ("stop", POWER_OFF)])

    def test_start_is_due_on_time_and_late_while_the_event_is_on(self):
        assert self.kinds(POWER_ON)[0] == ["start"]
        assert self.kinds(POWER_ON + 10 * MIN)[0] == ["start"]
        assert self.kinds(POWER_ON + 46 * MIN)[0] == ["start"]  # the talk has begun: start late
        event_end = POWER_OFF - 15 * MIN
        assert self.kinds(event_end - MIN)[0] == ["start"]
        assert self.kinds(event_end + MIN)[:2] == ([], ["start"])

    def test_a_start_with_no_warmup_is_not_missed(self):
        sharp = event("sharp", datetime(2026, 12, 10, 18, 30), warmup=timedelta(0))
        actions = plan(Calendar("c", (sharp,)), utc(2026, 12, 1), utc(2027, 1, 1))
        decision = decide(actions, {}, utc(2026, 12, 10, 17, 30, 20), self.policy)
        assert [a.kind for a in decision.run] == ["start"] and not decision.missed

    def test_a_stop_runs_however_late(self):
        assert self.kinds(POWER_OFF + timedelta(days=1))[0] == ["stop"]

    def test_done_actions_are_finished_and_retries_wait(self):
        done = {"meetup-start": Record("meetup-start", "start", "done", 1, POWER_ON)}
        assert self.kinds(POWER_ON + MIN, done) == ([], [], [("stop", POWER_OFF)])
        refused = {**done, "meetup-stop": Record("meetup-stop", "stop", "retry", 1, POWER_OFF)}
        assert self.kinds(POWER_OFF + 9 * MIN, refused)[2] == [("stop", POWER_OFF + 10 * MIN)]
        assert self.kinds(POWER_OFF + 10 * MIN, refused)[0] == ["stop"]
        acked = {"meetup-stop": Record("meetup-stop", "stop", "acknowledged", 4, POWER_OFF)}
        assert self.kinds(POWER_OFF + timedelta(hours=5), {**done, **acked}) == ([], [], [])

    def test_a_pending_stop_is_never_finished_and_backs_off_only_on_failures(self):
        done = {"meetup-start": Record("meetup-start", "start", "done", 1, POWER_ON)}
        policy = RetryPolicy(every=timedelta(minutes=10), limit=3, max_every=timedelta(hours=1))
        refused = Record("meetup-stop", "stop", "pending", 9, POWER_OFF, refused=True)
        d = decide(self.actions, {**done, "meetup-stop": refused}, POWER_OFF, policy)
        assert [(a.kind, due) for a, due in d.waiting] == [("stop", POWER_OFF + 10 * MIN)]
        failing = [Record("meetup-stop", "stop", "pending", n, POWER_OFF) for n in (4, 5, 6, 9)]
        dues = [next_due(self.actions[1], r, policy) - POWER_OFF for r in failing]
        assert dues == [20 * MIN, 40 * MIN, 60 * MIN, 60 * MIN]

    def test_job_specs_give_grace_relative_to_each_run_time(self):
        d = decide(self.actions, {}, POWER_ON - MIN, self.policy)
        specs = {s.id: s for s in job_specs(d, {}, self.policy)}
        assert specs["meetup-start"].grace_seconds == 165 * 60
        assert specs["meetup-stop"].grace_seconds is None
        retry = {"meetup-start": Record("meetup-start", "start", "retry", 1, POWER_ON)}
        d = decide(self.actions, retry, POWER_ON + MIN, self.policy)
        (start,) = [s for s in job_specs(d, retry, self.policy) if s.key == "meetup-start"]
        assert start.id == "meetup-start#retry1"
        assert start.run_date == POWER_ON + 10 * MIN
        assert start.grace_seconds == 155 * 60


class TestRunner:
    def test_starts_at_warmup_and_stops_after_cooldown(self, tmp_path):
        runner, clock = make_runner(tmp_path, POWER_ON - MIN)
        assert runner.run_due() == []
        clock.now = POWER_ON
        (record,) = runner.run_due()
        assert (record.key, record.state) == ("meetup-start", "done")
        assert runner.workspace.calls == [("start", POWER_OFF)]
        clock.now = POWER_OFF - MIN
        assert runner.run_due() == []
        clock.now = POWER_OFF
        (record,) = runner.run_due()
        assert (record.key, record.state) == ("meetup-stop", "done")
        assert runner.workspace.calls[-1] == ("stop",)
        clock.now = POWER_OFF + timedelta(hours=1)
        assert runner.run_due() == []

    def test_restarted_runner_remembers_what_ran(self, tmp_path):
        first, _ = make_runner(tmp_path, POWER_ON + 5 * MIN)
        assert [r.key for r in first.run_due()] == ["meetup-start"]
        workspace = FakeWorkspace()
        second, _ = make_runner(tmp_path, POWER_OFF + 3 * MIN, workspace=workspace)
        assert [r.key for r in second.run_due()] == ["meetup-stop"]
        assert workspace.calls == [("stop",)]

    def test_start_after_the_event_ended_is_reported_and_skipped(self, tmp_path, caplog):
        runner, clock = make_runner(tmp_path, POWER_OFF - 14 * MIN)
        with caplog.at_level(logging.ERROR, "streamkit.aws.schedule.runner"):
            assert runner.run_due() == []
        assert runner.workspace.calls == []
        assert runner.ledger.records()["meetup-start"].state == "missed"
        assert "missed: the event ended" in caplog.text
        clock.now += MIN
        assert runner.run_due() == []  # reported once

    def test_a_runner_restarted_during_the_event_starts_late_and_says_so(self, tmp_path, caplog):
        runner, _ = make_runner(tmp_path, POWER_ON + 80 * MIN)
        with caplog.at_level(logging.WARNING, "streamkit.aws.schedule.runner"):
            (record,) = runner.run_due()
        assert (record.key, record.state) == ("meetup-start", "done")
        assert runner.workspace.calls == [("start", POWER_OFF)]
        assert "start meetup-start is 80 min late" in caplog.text

    def test_refused_stop_is_retried_until_the_user_leaves(self, tmp_path):
        workspace = FakeWorkspace()
        workspace.connected = True
        runner, clock = make_runner(tmp_path, POWER_OFF, workspace=workspace)
        runner.ledger.write(Record("meetup-start", "start", "done", 1, POWER_ON))
        assert runner.run_due()[0].state == "retry"
        clock.now = POWER_OFF + 5 * MIN
        assert runner.run_due() == []
        clock.now = POWER_OFF + 10 * MIN
        assert runner.run_due()[0].state == "retry"
        workspace.connected = False
        clock.now = POWER_OFF + 20 * MIN
        (record,) = runner.run_due()
        assert (record.state, record.attempts) == ("done", 3)
        assert workspace.calls == [("stop",)] * 3

    def test_a_stop_past_its_retries_stays_pending_until_it_happens(self, tmp_path, caplog):
        workspace = FakeWorkspace()
        workspace.connected = True
        notes = []
        runner, clock = make_runner(
            tmp_path,
            POWER_OFF,
            workspace=workspace,
            policy=RetryPolicy(every=timedelta(minutes=10), limit=1),
        )
        runner.notify = lambda subject, text: notes.append(subject)
        runner.ledger.write(Record("meetup-start", "start", "done", 1, POWER_ON))
        runner.run_due()
        clock.now += 10 * MIN
        with caplog.at_level(logging.WARNING, "streamkit.aws.schedule.runner"):
            (record,) = runner.run_due()
        assert record.state == "pending"
        assert workspace.calls == [("stop",), ("stop",), ("release",)]
        assert any(
            r.levelno == logging.CRITICAL and "STOP PENDING" in r.getMessage()
            for r in caplog.records
        )
        assert len(notes) == 1 and "stop pending" in notes[0]
        for _ in range(5):  # still refused: tried every 10 min, notified once
            clock.now += 10 * MIN
            assert runner.run_due()[0].state == "pending"
        assert len(notes) == 1
        workspace.connected = False
        clock.now += 10 * MIN
        (record,) = runner.run_due()
        assert (record.state, record.attempts) == ("done", 8)
        clock.now += timedelta(hours=1)
        assert runner.run_due() == []

    def test_an_acknowledged_pending_stop_is_no_longer_tried(self, tmp_path):
        workspace = FakeWorkspace()
        workspace.connected = True
        runner, clock = make_runner(
            tmp_path, POWER_OFF, workspace=workspace, policy=RetryPolicy(limit=0)
        )
        runner.ledger.write(Record("meetup-start", "start", "done", 1, POWER_ON))
        assert runner.run_due()[0].state == "pending"
        assert [p.key for p in runner.pending_stops()] == ["meetup-stop"]
        assert runner.acknowledge("meetup-stop", "alice keeps it for a rehearsal").state == (
            "acknowledged"
        )
        assert runner.pending_stops() == []
        clock.now += timedelta(hours=2)
        assert runner.run_due() == []

    def test_failed_start_is_retried_within_the_warmup(self, tmp_path):
        workspace = FakeWorkspace()
        workspace.start_error = AwsActionFailed("cannot start ws-1: it is STOPPING")
        runner, clock = make_runner(tmp_path, POWER_ON, workspace=workspace)
        assert runner.run_due()[0].state == "retry"
        workspace.start_error = None
        clock.now = POWER_ON + 10 * MIN
        assert runner.run_due()[0].state == "done"

    def test_execute_checks_the_calendar_and_the_time(self, tmp_path, caplog):
        runner, clock = make_runner(tmp_path, POWER_ON - MIN)
        assert runner.execute("meetup-start") is None  # early: nothing
        clock.now = POWER_ON + 2 * MIN
        assert runner.execute("meetup-start").state == "done"
        assert runner.execute("meetup-start") is None  # already done
        with caplog.at_level(logging.WARNING, "streamkit.aws.schedule.runner"):
            assert runner.execute("gone-start") is None
        assert "no longer in the calendar" in caplog.text

    @pytest.mark.parametrize("late", [10, 44, 120])
    def test_start_missed_while_asleep_still_runs(self, tmp_path, late):
        runner, _ = make_runner(tmp_path, POWER_ON + late * MIN)
        assert [r.state for r in runner.run_due()][:1] == ["done"]


def test_an_unexpected_exception_is_recorded_and_retried(tmp_path, caplog):
    workspace = FakeWorkspace()
    workspace.start_error = RuntimeError("socket closed")
    runner, _ = make_runner(tmp_path, POWER_ON, workspace=workspace)
    with caplog.at_level(logging.ERROR, "streamkit.aws.schedule.runner"):
        (record,) = runner.run_due()
    assert (record.state, record.detail) == ("retry", "RuntimeError: socket closed")
    assert "start meetup-start raised" in caplog.text


def test_an_action_being_performed_is_not_offered_again(tmp_path):
    seen = []

    class Observing(FakeWorkspace):
        def start(self, until):
            seen.append([a.key for a in runner.decide().run])  # what a sync would see now
            return super().start(until)

    runner, _ = make_runner(tmp_path, POWER_ON, workspace=Observing())
    assert [a.key for a in runner.decide().run] == ["meetup-start"]
    runner.run_due()
    assert seen == [[]]


def test_a_record_from_an_earlier_event_with_the_same_id_does_not_block_the_next():
    from datetime import UTC, datetime, timedelta

    from streamkit.aws.schedule.plan import Action, Record, RetryPolicy, next_due

    at = datetime(2026, 12, 10, 17, 45, tzinfo=UTC)
    action = Action("start", at, "meetup-start", (), at + timedelta(hours=3), timedelta(minutes=45))
    last_month = Record("meetup-start", "start", "done", 1, at - timedelta(days=28))
    assert next_due(action, last_month, RetryPolicy()) == at
    this_time = Record("meetup-start", "start", "done", 1, at + timedelta(minutes=1))
    assert next_due(action, this_time, RetryPolicy()) is None


def test_a_hold_refusal_and_its_end_survive_both_ledgers(tmp_path):
    from streamkit.aws.schedule.tagledger import decode, encode

    held = Record(
        "meetup-stop",
        "stop",
        "retry",
        0,
        POWER_OFF,
        "held until 21:00",
        refused=True,
        since=POWER_OFF,
        held_until=POWER_OFF + 75 * MIN,
    )
    assert decode("meetup-stop", encode(held)) == held
    ledger = Ledger(tmp_path / "schedule.sqlite")
    ledger.write(held)
    assert ledger.records()["meetup-stop"] == held
    assert next_due(MEETUP_STOP, held, RetryPolicy()) == POWER_OFF + 75 * MIN
    old_tag = "retry 2 20261210T194500Z 20261210T194500Z rn stop refused"
    assert decode("meetup-stop", old_tag).held_until is None


MEETUP_STOP = plan(Calendar("c", (MEETUP,)), POWER_ON, POWER_OFF + MIN)[-1]
