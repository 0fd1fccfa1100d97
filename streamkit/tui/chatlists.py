"""The audience panel's two lists: recent chat, and the questions queue the operator picks from.
An action whose selected item left the list meanwhile is refused (`Refused`), never done to
another item."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from streamkit.chat.message import ChatDeletion, ChatMessage
from streamkit.chat.questions import Question, QuestionQueue
from streamkit.tui.chatlines import PickList, chat_line, question_line

CHAT_LINES = 200  # messages kept for the chat list


class Refused(Message):
    """An action not done: the selection moved under the operator (deleted, or pushed out)."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__()
        self.text = (
            f"{what}: the {why} (deleted, or pushed out by newer ones); "
            "the highlight moved: check it and press again"
        )


class ChatList(PickList):
    """Recent chat messages, newest at the bottom; Enter marks the selected one a question."""

    BINDINGS = [
        Binding("enter", "mark", "Mark as question"),  # `f` on the main screen (remappable)
    ]

    class Mark(Message):
        def __init__(self, message: ChatMessage) -> None:
            super().__init__()
            self.message = message

    def __init__(self, queue: QuestionQueue) -> None:
        super().__init__("Chat", id="chat")
        self.queue = queue
        self.messages: dict[str, ChatMessage] = {}
        self._order: deque[str] = deque()

    def add(self, message: ChatMessage) -> None:
        self.messages[message.id] = message
        self._order.append(message.id)
        while len(self._order) > CHAT_LINES:
            self.messages.pop(self._order.popleft(), None)

    def forget(self, deletion: ChatDeletion) -> None:
        """Moderators deleted messages: they leave the list too."""
        keep = [
            i
            for i in self._order
            if not (
                (deletion.message_id and i == deletion.message_id)
                or (deletion.login and self.messages[i].login == deletion.login)
                or (not deletion.message_id and not deletion.login)
            )
        ]
        for gone in set(self._order) - set(keep):
            self.messages.pop(gone, None)
        self._order = deque(keep)

    def ids(self) -> list[str]:
        return list(self._order)

    def look(self, item_id: str) -> Hashable:
        return self.queue.get(item_id) is not None

    def line(self, item_id: str, selected: bool) -> Text:
        message = self.messages[item_id]
        return chat_line(message, queued=self.queue.get(item_id) is not None, selected=selected)

    def action_mark(self) -> None:
        if self.take_lost_selection():
            self.post_message(Refused("nothing marked", "selected message left the chat list"))
            return
        ids = self.ids()
        target = self.selected if self.selected in self.messages else (ids[-1] if ids else None)
        if target is not None:
            self.post_message(self.Mark(self.messages[target]))


class QuestionList(PickList):
    """The questions queue: Enter puts the selected one on screen, `d` marks it answered
    without showing it (the main screen's `w` and `x` show and clear from anywhere)."""

    BINDINGS = [
        Binding("enter", "show", "On screen"),  # `w` and `x` on the main screen (remappable)
        Binding("d", "answered", "Answered"),
    ]

    class Show(Message):
        def __init__(self, question: Question) -> None:
            super().__init__()
            self.question = question

    class Clear(Message):
        pass

    class Answered(Message):
        def __init__(self, question: Question) -> None:
            super().__init__()
            self.question = question

    def __init__(self, queue: QuestionQueue) -> None:
        super().__init__("Questions", id="questions")
        self.queue = queue

    def ids(self) -> list[str]:
        return [q.id for q in self.queue.items]

    def look(self, item_id: str) -> Hashable:
        return self.queue.get(item_id)  # a new Question whenever its state changes

    def line(self, item_id: str, selected: bool) -> Text:
        question = self.queue.get(item_id)
        return question_line(question, selected=selected) if question else Text()

    def current(self) -> Question | None:
        """The selected question, else (nothing selected) the oldest waiting one."""
        if self.selected is not None:
            return self.queue.get(self.selected)
        waiting = self.queue.waiting
        return waiting[0] if waiting else None

    def picked(self, refusal: str) -> Question | None:
        """The question to act on; None, with a note, when the selected one left the queue."""
        if self.take_lost_selection():
            self.post_message(Refused(refusal, "selected question left the queue"))
            return None
        return self.current()

    def action_show(self) -> None:
        question = self.picked("nothing put on screen")
        if question is not None:
            self.post_message(self.Show(question))

    def action_clear(self) -> None:
        self.post_message(self.Clear())

    def action_answered(self) -> None:
        question = self.picked("nothing marked answered")
        if question is not None:
            self.post_message(self.Answered(question))
