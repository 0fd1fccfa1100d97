"""Health pipeline against a real OBS streaming to a loopback RTMP server that we freeze."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from streamkit.obs.alerts import AlertEvent, HealthMonitor, Level
from streamkit.obs.client import ObsClient
from streamkit.obs.degrade import DegradeEngine, DegradeInputs, SwitchScene
from streamkit.obs.health import Metrics, Sample
from streamkit.obs.health_settings import DegradeSettings
from streamkit.report import summarize
from streamkit.sessionlog import SessionLog, read_session_log
from tests.realobs import start_obs

pytestmark = pytest.mark.real_obs


class Sampler:
    """Polls OBS at 1 Hz into the monitor, the degrade rules and a session log."""

    def __init__(self, client: ObsClient, log: SessionLog) -> None:
        self.client = client
        self.log = log
        self.monitor = HealthMonitor()
        self.degrade = DegradeEngine(
            DegradeSettings.model_validate(
                {
                    "enabled": True,
                    "rules": [
                        {"trigger": "reconnecting", "fallback_scene": "BRB", "restore_after_s": 3}
                    ],
                }
            )
        )
        self.metrics: list[Metrics] = []
        self.events: list[AlertEvent] = []
        self.switches: list[SwitchScene] = []

    def poll(self) -> Metrics:
        started = time.time()
        sample = Sample(
            started, self.client.request("GetStreamStatus"), self.client.request("GetStats")
        )
        update = self.monitor.feed(sample)
        self.log.sample(update.metrics)
        for event in update.events:
            self.log.alert(event)
        scene = self.client.request("GetCurrentProgramScene")["currentProgramSceneName"]
        inputs = DegradeInputs(
            t=started,
            current_scene=scene,
            reconnecting=update.metrics.reconnecting,
            alert_levels=self.monitor.engine.levels(),
        )
        for action in self.degrade.decide(inputs):
            self.log.action(action)
            if isinstance(action, SwitchScene):
                self.client.request("SetCurrentProgramScene", {"sceneName": action.scene})
                self.switches.append(action)
        self.metrics.append(update.metrics)
        self.events.extend(update.events)
        time.sleep(max(0.0, 1.0 - (time.time() - started)))
        return update.metrics

    def until(self, condition, limit: float, what: str) -> Metrics:
        deadline = time.time() + limit
        while time.time() < deadline:
            metrics = self.poll()
            if condition(metrics):
                return metrics
        raise AssertionError(f"OBS did not show {what} within {limit:.0f} s")


def test_frozen_ingest_raises_alarm_within_3_s_and_recovery_is_clean(rtmp_server, tmp_path: Path):
    obs = start_obs()
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
                sampler.poll()
                sampler.poll()
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
    if any(m.reconnecting for m in sampler.metrics):
        assert [s.scene for s in sampler.switches] == ["BRB", scene]

    summary = summarize(read_session_log(tmp_path / "event.jsonl"))
    assert summary.samples == len(sampler.metrics)
    assert summary.dropped_frames == sum(m.dropped_frames or 0 for m in sampler.metrics) > 0
    assert summary.worst_minute is not None and summary.worst_minute.drop_pct > 0
    assert len(summary.alerts) == len(sampler.events)
