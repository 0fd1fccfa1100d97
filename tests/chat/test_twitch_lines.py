"""Twitch's IRCv3 tag format, read from lines in the shape Twitch sends."""

from __future__ import annotations

import pytest

from streamkit.chat.irc import build, parse_line, parse_tags, unescape_tag_value
from streamkit.chat.message import ChatDeletion, deletion_from, message_from
from tests.chat.twitchlines import line_with, twitch_lines

CHANNEL = "serverlessmeetup"


def _messages():
    parsed = [parse_line(raw) for raw in twitch_lines()]
    return [m for line in parsed if line and (m := message_from(line, 300, now=0.0))]


def test_every_recorded_line_parses():
    lines = twitch_lines()
    assert len(lines) > 20
    for raw in lines:
        line = parse_line(raw)
        assert line is not None, raw
        assert line.command.isupper() or line.command.isdigit()


def test_privmsg_tags_give_display_name_roles_colour_and_time():
    by_login = {m.login: m for m in _messages()}
    host = by_login["serverlessmeetup"]
    assert (host.author, host.role, host.colour) == ("ServerlessMeetup", "broadcaster", "#8A2BE2")
    assert host.t == pytest.approx(1778781600.123)
    assert host.id == "0c9a7e52-4b1d-4f39-9a55-1f0e2d3c4b5a"
    assert host.channel == CHANNEL
    assert by_login["mod_marta"].role == "moderator"
    assert by_login["sam_vip"].role == "vip"
    assert by_login["sam_vip"].colour == ""  # never set by the user
    bert = by_login["bytebert"]
    assert bert.roles == frozenset({"subscriber"})
    assert bert.author == "ByteBert"
    assert by_login["kim_k8s"].role == ""


def test_a_non_latin_display_name_and_text_are_kept():
    nao = next(m for m in _messages() if m.login == "nao_kaiseki")
    assert nao.author == "解析_ナオ"
    assert nao.text == "? 日本語の字幕はありますか"


def test_me_actions_are_marked_and_lose_their_ctcp_wrapping():
    claps = next(m for m in _messages() if m.action)
    assert (claps.author, claps.text) == ("ByteBert", "claps")


def test_reply_tags_unescape_spaces():
    line = parse_line(line_with("reply-parent-msg-body"))
    assert line.tags["reply-parent-msg-body"] == (
        "Q: Does the fallback scene kick in when the uplink drops?"
    )
    assert line.params[-1] == "@ByteBert good one; I want to know too"


def test_untrusted_text_arrives_plain():
    troll = next(m for m in _messages() if m.login == "tr0ll")
    assert "\u202e" not in troll.text and "\u202c" not in troll.text
    assert "[bold red]LOOK[/]" in troll.text  # kept as characters; the TUI never parses it


def test_moderation_lines_become_deletions():
    deletions = [
        d for raw in twitch_lines() if (line := parse_line(raw)) and (d := deletion_from(line))
    ]
    assert deletions == [
        ChatDeletion(CHANNEL, message_id="bad0bad0-0000-4000-8000-000000000002"),
        ChatDeletion(CHANNEL, login="tr0ll"),
        ChatDeletion(CHANNEL),
    ]


def test_lines_that_are_not_chat_messages_are_not_messages():
    for needle in ("USERNOTICE", "ROOMSTATE", " JOIN ", "RECONNECT", "PING"):
        assert message_from(parse_line(line_with(needle)), 300) is None


def test_tag_value_escapes():
    assert unescape_tag_value(r"a\sb\:c\\d\re\nf") == "a b;c\\d\re\nf"
    assert unescape_tag_value("trailing\\") == "trailing"
    assert unescape_tag_value(r"\x") == "x"
    assert parse_tags("a=1;b;c=;a=2") == {"a": "2", "b": "", "c": ""}


def test_line_shapes():
    line = parse_line(":nick!user@host PRIVMSG #chan :hello :) there")
    assert (line.nick, line.command) == ("nick", "PRIVMSG")
    assert line.params == ("#chan", "hello :) there")
    assert parse_line("PING :tmi.twitch.tv").params == ("tmi.twitch.tv",)
    assert parse_line(":srv 366 me #chan :End").params == ("me", "#chan", "End")
    assert parse_line("") is None
    assert parse_line("@a=b") is None
    assert parse_line(":only-a-prefix") is None


def test_built_lines_cannot_smuggle_a_second_command():
    assert build("PRIVMSG", "#c", trailing="hi\r\nQUIT :bye") == "PRIVMSG #c :hi  QUIT :bye\r\n"
    for bad in ("#c d", ":x", "", "a\nb"):
        with pytest.raises(ValueError):
            build("JOIN", bad)


def test_messages_to_other_channels_or_users_are_not_chat():
    assert message_from(parse_line(":a!a@a PRIVMSG justinfan1 :psst"), 300) is None
    assert message_from(parse_line(":a!a@a PRIVMSG #c :   "), 300) is None  # nothing left


def test_timestamps_fall_back_to_arrival():
    line = parse_line("@tmi-sent-ts=soon :a!a@a PRIVMSG #c :hi")
    assert message_from(line, 300, now=12.5).t == 12.5
