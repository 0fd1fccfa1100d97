"""The live health monitor: polls OBS, feeds the pure pipeline, runs fallback rules, logs."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streamkit.health.alerts import AlertEvent, HealthPipeline, Level
from streamkit.health.fallback import Action, DegradeEngine, DegradeInputs, SwitchScene
from streamkit.health.metrics import Metrics, Sample
from streamkit.health.sessionlog import SessionLog
from streamkit.health.settings import DegradeSettings, HealthSettings, NdiSilentTrigger
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsRequestFailed
from streamkit.obs.types import Request

# A tiny screenshot is enough to tell whether an NDI input's picture still changes.
PROBE_SIZE = {"imageFormat": "png", "imageWidth": 16, "imageHeight": 9}


@dataclass
class MonitorUpdate:
    """One poll's outcome, for a screen or a log."""

    metrics: Metrics
    alerts: list[AlertEvent]  # level changes raised or cleared by this sample
    levels: dict[str, Level]  # every metric's current level
    actions: list[Action] = field(default_factory=list)  # auto-actions taken, and notices
    program_scene: str = ""


class NdiWatch:
    """Whether NDI inputs still deliver video: their picture changes between polls.

    A sender that vanished leaves a frozen or black frame. A perfectly still picture looks the
    same, so give ndi_silent rules a `for_s` longer than a speaker ever keeps still.
    """

    def __init__(self, inputs: list[str]) -> None:
        self.inputs = inputs
        self._last: dict[str, str] = {}

    def requests(self) -> list[Request]:
        return [
            Request("GetSourceScreenshot", {"sourceName": n, **PROBE_SIZE}) for n in self.inputs
        ]

    def judge(self, answers: list[Any]) -> dict[str, bool]:
        """input -> delivered video since the previous poll (unknown inputs are left out)."""
        delivering = {}
        for name, answer in zip(self.inputs, answers, strict=True):
            if not answer.ok:
                continue
            digest = hashlib.sha1(answer.data.get("imageData", "").encode()).hexdigest()
            previous = self._last.get(name)
            self._last[name] = digest
            if previous is not None:
                delivering[name] = digest != previous
        return delivering


class StreamMonitor:
    """Call `sample_once()` at the poll interval (never two at once); it never sleeps."""

    def __init__(
        self,
        client: ObsClient,
        health: HealthSettings | None = None,
        degrade: DegradeSettings | None = None,
        *,
        log: SessionLog | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.pipeline = HealthPipeline(health)
        self.degrade = DegradeEngine(degrade or DegradeSettings())
        self.log = log
        self.clock = clock
        rules = degrade.rules if degrade and degrade.enabled else []
        self.ndi = NdiWatch(
            [r.trigger.input for r in rules if isinstance(r.trigger, NdiSilentTrigger)]
        )

    @property
    def override(self) -> bool:
        return self.degrade.override

    def set_override(self, on: bool) -> list[Action]:
        """The operator takes over (no auto-actions) or hands back; announced and logged."""
        notices = self.degrade.set_override(on, self.clock())
        self._log_actions(notices)
        return notices

    def sample_once(self) -> MonitorUpdate:
        """One round trip: stream status, stats, program scene (and NDI probes)."""
        t = self.clock()
        results = self.client.batch(
            [
                Request("GetStreamStatus"),
                Request("GetStats"),
                Request("GetCurrentProgramScene"),
                *self.ndi.requests(),
            ]
        )
        for result in results[:3]:
            if not result.ok:
                raise result.error()
        stream, stats, scene = (r.data for r in results[:3])
        program = scene.get("currentProgramSceneName") or scene.get("sceneName") or ""
        update = self.pipeline.feed(Sample(t, stream, stats))
        if self.log is not None:
            self.log.sample(update.metrics)
            for event in update.events:
                self.log.alert(event)
        levels = self.pipeline.engine.levels()
        actions = self.degrade.decide(
            DegradeInputs(
                t=t,
                current_scene=program,
                reconnecting=update.metrics.reconnecting,
                alert_levels=levels,
                ndi_video=self.ndi.judge(results[3:]),
            )
        )
        actions = [self._execute(a) for a in actions]
        self._log_actions(actions)
        return MonitorUpdate(update.metrics, list(update.events), dict(levels), actions, program)

    def _execute(self, action: Action) -> Action:
        """Carry out a scene switch; a refused one comes back as a notice saying why."""
        if not isinstance(action, SwitchScene):
            return action
        try:
            self.client.request("SetCurrentProgramScene", {"sceneName": action.scene})
        except ObsRequestFailed as exc:
            return self.degrade.switch_failed(action, exc.comment or f"status {exc.code}")
        return action

    def _log_actions(self, actions: list[Action]) -> None:
        if self.log is not None:
            for action in actions:
                self.log.action(action)
