"""`streamkit tui` (show control for the configured OBS) and `streamkit demo` (simulated)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from streamkit.commands import load_config

if TYPE_CHECKING:
    from streamkit.config import Config
    from streamkit.tui.controller import ShowController


def register(sub: argparse._SubParsersAction) -> None:
    tui = sub.add_parser(
        "tui",
        help="show control in the terminal: scenes, NDI, audio, stream health, run of show",
        description="Open the show-control screen for the OBS named in the config "
        "(press ? inside for the keys). It keeps reconnecting when OBS goes away.",
    )
    tui.set_defaults(handler=cmd_tui)
    demo = sub.add_parser(
        "demo",
        help="the show-control screen on a simulated meetup (no OBS needed)",
        description="Run the TUI against a built-in OBS simulator: a live demo meetup with "
        "scenes, NDI senders, audio and a run of show, and a network hiccup every 90 s "
        "(congestion, dropped frames, a reconnect) so the alerts can be seen.",
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_tui(args: argparse.Namespace) -> int:
    from streamkit.tui.app import StreamkitApp

    StreamkitApp(controller_for(load_config(args.config))).run()
    return 0


def controller_for(config: Config, **client_options: object) -> ShowController:
    """The TUI's controller for the config's OBS (not connected yet), with the config's show,
    health, fallback-rule and TUI settings."""
    from streamkit.health.monitor import StreamMonitor
    from streamkit.obs.client import client_for
    from streamkit.tui.controller import ShowController
    from streamkit.tui.health_feed import MonitorFeed

    client = client_for(config.obs, **client_options)
    monitor = StreamMonitor(client, config.health, config.degrade)
    return ShowController(
        client, config.show, event_name=config.event, health=MonitorFeed(monitor), tui=config.tui
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from streamkit.tui.app import StreamkitApp
    from streamkit.tui.demo import demo_controller

    with demo_controller() as controller:
        StreamkitApp(controller).run()
    return 0
