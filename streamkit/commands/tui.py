"""`streamkit tui` (show control for the configured OBS) and `streamkit demo` (simulated)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from streamkit.commands import load_config
from streamkit.errors import StreamkitError

if TYPE_CHECKING:
    from streamkit.config import Config
    from streamkit.tui.controller import ShowController

log = logging.getLogger(__name__)


# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "tui": "show control in the terminal: scenes, NDI, audio, stream health, run of show",
    "demo": "the show-control screen on a simulated meetup (no OBS needed)",
}


def register(sub: argparse._SubParsersAction) -> None:
    tui = sub.add_parser(
        "tui",
        help=COMMANDS["tui"],
        description="Open the show-control screen for the OBS named in the config "
        "(press ? inside for the keys). It keeps reconnecting when OBS goes away.",
    )
    tui.set_defaults(handler=cmd_tui)
    demo = sub.add_parser(
        "demo",
        help=COMMANDS["demo"],
        description="Run the TUI against a built-in OBS simulator: a live demo meetup with "
        "scenes, NDI senders, audio and a run of show, and a network hiccup 20 s in, then "
        "every 90 s (congestion, dropped frames, a reconnect) so the alerts can be seen. "
        "The audience panel replays a chat with a few questions (offline): pick one onto the "
        "Lower Third with w, take it off with x.",
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_tui(args: argparse.Namespace) -> int:
    from streamkit.commands.chat import audience_for
    from streamkit.tui.app import StreamkitApp

    config = load_config(args.config)
    controller = controller_for(config)
    app = StreamkitApp(controller)
    app.main.audience = audience_for(config, controller)  # chat and questions, if configured
    app.run()
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
        client,
        config.show,
        event_name=config.event,
        health=MonitorFeed(monitor),
        tui=config.tui,
        notices=pending_stop_notices(config),
    )


def pending_stop_notices(config: Config) -> Callable[[], list[str]]:
    """Reads the WorkSpace stops the schedule could not make (someone stayed connected): the
    local runner's, and the cloud function's when the WorkSpace is named. AWS not readable:
    the local ones only (and a warning in the log)."""
    from streamkit.aws.schedule.pending import all_pending_stops

    schedule, workspace = config.schedule, config.workspace
    manager: Any = None

    def read() -> list[str]:
        nonlocal manager
        tags = None
        if workspace.workspace_id:
            from streamkit.aws.session import make_client
            from streamkit.aws.workspace.api import WorkspaceManager

            try:
                if manager is None:
                    manager = WorkspaceManager(
                        make_client("workspaces", workspace.region), workspace
                    )
                tags = manager.tags(workspace.workspace_id)
            except StreamkitError as exc:
                log.warning("pending stops: cannot read the WorkSpace's tags (%s)", exc.message)
        jobstore = schedule.runner.jobstore.expanduser()
        now = datetime.now(UTC)
        return [
            f"STOP PENDING: {stop.summary(now)} — the WorkSpace keeps billing; once nobody "
            "needs it, `streamkit schedule ack` (or disconnect)"
            for stop in all_pending_stops(jobstore, schedule.retry_policy(), tags)
        ]

    return read


def cmd_demo(args: argparse.Namespace) -> int:
    from streamkit.tui.app import StreamkitApp
    from streamkit.tui.demo import demo_audience, demo_controller

    with demo_controller() as controller:
        app = StreamkitApp(controller)
        app.main.audience = demo_audience(controller)  # a replayed chat with questions
        app.run()
    return 0
