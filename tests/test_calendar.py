"""Event calendar: series expansion, skipped dates, and UTC times across clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from streamkit.aws.schedule.calendar import (
    Calendar,
    Event,
    cron_rule,
    is_ambiguous,
    localize,
    parse_rrule,
    zone,
)

ROME = zone("Europe/Rome")
NEW_YORK = zone("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def one_off(start: datetime, tz=ROME, **kw) -> Event:
    return Event(id=kw.pop("id", "e"), tz=tz, start=start, **kw)


def starts(calendar: Calendar, since: datetime, until: datetime) -> list[datetime]:
    return [o.start for o in calendar.occurrences(since, until)]


class TestDaylightSaving:
    """Rome: clocks jump 02:00 -> 03:00 on 2026-03-29 and fall back 03:00 -> 02:00 on 10-25."""

    def test_spring_forward_night_and_a_week_later(self):
        cal = Calendar(
            "c",
            (
                one_off(datetime(2026, 3, 22, 18, 30), id="before"),
                one_off(datetime(2026, 3, 29, 2, 30), id="night"),
                one_off(datetime(2026, 4, 5, 18, 30), id="after"),
            ),
        )
        got = {o.key: o for o in cal.occurrences(utc(2026, 3, 1), utc(2026, 5, 1))}
        assert got["before"].start == utc(2026, 3, 22, 17, 30)  # CET, +01:00
        # 02:30 does not exist that night: fold=0 keeps the +01:00 offset -> 03:30 CEST.
        assert got["night"].start == utc(2026, 3, 29, 1, 30)
        assert got["night"].local_start.strftime("%H:%M %Z") == "03:30 CEST"
        assert got["after"].start == utc(2026, 4, 5, 16, 30)  # CEST, +02:00

    def test_fall_back_night_and_a_week_later(self):
        cal = Calendar(
            "c",
            (
                one_off(datetime(2026, 10, 25, 2, 30), id="night"),
                one_off(datetime(2026, 11, 1, 18, 30), id="after"),
            ),
        )
        got = {o.key: o for o in cal.occurrences(utc(2026, 10, 1), utc(2026, 12, 1))}
        # 02:30 happens twice: fold=0 is the first one, still summer time (+02:00).
        assert got["night"].start == utc(2026, 10, 25, 0, 30)
        assert got["night"].local_start.strftime("%H:%M %Z") == "02:30 CEST"
        assert got["after"].start == utc(2026, 11, 1, 17, 30)

    def test_weekly_series_keeps_local_time_across_the_change(self):
        series = Event(
            id="weekly", tz=ROME, start=datetime(2026, 3, 19, 18, 30), rrule="FREQ=WEEKLY;BYDAY=TH"
        )
        got = starts(Calendar("c", (series,)), utc(2026, 3, 18), utc(2026, 4, 3))
        assert got == [utc(2026, 3, 19, 17, 30), utc(2026, 3, 26, 17, 30), utc(2026, 4, 2, 16, 30)]

    def test_new_york_nightly_series_through_the_gap(self):
        series = Event(
            id="n", tz=NEW_YORK, start=datetime(2026, 3, 7, 2, 30), rrule="FREQ=DAILY;COUNT=3"
        )
        got = [
            o.local_start.strftime("%m-%d %H:%M")
            for o in Calendar("c", (series,)).occurrences(utc(2026, 3, 1), utc(2026, 3, 20))
        ]
        assert got == ["03-07 02:30", "03-08 03:30", "03-09 02:30"]

    def test_warmup_and_durations_are_elapsed_time(self):
        event = one_off(
            datetime(2026, 3, 29, 3, 30),
            duration=timedelta(hours=2),
            warmup=timedelta(minutes=45),
            cooldown=timedelta(minutes=15),
        )
        (occ,) = Calendar("c", (event,)).occurrences(utc(2026, 3, 28), utc(2026, 3, 30))
        assert occ.start == utc(2026, 3, 29, 1, 30)
        assert occ.power_on == utc(2026, 3, 29, 0, 45)
        assert occ.power_on.astimezone(ROME).strftime("%H:%M %Z") == "01:45 CET"
        assert occ.power_off == utc(2026, 3, 29, 3, 45)

    def test_localize_and_ambiguity(self):
        assert localize(datetime(2026, 7, 1, 12, 0), ROME) == utc(2026, 7, 1, 10, 0)
        assert is_ambiguous(datetime(2026, 10, 25, 2, 30), ROME)
        assert not is_ambiguous(datetime(2026, 3, 29, 2, 30), ROME)  # skipped, not doubled
        assert not is_ambiguous(datetime(2026, 10, 24, 2, 30), ROME)


class TestSeries:
    def test_second_thursday_rrule_with_skip_and_until(self):
        series = Event(
            id="m",
            tz=ROME,
            start=datetime(2026, 1, 1, 18, 30),
            rrule="FREQ=MONTHLY;BYDAY=2TH",
            skip=frozenset({date(2026, 2, 12)}),
            until=date(2026, 4, 30),
        )
        got = [
            o.local_start.date()
            for o in Calendar("c", (series,)).occurrences(utc(2025, 12, 1), utc(2027, 1, 1))
        ]
        assert got == [date(2026, 1, 8), date(2026, 3, 12), date(2026, 4, 9)]

    def test_cron_second_thursday_matches_rrule(self):
        window = (utc(2026, 1, 1), utc(2027, 1, 1))
        by_rrule = Event(
            id="a",
            tz=ROME,
            start=datetime(2026, 1, 1, 18, 30),
            rrule="RRULE:FREQ=MONTHLY;BYDAY=2TH",
        )
        by_cron = Event(id="a", tz=ROME, start=datetime(2026, 1, 1), cron="30 18 * * thu#2")
        assert starts(Calendar("c", (by_rrule,)), *window) == starts(
            Calendar("c", (by_cron,)), *window
        )
        assert len(starts(Calendar("c", (by_cron,)), *window)) == 12

    def test_keys_are_id_and_local_date(self):
        series = Event(
            id="m", tz=ROME, start=datetime(2026, 1, 1, 18, 30), rrule="FREQ=MONTHLY;BYDAY=2TH"
        )
        cal = Calendar("c", (series, one_off(datetime(2026, 1, 20, 19, 0), id="special")))
        keys = [o.key for o in cal.occurrences(utc(2026, 1, 1), utc(2026, 2, 1))]
        assert keys == ["m-20260108", "special"]

    def test_occurrence_in_progress_is_included_until_cooldown_ends(self):
        event = one_off(
            datetime(2026, 6, 1, 18, 0), duration=timedelta(hours=2), cooldown=timedelta(minutes=15)
        )
        cal = Calendar("c", (event,))
        assert cal.occurrences(utc(2026, 6, 1, 18, 14), utc(2026, 6, 2))  # 20:14 Rome
        assert not cal.occurrences(utc(2026, 6, 1, 18, 15), utc(2026, 6, 2))

    def test_occurs_on(self):
        series = Event(id="m", tz=ROME, start=datetime(2026, 1, 1, 18, 30), cron="30 18 * * 4#2")
        assert series.occurs_on(date(2026, 2, 12))
        assert not series.occurs_on(date(2026, 2, 13))


class TestCron:
    def dates(self, expr: str, days: int = 31) -> list[str]:
        rule = cron_rule(expr, datetime(2026, 1, 1))
        return [
            d.strftime("%a %d %H:%M")
            for d in rule.between(
                datetime(2026, 1, 1), datetime(2026, 1, 1) + timedelta(days=days), inc=True
            )
        ]

    def test_weekday_numbers_follow_crontab_sunday_zero(self):
        assert self.dates("0 9 * * 0", 8) == ["Sun 04 09:00"]
        assert self.dates("0 9 * * 7", 8) == ["Sun 04 09:00"]
        assert self.dates("0 9 * * mon-wed", 7) == ["Mon 05 09:00", "Tue 06 09:00", "Wed 07 09:00"]

    def test_weekday_ranges_across_sunday_use_cron_numbers_not_apschedulers(self):
        # APScheduler 3 counts weekdays from Monday: cron's 0-2 is Sunday to Tuesday
        assert self.dates("0 9 * * 0-2", 7) == ["Sun 04 09:00", "Mon 05 09:00", "Tue 06 09:00"]
        assert self.dates("0 9 * * */3", 7) == ["Sat 03 09:00", "Sun 04 09:00", "Wed 07 09:00"]
        assert self.dates("0 9 * * 5-7", 7) == ["Fri 02 09:00", "Sat 03 09:00", "Sun 04 09:00"]

    def test_days_of_month_months_and_steps(self):
        assert self.dates("15 20 1,15 * *") == ["Thu 01 20:15", "Thu 15 20:15"]
        assert self.dates("0 8 */10 jan *") == [
            "Thu 01 08:00",
            "Sun 11 08:00",
            "Wed 21 08:00",
            "Sat 31 08:00",
        ]
        assert self.dates("0 8 1 feb *") == []

    @pytest.mark.parametrize(
        ("expr", "message"),
        [
            ("30 18 * *", "5 fields"),
            ("30 18,20 * * thu", "one event a day"),
            ("*/30 18 * * thu", "one event a day"),
            ("30 25 * * thu", "hour '25': .*higher than the maximum value \\(23\\)"),
            ("30 18 8-14 * thu", "not both"),
            ("30 18 * * thu#6", "day of week"),
            ("30 18 9-3 * *", "day of month '9-3'"),
            ("30 18 * * sat-mon", "day of week: range 'sat-mon' runs backwards"),
            ("30 18 * * 8", "day of week: '8' is not in 0-7"),
            ("30 18 * foo *", "month 'foo': Invalid month name"),
        ],
    )
    def test_invalid(self, expr, message):
        with pytest.raises(ValueError, match=message):
            cron_rule(expr, datetime(2026, 1, 1))


class TestRrule:
    def test_prefix_is_stripped(self):
        assert parse_rrule("RRULE:FREQ=MONTHLY;BYDAY=2TH") == "FREQ=MONTHLY;BYDAY=2TH"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("FREQ=HOURLY", "at most one event a day"),
            ("FREQ=DAILY;BYHOUR=9,18", "BYHOUR must be one value"),
            ("FREQ=MONTHLY;DTSTART=20260101T000000", "DTSTART"),
            ("FREQ=FORTNIGHTLY", "invalid RRULE"),
            ("FREQ=MONTHLY;BYDAY", "NAME=VALUE"),
        ],
    )
    def test_invalid(self, text, message):
        with pytest.raises(ValueError, match=message):
            parse_rrule(text)

    def test_unknown_zone(self):
        with pytest.raises(ValueError, match="Europe/Roma"):
            zone("Europe/Roma")


def test_clock_change_notes():
    cal = Calendar(
        "c",
        (
            one_off(datetime(2026, 3, 29, 2, 30), id="gap"),
            one_off(datetime(2026, 10, 25, 2, 30), id="twice"),
            one_off(datetime(2026, 10, 26, 2, 30), id="plain"),
        ),
    )
    notes = {
        o.key: o.clock_change_note() for o in cal.occurrences(utc(2026, 1, 1), utc(2027, 1, 1))
    }
    assert notes["gap"] == (
        "2026-03-29 02:30 does not exist in Europe/Rome (clocks go forward): starts at 03:30 CEST"
    )
    assert notes["twice"] == (
        "2026-10-25 02:30 happens twice in Europe/Rome (clocks go back): "
        "the first one, 02:30 CEST, is used"
    )
    assert notes["plain"] is None
