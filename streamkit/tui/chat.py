"""The audience panel: recent chat (roles shown) and the questions queue the operator picks from.

Chat text is untrusted: it is drawn as plain `Text`, never parsed as markup, and nothing reaches
OBS unless the operator puts a question on screen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message

from streamkit.chat.client import ChatClient, ChatSource
from streamkit.chat.message import ChatDeletion, ChatMessage
from streamkit.chat.questions import Question, QuestionQueue, QuestionState
from streamkit.chat.settings import ChatSettings
from streamkit.health.sessionlog import SessionLog
from streamkit.obs.types import StateChange
from streamkit.show.control import ShowControl
from streamkit.show.question import QuestionDisplay
from streamkit.tui.chatlines import chat_state_text, markup_text
from streamkit.tui.chatlists import ChatList, QuestionList, Refused

DRAIN_INTERVAL_S = 0.5  # the inbox is emptied and the chat redrawn at most twice a second
QUESTIONS_EVERY_S = 1.0  # questions arriving redraw their list at most once a second

log = logging.getLogger(__name__)


class LowerThird(Protocol):
    """Where a picked question goes: show.question.QuestionDisplay (calls OBS; may block)."""

    def show(self, author: str, text: str, role: str = "") -> str: ...

    def clear(self) -> None: ...


# -- the panel -------------------------------------------------------------------------------------


class AudiencePanel(Vertical):
    """Chat and questions for one channel. `source` is read on its own thread; what it reports
    waits in an inbox drained on a timer (coalesced, so a busy chat costs a redraw a tick).
    `lower_third` calls OBS in a worker thread; the queue keeps filling while OBS is down."""

    DEFAULT_CSS = "AudiencePanel { height: 1fr; } AudiencePanel #questions { height: 40%; }"

    class Note(Message):
        """Something for the operator's log: `text` is plain (never markup)."""

        def __init__(self, text: str, level: str = "information") -> None:
            super().__init__()
            self.text, self.level = text, level

    def __init__(
        self,
        source: ChatSource | None,
        lower_third: LowerThird | None,
        *,
        prefixes: tuple[str, ...] = ("Q:", "?"),
        log: SessionLog | None = None,
        clock: Callable[[], float] = time.time,
        live: bool = True,
        id: str | None = "audience",
    ) -> None:
        super().__init__(id=id)
        self.source, self.lower_third, self.session_log = source, lower_third, log
        self.clock, self.live = clock, live
        self.queue = QuestionQueue(prefixes)
        self.chat = ChatList(self.queue)
        self.questions = QuestionList(self.queue)
        self._inbox: deque[ChatMessage | ChatDeletion | StateChange] = deque()
        self._busy = threading.Lock()  # one OBS call at a time
        self._going: str | None = None  # the question going on screen (OBS call under way)
        self._going_deleted = False  # moderators deleted it meanwhile
        self._drawn_version, self._drawn_at = -1, 0.0
        self._followed_version = -1
        if source is not None:
            source.on_message(self._inbox.append)  # deque.append is thread-safe
            source.on_deletion(self._inbox.append)
            source.add_state_listener(self._inbox.append)

    def compose(self) -> ComposeResult:
        yield self.chat
        yield self.questions

    def on_mount(self) -> None:
        if self.source is None:
            self.chat.border_subtitle = "no chat.channel configured"
            return
        if self.live:
            self.set_interval(DRAIN_INTERVAL_S, self.drain)
            self.source.start()

    def on_unmount(self) -> None:
        if self.live and self.source is not None:
            self.source.close()
        if self.session_log is not None:
            self.session_log.close()

    # -- what arrives ------------------------------------------------------------------------------

    def drain(self) -> int:
        """Take everything the chat reported since the last tick; redraw once. Returns how many."""
        taken = 0
        while self._inbox:
            item = self._inbox.popleft()
            taken += 1
            if isinstance(item, ChatMessage):
                self._take_message(item)
            elif isinstance(item, ChatDeletion):
                self._take_deletion(item)
            elif self.source is not None:
                # a border subtitle is markup: the detail (server words) is escaped
                self.chat.border_subtitle = markup_text(chat_state_text(item, self.source.channel))
        if taken:
            self.chat.follow_items()
            self.chat.refresh()
        if self.queue.version != self._followed_version:
            self._followed_version = self.queue.version
            self.questions.follow_items()
        now = time.monotonic()  # new questions show within a second (operator actions at once)
        if self.queue.version != self._drawn_version and now - self._drawn_at >= QUESTIONS_EVERY_S:
            self._drawn_version, self._drawn_at = self.queue.version, now
            self.questions.refresh()
        return taken

    def feed(self, item: ChatMessage | ChatDeletion | StateChange) -> None:
        """Hand something to the inbox as the chat's thread would (tests, replays)."""
        self._inbox.append(item)

    def _take_message(self, message: ChatMessage) -> None:
        self.chat.add(message)
        question = self.queue.offer(message, self.clock())
        if question is not None:
            self._record(question, "asked")

    def _take_deletion(self, deletion: ChatDeletion) -> None:
        self.chat.forget(deletion)
        removed = self.queue.remove(deletion)
        if any(q.id == self._going for q in removed):
            self._going_deleted = True
        on_screen = self.queue.deleted_on_screen(deletion)
        if on_screen is not None:
            self.post_message(
                self.Note(
                    f"moderators deleted the question on screen (from {on_screen.author}): "
                    "clear it with x",
                    "warning",
                )
            )

    # -- what the operator does --------------------------------------------------------------------

    def on_refused(self, event: Refused) -> None:
        event.stop()
        self.post_message(self.Note(event.text, "warning"))

    def on_chat_list_mark(self, event: ChatList.Mark) -> None:
        known = self.queue.get(event.message.id) is not None
        question = self.queue.mark(event.message, self.clock())
        if not known:
            self._record(question, "asked")
            self.post_message(self.Note(f"question from {question.author} queued"))
        self.chat.refresh()
        self.questions.refresh()

    def on_question_list_show(self, event: QuestionList.Show) -> None:
        question = event.question
        self._call_obs(
            lambda: (
                self.lower_third.show(question.author, question.text, question.message.role)
                if self.lower_third
                else ""
            ),
            lambda: self._shown(question),
            "put the question on screen",
            start=lambda: self._going_on_screen(question),
        )

    def _going_on_screen(self, question: Question) -> bool:
        """Under the OBS lock, before the call: track the question going on screen (a press
        refused as busy never gets here). False, with a note, when it already left the queue."""
        if self.queue.get(question.id) is None:
            self.post_message(
                self.Note(
                    f"nothing put on screen: the question from {question.author} left the queue",
                    "warning",
                )
            )
            return False
        self._going, self._going_deleted = question.id, False
        return True

    def on_question_list_clear(self, event: QuestionList.Clear) -> None:
        self._call_obs(
            lambda: self.lower_third.clear() if self.lower_third else None,
            self._cleared,
            "clear the question",
        )

    def on_question_list_answered(self, event: QuestionList.Answered) -> None:
        if event.question.state is QuestionState.ON_SCREEN:
            self.on_question_list_clear(QuestionList.Clear())
            return
        if self.queue.get(event.question.id) is None:  # deleted (a drain tick) since `d`
            self.post_message(
                self.Note(
                    f"nothing marked answered: the question from {event.question.author} "
                    "left the queue",
                    "warning",
                )
            )
            return
        self._record(self.queue.answered(event.question.id, self.clock()), "answered")
        self.questions.refresh()

    def _call_obs(
        self,
        call: Callable[[], object],
        done: Callable[[], None],
        what: str,
        start: Callable[[], bool] | None = None,
    ) -> None:
        """Run `call` in a worker, one at a time; `start` (on the app's thread, once the lock is
        taken) may call it off; then `done` on the app's thread."""
        if self.lower_third is None:
            self.post_message(self.Note(f"cannot {what}: no lower third configured", "error"))
            return

        def work() -> None:
            if not self._busy.acquire(blocking=False):
                self.app.call_from_thread(
                    self.post_message, self.Note(f"busy; {what} again in a moment", "warning")
                )
                return
            try:
                if start is not None and not self.app.call_from_thread(start):
                    return
                call()
            except Exception as exc:  # OBS down or the source missing: say so, keep the queue
                text = getattr(exc, "message", None) or str(exc)
                self.app.call_from_thread(
                    self.post_message, self.Note(f"could not {what}: {text}", "error")
                )
            else:
                try:
                    self.app.call_from_thread(done)
                except Exception as exc:  # OBS did it; the panel failing to follow ends nothing
                    log.exception("after the call to %s", what)
                    self.app.call_from_thread(
                        self.post_message,
                        self.Note(f"did {what}, but the panel could not follow: {exc}", "error"),
                    )
            finally:
                self._busy.release()

        self.run_worker(work, thread=True, group="lower-third", exit_on_error=False)

    def _shown(self, question: Question) -> None:
        deleted, self._going = self._going_deleted and self._going == question.id, None
        left = self.queue.get(question.id) is None
        if left:  # deleted or past the limit during the call: it IS on the lower third now
            self.queue.put_back(question)
        shown, replaced = self.queue.show(question.id, self.clock())
        if replaced is not None:
            self._record(replaced, "answered")
        self._record(shown, "shown")
        if deleted:
            self.post_message(
                self.Note(
                    f"question from {shown.author} deleted while going on screen (moderators); "
                    "it is on screen now: clear it with x",
                    "warning",
                )
            )
        else:
            self.post_message(self.Note(f"on screen: question from {shown.author}"))
        self.questions.refresh()

    def _cleared(self) -> None:
        cleared = self.queue.clear(self.clock())
        if cleared is not None:
            self._record(cleared, "answered")
        self.post_message(self.Note("question cleared from the screen"))
        self.questions.refresh()

    def _record(self, question: Question, event: str) -> None:
        if self.session_log is not None:
            t = {"asked": question.asked_at, "shown": question.shown_at}.get(event)
            self.session_log.question(
                t or self.clock(), event, id=question.id, author=question.author, text=question.text
            )


def audience_panel(
    settings: ChatSettings,
    control: ShowControl,
    *,
    source: ChatSource | None = None,
    log: SessionLog | None = None,
) -> AudiencePanel:
    """The panel for a `chat:` section: its channel read by a ChatClient (unless `source` is
    given, e.g. the demo's replay; none without a channel), questions to `chat.source`."""
    if source is None and settings.channel:
        source = ChatClient.from_settings(settings)
    display = QuestionDisplay(
        control, settings.source, settings.template, settings.wrap_chars, settings.max_lines
    )
    return AudiencePanel(source, display, prefixes=tuple(settings.question_prefixes), log=log)


def note_markup(note: AudiencePanel.Note) -> str:
    """A note as markup for places that parse it (notify): chat names escaped."""
    return markup_text(note.text)
