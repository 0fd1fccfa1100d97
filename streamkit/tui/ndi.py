"""The NDI panel: each NDI input (a slot) with the sender it shows; one slot is selected."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive

from streamkit.show.ndi import NdiInput
from streamkit.tui.panel import WAITING, Panel


def ndi_text(slots: Sequence[NdiInput], selected: int) -> Text:
    if not slots:
        return Text("no NDI inputs in this scene collection", style="dim")
    out = Text()
    for i, slot in enumerate(slots):
        marker = "▶ " if i == selected else "  "
        out.append(marker, style="bold cyan")
        out.append(slot.name, style="bold" if i == selected else "")
        out.append("\n   ← ")
        out.append(slot.sender or "(no sender)", style="cyan" if slot.sender else "dim")
        out.append("\n")
    out.rstrip()
    return out


class NdiPanel(Panel):
    slots: reactive[tuple[NdiInput, ...] | None] = reactive(None, layout=True)
    selected: reactive[int] = reactive(0)

    def __init__(self) -> None:
        super().__init__("NDI slots", id="ndi")

    def validate_selected(self, index: int) -> int:
        return min(max(0, index), max(0, len(self.slots or ()) - 1))

    def watch_slots(self) -> None:
        self.selected = self.selected  # clamped again when slots go away

    def select_next(self) -> NdiInput | None:
        """Move the selection on (wrapping); the slot now selected."""
        if self.slots:
            self.selected = (self.selected + 1) % len(self.slots)
        return self.current

    @property
    def current(self) -> NdiInput | None:
        return self.slots[self.selected] if self.slots else None

    def draw(self, width: int) -> Text:
        return WAITING if self.slots is None else ndi_text(self.slots, self.selected)
