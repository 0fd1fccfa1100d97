"""Start-up cost of the CLI: `python benchmarks/bench_startup.py [-n 15]`.

`streamkit obs status` against the simulator is run next to a plain obsws-python script making
the same requests, alternating, in one run; each is a fresh process, timed from spawn to exit,
its peak memory read from the kernel (ru_maxrss). `streamkit --help` is timed the same way.
Each is spawned by a small launcher process: a child's ru_maxrss starts from its parent's size
at the fork, and this benchmark's own process (with the simulator in it) is larger than either;
the launcher (`python -S`, about 9 MiB) is smaller than both.
streamkit's modules are compiled to bytecode first, as installing it does (with
PYTHONDONTWRITEBYTECODE set, an edited module would be compiled again in every run).
`obs status` is measured twice: with its config as it was at the last run (the usual case) and
just after the config changed (validated again, with pydantic).
Targets: obs status within 1.5x the wall time and 1.5x the peak memory of the plain script;
--help under 150 ms.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamkit
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


# Runs in its own small interpreter: reads one JSON argv per line, spawns it (stdout to
# /dev/null, stderr to a file), answers one JSON line: [wall seconds, peak RSS KiB, exit code].
LAUNCHER = """
import json, os, sys, time
for line in sys.stdin:
    argv, errors = json.loads(line)
    with open(os.devnull, "wb") as out, open(errors, "wb") as err:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        start = time.perf_counter()
        try:
            pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        except OSError as exc:
            err.write(f"cannot run {argv[0]}: {exc.strerror}".encode())
            print(json.dumps([0, 0, 127]), flush=True)
            continue
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    print(json.dumps([wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]), flush=True)
"""


class Launcher:
    """A small process that spawns and measures each command, so that no child starts from
    this process's memory."""

    def __init__(self, env: dict[str, str], errors: Path) -> None:
        self.errors = errors
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, argv: list[str]) -> tuple[float, float]:
        """(wall seconds, peak RSS in MiB) of one process."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps([argv, str(self.errors)]) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"the launcher exited ({self.process.wait()}) running {argv[:4]}")
        wall, peak_kib, code = json.loads(answer)
        if code != 0:
            raise SystemExit(f"{argv[:4]} failed: {self.errors.read_text()[-500:]}")
        return wall, peak_kib / 1024

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait()


def measure(runs: int) -> list[tuple[str, float, float, float | None]]:
    """Rows of (measure, streamkit, baseline, target): a ratio target, or None for --help's
    absolute one."""
    compileall.compile_dir(Path(streamkit.__file__).parent, quiet=1)
    env = {**os.environ, PASSWORD_ENV: "bench-password"}
    env.pop("STREAMKIT_CONFIG", None)
    times: dict[str, list[tuple[float, float]]] = {
        "status": [],
        "status-changed": [],
        "raw": [],
        "help": [],
        "bare": [],
    }
    with simulator() as sim, tempfile.TemporaryDirectory() as folder:
        env["XDG_CACHE_HOME"] = str(Path(folder) / "cache")
        launcher = Launcher(env, Path(folder) / "stderr")
        config = Path(folder) / "streamkit.yaml"
        settings = f"obs:\n  host: {sim.host}\n  port: {sim.port}\n  password: env:{PASSWORD_ENV}\n"
        config.write_text(settings)
        status = [str(CLI), "--config", str(config), "obs", "status"]
        commands = {
            "status": status,
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
        try:
            for argv in commands.values():  # warm the page cache
                launcher.run(argv)
            for run in range(runs):
                for name, argv in commands.items():
                    times[name].append(launcher.run(argv))
                config.write_text(f"{settings}# edited {run}\n")  # validated again
                times["status-changed"].append(launcher.run(status))
        finally:
            launcher.close()

    def median(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in times[name])

    raw_ms, raw_mb = median("raw", 0) * 1000, median("raw", 1)
    return [
        ("obs status: wall (ms)", median("status", 0) * 1000, raw_ms, 1.5),
        ("obs status: peak RSS (MiB)", median("status", 1), raw_mb, 1.5),
        ("  config changed: wall (ms)", median("status-changed", 0) * 1000, raw_ms, None),
        ("  config changed: RSS (MiB)", median("status-changed", 1), raw_mb, None),
        ("--help: wall (ms)", median("help", 0) * 1000, median("bare", 0) * 1000, None),
    ]


HELP_TARGET_MS = 150


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=15, help="runs of each, alternating")
    args = parser.parse_args()
    rows = measure(args.runs)
    print(f"start-up, median of {args.runs} runs each (alternating, one machine, one run)")
    print(f"{'measure':<28} {'streamkit':>10} {'baseline':>10}  ratio")
    print(f"{'':<28} {'':>10} {'(raw/bare)':>10}")
    over = False
    for name, ours, base, target in rows:
        if name.startswith("--help"):
            missed = ours >= HELP_TARGET_MS
            note = f"target < {HELP_TARGET_MS} ms"
        else:
            missed = target is not None and ours / base > target
            note = f"{ours / base:.2f}x" + (f" (target {target:g}x)" if target else "")
        over |= missed
        print(f"{name:<28} {ours:>10.1f} {base:>10.1f}  {note}{' !' if missed else ''}")
    print("baseline: obs status vs a plain obsws-python script sending the same requests;")
    print("          --help vs `python -c pass` (the interpreter alone); ! = over target")
    print("config changed: the first run after streamkit.yaml changed validates it again")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
