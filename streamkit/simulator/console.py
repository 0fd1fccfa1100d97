"""Fault commands typed into a running `streamkit simulate`, one per line."""

from __future__ import annotations

import shlex
import time
from typing import Any

from streamkit.simulator.req_outputs import CONNECT_TIMEOUT, stream_target

HELP = """\
commands:
  congest LEVEL [DROP_RATIO]  network congestion 0..1, skipping DROP_RATIO of frames
  clear                       end the congestion
  reconnect SECONDS           the stream reconnects for SECONDS
  ndi-remove NAME             an NDI sender disappears (quote names with spaces)
  ndi-add NAME                an NDI sender appears
  ndi-list                    the NDI senders on the network
  stream start|stop           start or stop streaming
  crash [SECONDS]             OBS dies; it comes back after SECONDS (or on `recover`)
  recover                     bring a crashed OBS back
  help                        this list"""


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what} must be a number, not {text!r}") from None


def run_command(sim: Any, line: str) -> str:
    """Apply one command line to `sim` (a Simulator); the answer to print. ValueError: bad input."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise ValueError(f"cannot read that line: {exc}") from None
    if not words:
        return ""
    command, args = words[0].lower(), words[1:]
    if command == "help":
        return HELP
    if command == "congest" and len(args) in (1, 2):
        level = _number(args[0], "LEVEL")
        drop = _number(args[1], "DROP_RATIO") if len(args) == 2 else 0.0
        sim.congest(level, drop)
        return f"congestion {level:g}, dropping {drop:.0%} of frames"
    if command == "clear" and not args:
        sim.clear_congestion()
        return "network healthy"
    if command == "reconnect" and len(args) == 1:
        seconds = _number(args[0], "SECONDS")
        if seconds <= 0:
            raise ValueError("SECONDS must be positive")
        done = sim.reconnect_stream(seconds)
        return f"stream reconnecting for {seconds:g} s" if done else "not streaming"
    if command == "ndi-remove" and len(args) == 1:
        return "removed" if sim.remove_ndi_sender(args[0]) else f"no sender {args[0]!r}"
    if command == "ndi-add" and len(args) == 1:
        return "added" if sim.add_ndi_sender(args[0]) else f"{args[0]!r} is there already"
    if command == "ndi-list" and not args:
        return "\n".join(sim.call(lambda: list(sim.state.ndi_senders))) or "(none)"
    if command == "stream" and args in (["start"], ["stop"]):
        if args == ["start"]:
            return _start_stream(sim) if sim.start_stream() else "already streaming"
        return "stream stopped" if sim.stop_stream() else "not streaming"
    if command == "crash" and len(args) <= 1:
        down_for = _number(args[0], "SECONDS") if args else None
        sim.crash(down_for)
        return f"crashed; back in {down_for:g} s" if down_for else "crashed; `recover` to restart"
    if command == "recover" and not args:
        sim.recover()
        return "back up"
    raise ValueError(f"unknown command or arguments: {line.strip()!r} (try `help`)")


def _start_stream(sim: Any) -> str:
    """Wait for the simulated connect to the profile's server to end, and say how it went."""
    deadline = time.monotonic() + CONNECT_TIMEOUT + 1.0
    while sim.stream_phase() == "connecting" and time.monotonic() < deadline:
        time.sleep(0.02)
    if sim.stream_phase() == "live":
        return "streaming"
    if sim.call(lambda: stream_target(sim.state)) is None:
        return "stream not started: no server configured in the profile"
    return "stream not started: the server did not answer"
