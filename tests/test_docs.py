"""The README's reference is generated from the code: it must be up to date."""

from __future__ import annotations

from pathlib import Path

from streamkit.docs import END, START, reference

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_reference_is_current():
    text = README.read_text(encoding="utf-8")
    block = START + text.split(START, 1)[1].split(END, 1)[0] + END
    assert block == reference(), "run: python -m streamkit.docs --write README.md"


def test_reference_lists_every_command_and_section():
    text = reference()
    for needle in (
        "streamkit obs import",
        "streamkit show ndi switch",
        "streamkit workspace stop",
        "streamkit schedule deploy",
        "`obs.stream_key`",
        "`calendar.events[].rrule`",
    ):
        assert needle in text
