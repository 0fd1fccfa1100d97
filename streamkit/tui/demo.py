"""`streamkit demo`: the TUI on an in-process simulated meetup, with a scripted network hiccup."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from streamkit.chat.replay import DEMO_CHAT, ReplayChat
from streamkit.chat.settings import ChatSettings
from streamkit.health.monitor import StreamMonitor
from streamkit.health.settings import DegradeSettings
from streamkit.obs.client import ObsClient
from streamkit.show.settings import Segment, ShowSettings
from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import DEMO_NDI_SENDERS, demo_state
from streamkit.tui.chat import AudiencePanel, audience_panel
from streamkit.tui.controller import ShowController
from streamkit.tui.health_feed import MonitorFeed

DEMO_EVENT = "Demo Meetup #42"
SPEAKER, SCREEN, GALLERY = DEMO_NDI_SENDERS
DEMO_SHOW = ShowSettings(
    ndi_senders=list(DEMO_NDI_SENDERS),
    segments=[
        Segment(title="Doors open", scene="Starting Soon"),
        Segment(
            title="Welcome",
            scene="Speaker",
            ndi={"NDI Speaker": SPEAKER},
            text={"Lower Third": "Welcome to Demo Meetup #42"},
        ),
        Segment(
            title="Talk 1: Ada",
            scene="Speaker + Slides",
            ndi={"NDI Speaker": SPEAKER, "NDI Screen": SCREEN},
            text={"Lower Third": "Ada Lovelace — Engines of thought"},
        ),
        Segment(title="Break", scene="Be Right Back"),
        Segment(
            title="Panel / Q&A",
            scene="Panel / Q&A",
            ndi={"NDI Speaker": GALLERY},
        ),
        Segment(title="Goodbye", scene="Thanks for Watching"),
    ],
)

# While the stream reconnects, viewers see the fallback scene; back 3 s after it recovers.
DEMO_DEGRADE = DegradeSettings.model_validate(
    {
        "enabled": True,
        "rules": [
            {
                "trigger": "reconnecting",
                "fallback_scene": "Technical Difficulties",
                "restore_after_s": 3,
            }
        ],
    }
)

# The audience: a replayed chat with a few questions (offline), picked onto the Lower Third.
DEMO_CHAT_SETTINGS = ChatSettings(channel="demomeetup", wrap_chars=48)

# The hiccup, repeated every CYCLE_S seconds: (seconds into the cycle, what happens). The
# README and `streamkit demo --help` say when the first comes and how often.
CYCLE_S = 90.0
CYCLES = 20


def hiccup_script(sim: SimulatorThread) -> list[tuple[float, Callable[[], Any]]]:
    """Congestion with dropped frames (an alarm), recovery, then a short stream reconnect."""
    cycle: list[tuple[float, Callable[[], Any]]] = [
        (20.0, lambda: sim.congest(0.45, 0.03)),
        (28.0, lambda: sim.congest(0.85, 0.12)),
        (45.0, sim.clear_congestion),
        (65.0, lambda: sim.reconnect_stream(4.0)),
    ]
    return [(n * CYCLE_S + at, action) for n in range(CYCLES) for at, action in cycle]


@contextmanager
def demo_controller() -> Iterator[ShowController]:
    """A simulated meetup, already live, with its controller; stopped on exit."""
    password = secrets.token_urlsafe(16)
    with SimulatorThread(password=password, state=demo_state()) as sim:
        sim.start_stream()
        sim.sim.schedule(hiccup_script(sim))
        client = ObsClient(sim.host, sim.port, password, backoff_cap=2.0)
        health = MonitorFeed(StreamMonitor(client, degrade=DEMO_DEGRADE))
        yield ShowController(client, DEMO_SHOW, event_name=DEMO_EVENT, health=health)


def demo_audience(controller: ShowController, speed: float = 1.0) -> AudiencePanel:
    """The demo's audience panel: the built-in chat replay, questions to the Lower Third."""
    source = ReplayChat(DEMO_CHAT, DEMO_CHAT_SETTINGS.channel, speed=speed)
    return audience_panel(DEMO_CHAT_SETTINGS, controller.control, source=source)
