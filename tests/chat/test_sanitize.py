"""Untrusted chat text: control characters, direction overrides, length."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamkit.chat.sanitize import ELLIPSIS, NAME_LIMIT, clean_name, clean_text


def test_control_characters_become_spaces_and_runs_collapse():
    assert clean_text("a\x00b\x07c\x1b[31md\ne\u2028f\u0085g", 100) == "a b c [31md e f g"


def test_direction_overrides_and_isolates_are_removed():
    assert clean_text("abc\u202edef\u2066g\u2069", 100) == "abcdefg"


def test_emoji_joiners_survive():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(family, 100) == family


def test_long_text_is_cut_with_an_ellipsis():
    cut = clean_text("x" * 50, 10)
    assert cut == "x" * 9 + ELLIPSIS and len(cut) == 10
    assert clean_text("word " * 10, 12) == "word word w" + ELLIPSIS


def test_names_have_a_limit_and_a_fallback():
    assert clean_name("\u202e\u202e", fallback="login") == "login"
    assert len(clean_name("n" * 40)) == NAME_LIMIT


def test_a_limit_below_one_is_a_mistake():
    with pytest.raises(ValueError):
        clean_text("x", 0)


@given(st.text(), st.integers(min_value=1, max_value=400))
def test_clean_text_never_returns_control_characters_or_more_than_the_limit(text, limit):
    cleaned = clean_text(text, limit)
    assert len(cleaned) <= limit
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in cleaned)
    assert "\n" not in cleaned and "\u202e" not in cleaned
    assert cleaned == cleaned.strip()
