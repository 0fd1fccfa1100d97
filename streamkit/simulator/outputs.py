"""Stream and record outputs and render stats that evolve with a clock, faults included."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

FPS = 30.0
Clock = Callable[[], float]


def timecode(ms: int) -> str:
    """OBS's output timecode, "HH:MM:SS.mmm"."""
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


@dataclass
class Output:
    """An encoded output whose counters advance with the clock while it is active.

    Congestion (0..1) lowers the byte rate and, with `drop_ratio`, skips frames; while
    reconnecting nothing is sent and the duration keeps running.
    """

    name: str
    kind: str
    bitrate_kbps: float = 6000.0
    active: bool = False
    connecting: bool = False  # between STARTING and STARTED/STOPPED
    reconnecting: bool = False
    reconnect_until: float | None = None
    congestion: float = 0.0
    drop_ratio: float = 0.0
    started_at: float = 0.0
    last_advanced: float = 0.0
    bytes: float = 0.0
    total_frames: float = 0.0
    skipped_frames: float = 0.0
    path: str | None = None
    paused: bool = False

    def start(self, now: float) -> None:
        self.active, self.reconnecting, self.reconnect_until, self.paused = True, False, None, False
        self.started_at = self.last_advanced = now
        self.bytes = self.total_frames = self.skipped_frames = 0.0

    def stop(self, now: float) -> None:
        self.advance(now)
        self.active = self.connecting = self.reconnecting = self.paused = False
        self.reconnect_until = None

    def advance(self, now: float) -> None:
        """Integrate bytes and frames from the last call up to `now`."""
        if not self.active or now <= self.last_advanced:
            self.last_advanced = max(self.last_advanced, now)
            return
        dt = now - self.last_advanced
        self.last_advanced = now
        if self.reconnecting or self.paused:
            return
        frames = dt * FPS
        self.total_frames += frames
        self.skipped_frames += frames * self.drop_ratio
        self.bytes += dt * self.bitrate_kbps * 125.0 * (1.0 - 0.7 * self.congestion)

    def duration_ms(self, now: float) -> int:
        return round((now - self.started_at) * 1000) if self.active else 0

    def status(self, now: float) -> dict:
        """GetStreamStatus / GetOutputStatus fields."""
        self.advance(now)
        duration = self.duration_ms(now)
        return {
            "outputActive": self.active,
            "outputReconnecting": self.reconnecting,
            "outputTimecode": timecode(duration),
            "outputDuration": duration,
            "outputCongestion": round(self.congestion, 4) if self.active else 0.0,
            "outputBytes": int(self.bytes),
            "outputSkippedFrames": int(self.skipped_frames),
            "outputTotalFrames": int(self.total_frames),
        }


@dataclass
class Outputs:
    """The outputs of the simulated OBS plus its render statistics."""

    clock: Clock
    stream: Output = field(default_factory=lambda: Output("simple_stream", "rtmp_output"))
    record: Output = field(
        default_factory=lambda: Output("simple_file_output", "mp4_output", bitrate_kbps=8000.0)
    )
    booted_at: float = 0.0

    def __post_init__(self) -> None:
        self.booted_at = self.clock()

    def now(self) -> float:
        return self.clock()

    def all(self) -> list[Output]:
        return [self.stream, self.record]

    def find(self, name: str) -> Output | None:
        return next((o for o in self.all() if o.name == name), None)

    def any_active(self) -> bool:
        return any(o.active for o in self.all())

    def reconnect_due(self) -> bool:
        """True once a reconnect fault is over (the caller emits RECONNECTED)."""
        until = self.stream.reconnect_until
        return self.stream.reconnecting and until is not None and self.clock() >= until

    def stats(self) -> dict:
        """GetStats fields (without the per-session websocket counters)."""
        now = self.clock()
        self.stream.advance(now)
        up = max(0.0, now - self.booted_at)
        load = 0.2 * self.stream.congestion + (0.05 if self.stream.active else 0.0)
        render_total = int(up * FPS)
        return {
            "cpuUsage": round(6.0 + 40.0 * load + 1.5 * math.sin(up / 7.0) + 1.5, 3),
            "memoryUsage": round(
                412.0 + 8.0 * math.sin(up / 60.0) + (35.0 if self.stream.active else 0.0), 3
            ),
            "availableDiskSpace": 81920.0 - int(self.record.bytes) / 1048576.0,
            "activeFps": FPS if up > 0 else 0.0,
            "averageFrameRenderTime": round(2.4 + 0.4 * math.sin(up / 3.0) + 2.0 * load, 3),
            "renderSkippedFrames": int(render_total * 0.001),
            "renderTotalFrames": render_total,
            "outputSkippedFrames": int(self.stream.skipped_frames),
            "outputTotalFrames": int(self.stream.total_frames),
        }
