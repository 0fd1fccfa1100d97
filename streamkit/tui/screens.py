"""The dialogs: confirm a stop, edit the lower third, pick an NDI sender, list the keys."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no with the safe answer focused; `y` confirms, `n` or Esc cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, confirm_label: str = "Yes") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.confirm_label} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class LowerThirdScreen(ModalScreen[str | None]):
    """Edit the lower-third text: Enter applies, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, input_name: str, text: str) -> None:
        super().__init__(classes="dialog-screen")
        self.input_name = input_name
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Lower third ({self.input_name}) — Enter applies, Esc cancels")
            yield Input(value=self.text, id="lower-third-text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SenderScreen(ModalScreen[str | None]):
    """Pick an NDI sender: a digit or Enter applies at once; Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, input_name: str, current: str) -> None:
        super().__init__(classes="dialog-screen")
        self.input_name = input_name
        self.current = current
        self.senders: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Sender for {self.input_name} (now: {self.current or 'none'})")
            yield Static("refreshing the sender list…", id="sender-status")
            yield OptionList(id="senders")

    def show_senders(self, senders: Sequence[str], source: str) -> None:
        """Fill the list (called by the app once the senders are read)."""
        self.senders = list(senders)
        options = self.query_one("#senders", OptionList)
        options.clear_options()
        for i, name in enumerate(self.senders):
            label = Text.assemble((f"{i + 1} " if i < 9 else "  ", "dim"), name)
            if name == self.current:
                label.append("  (current)", style="dim")
            options.add_option(Option(label, id=f"sender-{i}"))
        origin = "from OBS" if source == "obs" else "from the config (OBS lists none)"
        status = f"{len(self.senders)} sender(s) {origin}" if self.senders else "no senders found"
        self.query_one("#sender-status", Static).update(status)
        if self.senders:
            options.highlighted = (
                self.senders.index(self.current) if self.current in self.senders else 0
            )
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.senders):
            self.dismiss(self.senders[index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class KeysScreen(ModalScreen[None]):
    """Every key of the main screen with what it does (after remapping)."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self.rows = rows

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in self.rows)
        table = Text()
        for keys, description in self.rows:
            table.append(f"{keys:>{width}}  ", style="bold cyan")
            table.append(f"{description}\n")
        table.rstrip()
        with Vertical(classes="dialog keys"):
            yield Label("Keys (Esc closes; Ctrl+P opens the command palette)")
            with VerticalScroll():
                yield Static(table, id="keys-table")

    def action_close(self) -> None:
        self.dismiss(None)
