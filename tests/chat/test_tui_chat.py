"""The audience panel (chat + questions queue) as a Textual widget, driven by Pilot."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rich.text import Text

from streamkit.chat.message import ChatDeletion
from streamkit.chat.replay import ReplayChat, Said
from streamkit.health.sessionlog import SessionLog, read_session_log
from streamkit.obs.client import ObsClient
from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.control import ShowControl
from streamkit.show.question import QuestionDisplay
from streamkit.simulator.server import SimulatorThread
from streamkit.tui.chat import AudiencePanel, note_markup
from streamkit.tui.chatlines import chat_line
from tests.chat.panels import PanelApp, said, until

TROLL = "[bold red]LOOK[/] [@click=app.quit]here[/]"


def test_chat_text_is_drawn_as_text_never_as_markup():
    line = chat_line(said(TROLL, "tr0ll"))
    assert TROLL in line.plain
    assert not any("click" in str(span.style) for span in line.spans)
    assert all(span.style != "bold red" for span in line.spans)
    mod = chat_line(said("hi", "marta", moderator=True))
    assert "M Marta: hi" in mod.plain
    note = AudiencePanel.Note(f"question from {TROLL} queued")
    assert Text.from_markup(note_markup(note)).plain == note.text


async def test_questions_queue_from_prefixes_and_from_the_operators_key(tmp_path: Path):
    log = SessionLog(tmp_path / "log.jsonl")
    panel = AudiencePanel(None, None, log=log, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        panel.feed(said("nice talk", "kim"))
        panel.feed(said("Q: does it reconnect?", "ada"))
        panel.feed(said(TROLL, "tr0ll"))
        assert panel.drain() == 3
        await pilot.pause()
        chat = panel.chat.text().plain
        assert "? Ada: Q: does it reconnect?" in chat and TROLL in chat
        assert [q.text for q in panel.queue.items] == ["does it reconnect?"]
        panel.chat.focus()
        await pilot.press("up", "up", "up", "enter")  # the first Up selects the newest
        await pilot.pause()
        assert [q.author for q in panel.queue.items] == ["Ada", "Kim"]
        assert panel.queue.items[1].marked_by == "operator"
        assert ("information", "question from Kim queued") in app.notes
        assert "• Kim: nice talk" in panel.questions.text().plain
    log.close()
    asked = read_session_log(tmp_path / "log.jsonl").of_type("question")
    assert [(r.data["event"], r.data["author"]) for r in asked] == [
        ("asked", "Ada"),
        ("asked", "Kim"),
    ]


async def test_the_operator_puts_a_question_on_screen_and_clears_it(tmp_path: Path):
    with (
        SimulatorThread(password="sim-pw") as sim,
        ObsClient(sim.host, sim.port, "sim-pw") as client,
    ):
        control = ShowControl(client)
        display = QuestionDisplay(control, "Lower Third", "{author}: {text}", wrap_chars=40)
        log = SessionLog(tmp_path / "log.jsonl")
        panel = AudiencePanel(None, display, log=log, live=False)
        app = PanelApp(panel)
        async with app.run_test(size=(100, 30)) as pilot:
            panel.feed(said("Q: first?", "ada"))
            panel.feed(said("Q: second?", "bob"))
            panel.drain()
            panel.questions.focus()
            await pilot.press("enter")  # nothing selected: the oldest waiting question
            await until(pilot, lambda: panel.queue.on_screen is not None)
            assert control.get_text("Lower Third") == "Ada: first?"
            assert "▶ Ada: first?" in panel.questions.text().plain
            await pilot.press("down", "enter")  # the next one replaces it
            await until(pilot, lambda: panel.queue.on_screen.author == "Bob")
            assert control.get_text("Lower Third") == "Bob: second?"
            panel.questions.action_clear()  # the main screen's `x`
            await until(pilot, lambda: panel.queue.on_screen is None)
            assert control.get_text("Lower Third") == ""
            assert "✓ Ada: first?" in panel.questions.text().plain
        log.close()
    events = [
        (r.data["event"], r.data["author"])
        for r in read_session_log(tmp_path / "log.jsonl").of_type("question")
    ]
    assert events == [
        ("asked", "Ada"),
        ("asked", "Bob"),
        ("shown", "Ada"),
        ("answered", "Ada"),
        ("shown", "Bob"),
        ("answered", "Bob"),
    ]


async def test_the_queue_keeps_filling_while_obs_is_down():
    with SimulatorThread(password="sim-pw") as sim:
        client = ObsClient(sim.host, sim.port, "sim-pw", reconnect=False).connect()
    # the simulator is gone: every OBS call fails
    display = QuestionDisplay(ShowControl(client), "Lower Third", wrap_chars=40)
    panel = AudiencePanel(None, display, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        panel.feed(said("Q: one?"))
        panel.drain()
        panel.questions.focus()
        await pilot.press("enter")
        await until(pilot, lambda: any(level == "error" for level, _ in app.notes))
        _, text = next(n for n in app.notes if n[0] == "error")
        assert text.startswith("could not put the question on screen: ")
        assert panel.queue.on_screen is None
        panel.feed(said("Q: two?", "bob"))
        panel.drain()
        assert [q.text for q in panel.queue.waiting] == ["one?", "two?"]
    client.close()


async def test_moderation_removes_messages_and_warns_about_the_one_on_screen():
    panel = AudiencePanel(None, None, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        panel.feed(said("Q: spam", "tr0ll", id="t1"))
        panel.feed(said("Q: more spam", "tr0ll", id="t2"))
        panel.feed(said("Q: fine", "ada", id="a1"))
        panel.drain()
        panel.queue.show("t1", time.time())
        panel.feed(ChatDeletion("meetup", login="tr0ll"))
        panel.drain()
        await pilot.pause()
        assert "spam" not in panel.chat.text().plain
        assert [q.id for q in panel.queue.items] == ["t1", "a1"]
        assert app.notes[-1][0] == "warning" and "clear it with x" in app.notes[-1][1]


async def test_a_replayed_chat_flows_in_live_with_its_state():
    script = [
        Said(0.01, "ada", "hello"),
        Said(0.01, "bob", "Q: is it recorded?", badges="moderator/1"),
    ]
    source = ReplayChat(script, "meetup", loop=False)
    panel = AudiencePanel(source, None)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(panel.queue) == 1)
        assert panel.chat.border_subtitle == "#meetup"
        assert "M bob: Q: is it recorded?" in panel.chat.text().plain
        panel.feed(StateChange(ConnectionState.RECONNECTING, "lost", 2))
        await until(pilot, lambda: "reconnecting" in str(panel.chat.border_subtitle))
        assert "attempt 2" in str(panel.chat.border_subtitle)
        panel.feed(StateChange(ConnectionState.FAILED, "[b]refused[/b] [@click=app.quit]x"))
        await until(pilot, lambda: "failed" in str(panel.chat.border_subtitle))
        shown = Text.from_markup(str(panel.chat.border_subtitle)).plain
        assert shown == "#meetup failed: [b]refused[/b] [@click=app.quit]x"
    assert source.state is ConnectionState.CLOSED  # closed with the panel


def test_the_demo_replays_a_chat_whose_questions_reach_the_simulated_lower_third():
    from streamkit.tui.demo import demo_audience, demo_controller

    async def scenario() -> None:
        with demo_controller() as controller:
            controller.client.connect()
            panel = demo_audience(controller, speed=40.0)
            app = PanelApp(panel)
            async with app.run_test(size=(120, 40)) as pilot:
                await until(pilot, lambda: "LOOK AT ME" in panel.chat.text().plain)
                assert len(panel.queue) == 3
                chat = panel.chat.text().plain
                assert "B DemoMeetup: Welcome everyone!" in chat
                assert "[bold red]LOOK AT ME[/] esrever" in chat  # literal, no override
                panel.questions.focus()
                await pilot.press("enter")
                await until(pilot, lambda: panel.queue.on_screen is not None)
                on_screen = controller.control.get_text("Lower Third")
                assert on_screen.startswith("Byte_Bert: Does the fallback scene also kick in")
            controller.close()

    asyncio.run(scenario())


def test_server_words_and_names_with_backslashes_show_as_typed():
    from textual.markup import to_content

    from streamkit.tui.chatlines import markup_text

    for text in ("C:\\chat\\", "x\\[b]y[/b]", "tr0ll\\ [@click=app.quit]x[/]", "a\\\\b"):
        assert to_content(markup_text(text)).plain == text
        assert to_content(note_markup(AudiencePanel.Note(text))).plain == text

    async def scenario() -> None:
        source = ReplayChat([], "meetup", loop=False)
        panel = AudiencePanel(source, None)
        app = PanelApp(panel)
        async with app.run_test(size=(100, 30)) as pilot:
            panel.feed(StateChange(ConnectionState.FAILED, "bad path C:\\irc\\ [b]x[/b]"))
            await until(pilot, lambda: "failed" in str(panel.chat.border_subtitle))
            shown = to_content(str(panel.chat.border_subtitle)).plain
            assert shown == "#meetup failed: bad path C:\\irc\\ [b]x[/b]"

    asyncio.run(scenario())


def test_the_session_log_is_closed_with_the_panel(tmp_path: Path):
    async def scenario() -> SessionLog:
        log = SessionLog(tmp_path / "log.jsonl")
        panel = AudiencePanel(ReplayChat([], "meetup", loop=False), None, log=log)
        async with PanelApp(panel).run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert not log._file.closed
        return log

    log = asyncio.run(scenario())
    assert log._file.closed
