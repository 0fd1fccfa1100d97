"""Input settings the show writes while it runs (texts, NDI senders): live values, not drift."""

from __future__ import annotations

from collections.abc import Iterable

from streamkit.show.ndi import SENDER_SETTING
from streamkit.show.settings import ShowSettings

TEXT_SETTING = "text"


def show_owned_settings(
    show: ShowSettings, text_inputs: Iterable[str] = ()
) -> dict[str, frozenset[str]]:
    """input name -> the setting keys the run of show, `show text` and the questions panel
    (`text_inputs`) write during the event."""
    owned: dict[str, set[str]] = {show.lower_third: {TEXT_SETTING}}
    for name in text_inputs:
        owned.setdefault(name, set()).add(TEXT_SETTING)
    for segment in show.segments:
        for name in segment.text:
            owned.setdefault(name, set()).add(TEXT_SETTING)
        for name in segment.ndi:
            owned.setdefault(name, set()).add(SENDER_SETTING)
    return {name: frozenset(keys) for name, keys in owned.items()}
