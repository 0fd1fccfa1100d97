"""CPU, memory and first frame of the TUI while live: `python benchmarks/bench_tui.py [-d 60]`.

The TUI runs headless in a child process (so only its own CPU and memory are measured) against
the simulator and, where it can be started, a real OBS streaming to a loopback RTMP server:
1 Hz polls, level meters subscribed. First frame = from starting the process to the first
screen drawn with OBS's data. Targets: under 3 % of one core, under 150 MB, within 2 s.

`--baseline REF` measures an earlier commit's TUI (checked out into a temporary git worktree)
against the same simulator, alternating with this one for `--rounds` rounds: on a shared, noisy
machine the ratio of the two medians is the figure to compare with the target's ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
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

TARGETS = {"cpu_pct": 3.0, "rss_mb": 150.0, "first_frame_s": 2.0}
#: The CPU target as a ratio: 3 % against the 4.1 % the TUI took when the target was set.
TARGET_RATIO = 3.0 / 4.1


# -- the measured process ----------------------------------------------------------------------


def child(host: str, port: int, duration: float, spawned_at: float) -> int:
    """Run the TUI headless against host:port; print one RESULT line of JSON."""
    return print_result(measured_tui(host, port, duration, spawned_at))


def measure(
    host: str, port: int, password: str, duration: float, checkout: Path = ROOT
) -> dict[str, float]:
    """One measured TUI process, of this checkout's code or of another's."""
    script = checkout / "benchmarks" / "bench_tui.py"
    command = [sys.executable, str(script), "--child", host, str(port), "--duration", str(duration)]
    command += ["--spawned-at", repr(time.time())]
    return run_child(
        command, password, timeout=duration + 60, extra_env={"PYTHONPATH": str(checkout)}
    )


def against_baseline(ref: str, duration: float, rounds: int) -> str:
    """The CPU of `ref`'s TUI and of this one, alternating against one simulator."""
    cpu: dict[str, list[float]] = {"baseline": [], "now": []}
    with checked_out(ref) as baseline, live_simulator() as sim:
        for _ in range(rounds):
            for name, checkout in (("baseline", baseline), ("now", ROOT)):
                row = measure(sim.host, sim.port, sim.password, duration, checkout)
                cpu[name].append(row["cpu_pct"])
    then, now = statistics.median(cpu["baseline"]), statistics.median(cpu["now"])
    ratio = now / then
    mark = "" if ratio <= TARGET_RATIO else " !"
    return "\n".join(
        [
            f"TUI CPU against the simulator, {ref} vs now: {rounds} alternating rounds of"
            f" {duration:g} s, medians",
            f"{'checkout':<12} {'CPU % core':>11}  runs",
            f"{ref[:12]:<12} {then:>11.2f}  {', '.join(f'{v:.2f}' for v in cpu['baseline'])}",
            f"{'now':<12} {now:>11.2f}  {', '.join(f'{v:.2f}' for v in cpu['now'])}",
            f"ratio now/{ref[:12]}: {ratio:.2f}{mark} (target {TARGET_RATIO:.2f}: 3 % where the"
            " TUI took 4.1 %)",
        ]
    )


# -- targets ---------------------------------------------------------------------------------


def against_simulator(duration: float) -> dict[str, float]:
    with live_simulator() as sim:
        return measure(sim.host, sim.port, sim.password, duration)


def against_real_obs(duration: float) -> dict[str, float] | str:
    """Measure against a real OBS streaming to nginx; the reason as a string when it cannot."""
    from streamkit.obs.client import ObsClient
    from tests.realobs import ObsProcess, RtmpServer, TestBedUnavailable

    with ExitStack() as stack:
        obs, rtmp = ObsProcess(), RtmpServer()
        stack.callback(obs.cleanup)
        stack.callback(rtmp.stop)
        try:
            rtmp.start()
            obs.start()
        except TestBedUnavailable as exc:
            return f"skipped: {str(exc).splitlines()[0]}"
        with ObsClient(obs.host, obs.port, obs.password) as client:
            client.request(
                "SetStreamServiceSettings",
                {
                    "streamServiceType": "rtmp_custom",
                    "streamServiceSettings": {"server": rtmp.url, "key": "bench"},
                },
            )
            client.request("StartStream")
            try:
                return measure(obs.host, obs.port, obs.password, duration)
            finally:
                client.request("StopStream")
    return "skipped"


def table(rows: list[tuple[str, dict[str, float] | str]], duration: float) -> str:
    lines = [
        f"TUI live for {duration:g} s (1 Hz polls, meters subscribed, headless 160x45)",
        f"{'target':<12} {'first frame':>12} {'CPU % core':>11} {'RSS MB':>8} {'polls':>6}",
    ]
    for name, row in rows:
        if isinstance(row, str):
            lines.append(f"{name:<12} {row}")
            continue
        marks = {k: "" if 0 <= row[k] <= limit else " !" for k, limit in TARGETS.items()}
        lines.append(
            f"{name:<12} {row['first_frame_s']:>10.2f} s{marks['first_frame_s']:2}"
            f"{row['cpu_pct']:>9.2f}{marks['cpu_pct']:2}"
            f"{row['rss_mb']:>8.1f}{marks['rss_mb']:2}{int(row['polls']):>5}"
        )
    lines.append(
        f"targets: first frame < {TARGETS['first_frame_s']:g} s, CPU < {TARGETS['cpu_pct']:g} %"
        f" of a core, RSS < {TARGETS['rss_mb']:g} MB (! = over target)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument(
        "--target", choices=["sim", "obs", "both"], default="both", help="what to run against"
    )
    parser.add_argument(
        "--baseline", metavar="REF", help="also measure this git commit's TUI, side by side"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (--baseline)")
    parser.add_argument("--child", nargs=2, metavar=("HOST", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        host, port = args.child
        return child(host, int(port), args.duration, args.spawned_at or time.time())
    if args.baseline:
        commit_of(args.baseline)  # before any measuring: a mistyped ref says so at once
    rows: list[tuple[str, dict[str, float] | str]] = []
    if args.target in ("sim", "both"):
        rows.append(("simulator", against_simulator(args.duration)))
    if args.target in ("obs", "both"):
        rows.append(("real OBS", against_real_obs(args.duration)))
    print(table(rows, args.duration))
    if args.baseline:
        print()
        print(against_baseline(args.baseline, args.duration, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
