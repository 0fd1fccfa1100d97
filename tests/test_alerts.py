"""Alert rules: levels, hysteresis, hold times, live-only metrics, and time to alarm."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streamkit.health.alerts import (
    AlertEngine,
    AlertEvent,
    AlertRule,
    HealthPipeline,
    Level,
    format_value,
    severity,
)
from streamkit.health.metrics import Metrics, MetricsWindow, Sample
from streamkit.health.settings import HealthSettings, MetricThreshold
from tests.test_health import stats, stream

T0 = 1_800_000_000.0
DROPS = MetricThreshold(warn=1.0, alarm=5.0, hysteresis=0.5, clear_after_s=10.0)
BITRATE = MetricThreshold(warn=2500.0, alarm=1000.0, direction="low", hysteresis=250.0)


def feed(rule: AlertRule, values: list[float | None], start: float = T0) -> list:
    events = []
    for i, value in enumerate(values):
        event = rule.update(start + i, value)
        if event is not None:
            events.append((i, event))
    return events


def test_severity_high_and_low_with_margin():
    assert severity(0.5, DROPS) == Level.OK
    assert severity(1.0, DROPS) == Level.WARN
    assert severity(5.0, DROPS) == Level.ALARM
    assert severity(4.6, DROPS, margin=0.5) == Level.ALARM  # not yet clear of the alarm
    assert severity(4.4, DROPS, margin=0.5) == Level.WARN
    assert severity(3000, BITRATE) == Level.OK
    assert severity(2000, BITRATE) == Level.WARN
    assert severity(900, BITRATE) == Level.ALARM
    assert severity(1200, BITRATE, margin=250) == Level.ALARM


def test_raises_on_the_first_bad_sample_with_message_and_suggestion():
    rule = AlertRule("network_drops", DROPS)
    [(i, event)] = feed(rule, [0.0, 0.0, 12.0])
    assert i == 2
    assert (event.level, event.previous_level, event.value, event.threshold) == (
        Level.ALARM,
        Level.OK,
        12.0,
        5.0,
    )
    assert event.message == (
        "Network drops 12.0% — lower the bitrate or switch to the fallback scene"
    )
    assert event.suggested_action == "lower the bitrate or switch to the fallback scene"
    assert event.t == T0 + 2


def test_raise_after_needs_consecutive_bad_samples():
    rule = AlertRule("cpu", MetricThreshold(warn=80, alarm=95, raise_after=3))
    assert feed(rule, [99, 99, 10, 99, 99]) == []
    [(i, event)] = feed(rule, [99], start=T0 + 5)
    assert i == 0 and event.level == Level.ALARM


def test_clears_only_after_hold_time_below_threshold_minus_hysteresis():
    rule = AlertRule("network_drops", DROPS)
    events = feed(rule, [12.0] + [4.8] * 20)  # 4.8 is within the hysteresis margin
    assert [e.level for _, e in events] == [Level.ALARM]
    events = feed(rule, [0.0] * 12, start=T0 + 21)
    [(i, cleared)] = events
    assert i == 10  # held for 10 s (samples 0..10)
    assert (cleared.level, cleared.previous_level) == (Level.OK, Level.ALARM)
    assert cleared.message == "Network drops back to OK (0.0%)"
    assert cleared.suggested_action == ""


def test_a_bad_sample_during_the_hold_restarts_it():
    rule = AlertRule("network_drops", DROPS)
    feed(rule, [12.0])
    assert feed(rule, [0.0] * 8 + [6.0] + [0.0] * 9, start=T0 + 1) == []
    [(_, cleared)] = feed(rule, [0.0, 0.0], start=T0 + 19)
    assert cleared.level == Level.OK


def test_flapping_value_raises_once():
    rule = AlertRule("network_drops", DROPS)
    events = feed(rule, [6.0, 0.0, 7.0, 0.5, 5.5, 0.0, 9.0, 0.0] * 5)
    assert [e.level for _, e in events] == [Level.ALARM]


def test_steps_down_from_alarm_to_warn_then_ok():
    rule = AlertRule("network_drops", DROPS)
    levels = [e.level for _, e in feed(rule, [10.0] + [2.0] * 11 + [0.0] * 11)]
    assert levels == [Level.ALARM, Level.WARN, Level.OK]


def test_warn_then_alarm_escalates_at_once():
    rule = AlertRule("network_drops", DROPS)
    events = feed(rule, [2.0, 3.0, 8.0])
    assert [(i, e.level, e.threshold) for i, e in events] == [
        (0, Level.WARN, 1.0),
        (2, Level.ALARM, 5.0),
    ]


def test_missing_values_neither_raise_nor_clear():
    rule = AlertRule("network_drops", DROPS)
    feed(rule, [12.0])
    assert feed(rule, [None] * 30, start=T0 + 1) == []
    assert rule.level == Level.ALARM


def test_low_direction_bitrate():
    rule = AlertRule("bitrate", BITRATE.model_copy(update={"clear_after_s": 2.0}))
    # 1100 is within the margin (1000 + 250): no hold; the hold starts at 1300, lasts 2 s
    events = feed(rule, [6000, 800, 1100, 1300, 3000, 3000, 3000])
    assert [(i, e.level) for i, e in events] == [(1, Level.ALARM), (5, Level.OK)]
    assert events[0][1].message.startswith("Bitrate 800 kbps — check the upload")


def test_disabled_metric_never_alerts():
    rule = AlertRule("cpu", MetricThreshold(enabled=False, warn=1, alarm=2))
    assert feed(rule, [100] * 5) == []


def test_format_value_units():
    assert format_value("network_drops", 12.04) == "12.0%"
    assert format_value("bitrate", 5999.6) == "6000 kbps"
    assert format_value("frame_render_time", 33.33) == "33.3 ms"
    assert format_value("reconnecting", 1.0) == "yes"
    assert format_value("cpu", None) == "n/a"


# ---- the engine and the whole pipeline --------------------------------------------------------


def live_metrics(t: float, **values) -> Metrics:
    return Metrics(t=t, live=True, reconnecting=values.pop("reconnecting", False), **values)


def run_engine(engine: AlertEngine, metrics: list[Metrics]) -> list:
    window = MetricsWindow(60)
    events = []
    for m in metrics:
        window.add(m)
        events.extend(engine.evaluate(m, window))
    return events


def test_bitrate_is_not_judged_during_the_grace_period_after_start():
    engine = AlertEngine(HealthSettings(bitrate_grace_s=15))
    early = [live_metrics(T0 + i, uptime_s=float(i), bitrate=300.0) for i in range(10)]
    assert [e for e in run_engine(engine, early) if e.metric == "bitrate"] == []
    later = [live_metrics(T0 + 20 + i, uptime_s=20.0 + i, bitrate=300.0) for i in range(6)]
    [event] = [e for e in run_engine(engine, later) if e.metric == "bitrate"]
    assert event.level == Level.ALARM


def test_live_only_alerts_clear_when_the_stream_stops():
    engine = AlertEngine()
    window = MetricsWindow(60)
    bad = live_metrics(T0, network_drops=30.0, congestion=90.0, cpu=99.0)
    window.add(bad)
    raised = {e.metric for e in engine.evaluate(bad, window)}
    assert {"network_drops", "congestion"} <= raised
    stopped = Metrics(t=T0 + 1, live=False, reconnecting=False, cpu=99.0)
    window.add(stopped)
    cleared = engine.evaluate(stopped, window)
    assert {e.metric for e in cleared} == {"network_drops", "congestion"}
    assert all(e.level == Level.OK and "stream not live" in e.message for e in cleared)
    assert engine.levels()["cpu"] == Level.ALARM


def test_reconnecting_alert_raises_and_clears():
    engine = AlertEngine()
    metrics = [live_metrics(T0 + i, reconnecting=3 <= i < 6) for i in range(12)]
    events = [e for e in run_engine(engine, metrics) if e.metric == "reconnecting"]
    assert [(e.t - T0, e.level) for e in events] == [(3, Level.ALARM), (8, Level.OK)]
    assert events[0].message.startswith("Stream reconnecting — check the network")
    assert events[1].message == "Stream reconnected"


def test_memory_is_off_by_default():
    assert "memory" not in AlertEngine().rules


class Obs:
    """Counters of a live stream at 30 fps and 6000 kbps, sampled at 1 Hz."""

    def __init__(self) -> None:
        self.t = T0
        self.total = self.skipped = self.sent = 0
        self.duration_ms = 120_000

    def sample(self, drop_pct: float = 0.0, fps: int = 30) -> Sample:
        self.t += 1.0
        self.duration_ms += 1000
        self.total += fps
        self.skipped += round(fps * drop_pct / 100)
        self.sent += 750_000
        return Sample(
            self.t,
            stream(
                skipped=self.skipped, total=self.total, sent=self.sent, duration_ms=self.duration_ms
            ),
            stats(0, self.total, 0, self.total),
        )


def test_alarm_within_three_seconds_of_counters_moving():
    monitor = HealthPipeline()
    obs = Obs()
    for _ in range(30):
        assert monitor.feed(obs.sample()).events == []
    onset = obs.t
    raised = None
    for _ in range(5):
        update = monitor.feed(obs.sample(drop_pct=10.0))
        alarms = [e for e in update.events if e.metric == "network_drops"]
        if alarms:
            raised = alarms[0]
            break
    assert raised is not None and raised.level == Level.ALARM
    assert raised.t - onset <= 3.0


def test_one_second_burst_is_not_smoothed_away():
    monitor = HealthPipeline()
    obs = Obs()
    for _ in range(10):
        monitor.feed(obs.sample())
    events = monitor.feed(obs.sample(drop_pct=20.0)).events
    assert [(e.metric, e.level) for e in events] == [("network_drops", Level.ALARM)]
    later = [e for _ in range(30) for e in monitor.feed(obs.sample()).events]
    assert [(e.metric, e.level) for e in later] == [("network_drops", Level.OK)]


@settings(max_examples=60, deadline=None)
@given(
    quiet=st.lists(st.floats(0.0, 0.9), min_size=5, max_size=40),
    drop_pct=st.floats(5.5, 100.0),
    fps=st.sampled_from([30, 60]),
)
def test_any_drop_onset_at_alarm_level_raises_on_the_first_or_second_sample(quiet, drop_pct, fps):
    monitor = HealthPipeline()
    obs = Obs()
    for pct in quiet:
        monitor.feed(obs.sample(drop_pct=pct, fps=fps))
    levels = []
    for _ in range(2):
        update = monitor.feed(obs.sample(drop_pct=drop_pct, fps=fps))
        levels += [e.level for e in update.events if e.metric == "network_drops"]
    assert Level.ALARM in levels


def test_monitor_is_quiet_on_a_healthy_stream():
    monitor = HealthPipeline()
    obs = Obs()
    assert [e for _ in range(120) for e in monitor.feed(obs.sample()).events] == []


def test_watch_lines_give_the_advice_once_and_cleared_lines_end_cleanly():
    from streamkit.commands.health import alert_line

    raised = AlertEvent(
        0.0,
        "congestion",
        Level.WARN,
        Level.OK,
        45.0,
        30.0,
        "Congestion 45.0% — the upload is saturated: lower the bitrate",
        "the upload is saturated: lower the bitrate",
    )
    line = alert_line(raised, "19:30:05")
    assert line == "19:30:05 WARN Congestion 45.0% — the upload is saturated: lower the bitrate"
    assert line.count("lower the bitrate") == 1
    cleared = AlertEvent(
        1.0,
        "congestion",
        Level.OK,
        Level.WARN,
        None,
        None,
        "Congestion: cleared (stream stopped)",
        "",
    )
    assert alert_line(cleared, "19:31:00") == "19:31:00 OK Congestion: cleared (stream stopped)"
