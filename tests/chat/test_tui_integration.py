"""The audience panel on the main screen: mounted beside health and the log, driven by the
main screen's keys (f mark, w on screen, x clear), against the simulator."""

from __future__ import annotations

import asyncio

from streamkit.chat.replay import ReplayChat, Said
from streamkit.chat.settings import ChatSettings
from streamkit.obs.client import ObsClient
from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import demo_state
from streamkit.tui.app import StreamkitApp
from streamkit.tui.chat import audience_panel
from streamkit.tui.controller import ShowController
from streamkit.tui.demo import DEMO_SHOW
from streamkit.tui.settings import TuiSettings
from tests.chat.panels import until

PASSWORD = "audience-test-pw"


async def test_the_main_screen_keys_pick_a_question_onto_the_lower_third():
    with SimulatorThread(password=PASSWORD, state=demo_state()) as sim:
        client = ObsClient(sim.host, sim.port, PASSWORD, backoff_cap=0.5, heartbeat=1.0)
        controller = ShowController(
            client, DEMO_SHOW, event_name="Q&A", tui=TuiSettings(poll_interval_s=0.2)
        )
        script = [
            Said(0.01, "bob", "Q: is it recorded?", "Bob"),
            Said(0.01, "ada", "how do you test the chat?", "Ada"),
        ]
        panel = audience_panel(
            ChatSettings(channel="meetup", wrap_chars=40),
            controller.control,
            source=ReplayChat(script, "meetup", loop=False),
        )
        app = StreamkitApp(controller)
        app.main.audience = panel
        async with app.run_test(size=(160, 45)) as pilot:
            await until(
                pilot, lambda: app.connected and "Ada" in panel.chat.text().plain, timeout=10.0
            )
            assert panel.is_mounted and panel.region.width > 0
            await pilot.press("f")  # no selection: the newest message
            assert [q.author for q in panel.queue.items] == ["Bob", "Ada"]
            await pilot.press("w")  # no selection: the oldest waiting question
            await until(pilot, lambda: panel.queue.on_screen is not None, timeout=10.0)
            assert controller.control.get_text("Lower Third") == "Bob: is it recorded?"
            await pilot.press("x")
            await until(pilot, lambda: panel.queue.on_screen is None, timeout=10.0)
            assert controller.control.get_text("Lower Third") == ""
            log = "\n".join(line.text for line in app.main.log_panel.lines)
            assert "on screen: question from Bob" in log
            assert "question cleared from the screen" in log
            rows = dict((description, keys) for keys, description in app.key_rows())
            assert rows["Put the selected question on screen"] == "w"


async def test_without_a_chat_the_main_screen_has_no_audience_panel():
    with SimulatorThread(password=PASSWORD, state=demo_state()) as sim:
        client = ObsClient(sim.host, sim.port, PASSWORD)
        app = StreamkitApp(ShowController(client, DEMO_SHOW), live=False)
        async with app.run_test(size=(100, 30)) as pilot:
            assert not app.main.query("AudiencePanel")
            await pilot.press("w")  # says what to configure instead of failing
            await pilot.pause()
            assert app.main.audience is None


def test_the_tui_gets_an_audience_panel_only_for_a_channel(tmp_path):
    from types import SimpleNamespace

    from streamkit.chat.client import ChatClient
    from streamkit.commands.chat import audience_for
    from streamkit.config import Config
    from streamkit.health.settings import HealthSettings

    controller = ShowController(ObsClient("127.0.0.1", 1, "x"), DEMO_SHOW)
    assert audience_for(Config(), controller) is None  # no chat.channel: no panel
    health = HealthSettings.model_validate({"session_log": {"directory": str(tmp_path)}})
    config = SimpleNamespace(
        chat=ChatSettings(channel="meetup", source="Lower Third"), health=health, event="Q night"
    )
    panel = audience_for(config, controller)
    assert isinstance(panel.source, ChatClient) and panel.source.channel == "meetup"
    assert panel.session_log is not None and panel.session_log.path.parent == tmp_path
    panel.session_log.close()


def test_streamkit_demo_mounts_the_audience_panel_with_the_replayed_chat(monkeypatch):
    import argparse

    from streamkit.commands.tui import cmd_demo

    seen: dict[str, object] = {}

    def run_headless(app: StreamkitApp) -> None:
        async def scenario() -> None:
            async with app.run_test(size=(160, 45)) as pilot:
                panel = app.main.audience
                await until(pilot, lambda: "Lina_Codes" in panel.chat.text().plain, timeout=10.0)
                seen["mounted"] = panel.is_mounted and panel.region.width > 0
                seen["channel"] = panel.chat.border_subtitle
                seen["lower third"] = panel.lower_third.source

        asyncio.run(scenario())

    monkeypatch.setattr(StreamkitApp, "run", run_headless)
    assert cmd_demo(argparse.Namespace()) == 0
    assert seen == {"mounted": True, "channel": "#demomeetup", "lower third": "Lower Third"}


def test_the_demo_help_and_the_readme_mention_the_replayed_chat():
    from pathlib import Path

    from tests.cli import run_cli

    said = "The audience panel replays a chat with a few questions (offline)"
    assert said in " ".join(run_cli("demo", "--help").stdout.split())
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert "`make demo` replays a chat with a few questions" in readme
    assert "in `streamkit demo` with the replayed chat" in readme
