"""The run-of-show panel: the segments, the current one highlighted, past ones dimmed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive

from streamkit.show.settings import Segment
from streamkit.tui.panel import Panel


def segments_text(segments: Sequence[Segment], current: int | None) -> Text:
    if not segments:
        return Text("no run of show (add show.segments to streamkit.yaml)", style="dim")
    out = Text()
    for i, segment in enumerate(segments):
        here = i == current
        out.append("▶ " if here else "  ", style="bold cyan")
        style = (
            "bold black on cyan" if here else ("dim" if current is not None and i < current else "")
        )
        out.append(f"{i + 1}. {segment.title}", style=style)
        out.append(f"  {segment.scene}", style="dim")
        out.append("\n")
    out.rstrip()
    return out


class RunOfShowPanel(Panel):
    current: reactive[int | None] = reactive(None)

    def __init__(self, segments: Sequence[Segment]) -> None:
        super().__init__("Run of show", id="runofshow")
        self.segments = tuple(segments)

    def draw(self, width: int) -> Text:
        return segments_text(self.segments, self.current)
