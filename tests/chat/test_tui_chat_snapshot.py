"""What the audience panel looks like, pinned: fixed messages and times, no live chat."""

from __future__ import annotations

import time

import pytest

from streamkit.chat.message import ChatMessage
from streamkit.tui.chat import AudiencePanel
from tests.chat.test_tui_chat import TROLL, PanelApp

T0 = 1778781600.0  # 2026-05-14 18:00 UTC


def _message(n: int, login: str, author: str, text: str, roles=(), colour="") -> ChatMessage:
    return ChatMessage(
        id=f"m{n}",
        t=T0 + 30 * n,
        channel="meetup",
        login=login,
        author=author,
        text=text,
        roles=frozenset(roles),
        colour=colour,
    )


CHAT = [
    _message(0, "meetup", "Meetup", "Welcome! Ask with Q: at any time", ["broadcaster"], "#8A2BE2"),
    _message(1, "marta", "Mod_Marta", "Please keep it friendly", ["moderator"], "#00FF7F"),
    _message(2, "bert", "ByteBert", "Q: Does the fallback scene kick in on drops?", ["subscriber"]),
    _message(3, "sam", "Sam_VIP", "great talk so far", ["vip"]),
    _message(4, "tr0ll", "Tr0ll", TROLL),
    _message(5, "nao", "解析_ナオ", "? 日本語の字幕はありますか", colour="#FF69B4"),
    _message(6, "kim", "kim_k8s", "how do you keep the stream key out of git?"),
]


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_audience_panel_snapshot(snap_compare, utc):
    panel = AudiencePanel(None, None, clock=lambda: T0 + 300, live=False)
    app = PanelApp(panel)

    async def fill(pilot) -> None:
        for message in CHAT:
            panel.feed(message)
        panel.drain()
        panel.queue.mark(CHAT[6], T0 + 200)
        panel.queue.show("m2", T0 + 240)
        panel.chat.focus()
        await pilot.press("up", "up")
        panel.questions.refresh()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=fill)
