"""Chat drawn for the screen: role badges, message and question lines, and the focusable
line-API list they are shown in (each line rendered once and kept)."""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any, Self

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

from streamkit.chat.message import ChatMessage
from streamkit.chat.questions import Question, QuestionState
from streamkit.obs.types import ConnectionState, StateChange

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


# -- drawing (pure) --------------------------------------------------------------------------------


def append_author(out: Text, message: ChatMessage) -> None:
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
    append_author(out, message)
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
    append_author(out, question.message)
    out.append(": ")
    out.append(question.text)
    if selected:
        out.stylize("reverse")
    return out


def markup_text(text: str) -> str:
    """Plain text as Textual markup that shows it exactly as typed. Every '[' is escaped and
    backslashes are left alone: Textual's markup never unescapes them, so `escape` (Rich's, or
    Textual's, which doubles backslashes before '[' and at the end) would show them twice."""
    return text.replace("[", "\\[")


def chat_state_text(change: StateChange, channel: str) -> str:
    """The chat connection in a few words (the panel's subtitle)."""
    if change.state is ConnectionState.CONNECTED:
        return f"#{channel}"
    if change.state is ConnectionState.RECONNECTING:
        return f"#{channel} reconnecting (attempt {change.attempt})…"
    if change.state is ConnectionState.FAILED:
        return f"#{channel} failed: {change.detail}"
    return f"#{channel} {change.state.value.lower()}…"


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
        self.selection_lost = False  # the selected item left; the highlight moved unseen
        self._known: list[str] = []  # the ids when last followed (to find a neighbour)
        self._strips: dict[Hashable, Strip] = {}

    def ids(self) -> list[str]:
        raise NotImplementedError

    def line(self, item_id: str, selected: bool) -> Text:
        raise NotImplementedError

    def look(self, item_id: str) -> Hashable:
        """What the line of `item_id` depends on besides its id and selection."""
        return None

    def follow_items(self) -> None:
        """After the items changed: when the selected one left, highlight its nearest remaining
        neighbour (the next, else the previous) and mark the selection lost, so that the next
        action is refused rather than done to an item the operator has not seen selected."""
        ids = self.ids()
        if self.selected is not None and self.selected not in ids:
            remaining = set(ids)
            known = self._known
            at = known.index(self.selected) if self.selected in known else len(known)
            after = [i for i in known[at + 1 :] if i in remaining]
            before = [i for i in known[:at] if i in remaining]
            self.selected = after[0] if after else (before[-1] if before else None)
            self.selection_lost = True
            self.refresh()
        self._known = ids

    def take_lost_selection(self) -> bool:
        """Whether the selection was lost since the operator last moved it (asked once)."""
        self.follow_items()
        lost, self.selection_lost = self.selection_lost, False
        return lost

    def action_move(self, step: int) -> None:
        ids = self.ids()
        if not ids:
            return
        index = ids.index(self.selected) if self.selected in ids else len(ids)
        self.selected = ids[max(0, min(len(ids) - 1, index + step))]
        self.selection_lost = False
        self._known = ids
        self.refresh()

    def action_follow(self) -> None:
        self.selected = None
        self.selection_lost = False
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
