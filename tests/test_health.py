"""Health metrics: deltas, resets, gaps, rates and windows, with property-based tests."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamkit.health.metrics import (
    HealthTracker,
    Metrics,
    MetricsWindow,
    Sample,
    counter_delta,
    instant_metrics,
    interval_metrics,
    kbps,
    ratio_pct,
    reduce_values,
)
from streamkit.health.settings import HealthSettings

T0 = 1_800_000_000.0


def stream(
    active: bool = True,
    skipped: int = 0,
    total: int = 0,
    sent: int = 0,
    duration_ms: int = 60_000,
    congestion: float = 0.0,
    reconnecting: bool = False,
) -> dict:
    return {
        "outputActive": active,
        "outputReconnecting": reconnecting,
        "outputTimecode": "00:01:00.000",
        "outputDuration": duration_ms,
        "outputCongestion": congestion,
        "outputBytes": sent,
        "outputSkippedFrames": skipped,
        "outputTotalFrames": total,
    }


def stats(render_skipped: int = 0, render_total: int = 0, enc_skipped: int = 0, enc_total: int = 0):
    return {
        "cpuUsage": 12.5,
        "memoryUsage": 420.0,
        "availableDiskSpace": 80_000.0,
        "activeFps": 30.0,
        "averageFrameRenderTime": 4.2,
        "renderSkippedFrames": render_skipped,
        "renderTotalFrames": render_total,
        "outputSkippedFrames": enc_skipped,
        "outputTotalFrames": enc_total,
        "webSocketSessionIncomingMessages": 10,
        "webSocketSessionOutgoingMessages": 10,
    }


def test_counter_delta_grows_resets_and_unknowns():
    assert counter_delta(100, 130) == 30
    assert counter_delta(100, 100) == 0
    assert counter_delta(100, 7) == 7  # went down: restarted, counted from 0
    assert counter_delta(100, 150, reset=True) == 150
    assert counter_delta(None, 5) is None
    assert counter_delta(None, 5, reset=True) == 5
    assert counter_delta(5, None) is None


def test_ratio_pct_clamps_and_knows_no_frames():
    assert ratio_pct(3, 30) == pytest.approx(10.0)
    assert ratio_pct(0, 30) == 0.0
    assert ratio_pct(40, 30) == 100.0
    assert ratio_pct(0, 0) is None
    assert ratio_pct(5, 0) == 100.0
    assert ratio_pct(None, 30) is None


def test_kbps_uses_real_elapsed_time():
    assert kbps(750_000, 1.0) == pytest.approx(6000.0)
    assert kbps(750_000, 2.0) == pytest.approx(3000.0)
    assert kbps(10, 0) is None
    assert kbps(None, 1.0) is None


def test_instant_metrics_from_obs_responses():
    m = instant_metrics(Sample(T0, stream(congestion=0.25, duration_ms=90_500), stats()))
    assert m.live and not m.reconnecting
    assert m.uptime_s == pytest.approx(90.5)
    assert m.congestion == pytest.approx(25.0)
    assert (m.cpu, m.memory, m.disk_space, m.fps, m.frame_render_time) == (
        12.5,
        420.0,
        80_000.0,
        30.0,
        4.2,
    )
    assert m.bitrate is None and m.network_drops is None


def test_instant_metrics_tolerate_missing_and_malformed_fields():
    m = instant_metrics(Sample(T0, None, {"cpuUsage": "lots", "activeFps": float("nan")}))
    assert not m.live and m.cpu is None and m.fps is None and m.congestion is None
    assert not instant_metrics(Sample(T0, {"outputActive": False}, None)).live


def test_interval_metrics_network_drops_encoder_and_render_lag_and_bitrate():
    before = Sample(T0, stream(skipped=10, total=1000, sent=5_000_000), stats(2, 900, 1, 1000))
    after = Sample(T0 + 2.0, stream(skipped=16, total=1060, sent=6_500_000), stats(5, 960, 4, 1060))
    m = interval_metrics(before, after)
    assert m.interval_s == 2.0
    assert (m.dropped_frames, m.total_frames, m.bytes_sent) == (6, 60, 1_500_000)
    assert m.network_drops == pytest.approx(10.0)
    assert m.bitrate == pytest.approx(6000.0)  # 1.5 MB * 8 / 2 s
    assert m.render_lag == pytest.approx(5.0)  # 3 of 60
    assert m.encoder_lag == pytest.approx(5.0)  # 3 of 60
    assert not m.counter_reset


def test_stream_restart_counts_from_zero_not_negative():
    before = Sample(T0, stream(skipped=500, total=90_000, sent=400_000_000, duration_ms=3_000_000))
    after = Sample(T0 + 1.0, stream(skipped=0, total=20, sent=100_000, duration_ms=700))
    m = interval_metrics(before, after)
    assert m.counter_reset
    assert (m.dropped_frames, m.total_frames, m.bytes_sent) == (0, 20, 100_000)
    assert m.bitrate == pytest.approx(800.0)
    assert m.network_drops == 0.0


def test_restart_detected_by_duration_even_when_counters_overtook():
    before = Sample(T0, stream(skipped=0, total=30, sent=100_000, duration_ms=1_000))
    # restarted within the interval and already past the old counts; duration gives it away
    after = Sample(T0 + 1.0, stream(skipped=0, total=45, sent=150_000, duration_ms=400))
    m = interval_metrics(before, after)
    assert m.counter_reset and m.total_frames == 45 and m.bytes_sent == 150_000


def test_stream_start_counts_from_zero():
    before = Sample(T0, stream(active=False, sent=0, duration_ms=0))
    after = Sample(T0 + 1.0, stream(total=30, sent=700_000, duration_ms=1000))
    m = interval_metrics(before, after)
    assert m.counter_reset and m.bitrate == pytest.approx(5600.0) and m.total_frames == 30


def test_unknown_previous_stream_state_gives_no_rates():
    before = Sample(T0, None, stats())
    after = Sample(T0 + 1.0, stream(total=100_000, sent=900_000_000), stats())
    m = interval_metrics(before, after)
    assert m.bitrate is None and m.network_drops is None and m.live


def test_not_live_has_no_stream_rates():
    before = Sample(T0, stream(active=False), stats(0, 0))
    after = Sample(T0 + 1.0, stream(active=False), stats(0, 30))
    m = interval_metrics(before, after)
    assert not m.live and m.bitrate is None and m.network_drops is None
    assert m.render_lag == 0.0


def test_tracker_discards_long_gaps_and_merges_bursts():
    tracker = HealthTracker(HealthSettings(max_gap_s=5.0, min_interval_s=0.5))
    first = tracker.update(Sample(T0, stream(total=0, sent=0)))
    assert first.bitrate is None and first.interval_s is None
    # laptop asleep for ten minutes: no rate for that interval
    asleep = tracker.update(Sample(T0 + 600, stream(total=18_000, sent=450_000_000)))
    assert asleep.gap and asleep.bitrate is None and asleep.network_drops is None
    # burst: a second sample 0.1 s later is too soon, and the next spans both
    assert (
        tracker.update(Sample(T0 + 600.1, stream(total=18_003, sent=450_075_000))).bitrate is None
    )
    m = tracker.update(Sample(T0 + 601, stream(total=18_030, sent=450_750_000)))
    assert m.interval_s == pytest.approx(1.0)
    assert m.bitrate == pytest.approx(6000.0)
    assert m.total_frames == 30


def test_tracker_restarts_when_the_clock_goes_back():
    tracker = HealthTracker()
    tracker.update(Sample(T0, stream(total=100, sent=1000)))
    m = tracker.update(Sample(T0 - 30, stream(total=130, sent=2000)))
    assert m.gap and m.bitrate is None
    assert len(tracker.window) == 1


def window_of(values: list[float | None], metric: str = "cpu") -> MetricsWindow:
    window = MetricsWindow(60)
    for i, v in enumerate(values):
        window.add(Metrics(t=T0 + i, live=True, reconnecting=False, **{metric: v}))
    return window


def test_window_reductions_over_recent_seconds():
    window = window_of([10, 50, None, 20, 30])
    assert window.reduce("cpu", "max", 3) == 30  # t = 2, 3, 4
    assert window.reduce("cpu", "max", 10) == 50
    assert window.reduce("cpu", "mean", 2) == 25
    assert window.reduce("cpu", "min", 60) == 10
    assert window.reduce("cpu", "last", 60) == 30
    assert window.reduce("fps", "max", 60) is None
    assert reduce_values([None, None], "mean") is None


def test_window_forgets_old_metrics():
    window = MetricsWindow(10)
    for i in range(30):
        window.add(Metrics(t=T0 + i, live=True, reconnecting=False, cpu=float(i)))
    assert len(window) == 10
    assert window.reduce("cpu", "min", 60) == 20


def test_window_weighted_drop_pct_and_bitrate():
    window = MetricsWindow(60)
    for i, (dropped, total, sent) in enumerate([(0, 30, 750_000), (30, 30, 250_000), (0, 60, 0)]):
        window.add(
            Metrics(
                t=T0 + i,
                live=True,
                reconnecting=False,
                dropped_frames=dropped,
                total_frames=total,
                bytes_sent=sent,
                interval_s=1.0,
            )
        )
    assert window.drop_pct(60) == pytest.approx(25.0)  # 30 of 120
    assert window.bitrate(60) == pytest.approx(8000.0 / 3)  # 1 MB over 3 s
    assert window.drop_pct(1) == 0.0


def test_metrics_record_is_json_ready_and_rounded():
    m = Metrics(t=T0, live=True, reconnecting=False, cpu=12.345678)
    record = m.to_record()
    assert "t" not in record and record["cpu"] == 12.346 and record["live"] is True


# ---- property-based: counters as OBS reports them, with resets, gaps and bursts ----------------


@st.composite
def obs_timelines(draw):
    """Samples of a live stream whose counters grow, sometimes reset, at irregular times.

    Returns the samples and the frames OBS really counted in each (the truth to compare with).
    """
    n = draw(st.integers(min_value=2, max_value=40))
    t = T0
    skipped = total = sent = duration = 0
    samples, new_frames = [], []
    for _ in range(n):
        step = draw(
            st.one_of(
                st.floats(0.01, 0.49),  # burst
                st.floats(0.5, 5.0),  # normal
                st.floats(5.01, 7200.0),  # gap (asleep)
            )
        )
        t += step
        if draw(st.integers(0, 9)) == 0:  # stream restarted
            skipped = total = sent = duration = 0
        frames = draw(st.integers(0, 400))
        new_frames.append(frames)
        total += frames
        skipped += draw(st.integers(0, frames))
        sent += draw(st.integers(0, MAX_BYTES_PER_SAMPLE))
        duration += int(step * 1000)
        samples.append(
            Sample(
                t,
                stream(skipped=skipped, total=total, sent=sent, duration_ms=duration),
                stats(skipped, total, skipped, total),
            )
        )
    return samples, new_frames


MAX_BYTES_PER_SAMPLE = 5_000_000


@settings(max_examples=150, deadline=None)
@given(obs_timelines())
def test_rates_are_never_negative_or_absurd(timeline):
    samples, _ = timeline
    config = HealthSettings(max_gap_s=5.0, min_interval_s=0.5)
    tracker = HealthTracker(config)
    for sample in samples:
        m = tracker.update(sample)
        for pct in (m.network_drops, m.encoder_lag, m.render_lag):
            assert pct is None or 0.0 <= pct <= 100.0
        for count in (m.dropped_frames, m.total_frames, m.bytes_sent):
            assert count is None or count >= 0
        if m.bitrate is not None:
            assert m.interval_s is not None
            assert config.min_interval_s <= m.interval_s <= config.max_gap_s
            # at most every sample's bytes, over at least min_interval_s
            limit = kbps(MAX_BYTES_PER_SAMPLE * len(samples), config.min_interval_s)
            assert 0.0 <= m.bitrate <= limit
            assert math.isfinite(m.bitrate)


@settings(max_examples=150, deadline=None)
@given(obs_timelines())
def test_frame_deltas_never_invent_frames(timeline):
    samples, new_frames = timeline
    tracker = HealthTracker(HealthSettings(max_gap_s=5.0, min_interval_s=0.5))
    counted = 0
    for sample in samples:
        m = tracker.update(sample)
        counted += m.total_frames or 0
        assert (m.dropped_frames or 0) <= (m.total_frames or 0)
    # gaps are discarded and undetectable restarts undercount; nothing is ever made up
    assert counted <= sum(new_frames[1:])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 300), min_size=3, max_size=30),
    st.integers(1, 29),
)
def test_reset_anywhere_gives_the_new_count_for_that_interval(increments, reset_at):
    reset_at = min(reset_at, len(increments) - 1)
    tracker = HealthTracker()
    total = 0
    started = -60  # live for a minute before the first sample
    for i, inc in enumerate(increments):
        if i == reset_at:
            total, started = 0, i
        total += inc
        duration = (i - started) * 1000 + 500
        sample = Sample(T0 + i, stream(total=total, sent=total * 1000, duration_ms=duration))
        m = tracker.update(sample)
        if i == 0:
            continue
        assert m.counter_reset == (i == reset_at)
        assert m.total_frames == inc
        assert m.bytes_sent == inc * 1000
        assert m.bitrate == pytest.approx(inc * 8.0)


def test_reconnect_as_obs_reports_it():
    """Recorded from a real OBS while its RTMP server froze and came back: the skipped count and
    bytes reset a sample before the total and the duration do."""
    recorded = [
        # outputReconnecting, outputDuration, outputBytes, outputSkippedFrames, outputTotalFrames
        (False, 26299, 7542019, 64, 789),
        (True, 27199, 7552457, 90, 816),
        (True, 27199, 7552457, 90, 816),
        (True, 27199, 0, 0, 816),
        (False, 299, 63787, 0, 9),
        (False, 1333, 388436, 0, 40),
    ]
    tracker = HealthTracker()
    got = []
    for i, (reconnecting, duration, sent, skipped, total) in enumerate(recorded):
        s = stream(skipped=skipped, total=total, sent=sent, duration_ms=duration)
        s["outputReconnecting"] = reconnecting
        m = tracker.update(Sample(T0 + i, s))
        got.append((m.reconnecting, m.total_frames, m.dropped_frames, m.bytes_sent))
    assert got == [
        (False, None, None, None),
        (True, 27, 26, 10438),
        (True, 0, 0, 0),
        (True, 0, 0, 0),  # skipped and bytes reset, total not yet: no frames invented
        (False, 9, 0, 63787),  # the new connection's first frames
        (False, 31, 0, 324649),
    ]
