"""Lines in the format of Twitch's IRC documentation (tags reference, commands) are read as
Twitch means them: names, badges, roles, colour, time; moderation; the rest is not chat."""

from __future__ import annotations

import pytest

from streamkit.chat.irc import parse_line
from streamkit.chat.message import ChatDeletion, deletion_from, message_from
from tests.chat.twitchlines import documented, documented_lines

CHANNEL = "meetuphost"
COMMANDS = {
    "PRIVMSG", "CLEARCHAT", "CLEARMSG", "GLOBALUSERSTATE", "NOTICE", "ROOMSTATE", "USERNOTICE",
    "USERSTATE", "RECONNECT",
}  # fmt: skip


def _messages():
    return {
        m.login: m for line in documented("PRIVMSG") if (m := message_from(parse_line(line), 300))
    }


def test_every_documented_line_has_its_source_and_parses():
    pairs = documented_lines()
    assert {parse_line(line).command for _, line in pairs} == COMMANDS
    for source, line in pairs:
        assert source.startswith("https://dev.twitch.tv/docs/irc/"), source
        parsed = parse_line(line)
        assert parsed is not None and parsed.prefix.endswith("tmi.twitch.tv"), line


def test_privmsg_names_roles_colour_and_time():
    by_login = _messages()
    host = by_login["meetuphost"]
    assert (host.author, host.role, host.colour) == ("MeetupHost", "broadcaster", "#0000FF")
    assert host.t == pytest.approx(1700000000.123)
    assert (host.channel, host.id) == (CHANNEL, "5d2c7a10-3b4e-4f6a-9c8d-2e1f0a9b8c7d")
    rosa = by_login["rosa_dev"]
    assert (rosa.author, rosa.roles, rosa.colour) == ("Rosa_Dev", frozenset(), "#0D4200")
    assert rosa.text == "Kappa Keepo Kappa"  # emotes are ranges in a tag; the text stays words
    assert by_login["cheery"].text == "cheer100" and by_login["cheery"].colour == ""
    assert by_login["veeip"].role == "vip"
    assert by_login["veeip"].text == "Q: will the slides be online?"
    mod = by_login["modmo"]
    assert mod.roles == frozenset({"moderator", "subscriber"}) and mod.role == "moderator"
    assert mod.t == pytest.approx(1700000040.345)


def test_badges_and_emote_tags_keep_their_documented_shape():
    rosa = parse_line(documented("PRIVMSG")[1])
    assert rosa.tags["emotes"] == "25:0-4,12-16/1902:6-10"
    assert rosa.tags["badges"] == "turbo/1"
    mod = parse_line(documented("PRIVMSG")[4])
    assert mod.tags["badge-info"] == "subscriber/8"
    assert mod.tags["flags"] == ""


def test_moderation_lines_become_deletions():
    lines = documented("CLEARCHAT") + documented("CLEARMSG")
    assert [deletion_from(parse_line(line)) for line in lines] == [
        ChatDeletion(CHANNEL),
        ChatDeletion(CHANNEL, login="spammer42"),
        ChatDeletion(CHANNEL, login="spammer42"),
        ChatDeletion(CHANNEL, message_id="3a6d9f2c-8e1b-4c57-a0d4-b7e2f5c8a1d3"),
    ]


@pytest.mark.parametrize(
    "command", ["GLOBALUSERSTATE", "NOTICE", "ROOMSTATE", "USERNOTICE", "USERSTATE", "RECONNECT"]
)
def test_other_commands_are_neither_chat_nor_deletions(command):
    for line in documented(command):
        parsed = parse_line(line)
        assert message_from(parsed, 300) is None and deletion_from(parsed) is None


def test_usernotice_and_notice_tags_unescape():
    resub = parse_line(documented("USERNOTICE")[0])
    assert resub.tags["system-msg"] == "Subby has subscribed for 6 months!"
    assert resub.params[-1] == "Great stream -- keep it up!"
    raid = parse_line(documented("USERNOTICE")[1])
    assert raid.tags["system-msg"] == "15 raiders from RaidLead have joined\n!"
    suspended = parse_line(documented("NOTICE")[2])
    assert suspended.tags["msg-id"] == "msg_channel_suspended"
    assert suspended.params == (
        "#suspendedmeetup",
        "This channel does not exist or has been suspended.",
    )
