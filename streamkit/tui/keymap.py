"""Every show-control action with its default key: the one list bindings, help and palette use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyAction:
    """An action of the main screen; `id` is the name used to remap it in the config."""

    id: str
    key: str
    action: str
    description: str
    footer: str = ""  # short label in the footer; empty: not shown there


ACTIONS: tuple[KeyAction, ...] = (
    *(
        KeyAction(f"scene_{n}", str(n), f"scene({n - 1})", f"Scene {n} (preview in studio mode)")
        for n in range(1, 10)
    ),
    KeyAction("transition", "t", "transition", "Transition preview to program", "Transition"),
    KeyAction("studio_mode", "v", "toggle_studio", "Studio mode on/off"),
    KeyAction("next_segment", "n", "next_segment", "Next run-of-show segment", "Next"),
    KeyAction("prev_segment", "p", "prev_segment", "Previous run-of-show segment"),
    KeyAction("ndi_slot", "i", "next_ndi_slot", "Select the next NDI slot"),
    KeyAction("ndi_sender", "e", "pick_sender", "Pick the sender of the selected NDI slot", "NDI"),
    KeyAction("audio_input", "a", "next_audio", "Select the next audio input"),
    KeyAction("mute", "m", "toggle_mute", "Mute/unmute the selected audio input", "Mute"),
    KeyAction("volume_up", "plus,equals_sign", "volume(1)", "Selected input 1 dB louder"),
    KeyAction("volume_down", "minus", "volume(-1)", "Selected input 1 dB quieter"),
    KeyAction("stream", "s", "toggle_stream", "Start/stop the stream", "Stream"),
    KeyAction("record", "r", "toggle_record", "Start/stop recording", "Record"),
    KeyAction("lower_third", "l", "edit_lower_third", "Edit the lower third", "Lower third"),
    KeyAction("auto_actions", "o", "toggle_auto_actions", "Auto-actions on/off (override)"),
    KeyAction("mark_question", "f", "mark_question", "Mark the selected chat message a question"),
    KeyAction("show_question", "w", "show_question", "Put the selected question on screen"),
    KeyAction("clear_question", "x", "clear_question", "Take the question off screen"),
    KeyAction("keys", "question_mark", "show_keys", "List the keys", "Keys"),
    KeyAction("quit", "q", "quit", "Quit", "Quit"),
)
ACTION_IDS = frozenset(a.id for a in ACTIONS)


def key_label(keys: str) -> str:
    """How a binding's keys read on screen: 'plus,equals_sign' -> '+ ='."""
    names = {
        "plus": "+",
        "minus": "-",
        "equals_sign": "=",
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "comma": ",",
        "full_stop": ".",
        "space": "Space",
        "enter": "Enter",
        "escape": "Esc",
    }
    return " ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))
