"""The APScheduler wiring of the runner: job ids, misfire grace, SQLite persistence (real time)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from streamkit.aws.schedule.calendar import Calendar, Event, zone
from streamkit.aws.schedule.driver import LocalScheduler, read_jobs
from streamkit.aws.schedule.ledger import Ledger
from streamkit.aws.schedule.plan import RetryPolicy
from streamkit.aws.schedule.runner import Runner
from tests.test_schedule import FakeWorkspace

WARMUP = timedelta(minutes=45)


class ShiftedClock:
    """Real time plus an adjustable offset (the scheduler itself runs on real time)."""

    def __init__(self, offset: timedelta = timedelta()) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def event_warming_up_at(power_on: datetime, id: str = "meetup") -> Event:
    """An event (in UTC) whose WorkSpace start falls at `power_on`."""
    start = (power_on + WARMUP).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    return Event(
        id=id,
        tz=zone("UTC"),
        start=start,
        duration=timedelta(hours=2),
        warmup=WARMUP,
        cooldown=timedelta(minutes=15),
    )


def make_driver(path, events, clock=None, workspace=None):
    runner = Runner(
        Calendar("test", tuple(events)),
        workspace or FakeWorkspace(),
        Ledger(path),
        policy=RetryPolicy(),
        clock=clock or ShiftedClock(),
    )
    return LocalScheduler(runner, path)


def wait_for(condition, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@pytest.fixture
def drivers():
    started: list[LocalScheduler] = []
    yield started
    for driver in started:
        if driver.scheduler.running:
            driver.shutdown()


def test_jobs_have_explicit_ids_and_fitted_grace_and_survive_a_restart(tmp_path, drivers):
    path = tmp_path / "schedule.sqlite"
    future = event_warming_up_at(datetime.now(UTC) + timedelta(days=2))
    first = make_driver(path, [future])
    drivers.append(first)
    first.start()
    jobs = {job.id: job for job in first.jobs()}
    assert set(jobs) == {"meetup-start", "meetup-stop"}
    assert jobs["meetup-start"].misfire_grace_time == (45 + 120) * 60  # until the event ends
    assert jobs["meetup-stop"].misfire_grace_time is None
    assert jobs["meetup-start"].coalesce and jobs["meetup-start"].max_instances == 1
    first.shutdown()

    stored = {job.id: job for job in read_jobs(path)}
    assert set(stored) == {"meetup-start", "meetup-stop"}
    assert stored["meetup-start"].run_date == jobs["meetup-start"].next_run_time

    second = make_driver(path, [future])
    drivers.append(second)
    second.start()
    assert sorted(job.id for job in second.jobs()) == ["meetup-start", "meetup-stop"]
    second.shutdown()

    third = make_driver(path, [])  # the event was removed from the calendar
    drivers.append(third)
    third.start()
    assert third.jobs() == []
    third.shutdown()
    assert read_jobs(path) == []


def test_a_start_late_by_ten_minutes_runs(tmp_path, drivers):
    path = tmp_path / "schedule.sqlite"
    clock = ShiftedClock(-timedelta(minutes=10))  # the jobs were synced before a sleep
    workspace = FakeWorkspace()
    driver = make_driver(
        path, [event_warming_up_at(datetime.now(UTC) - timedelta(minutes=10))], clock, workspace
    )
    drivers.append(driver)
    driver.start(paused=True)
    clock.offset = timedelta()  # the process wakes up 10 minutes later
    driver.resume()
    wait_for(lambda: driver.runner.ledger.records().get("meetup-start") is not None)
    assert driver.runner.ledger.records()["meetup-start"].state == "done"
    assert [call[0] for call in workspace.calls] == ["start"]
    assert [job.id for job in driver.jobs()] == ["meetup-stop"]


def test_a_start_after_the_event_ended_is_reported_not_run(tmp_path, drivers, caplog):
    path = tmp_path / "schedule.sqlite"
    clock = ShiftedClock(-timedelta(minutes=170))
    workspace = FakeWorkspace()
    driver = make_driver(
        path, [event_warming_up_at(datetime.now(UTC) - timedelta(minutes=170))], clock, workspace
    )
    drivers.append(driver)
    driver.start(paused=True)
    assert {job.id for job in driver.jobs()} == {"meetup-start", "meetup-stop"}
    clock.offset = timedelta()
    driver.resume()  # APScheduler finds the job 170 min late: the 2 h event ended 5 min ago
    wait_for(lambda: driver.runner.ledger.records().get("meetup-start") is not None)
    record = driver.runner.ledger.records()["meetup-start"]
    assert record.state == "missed" and "the event ended 5 min ago" in record.detail
    assert workspace.calls == []
    assert "the event ended 5 min ago" in caplog.text


def test_each_sync_watches_for_a_workspace_running_outside_every_window(tmp_path, drivers):
    from streamkit.aws.schedule.plan import OUTSIDE_KEY

    class Running(FakeWorkspace):
        def state(self) -> str:
            return "AVAILABLE"

    path = tmp_path / "schedule.sqlite"
    future = event_warming_up_at(datetime.now(UTC) + timedelta(days=2))
    driver = make_driver(path, [future], workspace=Running())
    driver.runner.outside_after = timedelta(hours=1)
    drivers.append(driver)
    driver.start(paused=True)
    assert OUTSIDE_KEY in driver.runner.ledger.records()  # seen running, no event on
