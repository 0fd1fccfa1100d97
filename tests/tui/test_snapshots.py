"""What the main screen looks like, pinned: fixed clock, fixed data, no live connection."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from streamkit.health.alerts import AlertEvent, Level
from streamkit.health.metrics import Metrics
from streamkit.obs.client import ObsClient
from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.control import AudioInput, OutputState, SceneList
from streamkit.show.meters import Level as AudioLevel
from streamkit.show.ndi import NdiInput
from streamkit.show.snapshot import ShowSnapshot
from streamkit.simulator.state import DEMO_NDI_SENDERS, DEMO_SCENES
from streamkit.tui.app import StreamkitApp
from streamkit.tui.controller import Poll, ShowController
from streamkit.tui.demo import DEMO_EVENT, DEMO_SHOW
from streamkit.tui.health_feed import HealthReport

NOW = datetime(2026, 5, 14, 19, 30, 5)
MONOTONIC = 1000.0
SIZES = {"100x30": (100, 30), "160x45": (160, 45)}
AUDIO = [
    AudioInput("Call Audio", "pulse_output_capture", False, 0.0),
    AudioInput("Host Mic", "pulse_input_capture", False, -3.0),
    AudioInput("NDI Screen", "ndi_source", True, 0.0),
    AudioInput("NDI Speaker", "ndi_source", False, -6.0),
]
LEVELS = {
    "Call Audio": AudioLevel(-18.0, -12.0),
    "Host Mic": AudioLevel(-8.0, -4.0),
    "NDI Screen": AudioLevel(-100.0, -100.0),
    "NDI Speaker": AudioLevel(-30.0, -22.0),
}
NDI = [NdiInput("NDI Screen", DEMO_NDI_SENDERS[1]), NdiInput("NDI Speaker", DEMO_NDI_SENDERS[0])]
OFF = OutputState(False, False, "00:00:00.000")


def snapshot(
    *, live: bool, studio: bool = False, program: str = "Speaker", segment: int | None = 1
) -> ShowSnapshot:
    return ShowSnapshot(
        scenes=SceneList(list(DEMO_SCENES), program, "Speaker + Slides" if studio else None),
        studio_mode=studio,
        stream=OutputState(True, False, "00:42:17.250") if live else OFF,
        record=OutputState(True, False, "00:41:59.000") if live else OFF,
        audio=AUDIO,
        ndi=NDI,
        segment=segment,
    )


def metrics(i: int, *, live: bool, trouble: bool = False) -> Metrics:
    """A minute of samples; with `trouble`, the last 15 s congest and drop frames."""
    bad = trouble and i >= 45
    return Metrics(
        t=1_700_000_000 + i,
        live=live,
        reconnecting=False,
        network_drops=(6.0 + (i % 4)) if bad else (0.2 if i % 7 == 0 else 0.0),
        bitrate=(1200.0 + 40 * (i % 5)) if bad else (5900.0 + 15 * (i % 6)) if live else None,
        congestion=(75.0 + i % 3) if bad else (2.0 + i % 4) if live else None,
        fps=30.0 if not bad else 29.0,
        cpu=11.0 + (i % 5) * 0.8,
    )


ALARM = AlertEvent(
    t=1_700_000_050,
    metric="network_drops",
    level=Level.ALARM,
    previous_level=Level.WARN,
    value=8.0,
    threshold=5.0,
    message="Network drops 8.0% — lower the bitrate or switch to the fallback scene",
    suggested_action="lower the bitrate or switch to the fallback scene",
)
WARN = AlertEvent(
    t=1_700_000_048,
    metric="congestion",
    level=Level.WARN,
    previous_level=Level.OK,
    value=45.0,
    threshold=30.0,
    message="Congestion 45.0% — the upload is saturated: lower the bitrate",
    suggested_action="the upload is saturated: lower the bitrate",
)


def scene(name: str):
    """Feed the app a fixed state: a minute of polls, then the connection state."""

    def prepare(app: StreamkitApp) -> None:
        live = name in ("live_healthy", "live_alarm", "reconnecting")
        trouble = name == "live_alarm"
        app.apply_connection(StateChange(ConnectionState.CONNECTED))
        app.audio_levels = LEVELS
        state = snapshot(live=live, studio=name == "studio_mode")
        for i in range(60):
            alerts, levels = [], {}
            if trouble and i == 48:
                alerts = [WARN]
            if trouble and i == 52:
                alerts = [ALARM]
            if trouble and i >= 52:
                levels = {"network_drops": Level.ALARM, "congestion": Level.ALARM}
            report = HealthReport(metrics(i, live=live, trouble=trouble), alerts, levels)
            app.apply_poll(Poll(state, report))
        if name == "reconnecting":
            app.apply_connection(
                StateChange(ConnectionState.RECONNECTING, "connection closed", 3, MONOTONIC + 4)
            )

    return prepare


def make_app() -> StreamkitApp:
    controller = ShowController(ObsClient("127.0.0.1", 9), DEMO_SHOW, event_name=DEMO_EVENT)
    return StreamkitApp(controller, clock=lambda: NOW, monotonic=lambda: MONOTONIC, live=False)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "state", ["connected_idle", "live_healthy", "live_alarm", "reconnecting", "studio_mode"]
)
def test_main_screen(snap_compare, state: str, size: str) -> None:
    app = make_app()

    async def run_before(pilot) -> None:
        scene(state)(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.svg"
UPDATE_ENV = "STREAMKIT_UPDATE_SCREENSHOT"


async def test_readme_screenshot_is_current():
    """docs/screenshot.svg is the live-with-alarm screen at 120x34; regenerate it with
    STREAMKIT_UPDATE_SCREENSHOT=1 pytest tests/tui/test_snapshots.py -k readme."""
    app = make_app()
    async with app.run_test(size=(120, 34)) as pilot:
        scene("live_alarm")(app)
        await pilot.pause()
        await pilot.pause(0.2)
        svg = app.export_screenshot()
    if os.environ.get(UPDATE_ENV) == "1":
        README_SCREENSHOT.write_text(svg, encoding="utf-8")
    assert README_SCREENSHOT.read_text(encoding="utf-8") == svg, f"set {UPDATE_ENV}=1 to update"
