"""The show-control app against a real OBS: scenes, NDI slots, streaming, alarms, restarts."""

from __future__ import annotations

import pytest

from streamkit.health.alerts import METRIC_LABELS
from streamkit.health.monitor import StreamMonitor
from streamkit.obs.client import ObsClient
from streamkit.obs.types import ConnectionState
from streamkit.show.control import ShowControl
from streamkit.show.ndi import NdiControl
from streamkit.show.settings import ShowSettings
from streamkit.tui.app import StreamkitApp
from streamkit.tui.controller import ShowController
from streamkit.tui.health_feed import MonitorFeed
from streamkit.tui.screens import ConfirmScreen, SenderScreen
from streamkit.tui.settings import TuiSettings
from tests.realobs import SHOW_COLLECTION, reset_show
from tests.tui.conftest import QUICK_HEALTH
from tests.tui.helpers import banner_text, header_text, log_text, panel_text, until

pytestmark = [pytest.mark.real_obs, pytest.mark.timeout(240)]

SENDERS = ["CAM-A (Camera)", "LAPTOP (Slides)"]  # the NDI plugin is not loaded: config's list
SIZE = (100, 30)


@pytest.fixture
def obs_side(show_obs):
    """A second connection to check what OBS really did; scene switches are instant (Cut)."""
    with ObsClient(show_obs.host, show_obs.port, show_obs.password) as client:
        reset_show(client)
        yield client


def make_app(obs) -> StreamkitApp:
    client = ObsClient(obs.host, obs.port, obs.password, backoff_cap=1.0, heartbeat=1.0)
    controller = ShowController(
        client,
        ShowSettings(ndi_senders=SENDERS),
        event_name="Real OBS",
        health=MonitorFeed(StreamMonitor(client, QUICK_HEALTH)),
        tui=TuiSettings(poll_interval_s=0.5),
    )
    return StreamkitApp(controller)


async def started(app, pilot) -> None:
    await until(pilot, lambda: app.connected and app.snapshot is not None, timeout=15)


async def test_scene_keys_switch_real_obs(show_obs, obs_side):
    app = make_app(show_obs)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.snapshot.scenes.names == [
            "Starting Soon",
            "Speaker",
            "Speaker + Slides",
            "Technical Difficulties",
        ]
        await pilot.press("3")
        await until(pilot, lambda: ShowControl(obs_side).scenes().program == "Speaker + Slides")
        await until(pilot, lambda: "3 ● Speaker + Slides PGM" in panel_text(app, "scenes"))
        await pilot.press("1")
        await until(pilot, lambda: ShowControl(obs_side).scenes().program == "Starting Soon")


async def test_ndi_slot_switches_sender_real_obs(show_obs, obs_side):
    ndi = NdiControl(obs_side)
    before = {i.name: i.sender for i in ndi.inputs()}
    app = make_app(show_obs)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        slot = app.snapshot.ndi[0].name
        target = next(s for s in SENDERS if s != before[slot])
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SenderScreen) and app.screen.senders)
        assert app.screen.senders == SENDERS
        await pilot.press(str(SENDERS.index(target) + 1))
        await until(pilot, lambda: {i.name: i.sender for i in ndi.inputs()}[slot] == target)
        await until(pilot, lambda: target in panel_text(app, "ndi"))
    for name, sender in before.items():  # leave the collection as it was
        ndi.switch(name, sender, force=True)


NETWORK_METRICS = ("network_drops", "congestion", "bitrate", "reconnecting")


def network_alerts(banner: str) -> list[str]:
    """The banner's lines about the stream's way to the ingest."""
    labels = [METRIC_LABELS[m] for m in NETWORK_METRICS]
    return [line for line in banner.splitlines() if any(label in line for label in labels)]


async def test_stream_to_rtmp_alarm_on_frozen_ingest_and_stop(show_obs, obs_side, rtmp_server):
    obs_side.request(
        "SetStreamServiceSettings",
        {
            "streamServiceType": "rtmp_custom",
            "streamServiceSettings": {"server": rtmp_server.url, "key": "x"},
        },
    )
    app = make_app(show_obs)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s")
        await until(pilot, lambda: app.snapshot.stream.active, timeout=20)
        await until(pilot, lambda: (app.history[-1].bitrate or 0) > 0, timeout=20)
        assert "LIVE" in header_text(app)
        rtmp_server.freeze()
        try:
            await until(
                pilot,
                lambda: any("ALARM" in line for line in network_alerts(banner_text(app))),
                timeout=60,
            )
            assert "ALARM" in log_text(app)
        finally:
            rtmp_server.thaw()
        # the freeze's alerts clear once the ingest flows again (render and encoder lag
        # depend on how busy the machine is, not on the ingest)
        try:
            await until(pilot, lambda: not network_alerts(banner_text(app)), timeout=90)
        except AssertionError:
            raise AssertionError(
                f"alert did not clear: {banner_text(app)!r}\n{log_text(app)[-800:]}"
            ) from None
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not app.snapshot.stream.active, timeout=20)
        assert "OFFLINE" in header_text(app)
    assert not ShowControl(obs_side).stream_state().active


async def test_obs_restart_shows_reconnecting_then_refreshes(obs_factory):
    obs = obs_factory(collection_file=SHOW_COLLECTION)
    app = make_app(obs)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        obs.stop()
        await until(pilot, lambda: app.connection.state is ConnectionState.RECONNECTING)
        assert "RECONNECTING" in header_text(app)
        assert "Starting Soon" in panel_text(app, "scenes")  # the last data stays, marked stale
        assert app.main.query_one("#body").has_class("stale")
        await pilot.press("2")
        assert "cannot switch scenes now" in log_text(app)
        before = app.snapshot
        obs.start()
        await until(pilot, lambda: app.connected, timeout=90)
        await until(pilot, lambda: app.snapshot is not before, timeout=10)
        assert "CONNECTED" in header_text(app)
        assert not app.main.query_one("#body").has_class("stale")
        assert app.snapshot.scenes.names[0] == "Starting Soon"
        assert "reconnected to OBS" in log_text(app)


async def test_missing_ndi_plugin_is_an_alarm(show_obs):
    """Debian's OBS has no DistroAV, and the show collection has NDI inputs: they show black."""
    app = make_app(show_obs)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await until(pilot, lambda: "NDI plugin missing" in banner_text(app))
        assert "install DistroAV" in banner_text(app)
        assert "ALARM: NDI plugin missing in OBS" in log_text(app)
