"""CPU of the TUI's audience panel under a busy chat: `python benchmarks/bench_chat.py [-d 60]`.

The panel (chat list + questions queue) runs headless in a child process, so only its own CPU is
measured, while chat arrives at 50 messages a second (every tenth a question): from the built-in
replay (parsing included), and from a real IRC server (ngircd on loopback) through the chat
client, where it can be started. An idle panel is the baseline. Target: under 5 % of one core.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_CPU_PCT = 5.0
RATE = 50.0  # chat messages a second
CHANNEL = "benchmeetup"


# -- the measured process ----------------------------------------------------------------------


def child(mode: str, host: str, port: int, duration: float) -> int:
    """Run the panel headless for `duration` s after it is up; print one RESULT line."""
    from textual.app import App, ComposeResult

    from streamkit.chat.client import ChatClient
    from streamkit.chat.replay import ReplayChat, Said
    from streamkit.tui.chat import AudiencePanel

    if mode == "replay":
        script = [
            Said(1 / RATE, f"viewer{n}", f"{'Q: ' if n % 10 == 0 else ''}message number {n} 👋")
            for n in range(100)
        ]
        source = ReplayChat(script, CHANNEL)
    elif mode == "irc":
        source = ChatClient(CHANNEL, host=host, port=port, tls=False)
    else:
        source = None
    received = [0]
    if source is not None:
        source.on_message(lambda _message: received.__setitem__(0, received[0] + 1))
    result: dict[str, float] = {}

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield AudiencePanel(source, None)

        def on_mount(self) -> None:
            self.set_timer(1.0, self._start)  # let it connect and settle first

        def _start(self) -> None:
            result["cpu0"], result["t0"], result["n0"] = (
                time.process_time(),
                time.monotonic(),
                received[0],
            )
            print("MEASURING", flush=True)
            self.set_timer(duration, self._done)

        def _done(self) -> None:
            elapsed = time.monotonic() - result["t0"]
            result["cpu_pct"] = 100 * (time.process_time() - result["cpu0"]) / elapsed
            result["rate"] = (received[0] - result["n0"]) / elapsed
            result["questions"] = len(self.query_one(AudiencePanel).queue)
            self.exit()

    Bench().run(headless=True, size=(160, 45))
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if "cpu_pct" in result else 1


def measure(mode: str, duration: float, host: str = "", port: int = 0, feed=None) -> dict:
    command = [sys.executable, __file__, "--child", mode, host or "-", str(port)]
    command += ["--duration", str(duration)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()
    feeder = None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("MEASURING"):
                if feed is not None:
                    feeder = threading.Thread(target=feed, args=(stop,), daemon=True)
                    feeder.start()
                break
        out, err = process.communicate(timeout=duration + 60)
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
        if feeder is not None:
            feeder.join(timeout=5)
    for line in out.splitlines():
        if line.startswith("RESULT ") and process.returncode == 0:
            return json.loads(line.removeprefix("RESULT "))
    raise RuntimeError(f"the panel exited with {process.returncode}: {err[-2000:]}")


def against_irc(duration: float) -> dict | str:
    """50 messages a second through ngircd, read by the chat client in the panel."""
    from tests.chat.ircd import IrcServer, Poster
    from tests.realobs import TestBedUnavailable

    server = IrcServer()
    try:
        server.start()
    except TestBedUnavailable as exc:
        server.cleanup()
        return f"skipped: {str(exc).splitlines()[0]}"
    try:
        poster = Poster(server, "benchposter", CHANNEL)

        def feed(stop: threading.Event) -> None:
            n, start = 0, time.monotonic()
            while not stop.is_set():
                poster.say(f"{'Q: ' if n % 10 == 0 else ''}message number {n} 👋")
                n += 1
                stop.wait(max(0.0, start + n / RATE - time.monotonic()))

        try:
            return measure("irc", duration, server.host, server.port, feed)
        finally:
            poster.close()
    finally:
        server.cleanup()


def table(rows: list[tuple[str, dict | str]], duration: float) -> str:
    lines = [
        f"Audience panel for {duration:g} s, headless 160x45, chat at {RATE:g} messages/s",
        f"{'chat':<24} {'CPU % core':>11} {'msgs/s':>8} {'questions':>10}",
    ]
    for name, row in rows:
        if isinstance(row, str):
            lines.append(f"{name:<24} {row}")
            continue
        mark = "" if row["cpu_pct"] <= TARGET_CPU_PCT else " !"
        lines.append(
            f"{name:<24} {row['cpu_pct']:>9.2f}{mark:2} {row.get('rate', 0):>8.1f}"
            f" {int(row.get('questions', 0)):>10}"
        )
    lines.append(f"target: CPU < {TARGET_CPU_PCT:g} % of a core (! = over target)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument(
        "--child", nargs=3, metavar=("MODE", "HOST", "PORT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        mode, host, port = args.child
        return child(mode, host, int(port), args.duration)
    rows: list[tuple[str, dict | str]] = [
        ("idle (no chat)", measure("idle", args.duration)),
        ("replay, in-process", measure("replay", args.duration)),
        ("IRC server (ngircd)", against_irc(args.duration)),
    ]
    print(table(rows, args.duration))
    return 0


if __name__ == "__main__":
    sys.exit(main())
