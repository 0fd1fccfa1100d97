"""`streamkit health [--watch]`: stream health in the terminal, with alerts and fallback rules."""

from __future__ import annotations

import argparse
import sys
import time

from streamkit.commands import load_config

COLUMNS = (  # metric, label, format
    ("network_drops", "drops %", "{:.2f}"),
    ("bitrate", "kbps", "{:.0f}"),
    ("congestion", "congestion %", "{:.0f}"),
    ("fps", "fps", "{:.1f}"),
    ("cpu", "CPU %", "{:.0f}"),
    ("encoder_lag", "encoder lag %", "{:.1f}"),
    ("render_lag", "render lag %", "{:.1f}"),
)
STYLE = {"OK": "green", "WARN": "yellow", "ALARM": "bold white on red"}


# Top-level commands this module registers, with their help (listed by `streamkit --help`
# without building the rest of this module's parser)
COMMANDS = {
    "health": "stream health: drops, bitrate, congestion, fps, CPU",
}


def register(sub: argparse._SubParsersAction) -> None:
    health = sub.add_parser("health", help=COMMANDS["health"])
    health.add_argument(
        "--watch", action="store_true", help="a live table until Ctrl+C (default: one reading)"
    )
    health.add_argument(
        "--no-auto",
        action="store_true",
        help="never switch scenes automatically (degrade rules off)",
    )
    health.add_argument(
        "--log",
        metavar="FILE",
        help="append samples, alerts and actions to this JSONL session log "
        "(default with --watch: health.session_log in the config)",
    )
    health.set_defaults(handler=cmd_health)


def cmd_health(args: argparse.Namespace) -> int:
    from streamkit.health.monitor import StreamMonitor
    from streamkit.health.sessionlog import SessionLog, session_log_path
    from streamkit.obs.client import client_for

    config = load_config(args.config)
    path = args.log or (
        session_log_path(config.health.session_log, config.event or "stream", time.time())
        if args.watch
        else None
    )
    log = SessionLog(path) if path else None
    try:
        client = client_for(config.obs, reconnect=args.watch, subscriptions=0)
        if args.watch:
            wait_for_obs(client, f"{config.obs.host}:{config.obs.port}")
        with client:
            monitor = StreamMonitor(client, config.health, config.degrade, log=log)
            if args.no_auto:
                monitor.set_override(True)
            if args.watch:
                try:
                    _watch(monitor, config.health.poll_interval_s, path, log)
                finally:
                    print()  # end the live table's last line before any message
            else:
                monitor.sample_once()
                time.sleep(config.health.poll_interval_s)  # rates need two samples
                print(_plain(monitor.sample_once()))
    finally:
        if log is not None:
            log.close()
    return 0


def _plain(update) -> str:
    rows = [("stream", "LIVE" if update.metrics.live else "offline")]
    for metric, label, fmt in COLUMNS:
        value = getattr(update.metrics, metric)
        level = update.levels.get(metric)
        text = "-" if value is None else fmt.format(value)
        rows.append((label, f"{text}  {level.name if level else ''}".rstrip()))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def alert_line(event, clock: str) -> str:
    """`HH:MM:SS LEVEL message`: the message already carries its advice, if any."""
    return f"{clock} {event.level.name} {event.message}"


def wait_for_obs(client, where: str, sleep=time.sleep) -> None:
    """Connect, waiting for OBS as the TUI does: a refused password is final, an OBS that is
    not there yet is asked again (backing off to 5 s) until it answers or Ctrl+C."""
    from streamkit.obs.errors import ObsAuthFailed, ObsError

    delay, said = 0.5, ""
    while True:
        try:
            client.connect()
            if said:
                print(f"OBS at {where} answers", file=sys.stderr)
            return
        except ObsAuthFailed:
            raise
        except ObsError as exc:
            if exc.message != said:
                print(f"waiting for OBS ({exc.message}); Ctrl+C to stop", file=sys.stderr)
                said = exc.message
        sleep(delay)
        delay = min(delay * 2, 5.0)


def _watch(monitor, interval: float, path, log=None) -> None:
    from rich.console import Group
    from rich.live import Live
    from rich.text import Text

    from streamkit.obs.errors import ObsAuthFailed, ObsError

    history: list[str] = []
    outage_since: float | None = None
    with Live(Text("waiting for the first reading..."), refresh_per_second=4) as live:
        while True:
            started = time.monotonic()
            try:
                update = monitor.sample_once()
                if outage_since is not None:
                    lasted = round(time.time() - outage_since)
                    history.append(
                        f"{time.strftime('%H:%M:%S')} OK OBS reachable again ({lasted} s)"
                    )
                    if log is not None:
                        log.outage(time.time(), "ended")
                    outage_since = None
                history.extend(
                    alert_line(event, time.strftime("%H:%M:%S")) for event in update.alerts
                )
                for action in update.actions:
                    history.append(f"{time.strftime('%H:%M:%S')} AUTO {action.message}")
                live.update(
                    Group(
                        _table(update),
                        Text("\n".join(history[-8:])),
                        Text(f"session log: {path}" if path else "", style="dim"),
                    )
                )
            except ObsAuthFailed:
                raise  # the password changed: retrying cannot help, say so and exit 4
            except ObsError as exc:
                if outage_since is None:  # an alarm once per outage, in the log file too
                    outage_since = time.time()
                    history.append(
                        f"{time.strftime('%H:%M:%S')} ALARM OBS unreachable — {exc.message}"
                    )
                    if log is not None:
                        log.outage(outage_since, "began", exc.message)
                live.update(
                    Group(
                        Text(f"OBS unreachable: {exc.message} — retrying", style="bold red"),
                        Text("\n".join(history[-8:])),
                    )
                )
            time.sleep(max(0.0, interval - (time.monotonic() - started)))


def _table(update):
    from rich.table import Table

    table = Table(title="LIVE" if update.metrics.live else "offline", expand=False)
    for _, label, _ in COLUMNS:
        table.add_column(label, justify="right")
    cells = []
    for metric, _, fmt in COLUMNS:
        value = getattr(update.metrics, metric)
        level = update.levels.get(metric)
        text = "-" if value is None else fmt.format(value)
        cells.append(f"[{STYLE.get(level.name, '') if level else ''}]{text}[/]" if level else text)
    table.add_row(*cells)
    return table
