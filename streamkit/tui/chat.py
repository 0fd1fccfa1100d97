"""The audience panel: recent chat (roles shown) and the questions queue the operator picks from.

Chat text is untrusted: it is drawn as plain `Text`, never parsed as markup, and nothing reaches
OBS unless the operator puts a question on screen.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, Protocol, Self

from rich.markup import escape
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from streamkit.chat.client import ChatClient, ChatSource
from streamkit.chat.message import ChatDeletion, ChatMessage
from streamkit.chat.questions import Question, QuestionQueue, QuestionState
from streamkit.chat.settings import ChatSettings
from streamkit.health.sessionlog import SessionLog
from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.control import ShowControl
from streamkit.show.question import QuestionDisplay

DRAIN_INTERVAL_S = 1 / 3  # the inbox is emptied and the lists redrawn at most 3 times a second
CHAT_LINES = 200  # messages kept for the chat list
QUESTIONS_EVERY_S = 1.0  # questions arriving redraw their list at most once a second
ROLE_BADGES = {
    "broadcaster": ("B", "bold white on red"),
    "moderator": ("M", "bold black on green"),
    "vip": ("V", "bold white on magenta"),
    "subscriber": ("S", "bold white on blue"),
}
STATE_MARKS = {
    QuestionState.WAITING: ("• ", ""),
    QuestionState.ON_SCREEN: ("▶ ", "bold red"),
    QuestionState.ANSWERED: ("✓ ", "dim"),
}


class LowerThird(Protocol):
    """Where a picked question goes: show.question.QuestionDisplay (calls OBS; may block)."""

    def show(self, author: str, text: str, role: str = "") -> str: ...

    def clear(self) -> None: ...


# -- drawing (pure) --------------------------------------------------------------------------------


def _author(out: Text, message: ChatMessage) -> None:
    badge = ROLE_BADGES.get(message.role)
    if badge is not None:
        out.append(f"{badge[0]}", style=badge[1])
        out.append(" ")
    out.append(message.author, style=f"bold {message.colour}" if message.colour else "bold")


def chat_line(message: ChatMessage, *, queued: bool = False, selected: bool = False) -> Text:
    """One chat message: time, role badge, name in the viewer's colour, text (never markup)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(time.strftime("%H:%M ", time.localtime(message.t)), style="dim")
    out.append("? " if queued else "  ", style="bold yellow")
    _author(out, message)
    out.append(" " if message.action else ": ")
    out.append(message.text, style="italic" if message.action else "")
    if selected:
        out.stylize("reverse")
    return out


def question_line(question: Question, *, selected: bool = False) -> Text:
    """One question: its state (• waiting, ▶ on screen, ✓ answered), who asked, what."""
    mark, style = STATE_MARKS[question.state]
    out = Text(no_wrap=True, overflow="ellipsis", style=style)
    out.append(mark)
    _author(out, question.message)
    out.append(": ")
    out.append(question.text)
    if selected:
        out.stylize("reverse")
    return out


def chat_state_text(change: StateChange, channel: str) -> str:
    """The chat connection in a few words (the panel's subtitle)."""
    if change.state is ConnectionState.CONNECTED:
        return f"#{channel}"
    if change.state is ConnectionState.RECONNECTING:
        return f"#{channel} reconnecting (attempt {change.attempt})…"
    if change.state is ConnectionState.FAILED:
        return f"#{channel} failed: {change.detail}"
    return f"#{channel} {change.state.value.lower()}…"


# -- the lists -------------------------------------------------------------------------------------


