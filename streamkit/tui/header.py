"""The header line: event, connection, LIVE/REC with their timecodes, studio mode, the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.control import OutputState


def timecode(value: str) -> str:
    """OBS's 'HH:MM:SS.mmm' without the milliseconds."""
    return value.split(".", 1)[0] if value else "00:00:00"


def connection_text(change: StateChange, now_monotonic: float, have_data: bool = True) -> Text:
    """The connection; CONNECTED only once OBS's state has been read (until then, READING)."""
    state = change.state
    if state is ConnectionState.CONNECTED:
        if not have_data:
            return Text("● READING OBS…", style="yellow")
        return Text("● CONNECTED", style="bold green")
    if state is ConnectionState.RECONNECTING:
        if change.retry_at is not None:
            wait = max(0, round(change.retry_at - now_monotonic))
            return Text(f"● RECONNECTING in {wait} s", style="bold yellow")
        return Text("● RECONNECTING", style="bold yellow")
    if state is ConnectionState.FAILED:
        return Text("● FAILED", style="bold red")
    return Text(f"● {state.value}", style="yellow")


def header_text(
    event: str,
    change: StateChange,
    stream: OutputState | None,
    record: OutputState | None,
    studio: bool,
    now: datetime,
    now_monotonic: float,
    override: bool = False,
    have_data: bool = True,
) -> Text:
    """The header line. While OBS is not connected, what it was doing is not known any more:
    the outputs read `?` rather than a LIVE that may have ended."""
    parts = [
        Text(event or "streamkit", style="bold"),
        connection_text(change, now_monotonic, have_data),
    ]
    if change.state is not ConnectionState.CONNECTED and have_data:
        parts += _unknown_outputs(stream, record)
    else:
        parts += _outputs(stream, record)
    if studio:
        parts.append(Text("STUDIO", style="bold cyan"))
    if override:  # the operator paused the fallback rules: say so for as long as it lasts
        parts.append(Text("AUTO OFF", style="bold magenta"))
    parts.append(Text(now.strftime("%H:%M:%S")))
    out = Text()
    for i, part in enumerate(parts):
        if i:
            out.append(" │ ", style="dim")
        out.append_text(part)
    return out


class HeaderBar(Widget):
    """One line; its data are reactives, and the clock repaints it once a second."""

    DEFAULT_CSS = "HeaderBar { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"

    connection: reactive[StateChange] = reactive(StateChange(ConnectionState.CONNECTING))
    stream: reactive[OutputState | None] = reactive(None)
    record: reactive[OutputState | None] = reactive(None)
    studio: reactive[bool] = reactive(False)
    override: reactive[bool] = reactive(False)
    have_data: reactive[bool] = reactive(False)

    def __init__(
        self, event: str, clock: Callable[[], datetime], monotonic: Callable[[], float]
    ) -> None:
        super().__init__(id="header")
        self.event, self.clock, self.monotonic = event, clock, monotonic

    def render(self) -> Text:
        return header_text(
            self.event,
            self.connection,
            self.stream,
            self.record,
            self.studio,
            self.clock(),
            self.monotonic(),
            override=self.override,
            have_data=self.have_data,
        )


def _outputs(stream: OutputState | None, record: OutputState | None) -> list[Text]:
    parts = []
    if stream is not None and stream.active:
        label = " RECONNECTING " if stream.reconnecting else " LIVE "
        parts.append(Text.assemble((label, "bold white on red"), " " + timecode(stream.timecode)))
    else:
        parts.append(Text("OFFLINE", style="dim"))
    if record is not None and record.active:
        rec = "REC ❚❚" if record.paused else "● REC"
        parts.append(Text(f"{rec} {timecode(record.timecode)}", style="bold red"))
    else:
        parts.append(Text("REC off", style="dim"))
    return parts


def _unknown_outputs(stream: OutputState | None, record: OutputState | None) -> list[Text]:
    """OBS cannot be asked: say what was last seen, not what may have changed since."""
    was_live = stream is not None and stream.active
    was_recording = record is not None and record.active
    return [
        Text(f"STREAM ? (was {'LIVE' if was_live else 'offline'})", style="bold yellow"),
        Text(f"REC ? (was {'on' if was_recording else 'off'})", style="yellow"),
    ]
