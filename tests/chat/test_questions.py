"""The questions queue: what enters it, what is on screen, what moderators remove."""

from __future__ import annotations

import pytest

from streamkit.chat.message import ChatDeletion, ChatMessage
from streamkit.chat.questions import QuestionQueue, QuestionState, question_text


def said(text: str, login: str = "ada", id: str = "") -> ChatMessage:
    return ChatMessage(
        id=id or f"{login}-{text}", t=0.0, channel="c", login=login, author=login.title(), text=text
    )


def test_prefixes_are_case_insensitive_and_stripped():
    assert question_text("Q: how?", ("Q:", "?")) == "how?"
    assert question_text("  q:   how", ("Q:",)) == "how"
    assert question_text("? is it open source", ("Q:", "?")) == "is it open source"
    assert question_text("Q:", ("Q:",)) is None  # nothing asked
    assert question_text("what is Q: here", ("Q:",)) is None
    assert question_text("hello", ("Q:", "?")) is None


def test_questions_enter_in_order_and_others_do_not():
    queue = QuestionQueue()
    assert queue.offer(said("nice talk"), 1.0) is None
    first = queue.offer(said("Q: first"), 2.0)
    second = queue.offer(said("? second", "bob"), 3.0)
    assert [q.text for q in queue.waiting] == ["first", "second"]
    assert (first.marked_by, first.asked_at, second.author) == ("prefix", 2.0, "Bob")
    assert queue.offer(said("Q: first"), 4.0) is None  # the same message twice


def test_the_operator_can_mark_any_message():
    queue = QuestionQueue()
    question = queue.mark(said("how do you keep the key out of git"), 5.0)
    assert (question.marked_by, question.text) == ("operator", "how do you keep the key out of git")
    assert queue.mark(said("how do you keep the key out of git"), 6.0) is question


def test_one_question_on_screen_at_a_time_and_shown_ones_are_answered():
    queue = QuestionQueue()
    a, b = queue.offer(said("Q: a"), 1.0), queue.offer(said("Q: b"), 2.0)
    shown, replaced = queue.show(a.id, 10.0)
    assert (shown.state, shown.shown_at, replaced) == (QuestionState.ON_SCREEN, 10.0, None)
    shown_b, replaced = queue.show(b.id, 20.0)
    assert replaced.id == a.id and replaced.state is QuestionState.ANSWERED
    assert replaced.answered_at == 20.0
    assert queue.on_screen == shown_b
    cleared = queue.clear(30.0)
    assert cleared.id == b.id and queue.on_screen is None
    assert queue.clear(31.0) is None
    assert [q.state for q in queue.items] == [QuestionState.ANSWERED] * 2
    with pytest.raises(KeyError):
        queue.show("nope", 1.0)


def test_moderation_removes_waiting_questions_but_flags_the_one_on_screen():
    queue = QuestionQueue()
    queue.offer(said("Q: spam 1", "troll", id="t1"), 1.0)
    queue.offer(said("Q: spam 2", "troll", id="t2"), 2.0)
    queue.offer(said("Q: fine", "ada", id="a1"), 3.0)
    queue.show("t1", 4.0)
    gone = queue.remove(ChatDeletion("c", login="troll"))
    assert [q.id for q in gone] == ["t2"]
    assert queue.deleted_on_screen(ChatDeletion("c", login="troll")).id == "t1"
    assert queue.deleted_on_screen(ChatDeletion("c", message_id="a1")) is None
    assert [q.id for q in queue.remove(ChatDeletion("c", message_id="a1"))] == ["a1"]
    assert [q.id for q in queue.remove(ChatDeletion("c"))] == []  # only the one on screen left


def test_the_queue_forgets_the_oldest_beyond_its_limit_but_not_the_one_on_screen():
    queue = QuestionQueue(limit=3)
    first = queue.offer(said("Q: 0"), 0.0)
    queue.show(first.id, 0.5)
    for n in range(1, 6):
        queue.offer(said(f"Q: {n}"), float(n))
    assert [q.text for q in queue.items] == ["0", "4", "5"]


def test_every_change_moves_the_version():
    queue = QuestionQueue(limit=1)
    versions = [queue.version]
    first = queue.offer(said("Q: a"), 1.0)
    versions.append(queue.version)
    queue.offer(said("Q: b"), 2.0)  # the same length, other content
    versions.append(queue.version)
    queue.show(queue.items[0].id, 3.0)
    versions.append(queue.version)
    queue.clear(4.0)
    versions.append(queue.version)
    queue.remove(ChatDeletion("c"))
    versions.append(queue.version)
    assert versions == sorted(set(versions)) and len(queue) == 0 and first is not None
