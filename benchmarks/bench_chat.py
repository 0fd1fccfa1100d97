"""CPU of the TUI with a busy audience chat: `python benchmarks/bench_chat.py [-d 60]`.

The whole TUI (StreamkitApp, as in bench_tui.py) runs headless at 160x45 in a child process
against the simulator, with `chat.channel` set, while chat arrives at 50 messages a second (every
tenth a question): from the built-in replay (parsing included), and from a real IRC server
(ngircd on loopback) through the chat client, where it can be started. The same TUI without a
chat is the baseline: the difference is the chat's cost. Target: the TUI with the chat under 5 %
of one core; the exit status is 1 when a chat row is over it.

`--baseline REF` also runs, alternating for `--rounds`, an earlier commit's TUI without a chat
(as bench_tui.py measures it) and this TUI with the replayed chat, against one simulator: the
ratio of their medians is what compares with the target set where the TUI took 4.1 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import (  # noqa: E402
    checked_out,
    commit_of,
    live_simulator,
    measured_tui,
    print_result,
    run_child,
)

TARGET_CPU_PCT = 5.0
#: The target as a ratio to the TUI of when it was set (4.1 % of a core, without a chat).
TARGET_RATIO = TARGET_CPU_PCT / 4.1
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


def measure(mode: str, duration: float, irc_port: int = 0, sim=None) -> dict[str, float]:
    """This TUI with the chat of `mode`, against `sim` or a simulator of its own."""
    if sim is None:
        with live_simulator() as own:
            return measure(mode, duration, irc_port, own)
    command = [sys.executable, __file__, "--child", mode, sim.host, str(sim.port)]
    command += [str(irc_port), "--duration", str(duration)]
    return run_child(command, sim.password, timeout=duration + 60)


def runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def against_baseline(ref: str, duration: float, rounds: int) -> tuple[str, bool]:
    """`ref`'s TUI without a chat and this one with the replayed chat, alternating; the table
    and whether the ratio of the medians is over the target's."""
    cpu: dict[str, list[float]] = {"baseline": [], "now": []}
    with checked_out(ref) as baseline, live_simulator() as sim:
        script = baseline / "benchmarks" / "bench_tui.py"
        for _ in range(rounds):
            command = [sys.executable, str(script), "--child", sim.host, str(sim.port)]
            command += ["--duration", str(duration), "--spawned-at", repr(time.time())]
            row = run_child(
                command, sim.password, duration + 60, extra_env={"PYTHONPATH": str(baseline)}
            )
            cpu["baseline"].append(row["cpu_pct"])
            cpu["now"].append(measure("replay", duration, sim=sim)["cpu_pct"])
    then, now = statistics.median(cpu["baseline"]), statistics.median(cpu["now"])
    over = now / then > TARGET_RATIO
    lines = [
        f"{ref[:12]}'s TUI without a chat vs this TUI with the replayed chat at {RATE:g}/s:"
        f" {rounds} alternating rounds of {duration:g} s, medians",
        f"{ref[:12] + ', no chat':<28} {then:>9.2f}   {runs(cpu['baseline'])}",
        f"{'now, with chat':<28} {now:>9.2f}   {runs(cpu['now'])}",
        f"ratio: {now / then:.2f}{' !' if over else ''} (target {TARGET_RATIO:.2f}:"
        f" {TARGET_CPU_PCT:g} % where that TUI took 4.1 %)",
    ]
    return "\n".join(lines), over


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
    parser.add_argument("--baseline", metavar="REF", help="compare with this commit's TUI")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (--baseline)")
    args = parser.parse_args(argv)
    if args.child:
        mode, host, port, irc_port = args.child
        return child(mode, host, int(port), int(irc_port), args.duration)
    if args.baseline:
        commit_of(args.baseline)  # before any measuring: a mistyped ref says so at once
    baseline = measure("none", args.duration)
    rows: list[tuple[str, dict[str, float] | str]] = [
        ("with chat: replay", measure("replay", args.duration)),
        ("with chat: IRC (ngircd)", against_irc(args.duration)),
    ]
    print(table(baseline, rows))
    if args.baseline:
        text, over = against_baseline(args.baseline, args.duration, args.rounds)
        print()
        print(text)
        return 1 if over else 0
    return 1 if any(over_target(row) for _, row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
