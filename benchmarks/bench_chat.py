"""CPU of the TUI with a busy audience chat: `python benchmarks/bench_chat.py [-d 60]`.

The whole TUI (StreamkitApp, as in bench_tui.py) runs headless at 160x45 in a child process
against the simulator, with `chat.channel` set, while chat arrives at 50 messages a second (every
tenth a question): from the built-in replay (parsing included), and from a real IRC server
(ngircd on loopback) through the chat client, where it can be started. The same TUI without a
chat is the baseline: the difference is the chat's cost. Target: the TUI with the chat under 5 %
of one core; the exit status is 1 when a chat row is over it.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import live_simulator, measured_tui, print_result, run_child  # noqa: E402

TARGET_CPU_PCT = 5.0
RATE = 50.0  # chat messages a second
CHANNEL = "benchmeetup"
MODES = ("none", "replay", "irc")


def chat_line(n: int) -> str:
    return f"{'Q: ' if n % 10 == 0 else ''}message number {n} 👋"


# -- the measured process ----------------------------------------------------------------------


def child(mode: str, host: str, port: int, irc_port: int, duration: float) -> int:
    """The TUI against the simulator at host:port, with the chat of `mode`; one RESULT line."""
    from streamkit.chat.replay import ReplayChat, Said
    from streamkit.chat.settings import ChatSettings
    from streamkit.tui.chat import audience_panel

    received = [0]
    panels = []

    def audience(controller):
        if mode == "none":
            return None
        settings = ChatSettings(
            channel=CHANNEL, host="127.0.0.1", port=irc_port or 6697, tls=False, wrap_chars=40
        )
        source = None
        if mode == "replay":
            script = [Said(1 / RATE, f"viewer{n}", chat_line(n)) for n in range(100)]
            source = ReplayChat(script, CHANNEL)
        panel = audience_panel(settings, controller.control, source=source)
        panel.source.on_message(lambda _message: received.__setitem__(0, received[0] + 1))
        panels.append(panel)
        return panel

    def on_start(result: dict[str, float]) -> None:
        result["n0"] = received[0]

    def on_done(app, result: dict[str, float]) -> None:
        result["rate"] = (received[0] - result["n0"]) / result["elapsed"]
        result["questions"] = len(panels[0].queue) if panels else 0

    result = measured_tui(
        host, port, duration, time.time(), audience=audience, on_start=on_start, on_done=on_done
    )
    return print_result(result)


def measure(mode: str, duration: float, irc_port: int = 0) -> dict[str, float]:
    with live_simulator() as sim:
        command = [sys.executable, __file__, "--child", mode, sim.host, str(sim.port)]
        command += [str(irc_port), "--duration", str(duration)]
        return run_child(command, sim.password, timeout=duration + 60)


def against_irc(duration: float) -> dict[str, float] | str:
    """50 messages a second through ngircd, read by the chat client in the TUI."""
    from tests.chat.ircd import IrcServer, Poster
    from tests.realobs import TestBedUnavailable

    server = IrcServer()
    try:
        server.start()
    except TestBedUnavailable as exc:
        server.cleanup()
        return f"skipped: {str(exc).splitlines()[0]}"
    stop = threading.Event()
    try:
        poster = Poster(server, "benchposter", CHANNEL)

        def feed() -> None:  # from before the TUI starts until after it stops
            n, start = 0, time.monotonic()
            while not stop.is_set():
                poster.say(chat_line(n))
                n += 1
                stop.wait(max(0.0, start + n / RATE - time.monotonic()))

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            return measure("irc", duration, server.port)
        finally:
            stop.set()
            feeder.join(timeout=5)
            poster.close()
    finally:
        server.cleanup()


# -- the table ---------------------------------------------------------------------------------


def over_target(row: dict[str, float] | str) -> bool:
    return not isinstance(row, str) and row["cpu_pct"] > TARGET_CPU_PCT


def table(baseline: dict[str, float], rows: list[tuple[str, dict[str, float] | str]]) -> str:
    duration = baseline["elapsed"]
    lines = [
        f"TUI for {duration:.0f} s against the simulator (headless 160x45), chat at {RATE:g}/s",
        f"{'TUI':<28} {'CPU % core':>11} {'chat costs':>11} {'msgs/s':>7} {'questions':>10}",
        f"{'without chat (baseline)':<28} {baseline['cpu_pct']:>9.2f}   {'':>11} {'':>7} {'':>10}",
    ]
    for name, row in rows:
        if isinstance(row, str):
            lines.append(f"{name:<28} {row}")
            continue
        mark = " !" if over_target(row) else ""
        cost = row["cpu_pct"] - baseline["cpu_pct"]
        lines.append(
            f"{name:<28} {row['cpu_pct']:>9.2f}{mark:2} {cost:>+10.2f}"
            f" {row['rate']:>7.1f} {int(row['questions']):>10}"
        )
    lines.append(f"target: the TUI with the chat < {TARGET_CPU_PCT:g} % of a core (! = over)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument(
        "--child", nargs=4, metavar=("MODE", "HOST", "PORT", "IRC_PORT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        mode, host, port, irc_port = args.child
        return child(mode, host, int(port), int(irc_port), args.duration)
    baseline = measure("none", args.duration)
    rows: list[tuple[str, dict[str, float] | str]] = [
        ("with chat: replay", measure("replay", args.duration)),
        ("with chat: IRC (ngircd)", against_irc(args.duration)),
    ]
    print(table(baseline, rows))
    return 1 if any(over_target(row) for _, row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
