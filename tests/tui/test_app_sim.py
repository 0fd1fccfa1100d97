"""Every key and dialog of the show-control app, driven with Pilot against the simulator."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from streamkit.obs.types import ConnectionState
from streamkit.tui.keymap import ACTIONS
from streamkit.tui.screens import ConfirmScreen, KeysScreen, LowerThirdScreen, SenderScreen
from tests.tui.helpers import banner_text, header_text, log_text, panel_text, until

pytestmark = pytest.mark.timeout(60)
SIZE = (100, 30)


def program(sim) -> str:
    return sim.call(lambda: sim.state.collection.program)


def preview(sim) -> str:
    return sim.call(lambda: sim.state.collection.preview)


async def started(app, pilot) -> None:
    await until(pilot, lambda: app.connected and app.snapshot is not None)


async def test_connects_and_shows_scenes_outputs_and_slots(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        scenes = panel_text(app, "scenes")
        assert "1 ● Starting Soon PGM" in scenes
        assert "7   Thanks for Watching" in scenes
        header = header_text(app)
        assert "Test Meetup" in header and "CONNECTED" in header and "OFFLINE" in header
        assert "NDI Speaker" in panel_text(app, "ndi")
        assert "Host Mic" in panel_text(app, "audio")
        assert "1. Doors open" in panel_text(app, "runofshow")
        assert "connected to OBS" in log_text(app)


async def test_number_keys_switch_the_program_scene(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("2")
        await until(pilot, lambda: program(sim) == "Speaker")
        await until(pilot, lambda: "2 ● Speaker PGM" in panel_text(app, "scenes"))
        await pilot.press("9")  # the demo has seven scenes
        await until(pilot, lambda: any("no scene 9" in n.message for n in app._notifications))
        assert program(sim) == "Speaker"


async def test_studio_mode_selects_preview_and_t_transitions(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("v")
        await until(pilot, lambda: app.snapshot.studio_mode)
        assert "STUDIO" in header_text(app)
        await pilot.press("3")
        await until(pilot, lambda: preview(sim) == "Speaker + Slides")
        assert program(sim) == "Starting Soon"
        await until(pilot, lambda: "● Speaker + Slides PVW" in panel_text(app, "scenes"))
        await pilot.press("t")
        await until(pilot, lambda: program(sim) == "Speaker + Slides")
        await pilot.press("v")
        await until(pilot, lambda: not app.snapshot.studio_mode)


async def test_n_and_p_move_through_the_run_of_show(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: app.snapshot.segment == 0)
        await pilot.press("n")
        await until(pilot, lambda: app.snapshot.segment == 1)
        assert program(sim) == "Speaker"
        assert "▶ 2. Welcome" in panel_text(app, "runofshow")
        await pilot.press("p")
        await until(pilot, lambda: app.snapshot.segment == 0)
        assert program(sim) == "Starting Soon"
        assert "1. Doors open (Starting Soon on program)" in log_text(app)


async def test_ndi_sender_is_picked_from_the_refreshed_list(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.snapshot.ndi[0].name == "NDI Screen"
        await pilot.press("i")  # select the second slot, NDI Speaker
        assert "▶ NDI Speaker" in panel_text(app, "ndi")
        sim.add_ndi_sender("STUDIO-CAM (OBS - Camera)")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SenderScreen))
        await until(pilot, lambda: len(app.screen.senders) == 4)
        assert "STUDIO-CAM (OBS - Camera)" in app.screen.senders
        await pilot.press("4")  # one key applies
        await until(
            pilot,
            lambda: (
                [s.sender for s in app.snapshot.ndi if s.name == "NDI Speaker"]
                == ["STUDIO-CAM (OBS - Camera)"]
            ),
        )
        assert "STUDIO-CAM (OBS - Camera)" in panel_text(app, "ndi")
        # Enter applies the highlighted sender; Esc leaves the slot alone.
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SenderScreen) and app.screen.senders)
        await pilot.press("up", "enter")
        await until(
            pilot,
            lambda: (
                [s.sender for s in app.snapshot.ndi if s.name == "NDI Speaker"]
                == ["ZOOM-PC (Zoom - Gallery)"]
            ),
        )
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SenderScreen))
        await pilot.press("escape")
        assert not isinstance(app.screen, SenderScreen)


async def test_audio_select_mute_and_volume(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await until(pilot, lambda: "█" in panel_text(app, "audio"))  # meters are live
        names = [a.name for a in app.snapshot.audio]
        await pilot.press("a")
        selected = names[1]
        assert f"▶ {selected}" in panel_text(app, "audio")

        def audio():
            return next(a for a in app.snapshot.audio if a.name == selected)

        await pilot.press("m")
        await until(pilot, lambda: audio().muted)
        assert "MUTED" in panel_text(app, "audio")
        await pilot.press("m")
        await until(pilot, lambda: not audio().muted)
        await pilot.press("minus")
        await until(pilot, lambda: audio().volume_db == pytest.approx(-1.0, abs=0.01))
        await pilot.press("plus")
        await until(pilot, lambda: audio().volume_db == pytest.approx(0.0, abs=0.01))


async def test_stream_starts_and_stop_asks_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s")
        await until(pilot, lambda: app.snapshot.stream.active)
        await until(pilot, lambda: "LIVE" in header_text(app))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await pilot.pause(0.5)
        assert app.snapshot.stream.active
        assert "kept the stream running" in log_text(app)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not app.snapshot.stream.active)
        assert "OFFLINE" in header_text(app)


async def test_record_starts_and_stop_asks_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("r")
        await until(pilot, lambda: app.snapshot.record.active)
        await until(pilot, lambda: "● REC" in header_text(app))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await until(pilot, lambda: not app.snapshot.record.active)
        assert "REC off" in header_text(app)


async def test_lower_third_editor(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LowerThirdScreen))
        assert app.screen.text == "Welcome to the meetup"
        field = app.screen.query_one(Input)
        field.value = "Grace Hoppe"
        field.cursor_position = len(field.value)
        await pilot.press("r", "enter")

        def text() -> str:
            return sim.call(lambda: sim.state.collection.input("Lower Third").settings["text"])

        await until(pilot, lambda: text() == "Grace Hopper")
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LowerThirdScreen))
        await pilot.press("x", "escape")
        await pilot.pause(0.3)
        assert text() == "Grace Hopper"


async def test_keys_screen_lists_every_action_and_remapping_works(make_app):
    app = make_app(keys={"stream": "f9", "keys": "f1"})
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s")  # no longer bound
        await pilot.pause(0.5)
        assert not app.snapshot.stream.active
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen))
        rows = dict((d, k) for k, d in app.screen.rows)
        assert rows["Start/stop the stream"] == "f9"
        assert rows["Transition preview to program"] == "t"
        assert rows["Scene 1 to 9 (to preview in studio mode)"] == "1-9"
        assert len(rows) == len(ACTIONS) - 9 + 2  # 1-9 on one row, plus the palette
        await pilot.press("escape")
        await pilot.press("f9")
        await until(pilot, lambda: app.snapshot.stream.active)


async def test_command_palette_runs_actions_by_name(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Scene 4")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: program(sim) == "Panel / Q&A")


async def test_auto_actions_are_announced_and_o_overrides_them(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        sim.start_stream()
        await until(pilot, lambda: app.snapshot.stream.active)
        sim.reconnect_stream(1.5)
        await until(pilot, lambda: "auto-action: Switching to fallback scene" in log_text(app))
        await until(
            pilot, lambda: 'auto-action: Switching back to scene "Starting Soon"' in log_text(app)
        )
        assert program(sim) == "Starting Soon"
        await pilot.press("o")
        await until(pilot, lambda: app.controller.health.override)
        await until(pilot, lambda: "Operator override on" in log_text(app))
        await until(pilot, lambda: "AUTO OFF" in header_text(app))
        sim.reconnect_stream(1.0)
        await until(pilot, lambda: "ALARM: Stream reconnecting" in log_text(app))
        await pilot.pause(1.0)
        assert program(sim) == "Starting Soon"  # paused: no switch
        await pilot.press("o")
        await until(pilot, lambda: not app.controller.health.override)


async def test_q_quits(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)


async def test_alarm_banner_appears_and_clears(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        sim.start_stream()
        await until(pilot, lambda: app.snapshot.stream.active)
        sim.congest(0.9, 0.2)
        await until(pilot, lambda: "Congestion" in banner_text(app))
        assert "lower the bitrate" in banner_text(app)
        assert "ALARM: Congestion" in log_text(app)
        sim.clear_congestion()
        await until(pilot, lambda: banner_text(app) == "", timeout=15)
        assert "Congestion back to OK" in log_text(app)


async def test_outage_keeps_data_marks_it_stale_and_reconnects(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("2")
        await until(pilot, lambda: "2 ● Speaker PGM" in panel_text(app, "scenes"))
        sim.crash()
        crashed = time.monotonic()
        await until(pilot, lambda: "OBS unreachable" in banner_text(app), timeout=2)
        assert time.monotonic() - crashed < 2  # an alarm within 2 s
        assert "ALARM: OBS unreachable" in log_text(app)
        await until(pilot, lambda: app.connection.state is ConnectionState.RECONNECTING)
        assert "RECONNECTING" in header_text(app)
        assert "2 ● Speaker PGM" in panel_text(app, "scenes")  # the last data stays
        assert app.main.query_one("#body").has_class("stale")
        assert "stale since" in app.main.query_one("#scenes").border_subtitle
        await pilot.press("3")
        assert "cannot switch scenes now" in log_text(app)
        # OBS comes back after a restart, on a different scene: the screen catches up.
        sim.call(lambda: setattr(sim.state.collection, "program", "Be Right Back"))
        sim.recover()
        await until(pilot, lambda: app.connected, timeout=10)
        await until(pilot, lambda: "5 ● Be Right Back PGM" in panel_text(app, "scenes"))
        assert not app.main.query_one("#body").has_class("stale")
        assert "reconnected to OBS" in log_text(app)
        assert "OBS unreachable" not in banner_text(app)
        assert "OBS reachable again" in log_text(app)


async def test_starting_without_obs_keeps_retrying(make_app, sim):
    from tests.realobs import free_port

    app = make_app(port=free_port())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "RECONNECTING in" in header_text(app))
        await pilot.press("2", "s", "e", "l")
        assert "cannot switch scenes now" in log_text(app)
        assert "cannot start or stop the stream now" in log_text(app)
        assert "cannot change an NDI sender now" in log_text(app)
        assert "cannot edit the lower third now" in log_text(app)


async def test_polls_never_overlap_even_when_obs_answers_slowly(make_app):
    import threading
    import time

    app = make_app()
    real_poll = app.controller.poll
    running, most, count = [0], [0], [0]
    lock = threading.Lock()

    def slow_poll():
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.5)  # slower than the 0.2 s poll interval
        try:
            return real_poll()
        finally:
            with lock:
                running[0] -= 1
                count[0] += 1

    app.controller.poll = slow_poll
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: count[0] >= 4)
        assert most[0] == 1


async def test_wrong_password_shows_failed_and_the_app_stays_up(make_app):
    app = make_app(password="not-the-password")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.connection.state is ConnectionState.FAILED)
        assert "FAILED" in header_text(app)
        assert "connection failed" in log_text(app)
        assert "not-the-password" not in log_text(app)
        await pilot.press("1")
        assert "cannot switch scenes now: OBS is not connected (FAILED)" in log_text(app)
        assert app.is_running


async def test_ndi_plugin_missing_raises_a_banner_only_then(make_app, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert "NDI plugin" not in banner_text(app)
    sim.call(lambda: sim.state.lose_plugin("ndi_source"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await until(pilot, lambda: "NDI plugin missing" in banner_text(app))


async def test_a_pending_workspace_stop_is_an_alarm(sim, tmp_path, monkeypatch):
    """The schedule could not stop the WorkSpace (someone stayed on): the operator sees it."""
    from datetime import UTC, datetime, timedelta

    from streamkit.aws.schedule.ledger import Ledger
    from streamkit.aws.schedule.plan import Record
    from streamkit.commands.tui import controller_for
    from streamkit.config import load_config
    from streamkit.tui.app import StreamkitApp
    from tests.cli import write_config
    from tests.tui.conftest import PASSWORD

    jobstore = tmp_path / "schedule.sqlite"
    since = datetime.now(UTC) - timedelta(minutes=40)
    monkeypatch.setenv("TUI_PENDING_PASSWORD", PASSWORD)
    path = write_config(
        tmp_path / "streamkit.yaml",
        f"obs:\n  host: {sim.host}\n  port: {sim.port}\n  password: env:TUI_PENDING_PASSWORD\n"
        f"schedule:\n  runner:\n    jobstore: {jobstore}\n",
    )
    app = StreamkitApp(controller_for(load_config(path)))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert "STOP PENDING" not in banner_text(app)
    Ledger(jobstore).write(
        Record(
            "meetup-stop",
            "stop",
            "pending",
            5,
            since + timedelta(minutes=30),
            "not stopping: a user is connected to it",
            refused=True,
            since=since,
        )
    )
    app = StreamkitApp(controller_for(load_config(path)))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await until(pilot, lambda: "STOP PENDING" in banner_text(app))
        assert "meetup-stop pending for 40 min" in banner_text(app)
        assert "streamkit schedule ack" in banner_text(app)
