"""The scenes panel: numbered scenes, program in red and preview in green."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive

from streamkit.show.control import SceneList
from streamkit.tui.panel import WAITING, Panel


def scenes_text(scenes: SceneList | None, studio: bool) -> Text:
    """Numbered scenes; program in red and preview in green, marked in front of the name
    (so a narrow panel that cuts the PGM/PVW label still shows which is which)."""
    if scenes is None:
        return WAITING
    out = Text()
    for i, name in enumerate(scenes.names):
        program, preview = name == scenes.program, studio and name == scenes.preview
        out.append(f"{i + 1} " if i < 9 else "  ", style="dim")
        if program:
            out.append("● ", style="bold red")
            out.append(name, style="bold red")
            out.append(" PGM", style="bold white on red")
        elif preview:
            out.append("● ", style="bold green")
            out.append(name, style="bold green")
            out.append(" PVW", style="bold black on green")
        else:
            out.append("  " + name)
        out.append("\n")
    out.rstrip()
    return out


class ScenesPanel(Panel):
    scenes: reactive[SceneList | None] = reactive(None, layout=True)
    studio: reactive[bool] = reactive(False)

    def __init__(self) -> None:
        super().__init__("Scenes", id="scenes")

    def watch_studio(self, studio: bool) -> None:
        self.border_title = "Scenes — studio mode" if studio else "Scenes"

    def draw(self, width: int) -> Text:
        return scenes_text(self.scenes, self.studio)
