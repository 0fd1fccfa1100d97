"""Start-up cost of the CLI: `python benchmarks/bench_startup.py [-n 15]`.

`streamkit obs status` against the simulator is run next to a plain obsws-python script making
the same requests, alternating, in one run; each is a fresh process, timed from spawn to exit,
its peak memory read from the kernel (ru_maxrss). `streamkit --help` is timed the same way.
Targets: obs status within 1.5x the wall time and 1.5x the peak memory of the plain script;
--help under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import simulator
from streamkit.obs.status import STATUS_REQUESTS

PASSWORD_ENV = "STREAMKIT_BENCH_PASSWORD"
CLI = Path(sys.executable).with_name("streamkit")
RAW = """
import os, sys
import obsws_python
from obsws_python.error import OBSSDKRequestError
client = obsws_python.ReqClient(
    host=sys.argv[1], port=int(sys.argv[2]), password=os.environ[sys.argv[3]], timeout=5
)
for name in sys.argv[4:]:
    try:
        client.send(name, raw=True)
    except OBSSDKRequestError:
        pass  # GetCurrentPreviewScene outside studio mode, as `obs status` meets it too
client.disconnect()
"""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed: {process.stderr.read().decode()[-500:]}")
    process.stderr.close()
    return wall, usage.ru_maxrss / 1024


def measure(runs: int) -> list[tuple[str, float, float, str]]:
    env = {**os.environ, PASSWORD_ENV: "bench-password"}
    env.pop("STREAMKIT_CONFIG", None)
    times: dict[str, list[tuple[float, float]]] = {"status": [], "raw": [], "help": [], "bare": []}
    with simulator() as sim, tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "streamkit.yaml"
        config.write_text(
            f"obs:\n  host: {sim.host}\n  port: {sim.port}\n  password: env:{PASSWORD_ENV}\n"
        )
        commands = {
            "status": [str(CLI), "--config", str(config), "obs", "status"],
            "raw": [
                sys.executable,
                "-c",
                RAW,
                sim.host,
                str(sim.port),
                PASSWORD_ENV,
                *STATUS_REQUESTS,
            ],
            "help": [str(CLI), "--help"],
            "bare": [sys.executable, "-c", "pass"],
        }
        for argv in commands.values():  # warm the page cache
            run(argv, env)
        for _ in range(runs):
            for name, argv in commands.items():
                times[name].append(run(argv, env))

    def median(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in times[name])

    status_ms, raw_ms = median("status", 0) * 1000, median("raw", 0) * 1000
    status_mb, raw_mb = median("status", 1), median("raw", 1)
    help_ms, bare_ms = median("help", 0) * 1000, median("bare", 0) * 1000
    return [
        ("obs status: wall (ms)", status_ms, raw_ms, f"{status_ms / raw_ms:.2f}x (target 1.5x)"),
        (
            "obs status: peak RSS (MiB)",
            status_mb,
            raw_mb,
            f"{status_mb / raw_mb:.2f}x (target 1.5x)",
        ),
        ("--help: wall (ms)", help_ms, bare_ms, "target < 150 ms"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=15, help="runs of each, alternating")
    args = parser.parse_args()
    rows = measure(args.runs)
    print(f"start-up, median of {args.runs} runs each (alternating, one machine, one run)")
    print(f"{'measure':<28} {'streamkit':>10} {'baseline':>10}  ratio")
    print(f"{'':<28} {'':>10} {'(raw/bare)':>10}")
    for name, ours, base, note in rows:
        print(f"{name:<28} {ours:>10.1f} {base:>10.1f}  {note}")
    print("baseline: obs status vs a plain obsws-python script sending the same requests;")
    print("          --help vs `python -c pass` (the interpreter alone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
