"""`doctor --rehearse`: stream to a test target for a while and report drops and bitrate.

OBS's stream destination is pointed at the rehearsal target (a local RTMP server, or the
configured service's bandwidth test) and always put back afterwards, even when interrupted.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from streamkit.collection.encoder import BITRATE_TOLERANCE, StreamBitrate
from streamkit.doctor.settings import RehearsalSettings
from streamkit.errors import UsageError
from streamkit.health.metrics import (
    Metrics,
    Sample,
    counter,
    counter_delta,
    interval_metrics,
    percentile,
)
from streamkit.obs.client import ObsClient
from streamkit.obs.types import Request
from streamkit.show.control import ShowControl

BANDWIDTH_TEST = "?bandwidthtest=true"
DROP_WARN, DROP_FAIL = 0.5, 2.0  # % of frames dropped by the network
COUNTERS = ("outputTotalFrames", "outputSkippedFrames", "outputBytes", "outputDuration")


@dataclass
class RehearsalResult:
    """What the rehearsal measured; `obs_counters` is GetStreamStatus at the end, as OBS says."""

    target: str
    seconds: float
    samples: int
    total_frames: int
    dropped_frames: int
    bytes_sent: int
    bitrate_avg: float | None
    bitrate_min: float | None
    bitrate_p5: float | None
    bitrate_max: float | None
    congestion_max: float | None
    fps_avg: float | None
    cpu_avg: float | None
    cpu_max: float | None
    reconnects: int
    obs_counters: dict[str, Any] = field(default_factory=dict)
    expected_kbps: int | None = None  # the profile's video + audio bitrate, when known
    expected_from: str = ""

    @property
    def bitrate_off(self) -> bool:
        """The average missed the profile's bitrate by more than the tolerance."""
        if self.expected_kbps is None or self.bitrate_avg is None:
            return False
        return abs(self.bitrate_avg - self.expected_kbps) > BITRATE_TOLERANCE * self.expected_kbps

    @property
    def drop_pct(self) -> float | None:
        return 100 * self.dropped_frames / self.total_frames if self.total_frames else None

    @property
    def status(self) -> str:
        """PASS, WARN or FAIL, as the verdict begins."""
        return self.verdict.split(":", 1)[0]

    @property
    def verdict(self) -> str:
        drops = self.drop_pct
        if not self.total_frames or drops is None:
            return "FAIL: no frames reached the target"
        if self.reconnects or drops >= DROP_FAIL:
            return (
                f"FAIL: {drops:.2f}% dropped, {self.reconnects} reconnect(s): the link or "
                "the bundle cannot carry this bitrate"
            )
        if self.bitrate_off:
            return (
                f"FAIL: {_num(self.bitrate_avg, '.0f')} kbps average, but the profile streams "
                f"at {self.expected_kbps} kbps ({self.expected_from}): OBS is not using the "
                "profile's encoder settings; import the profile (Simple output mode carries "
                "every encoder key) and rehearse again"
            )
        if drops >= DROP_WARN:
            return f"WARN: {drops:.2f}% dropped: lower the bitrate or try a bigger bundle"
        expected = f" (profile: {self.expected_kbps})" if self.expected_kbps else ""
        return (
            f"PASS: {drops:.2f}% dropped at {_num(self.bitrate_avg, '.0f')} kbps average{expected}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "drop_pct": self.drop_pct,
            "status": self.status,
            "verdict": self.verdict,
        }

    def lines(self) -> list[str]:
        return [
            f"rehearsal to {self.target}: {self.seconds:.1f} s, {self.samples} samples",
            f"  frames     {self.total_frames} sent, {self.dropped_frames} dropped "
            f"({_num(self.drop_pct, '.2f')}%)",
            f"  bitrate    avg {_num(self.bitrate_avg, '.0f')} / min "
            f"{_num(self.bitrate_min, '.0f')} / p5 {_num(self.bitrate_p5, '.0f')} / max "
            f"{_num(self.bitrate_max, '.0f')} kbps"
            + (f" (profile: {self.expected_kbps} kbps)" if self.expected_kbps else ""),
            f"  congestion max {_num(self.congestion_max, '.0f')}%, reconnects {self.reconnects}",
            f"  fps        {_num(self.fps_avg, '.1f')}",
            f"  CPU        avg {_num(self.cpu_avg, '.0f')}% / max {_num(self.cpu_max, '.0f')}%",
            f"  verdict    {self.verdict}",
        ]


