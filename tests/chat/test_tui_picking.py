"""The operator acts only on the question they see selected, and a question deleted while it
goes on screen is still tracked there (Textual's Pilot drives the panel)."""

from __future__ import annotations

import asyncio
import threading
import time

from textual.app import App, ComposeResult

from streamkit.chat.message import ChatDeletion, ChatMessage
from streamkit.chat.questions import QuestionState
from streamkit.tui.chat import AudiencePanel


def said(text: str, login: str, id: str) -> ChatMessage:
    return ChatMessage(
        id=id, t=time.time(), channel="meetup", login=login, author=login.title(), text=text
    )


class SlowLowerThird:
    """A lower third whose `show` waits until the test lets it finish (an OBS call under way)."""

    def __init__(self) -> None:
        self.started, self.finish = threading.Event(), threading.Event()
        self.shown: list[str] = []
        self.cleared = 0

    def show(self, author: str, text: str, role: str = "") -> str:
        self.started.set()
        assert self.finish.wait(5)
        self.shown.append(f"{author}: {text}")
        return self.shown[-1]

    def clear(self) -> None:
        self.cleared += 1


class PanelApp(App[None]):
    def __init__(self, panel: AudiencePanel) -> None:
        super().__init__()
        self.panel = panel
        self.notes: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_audience_panel_note(self, note: AudiencePanel.Note) -> None:
        self.notes.append((note.level, note.text))


async def _until(pilot, condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def test_a_question_deleted_while_going_on_screen_stays_tracked_and_the_app_runs():
    async def scenario() -> None:
        lower_third = SlowLowerThird()
        panel = AudiencePanel(None, lower_third, live=False)
        app = PanelApp(panel)
        async with app.run_test(size=(100, 30)) as pilot:
            panel.feed(said("Q: spam?", "tr0ll", "t1"))
            panel.drain()
            panel.questions.focus()
            await pilot.press("enter")
            await _until(pilot, lower_third.started.is_set)
            panel.feed(ChatDeletion("meetup", message_id="t1"))  # moderators, mid-call
            panel.drain()
            assert panel.queue.get("t1") is None
            lower_third.finish.set()
            await _until(pilot, lambda: panel.queue.on_screen is not None)
            assert lower_third.shown == ["Tr0Ll: spam?"]
            assert panel.queue.on_screen.id == "t1"
            level, text = app.notes[-1]
            assert level == "warning"
            assert "deleted while going on screen" in text and "clear it with x" in text
            assert app.is_running
            panel.questions.action_clear()  # x takes it down as usual
            await _until(pilot, lambda: panel.queue.on_screen is None)
            assert lower_third.cleared == 1
            assert panel.queue.get("t1").state is QuestionState.ANSWERED

    asyncio.run(scenario())


def test_a_question_pushed_out_of_the_queue_while_going_on_screen_stays_tracked():
    async def scenario() -> None:
        lower_third = SlowLowerThird()
        panel = AudiencePanel(None, lower_third, live=False)
        panel.queue.limit = 2
        app = PanelApp(panel)
        async with app.run_test(size=(100, 30)) as pilot:
            panel.feed(said("Q: first?", "ada", "a1"))
            panel.drain()
            panel.questions.focus()
            await pilot.press("enter")
            await _until(pilot, lower_third.started.is_set)
            panel.feed(said("Q: two?", "bob", "b1"))
            panel.feed(said("Q: three?", "cy", "c1"))
            panel.drain()
            assert panel.queue.get("a1") is None  # the oldest fell off the limit
            lower_third.finish.set()
            await _until(pilot, lambda: panel.queue.on_screen is not None)
            assert panel.queue.on_screen.id == "a1" and app.is_running

    asyncio.run(scenario())


def test_an_error_after_the_obs_call_is_a_note_not_the_end_of_the_app(monkeypatch):
    async def scenario() -> None:
        lower_third = SlowLowerThird()
        lower_third.finish.set()
        panel = AudiencePanel(None, lower_third, live=False)
        app = PanelApp(panel)

        def broken(*args: object) -> None:
            raise RuntimeError("session log full")

        async with app.run_test(size=(100, 30)) as pilot:
            panel.feed(said("Q: one?", "ada", "a1"))
            panel.drain()
            monkeypatch.setattr(panel, "_record", broken)
            panel.questions.focus()
            await pilot.press("enter")
            await _until(pilot, lambda: any(level == "error" for level, _ in app.notes))
            assert app.is_running
            assert "session log full" in app.notes[-1][1]

    asyncio.run(scenario())
