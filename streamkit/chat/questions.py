"""The questions queue: chat messages that ask something, waiting for the operator to pick one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from streamkit.chat.message import ChatDeletion, ChatMessage


class QuestionState(StrEnum):
    WAITING = "waiting"
    ON_SCREEN = "on screen"
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class Question:
    """A queued message; `text` is the message without its question prefix."""

    message: ChatMessage
    text: str
    asked_at: float
    marked_by: str  # "prefix" (the viewer wrote Q: or ?) or "operator"
    state: QuestionState = QuestionState.WAITING
    shown_at: float | None = None
    answered_at: float | None = None

    @property
    def id(self) -> str:
        return self.message.id

    @property
    def author(self) -> str:
        return self.message.author

    def to_record(self) -> dict[str, object]:
        """JSON-ready fields for the session log and `--json`."""
        return {
            "id": self.id,
            "author": self.author,
            "role": self.message.role,
            "text": self.text,
            "marked_by": self.marked_by,
            "state": self.state.value,
        }


def question_text(text: str, prefixes: Iterable[str]) -> str | None:
    """The question in `text` when it starts with a prefix (case-insensitive), else None."""
    stripped = text.lstrip()
    for prefix in prefixes:
        if stripped[: len(prefix)].lower() == prefix.lower():
            rest = stripped[len(prefix) :].strip()
            return rest or None
    return None


class QuestionQueue:
    """Questions in the order asked; at most one is on screen. Not thread-safe: the owner (the
    TUI's event loop, or a CLI's reader) feeds it from one thread."""

    def __init__(self, prefixes: Iterable[str] = ("Q:", "?"), limit: int = 200) -> None:
        self.prefixes = tuple(prefixes)
        self.limit = limit
        self._items: dict[str, Question] = {}
        self.version = 0  # counts changes: a list drawn from the queue redraws when it moves

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> list[Question]:
        return list(self._items.values())

    @property
    def waiting(self) -> list[Question]:
        return [q for q in self._items.values() if q.state is QuestionState.WAITING]

    @property
    def on_screen(self) -> Question | None:
        return next((q for q in self._items.values() if q.state is QuestionState.ON_SCREEN), None)

    def get(self, question_id: str) -> Question | None:
        return self._items.get(question_id)

    def offer(self, message: ChatMessage, now: float) -> Question | None:
        """Queue `message` if it starts with a question prefix; the new question, else None."""
        text = question_text(message.text, self.prefixes)
        if text is None or message.id in self._items:
            return None
        return self._add(Question(message, text, now, "prefix"))

    def mark(self, message: ChatMessage, now: float) -> Question:
        """The operator marks any message as a question (a queued one stays as it is)."""
        existing = self._items.get(message.id)
        if existing is not None:
            return existing
        text = question_text(message.text, self.prefixes) or message.text
        return self._add(Question(message, text, now, "operator"))

    def _add(self, question: Question) -> Question:
        self.version += 1
        self._items[question.id] = question
        while len(self._items) > self.limit:  # forget the oldest that is not on screen
            oldest = next(
                (k for k, q in self._items.items() if q.state is not QuestionState.ON_SCREEN), None
            )
            if oldest is None:
                break
            del self._items[oldest]
        return question

    def show(self, question_id: str, now: float) -> tuple[Question, Question | None]:
        """Put a question on screen; returns it and the one it replaced (now answered)."""
        question = self._items.get(question_id)
        if question is None:
            raise KeyError(question_id)
        replaced = self._answer_current(now, keep=question_id)
        shown = replace(question, state=QuestionState.ON_SCREEN, shown_at=now)
        self._items[question_id] = shown
        self.version += 1
        return shown, replaced

    def put_back(self, question: Question) -> None:
        """Queue again a question that left (deleted, or past the limit) while it went on screen:
        it is on the lower third, so it is tracked until the operator clears it."""
        if question.id not in self._items:
            self._items[question.id] = question
            self.version += 1

    def clear(self, now: float) -> Question | None:
        """Take the question off screen (it is answered); the question, or None."""
        return self._answer_current(now)

    def answered(self, question_id: str, now: float) -> Question:
        """Mark a question answered without showing it (read out, or dealt with)."""
        question = self._items[question_id]
        done = replace(question, state=QuestionState.ANSWERED, answered_at=now)
        self._items[question_id] = done
        self.version += 1
        return done

    def _answer_current(self, now: float, keep: str = "") -> Question | None:
        current = self.on_screen
        if current is None or current.id == keep:
            return None
        return self.answered(current.id, now)

    def remove(self, deletion: ChatDeletion) -> list[Question]:
        """Forget questions whose messages moderators deleted, except the one on screen: the
        operator takes that down (see `deleted_on_screen`). Returns the removed questions."""
        removed = [
            q
            for q in self._items.values()
            if q.state is not QuestionState.ON_SCREEN and deleted_by(deletion, q)
        ]
        for question in removed:
            del self._items[question.id]
        self.version += bool(removed)
        return removed

    def deleted_on_screen(self, deletion: ChatDeletion) -> Question | None:
        """The question on screen, when moderators just deleted its message."""
        current = self.on_screen
        return current if current is not None and deleted_by(deletion, current) else None


def deleted_by(deletion: ChatDeletion, question: Question) -> bool:
    """Whether a moderation event removes this question's message."""
    if deletion.message_id:
        return question.id == deletion.message_id
    if deletion.login:
        return question.message.login == deletion.login
    return True  # the whole chat was cleared
