"""The operator acts only on the question they see selected, and a question deleted while it
goes on screen is still tracked there (Textual's Pilot drives the panel)."""

from __future__ import annotations

import threading

from streamkit.chat.message import ChatDeletion
from streamkit.chat.questions import QuestionState
from streamkit.tui.chat import AudiencePanel
from tests.chat.panels import PanelApp, said, until


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


async def test_a_question_deleted_while_going_on_screen_stays_tracked_and_the_app_runs():
    lower_third = SlowLowerThird()
    panel = AudiencePanel(None, lower_third, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        panel.feed(said("Q: spam?", "tr0ll", "t1"))
        panel.drain()
        panel.questions.focus()
        await pilot.press("enter")
        await until(pilot, lower_third.started.is_set)
        panel.feed(ChatDeletion("meetup", message_id="t1"))  # moderators, mid-call
        panel.drain()
        assert panel.queue.get("t1") is None
        lower_third.finish.set()
        await until(pilot, lambda: panel.queue.on_screen is not None)
        assert lower_third.shown == ["Tr0Ll: spam?"]
        assert panel.queue.on_screen.id == "t1"
        level, text = app.notes[-1]
        assert level == "warning"
        assert "deleted while going on screen" in text and "clear it with x" in text
        assert app.is_running
        panel.questions.action_clear()  # x takes it down as usual
        await until(pilot, lambda: panel.queue.on_screen is None)
        assert lower_third.cleared == 1
        assert panel.queue.get("t1").state is QuestionState.ANSWERED


async def test_a_question_pushed_out_of_the_queue_while_going_on_screen_stays_tracked():
    lower_third = SlowLowerThird()
    panel = AudiencePanel(None, lower_third, live=False)
    panel.queue.limit = 2
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        panel.feed(said("Q: first?", "ada", "a1"))
        panel.drain()
        panel.questions.focus()
        await pilot.press("enter")
        await until(pilot, lower_third.started.is_set)
        panel.feed(said("Q: two?", "bob", "b1"))
        panel.feed(said("Q: three?", "cy", "c1"))
        panel.drain()
        assert panel.queue.get("a1") is None  # the oldest fell off the limit
        lower_third.finish.set()
        await until(pilot, lambda: panel.queue.on_screen is not None)
        assert panel.queue.on_screen.id == "a1" and app.is_running


async def test_an_error_after_the_obs_call_is_a_note_not_the_end_of_the_app(monkeypatch):
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
        await until(pilot, lambda: any(level == "error" for level, _ in app.notes))
        assert app.is_running
        assert "session log full" in app.notes[-1][1]


def _two_questions_select_the_second(panel: AudiencePanel) -> None:
    panel.feed(said("Q: a?", "ada", "a1"))
    panel.feed(said("Q: b?", "bob", "b1"))
    panel.drain()
    panel.questions.focus()


async def test_a_selected_question_deleted_by_moderators_is_never_replaced_by_another_on_screen():
    lower_third = SlowLowerThird()
    lower_third.finish.set()
    panel = AudiencePanel(None, lower_third, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        _two_questions_select_the_second(panel)
        await pilot.press("up")  # selects the newest: Bob's
        assert panel.questions.selected == "b1"
        panel.feed(ChatDeletion("meetup", message_id="b1"))
        panel.drain()
        assert panel.questions.selected == "a1"  # the highlight moved where it can be seen
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert lower_third.shown == [] and panel.queue.on_screen is None
        level, text = app.notes[-1]
        assert level == "warning" and "selected question left the queue" in text
        await pilot.press("enter")  # the operator saw Ada's highlighted and picks it
        await until(pilot, lambda: panel.queue.on_screen is not None)
        assert lower_third.shown == ["Ada: a?"]


async def test_answered_refuses_when_the_selected_question_was_deleted():
    panel = AudiencePanel(None, None, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        _two_questions_select_the_second(panel)
        await pilot.press("up")
        panel.feed(ChatDeletion("meetup", message_id="b1"))
        panel.drain()
        await pilot.press("d")
        await pilot.pause()
        assert panel.queue.get("a1").state is QuestionState.WAITING
        assert "selected question left the queue" in app.notes[-1][1]
        await pilot.press("d")
        await pilot.pause()
        assert panel.queue.get("a1").state is QuestionState.ANSWERED


async def test_the_action_is_refused_even_before_the_panel_redraws():
    panel = AudiencePanel(None, None, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        _two_questions_select_the_second(panel)
        await pilot.press("up")
        panel.queue.remove(ChatDeletion("meetup", message_id="b1"))  # not drained yet
        panel.questions.action_answered()
        await pilot.pause()
        assert panel.queue.get("a1").state is QuestionState.WAITING
        assert panel.questions.selected == "a1"


async def test_a_chat_message_selected_then_deleted_is_not_replaced_by_the_newest():
    panel = AudiencePanel(None, None, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        panel.feed(said("nice talk", "kim", "k1"))
        panel.feed(said("spam", "tr0ll", "t1"))
        panel.drain()
        panel.chat.focus()
        await pilot.press("up")  # the newest: the spam
        panel.feed(ChatDeletion("meetup", message_id="t1"))
        panel.drain()
        await pilot.press("enter")
        await pilot.pause()
        assert len(panel.queue) == 0
        assert "selected message left the chat" in app.notes[-1][1]
        assert panel.chat.selected == "k1"


async def test_a_press_refused_as_busy_does_not_hide_the_deletion_of_the_question_going_on():
    lower_third = SlowLowerThird()
    panel = AudiencePanel(None, lower_third, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        _two_questions_select_the_second(panel)
        await pilot.press("enter")  # nothing selected: the oldest, Ada's, goes on screen
        await until(pilot, lower_third.started.is_set)
        panel.feed(ChatDeletion("meetup", message_id="a1"))  # moderators, mid-call
        panel.drain()
        await pilot.press("enter")  # Bob's now: refused, OBS is still busy with Ada's
        await until(pilot, lambda: any("busy" in text for _, text in app.notes))
        lower_third.finish.set()
        await until(pilot, lambda: panel.queue.on_screen is not None)
        assert lower_third.shown == ["Ada: a?"]
        assert panel.queue.on_screen.id == "a1"
        assert panel.queue.get("b1").state is QuestionState.WAITING
        level, text = app.notes[-1]
        assert level == "warning"
        assert "deleted while going on screen" in text and "clear it with x" in text
        assert app.is_running


async def test_answered_for_a_question_deleted_before_the_panel_handles_it_is_a_note():
    panel = AudiencePanel(None, None, live=False)
    app = PanelApp(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        panel.feed(said("Q: spam?", "tr0ll", "t1"))
        panel.drain()
        panel.questions.focus()
        panel.questions.action_answered()  # `d`: Answered(t1) is posted ...
        panel.feed(ChatDeletion("meetup", message_id="t1"))
        panel.drain()  # ... and a drain tick removes t1 before it is handled
        assert panel.queue.get("t1") is None
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
        level, text = app.notes[-1]
        assert level == "warning" and "nothing marked answered" in text
        assert panel.queue.get("t1") is None