class PickList(Widget, can_focus=True):
    """A focusable list of items, newest at the bottom; the selection is kept by id.

    Drawn through the line API: each item's line is rendered once per look (selected, state,
    width) and kept, so a busy chat scrolling by costs a copy of cached lines, not a re-layout.
    """

    DEFAULT_CSS = "PickList { height: 1fr; }"
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("end", "follow", "Newest", show=False),
    ]
    STRIPS_KEPT = 1000

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = title
        self.selected: str | None = None  # None: follow the newest
        self._strips: dict[Hashable, Strip] = {}

    def ids(self) -> list[str]:
        raise NotImplementedError

    def line(self, item_id: str, selected: bool) -> Text:
        raise NotImplementedError

    def look(self, item_id: str) -> Hashable:
        """What the line of `item_id` depends on besides its id and selection."""
        return None

    def action_move(self, step: int) -> None:
        ids = self.ids()
        if not ids:
            return
        index = ids.index(self.selected) if self.selected in ids else len(ids)
        self.selected = ids[max(0, min(len(ids) - 1, index + step))]
        self.refresh()

    def action_follow(self) -> None:
        self.selected = None
        self.refresh()

    def visible(self) -> list[str]:
        """The ids on screen: the newest ones, or those around the selection."""
        ids = self.ids()
        height = max(1, self.content_size.height)
        end = len(ids)
        if self.selected in ids:  # keep the selection in view
            end = min(len(ids), max(ids.index(self.selected) + 1, height))
        return ids[max(0, end - height) : end]

    def text(self) -> Text:
        """What the list shows, as one Text (the lines `render_line` draws)."""
        visible = self.visible()
        if not visible:
            return Text("nothing yet", style="dim")
        return Text("\n").join(self.line(i, i == self.selected) for i in visible)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if y == 0 or self._frame is None:
            self._frame, self._base = self.visible(), self.rich_style  # once a frame: both cost
        frame, base = self._frame, self._base
        if not frame:
            text = Text("nothing yet", style="dim") if y == 0 else Text()
            return self._strip(text, width, base)
        if y >= len(frame):
            return Strip.blank(width, base)
        item_id = frame[y]
        selected = item_id == self.selected
        key = (item_id, selected, self.look(item_id), width, base)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > self.STRIPS_KEPT:
                self._strips.clear()
            strip = self._strips[key] = self._strip(self.line(item_id, selected), width, base)
        return strip

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = Segment.apply_style(text.render(self.app.console), base)
        return Strip(list(segments)).crop_extend(0, width, base)

    def refresh(self, *regions: Any, **options: Any) -> Self:
        self._frame = None
        return super().refresh(*regions, **options)

    _frame: list[str] | None = None
    _base: Style = Style()


class ChatList(PickList):
    """Recent chat messages, newest at the bottom; `f` or Enter marks one as a question."""

    BINDINGS = [
        Binding("f,enter", "mark", "Mark as question"),
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
            gone = self._order.popleft()
            self.messages.pop(gone, None)
            if self.selected == gone:
                self.selected = None

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
        if self.selected not in self.messages:
            self.selected = None

    def ids(self) -> list[str]:
        return list(self._order)

    def look(self, item_id: str) -> Hashable:
        return self.queue.get(item_id) is not None

    def line(self, item_id: str, selected: bool) -> Text:
        message = self.messages[item_id]
        return chat_line(message, queued=self.queue.get(item_id) is not None, selected=selected)

    def action_mark(self) -> None:
        ids = self.ids()
        target = self.selected if self.selected in self.messages else (ids[-1] if ids else None)
        if target is not None:
            self.post_message(self.Mark(self.messages[target]))


class QuestionList(PickList):
    """The questions queue: Enter or `w` puts the selected one on screen, `x` clears it,
    `d` marks it answered without showing it."""

    BINDINGS = [
        Binding("enter,w", "show", "On screen"),
        Binding("x", "clear", "Clear"),
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
        """The selected question, else the oldest waiting one."""
        chosen = self.queue.get(self.selected) if self.selected else None
        waiting = self.queue.waiting
        return chosen or (waiting[0] if waiting else None)

    def action_show(self) -> None:
        question = self.current()
        if question is not None:
            self.post_message(self.Show(question))

    def action_clear(self) -> None:
        self.post_message(self.Clear())

    def action_answered(self) -> None:
        question = self.current()
        if question is not None:
            self.post_message(self.Answered(question))


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
        self._drawn_version, self._drawn_at = -1, 0.0
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
                self.chat.border_subtitle = chat_state_text(item, self.source.channel)
        if taken:
            self.chat.refresh()
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
        self.queue.remove(deletion)
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
        )

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
        self._record(self.queue.answered(event.question.id, self.clock()), "answered")
        self.questions.refresh()

    def _call_obs(self, call: Callable[[], object], done: Callable[[], None], what: str) -> None:
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
                call()
            except Exception as exc:  # OBS down or the source missing: say so, keep the queue
                text = getattr(exc, "message", None) or str(exc)
                self.app.call_from_thread(
                    self.post_message, self.Note(f"could not {what}: {text}", "error")
                )
            else:
                self.app.call_from_thread(done)
            finally:
                self._busy.release()

        self.run_worker(work, thread=True, group="lower-third")

    def _shown(self, question: Question) -> None:
        shown, replaced = self.queue.show(question.id, self.clock())
        if replaced is not None:
            self._record(replaced, "answered")
        self._record(shown, "shown")
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
    return escape(note.text)
