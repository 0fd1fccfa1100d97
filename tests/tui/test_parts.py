"""The TUI's building blocks: the one-batch snapshot, key settings, renderers, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from rich.text import Text

from streamkit.commands.tui import controller_for
from streamkit.config import load_config
from streamkit.health.settings import HealthSettings
from streamkit.obs.client import ObsClient
from streamkit.show.control import ShowControl
from streamkit.show.meters import Level as AudioLevel
from streamkit.show.ndi import NdiControl
from streamkit.show.runofshow import RunOfShow
from streamkit.show.snapshot import fetch_snapshot
from streamkit.tui import audio, health
from streamkit.tui.app import StreamkitApp
from streamkit.tui.audio import AudioPanel
from streamkit.tui.demo import DEMO_SHOW
from streamkit.tui.keymap import ACTIONS, key_label
from streamkit.tui.main import MainScreen
from streamkit.tui.settings import TuiSettings
from tests.cli import run_cli, write_config
from tests.tui.conftest import PASSWORD
from tests.tui.helpers import header_text, until


@pytest.fixture
def client(sim):
    with ObsClient(sim.host, sim.port, PASSWORD) as obs:
        yield obs


def test_snapshot_reads_everything_in_two_batches_and_agrees_with_the_library(client):
    RunOfShow(client, DEMO_SHOW.segments).goto(2)
    calls: list[str] = []
    batch, request = client.batch, client.request
    client.batch = lambda reqs, **kw: calls.append("batch") or batch(reqs, **kw)
    client.request = lambda *a, **kw: calls.append("request") or request(*a, **kw)
    snap = fetch_snapshot(client, DEMO_SHOW.segments)
    assert calls == ["batch", "batch"]
    client.batch, client.request = batch, request
    control = ShowControl(client)
    assert snap.scenes == control.scenes()
    assert snap.scenes.program == "Speaker + Slides"
    assert snap.studio_mode is control.studio_mode_enabled() is False
    assert snap.stream == control.stream_state()
    assert snap.record == control.record_state()
    assert snap.audio == control.audio_inputs()
    assert snap.ndi == NdiControl(client).inputs()
    assert snap.segment == 2


def test_snapshot_without_segments_has_no_position(client):
    assert fetch_snapshot(client).segment is None


def test_key_settings_name_known_actions_and_real_keys():
    assert TuiSettings(keys={"stream": "f9", "mute": "m,ctrl+m"}).keys["stream"] == "f9"
    with pytest.raises(ValidationError, match="unknown action 'strem'"):
        TuiSettings(keys={"strem": "f9"})
    with pytest.raises(ValidationError, match="'F 9' is not a key name"):
        TuiSettings(keys={"stream": "F 9"})
    with pytest.raises(ValidationError, match="less than or equal to 10"):
        TuiSettings(poll_interval_s=60)


def test_every_action_has_a_unique_id_and_key():
    ids = [a.id for a in ACTIONS]
    assert len(ids) == len(set(ids))
    keys = [k for a in ACTIONS for k in a.key.split(",")]
    assert len(keys) == len(set(keys))
    assert key_label("plus,equals_sign") == "+ ="
    assert all(hasattr(MainScreen, f"action_{a.action.split('(')[0]}") for a in ACTIONS)


def test_history_is_squeezed_keeping_the_worst_value():
    thresholds = dict(HealthSettings().thresholds.items())
    values = [0.0, 9.0, 0.0, 0.0, 1.0, 0.0]
    assert health.worst_per_cell(values, 3, thresholds["network_drops"]) == [9.0, 0.0, 1.0]
    assert health.worst_per_cell([5000, 200, 5000, 5000], 2, thresholds["bitrate"]) == [200, 5000]
    assert health.worst_per_cell([1.0], 3, None) == [None, None, 1.0]


def test_meter_cells_and_colours():
    assert audio.meter_cells(None, 30) == (0, 0)
    assert audio.meter_cells(AudioLevel(-60.0, -60.0), 30) == (0, 0)
    assert audio.meter_cells(AudioLevel(-30.0, -6.0), 30) == (15, 27)
    assert audio.meter_cells(AudioLevel(3.0, 3.0), 30) == (30, 30)
    bar = audio.meter_bar(15, 27, 30)
    assert bar.plain == "█" * 15 + "·" * 11 + "│" + "···"
    assert len(bar.spans) <= 5  # one span per colour run, not per cell


def test_sparkline_scales_to_the_alarm_level():
    drops = dict(HealthSettings().thresholds.items())["network_drops"]  # alarm at 5 %
    line = health.sparkline([0.0, 0.5, 5.0], drops)
    assert line.plain == "▁▂█"
    assert health.sparkline([None, None], drops).plain == "··"


async def test_lines_panel_repaints_only_changed_rows(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)):
        panel = app.main.query_one("#audio", AudioPanel)
        assert panel.show_lines([Text("a"), Text("b"), Text("c")]) == 3
        assert panel.show_lines([Text("a"), Text("B"), Text("c")]) == 1
        assert panel.show_lines([Text("a"), Text("B"), Text("c")]) == 0


async def test_controller_from_config_connects_with_the_secret(sim, tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_TEST_OBS_PASSWORD", PASSWORD)
    path = write_config(
        tmp_path / "streamkit.yaml",
        f"event: Config Meetup\n"
        f"obs:\n  host: {sim.host}\n  port: {sim.port}\n  password: env:TUI_TEST_OBS_PASSWORD\n"
        f"show:\n  segments:\n    - title: Intro\n      scene: Speaker\n",
    )
    app = StreamkitApp(controller_for(load_config(path)))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.snapshot is not None)
        assert "Config Meetup" in header_text(app)
        assert app.controller.show.segments[0].title == "Intro"


def test_cli_offers_tui_and_demo(tmp_path):
    assert run_cli("tui", "--help").returncode == 0
    demo = run_cli("demo", "--help")
    assert demo.returncode == 0 and "simulat" in demo.stdout
    missing = run_cli("-c", str(tmp_path / "nope.yaml"), "tui")
    assert missing.returncode == 2
    assert "nope.yaml" in missing.stderr
    assert "Traceback" not in missing.stderr


async def test_command_palette_lists_each_action_once(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)):
        titles = [command.title for command in app.get_system_commands(app.main)]
    assert len(titles) == len(set(titles)), sorted(titles)
    assert "Quit" in titles and "List the keys" in titles and "Keys" not in titles


def test_header_says_connected_only_once_obs_has_been_read():
    from datetime import datetime

    from streamkit.obs.types import ConnectionState, StateChange
    from streamkit.tui.header import header_text as draw

    connected = StateChange(ConnectionState.CONNECTED)
    now = datetime(2026, 5, 14, 19, 30)
    before = draw("Meetup", connected, None, None, False, now, 0.0, have_data=False).plain
    assert "CONNECTED" not in before and "READING OBS" in before
    after = draw("Meetup", connected, None, None, False, now, 0.0, have_data=True).plain
    assert "● CONNECTED" in after


def test_header_does_not_claim_live_while_obs_cannot_be_asked():
    from datetime import datetime

    from streamkit.obs.types import ConnectionState, StateChange
    from streamkit.show.control import OutputState
    from streamkit.tui.header import header_text as draw

    live = OutputState(True, False, "00:42:17.250")
    away = StateChange(ConnectionState.RECONNECTING, "connection closed")
    now = datetime(2026, 5, 14, 19, 30)
    text = draw("Meetup", away, live, live, False, now, 0.0, have_data=True).plain
    assert " LIVE " not in text and "00:42:17" not in text
    assert "STREAM ? (was LIVE)" in text and "REC ? (was on)" in text


def test_demo_hiccups_when_the_readme_and_help_say():
    """The first hiccup comes 20 s in (congestion), the next one 90 s later."""
    from streamkit.tui.demo import CYCLE_S, hiccup_script

    class Recorder:
        def __getattr__(self, name):
            return lambda *args: name

    script = sorted(hiccup_script(Recorder()), key=lambda entry: entry[0])
    congestion = [at for at, action in script if action() == "congest"]
    first = congestion[0]
    assert (first, CYCLE_S) == (20.0, 90.0)
    assert first + CYCLE_S in congestion
    said = "a network hiccup 20 s in, then every 90 s"
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "network hiccups 20 s in, then every 90 s" in readme
    assert said in " ".join(run_cli("demo", "--help").stdout.split())
