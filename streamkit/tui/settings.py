"""The `tui` section of streamkit.yaml: key remapping and how much history the plots keep."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from streamkit.config_base import Section
from streamkit.tui.keymap import ACTION_IDS

# Textual key names: a letter or digit, a name like `f5` / `question_mark`, with modifiers.
KEY = re.compile(r"^((ctrl|shift|alt|super)\+)*[a-z0-9_]+$")


class TuiSettings(Section):
    """How the show-control screen behaves."""

    keys: dict[str, str] = Field(
        default_factory=dict,
        description="action -> key(s), e.g. {stream: f9, mute: 'm,f10'}; see `?` in the TUI",
    )
    history_s: int = Field(
        default=180, ge=30, le=3600, description="seconds of health history in the plots"
    )
    poll_interval_s: float = Field(
        default=1.0, ge=0.2, le=10, description="how often OBS's state and stats are read"
    )

    @field_validator("keys")
    @classmethod
    def _known_actions(cls, keys: dict[str, str]) -> dict[str, str]:
        for action, value in keys.items():
            if action not in ACTION_IDS:
                known = ", ".join(sorted(ACTION_IDS))
                raise ValueError(f"unknown action {action!r}; actions: {known}")
            for key in value.split(","):
                if not KEY.match(key.strip()):
                    raise ValueError(
                        f"{action}: {key.strip()!r} is not a key name "
                        "(use e.g. 'f9', 'x', 'ctrl+s', 'question_mark')"
                    )
        return keys
