"""Fixtures of the TUI tests: a simulated OBS and apps wired to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from streamkit.health.monitor import StreamMonitor
from streamkit.health.settings import DegradeSettings, HealthSettings
from streamkit.obs.client import ObsClient
from streamkit.show.settings import ShowSettings
from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import demo_state
from streamkit.tui.app import StreamkitApp
from streamkit.tui.controller import ShowController
from streamkit.tui.demo import DEMO_SHOW
from streamkit.tui.health_feed import MonitorFeed
from streamkit.tui.settings import TuiSettings

PASSWORD = "tui-test-password"
# Alerts clear after 1 s (not 10) so a test can watch the banner go.
QUICK_HEALTH = HealthSettings.model_validate(
    {
        "thresholds": {
            name: {"clear_after_s": 1.0}
            for name in ("network_drops", "congestion", "encoder_lag", "reconnecting")
        }
    }
)
# While the stream reconnects, show the fallback scene; back 1 s after it recovers.
FALLBACK = DegradeSettings.model_validate(
    {
        "enabled": True,
        "rules": [
            {
                "trigger": "reconnecting",
                "fallback_scene": "Technical Difficulties",
                "restore_after_s": 1,
            }
        ],
    }
)


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(password=PASSWORD, state=demo_state()) as simulator:
        yield simulator


@pytest.fixture
def make_app(sim: SimulatorThread) -> Callable[..., StreamkitApp]:
    """An app on the simulator; polls 5 times a second so tests do not wait long."""

    def make(
        show: ShowSettings = DEMO_SHOW,
        keys: dict[str, str] | None = None,
        port: int | None = None,
        password: str = PASSWORD,
    ) -> StreamkitApp:
        client = ObsClient(sim.host, port or sim.port, password, backoff_cap=0.5, heartbeat=1.0)
        controller = ShowController(
            client,
            show,
            event_name="Test Meetup",
            health=MonitorFeed(StreamMonitor(client, QUICK_HEALTH, FALLBACK)),
            tui=TuiSettings(poll_interval_s=0.2, keys=keys or {}),
        )
        return StreamkitApp(controller)

    return make