def _num(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


class Rehearsal:
    """Streams for `settings.seconds`, sampling once a second; restores OBS's destination."""

    def __init__(
        self,
        client: ObsClient,
        settings: RehearsalSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        expected: StreamBitrate | None = None,
    ) -> None:
        """`expected`: the profile's bitrate; a rehearsal that misses it FAILs."""
        self.client = client
        self.settings = settings
        self.expected = expected
        self.clock = clock
        self.sleep = sleep

    def destination(self, original: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """SetStreamServiceSettings data for the rehearsal, and a description without the key."""
        s = self.settings
        if s.bandwidth_test:
            settings = dict(original.get("streamServiceSettings") or {})
            service = str(settings.get("service", ""))
            if original.get("streamServiceType") != "rtmp_common" or "twitch" not in (
                service.lower()
            ):
                raise UsageError(
                    "the bandwidth test needs the Twitch service in OBS's stream settings "
                    f"(it has {service or original.get('streamServiceType')})",
                    hint="set rehearsal.target_url to an RTMP server instead",
                )
            if not settings.get("key"):
                raise UsageError("the bandwidth test needs the stream key set in OBS")
            settings["key"] = str(settings["key"]) + BANDWIDTH_TEST
            return (
                {"streamServiceType": "rtmp_common", "streamServiceSettings": settings},
                f"{service} (bandwidth test)",
            )
        if not s.target_url:
            raise UsageError(
                "no rehearsal target",
                hint="pass --target rtmp://HOST/APP or set rehearsal.target_url",
            )
        return (
            {
                "streamServiceType": "rtmp_custom",
                "streamServiceSettings": {"server": s.target_url, "key": s.stream_name},
            },
            f"{s.target_url.rstrip('/')}/{s.stream_name}",
        )

    def run(self, on_sample: Callable[[Metrics], None] | None = None) -> RehearsalResult:
        """Refuse while live; else stream, measure, stop and put the destination back."""
        control = ShowControl(self.client)
        if control.stream_state().active:
            raise UsageError(
                "OBS is streaming: a rehearsal would replace the live stream",
                hint="rehearse before going live, or stop the stream first",
            )
        original = self.client.request("GetStreamServiceSettings")
        wanted, target = self.destination(original)
        try:
            self.client.request("SetStreamServiceSettings", wanted)
            return self._measure(control, target, on_sample)
        finally:
            try:
                if control.stream_state().active:
                    control.stop_stream(wait=15.0)
            finally:
                self.client.request("SetStreamServiceSettings", _restoring(original, wanted))

    def _measure(
        self, control: ShowControl, target: str, on_sample: Callable[[Metrics], None] | None
    ) -> RehearsalResult:
        previous = self._poll()  # a baseline while not live: the first live sample counts from 0
        control.start_stream(wait=15.0)
        started = tick = self.clock()
        samples: list[Metrics] = []
        streams: list[Mapping[str, Any]] = []
        while self.clock() - started < self.settings.seconds:
            tick += 1.0
            self.sleep(max(0.0, tick - self.clock()))
            current = self._poll()
            metrics = interval_metrics(previous, current)
            previous = current
            samples.append(metrics)
            streams.append(current.stream or {})
            if on_sample is not None:
                on_sample(metrics)
        counters = self.client.request("GetStreamStatus")
        control.stop_stream(wait=15.0)
        result = summarize(target, samples, streams, counters)
        if self.expected is not None:
            result.expected_kbps = self.expected.total
            result.expected_from = self.expected.source
        return result

    def _poll(self) -> Sample:
        """GetStreamStatus and GetStats in one round trip."""
        results = self.client.batch([Request("GetStreamStatus"), Request("GetStats")])
        for result in results:
            if not result.ok:
                raise result.error()
        return Sample(self.clock(), results[0].data, results[1].data)


def _restoring(original: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The original destination; fields the rehearsal set and the original lacked are emptied."""
    settings = dict(original.get("streamServiceSettings") or {})
    for key in wanted["streamServiceSettings"]:
        settings.setdefault(key, "")
    return {
        "streamServiceType": original.get("streamServiceType", "rtmp_common"),
        "streamServiceSettings": settings,
    }


def counter_totals(streams: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """OBS's cumulative counters over the run; a counter that went down (a reconnect) restarted.

    Summing OBS's own counters, not per-second deltas, keeps the totals equal to what OBS
    shows: a burst of drops can exceed the frames counted in the same second.
    """
    totals = dict.fromkeys(COUNTERS, 0)
    last: dict[str, int | None] = dict.fromkeys(COUNTERS)
    for stream in streams:
        if not stream.get("outputActive"):
            continue
        for key in COUNTERS:
            value = counter(stream, key)
            if value is None:
                continue
            totals[key] += counter_delta(last[key], value, reset=last[key] is None) or 0
            last[key] = value
    return totals


def summarize(
    target: str,
    samples: list[Metrics],
    streams: list[Mapping[str, Any]],
    counters: Mapping[str, Any],
) -> RehearsalResult:
    """Totals from OBS's counters in `streams`; rates from `samples`, skipping the first second
    (it includes the start). `counters` is GetStreamStatus after the last sample."""
    live = [m for m in samples if m.live]
    totals = counter_totals(streams)
    seconds = totals["outputDuration"] / 1000
    rates = sorted(m.bitrate for m in live[1:] if m.bitrate is not None)
    fps = [m.fps for m in live if m.fps is not None]
    cpu = [m.cpu for m in live if m.cpu is not None]
    congestion = [m.congestion for m in live if m.congestion is not None]
    reconnects = sum(
        1
        for before, after in itertools.pairwise(live)
        if after.reconnecting and not before.reconnecting
    ) + (1 if live and live[0].reconnecting else 0)
    return RehearsalResult(
        target=target,
        seconds=seconds,
        samples=len(live),
        total_frames=totals["outputTotalFrames"],
        dropped_frames=totals["outputSkippedFrames"],
        bytes_sent=totals["outputBytes"],
        bitrate_avg=totals["outputBytes"] * 8 / 1000 / seconds if seconds else None,
        bitrate_min=rates[0] if rates else None,
        bitrate_p5=percentile(rates, 5),
        bitrate_max=rates[-1] if rates else None,
        congestion_max=max(congestion, default=None),
        fps_avg=sum(fps) / len(fps) if fps else None,
        cpu_avg=sum(cpu) / len(cpu) if cpu else None,
        cpu_max=max(cpu, default=None),
        reconnects=reconnects,
        obs_counters={k: counters.get(k) for k in COUNTERS},
    )
