"""Health pipeline against a real OBS streaming to a loopback RTMP server that we freeze."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from streamkit.health.alerts import AlertEvent, Level
from streamkit.health.fallback import SwitchScene
from streamkit.health.metrics import Metrics
from streamkit.health.monitor import StreamMonitor
from streamkit.health.report import summarize
from streamkit.health.sessionlog import SessionLog, read_session_log
from streamkit.health.settings import DegradeSettings
from streamkit.obs.client import ObsClient
from tests.realobs import start_obs

pytestmark = pytest.mark.real_obs


FALLBACK = DegradeSettings.model_validate(
    {
        "enabled": True,
        "rules": [{"trigger": "reconnecting", "fallback_scene": "BRB", "restore_after_s": 3}],
    }
)


class Sampler:
    """Drives the library's StreamMonitor at 1 Hz and keeps what it reported."""

    def __init__(self, client: ObsClient, log: SessionLog) -> None:
        self.monitor = StreamMonitor(client, degrade=FALLBACK, log=log)
        self.degrade = self.monitor.degrade
        self.metrics: list[Metrics] = []
        self.events: list[AlertEvent] = []
        self.switches: list[SwitchScene] = []

    def poll(self) -> Metrics:
        started = time.time()
        update = self.monitor.sample_once()
        self.metrics.append(update.metrics)
        self.events.extend(update.alerts)
        self.switches += [a for a in update.actions if isinstance(a, SwitchScene)]
        time.sleep(max(0.0, 1.0 - (time.time() - started)))
        return update.metrics

    def until(self, condition, limit: float, what: str) -> Metrics:
        deadline = time.time() + limit
        while time.time() < deadline:
            metrics = self.poll()
            if condition(metrics):
                return metrics
        raise AssertionError(f"OBS did not show {what} within {limit:.0f} s")


def test_frozen_ingest_raises_alarm_within_3_s_and_recovery_is_clean(
    obs_version, rtmp_server, tmp_path: Path
):
    obs = start_obs(obs_version)
    try:
        with ObsClient(obs.host, obs.port, obs.password) as client:
            scene = client.request("GetCurrentProgramScene")["currentProgramSceneName"]
            client.request("CreateScene", {"sceneName": "BRB"})
            client.request(
                "SetStreamServiceSettings",
                {
                    "streamServiceType": "rtmp_custom",
                    "streamServiceSettings": {"server": rtmp_server.url, "key": "health"},
                },
            )
            client.request("StartStream")
            with SessionLog(tmp_path / "event.jsonl") as log:
                sampler = Sampler(client, log)
                sampler.until(lambda m: (m.bitrate or 0) > 0, 20, "a bitrate")
                for _ in range(3):
                    sampler.poll()
                rtmp_server.freeze()
                first_drops = sampler.until(
                    lambda m: (m.dropped_frames or 0) > 0, 60, "dropped frames"
                )
                sampler.until(lambda m: m.reconnecting, 60, "OBS reconnecting")
                rtmp_server.thaw()
                sampler.until(
                    lambda m: m.live and not m.reconnecting and (m.bitrate or 0) > 0,
                    60,
                    "the stream back after the reconnect",
                )
                sampler.until(lambda m: not sampler.degrade.in_fallback, 15, "the restore")
                client.request("StopStream")
    finally:
        obs.cleanup()

    alarms = [e for e in sampler.events if e.metric == "network_drops" and e.level == Level.ALARM]
    assert alarms, [e.message for e in sampler.events]
    assert alarms[0].t - first_drops.t <= 3.0
    for m in sampler.metrics:
        for value in (m.network_drops, m.encoder_lag, m.render_lag, m.congestion):
            assert value is None or 0.0 <= value <= 100.0
        assert m.bitrate is None or 0.0 <= m.bitrate < 100_000
        assert m.total_frames is None or 0 <= m.total_frames <= 60 * (m.interval_s or 0) + 5
    assert [s.scene for s in sampler.switches] == ["BRB", scene]
    assert sampler.switches[0].t - next(m.t for m in sampler.metrics if m.reconnecting) < 1.5

    summary = summarize(read_session_log(tmp_path / "event.jsonl"))
    assert summary.samples == len(sampler.metrics)
    assert summary.dropped_frames == sum(m.dropped_frames or 0 for m in sampler.metrics) > 0
    assert summary.worst_minute is not None and summary.worst_minute.drop_pct > 0
    assert len(summary.alerts) == len(sampler.events)
