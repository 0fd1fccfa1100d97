"""The simulator's stream, record and stats evolve with an injected clock; faults change them."""

from __future__ import annotations

import pytest

from streamkit.simulator.outputs import Output, Outputs, timecode


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_timecode_format() -> None:
    assert timecode(0) == "00:00:00.000"
    assert timecode(3_723_045) == "01:02:03.045"


def test_a_healthy_stream_grows_at_its_bitrate() -> None:
    out = Output("simple_stream", "rtmp_output", bitrate_kbps=6000)
    out.start(10.0)
    status = out.status(20.0)
    assert status["outputActive"] is True
    assert status["outputDuration"] == 10_000
    assert status["outputTimecode"] == "00:00:10.000"
    assert status["outputBytes"] == 6000 * 125 * 10
    assert status["outputTotalFrames"] == 300
    assert status["outputSkippedFrames"] == 0
    assert status["outputCongestion"] == 0.0


def test_congestion_skips_frames_and_slows_bytes() -> None:
    out = Output("simple_stream", "rtmp_output", bitrate_kbps=6000)
    out.start(0.0)
    out.advance(10.0)
    healthy_bytes = out.bytes
    out.congestion, out.drop_ratio = 0.8, 0.25
    status = out.status(20.0)
    assert status["outputCongestion"] == 0.8
    assert status["outputSkippedFrames"] == 75  # 300 frames * 0.25
    assert status["outputTotalFrames"] == 600
    assert status["outputBytes"] - healthy_bytes < healthy_bytes * 0.5


def test_reconnecting_sends_nothing_but_time_runs() -> None:
    out = Output("simple_stream", "rtmp_output")
    out.start(0.0)
    out.advance(5.0)
    before = out.status(5.0)
    out.reconnecting = True
    during = out.status(8.0)
    assert during["outputReconnecting"] is True
    assert during["outputBytes"] == before["outputBytes"]
    assert during["outputTotalFrames"] == before["outputTotalFrames"]
    assert during["outputDuration"] == 8000


def test_stopping_resets_the_status() -> None:
    out = Output("simple_stream", "rtmp_output")
    out.start(0.0)
    out.stop(4.0)
    assert out.status(9.0) == {
        "outputActive": False,
        "outputReconnecting": False,
        "outputTimecode": "00:00:00.000",
        "outputDuration": 0,
        "outputCongestion": 0.0,
        "outputBytes": int(out.bytes),
        "outputSkippedFrames": 0,
        "outputTotalFrames": 120,
    }


def test_stats_follow_the_clock_and_the_stream() -> None:
    clock = FakeClock()
    outputs = Outputs(clock)
    clock.now += 60
    stats = outputs.stats()
    assert stats["renderTotalFrames"] == 1800
    assert stats["activeFps"] == 30.0
    assert stats["outputTotalFrames"] == 0
    outputs.stream.start(clock.now)
    outputs.stream.congestion, outputs.stream.drop_ratio = 0.5, 0.1
    clock.now += 10
    busy = outputs.stats()
    assert busy["outputTotalFrames"] == 300
    assert busy["outputSkippedFrames"] == 30
    assert busy["cpuUsage"] > stats["cpuUsage"]


@pytest.mark.parametrize("seconds", [0.5, 3.0])
def test_reconnect_due_after_its_time(seconds: float) -> None:
    clock = FakeClock()
    outputs = Outputs(clock)
    outputs.stream.start(clock.now)
    outputs.stream.reconnecting = True
    outputs.stream.reconnect_until = clock.now + seconds
    assert not outputs.reconnect_due()
    clock.now += seconds
    assert outputs.reconnect_due()
