"""A whole evening without a leak: `python benchmarks/soak_evening.py [--wall-minutes 30]`.

The TUI (headless, in a child process) and `streamkit health --watch` (the CLI, another child)
watch the OBS simulator through a 3-hour event compressed into the wall time: a network hiccup
every 90 event-seconds (congestion with dropped frames, then clear) and an OBS restart every
20 event-minutes (the stream is started again once OBS is back). Polling stays real (1 Hz);
what is compressed is the time between faults, and the alarms' clear hold (4 s, a config
value) so each hiccup can raise and clear. Reported: RSS of both processes after the first
minute and at the end, their CPU, exceptions, and alarms raised and cleared, which must match
the faults injected: each hiccup and each restart exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD_ENV = "STREAMKIT_SOAK_PASSWORD"
HICCUP_EVERY_S, RESTART_EVERY_S = 90.0, 20 * 60.0  # event time
HICCUP_BAD_S, RESTART_DOWN_S = 5.0, 4.0  # wall time
RSS_GROWTH_LIMIT_MB = 10.0
HICCUP_METRIC = "network_drops"  # the alarm a hiccup must raise
CONFIG = """\
obs:
  host: 127.0.0.1
  port: {port}
  password: env:{password_env}
event: Soak
health:
  poll_interval_s: 1
  session_log: {{directory: {logs}}}
  thresholds:
{thresholds}
"""


def soak_config(folder: Path, port: int) -> Path:
    """streamkit.yaml for both watchers: alarms clear after 4 s of health (default 10 s)."""
    from streamkit.health.settings import DEFAULT_THRESHOLDS

    thresholds = "\n".join(f"    {name}: {{clear_after_s: 4}}" for name in DEFAULT_THRESHOLDS)
    path = folder / "streamkit.yaml"
    path.write_text(
        CONFIG.format(
            port=port, password_env=PASSWORD_ENV, logs=folder / "logs", thresholds=thresholds
        ),
        encoding="utf-8",
    )
    return path


# -- the TUI child ---------------------------------------------------------------------------


def tui_child(config_path: str, seconds: float) -> int:
    """Run the TUI headless for `seconds`; count alarm transitions and exceptions; print one
    RESULT line of JSON."""
    import logging

    from streamkit.commands.tui import controller_for
    from streamkit.config import load_config
    from streamkit.tui.app import StreamkitApp

    errors: list[str] = []

    class Counting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                errors.append(record.getMessage()[:200])

    logging.getLogger().addHandler(Counting(logging.ERROR))
    result: dict = {"raised": {}, "cleared": {}}
    shown: set[str] = set()

    class SoakApp(StreamkitApp):
        def on_mount(self) -> None:
            self.set_interval(0.5, self._alarms)
            self.set_timer(60.0, self._rss_start)
            self.set_timer(seconds, self._done)

        def _alarms(self) -> None:
            now = set(self.alarms)
            for key in now - shown:
                result["raised"][key] = result["raised"].get(key, 0) + 1
            for key in shown - now:
                result["cleared"][key] = result["cleared"].get(key, 0) + 1
            shown.clear()
            shown.update(now)

        def _rss_start(self) -> None:
            result["rss_start_mb"], result["cpu0"] = rss_mb(os.getpid()), time.process_time()
            result["t0"] = time.monotonic()

        def _done(self) -> None:
            result["rss_end_mb"] = rss_mb(os.getpid())
            elapsed = time.monotonic() - result.pop("t0")
            result["cpu_pct"] = 100 * (time.process_time() - result.pop("cpu0")) / elapsed
            self.exit()

    config = load_config(Path(config_path))
    app = SoakApp(controller_for(config))
    app.run(headless=True, size=(160, 45))
    result["exceptions"] = len(errors) + (1 if app.return_code not in (0, None) else 0)
    result["errors"] = errors[:5]
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# -- measuring from outside --------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory now (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return -1.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Faults:
    """Injects the evening's hiccups and restarts, on a compressed clock; counts them."""

    def __init__(self, sim, compression: float, until: float) -> None:
        """Faults start only up to `until` seconds in, so the watchers see each one end."""
        self.sim, self.compression, self.until = sim, compression, until
        self.hiccups = self.restarts = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        hiccup_every = HICCUP_EVERY_S / self.compression
        restart_every = RESTART_EVERY_S / self.compression
        started = time.monotonic()
        next_hiccup, next_restart = hiccup_every / 2, restart_every
        while not self._stop.is_set():
            elapsed = time.monotonic() - started
            if elapsed > self.until:
                break
            if elapsed >= next_restart:
                self.restarts += 1
                self.sim.crash(down_for=RESTART_DOWN_S)
                self._stop.wait(RESTART_DOWN_S + 2)
                self.sim.start_stream()  # the operator starts the stream again
                next_restart += restart_every
                next_hiccup = max(next_hiccup, time.monotonic() - started + hiccup_every / 2)
            elif elapsed >= next_hiccup:
                self.hiccups += 1
                self.sim.congest(0.85, 0.12)
                self._stop.wait(HICCUP_BAD_S)
                self.sim.clear_congestion()
                next_hiccup += hiccup_every
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(10)


def watch_alarms(log_dir: Path) -> dict:
    """Alarms `health --watch` wrote to its session log: raised and cleared per metric."""
    counts: dict = {"raised": {}, "cleared": {}}

    def count(side: str, metric: str) -> None:
        counts[side][metric] = counts[side].get(metric, 0) + 1

    for path in log_dir.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("type") == "alert":
                if record["level"] == "ALARM" and record["previous_level"] != "ALARM":
                    count("raised", record["metric"])
                elif record["previous_level"] == "ALARM" and record["level"] != "ALARM":
                    count("cleared", record["metric"])
            elif record.get("type") == "outage":
                count("raised" if record["event"] == "began" else "cleared", "obs_unreachable")
    return counts


def soak(wall_minutes: float, event_hours: float) -> dict:
    from streamkit.simulator.server import SimulatorThread
    from streamkit.simulator.state import demo_state

    seconds = wall_minutes * 60
    compression = event_hours * 3600 / seconds
    password = "soak-" + os.urandom(6).hex()
    env = {**os.environ, PASSWORD_ENV: password}
    with tempfile.TemporaryDirectory(prefix="streamkit-soak-") as tmp:
        folder = Path(tmp)
        with SimulatorThread(password=password, state=demo_state()) as sim:
            sim.start_stream()
            config = soak_config(folder, sim.port)
            tui = subprocess.Popen(
                [sys.executable, __file__, "--tui-child", str(config), "--seconds", str(seconds)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            watch = subprocess.Popen(
                [sys.executable, "-m", "streamkit", "-c", str(config), "health", "--watch"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                cwd=folder,
            )
            faults = Faults(sim, compression, until=seconds - 25)
            faults.thread.start()
            time.sleep(60)
            watch_start = (rss_mb(watch.pid), cpu_seconds(watch.pid), time.monotonic())
            out, err = tui.communicate(timeout=seconds + 120)
            watch_end = (rss_mb(watch.pid), cpu_seconds(watch.pid), time.monotonic())
            faults.stop()
            watch.send_signal(signal.SIGINT)
            _, watch_err = watch.communicate(timeout=30)
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        if not lines:
            raise RuntimeError(f"the TUI child failed ({tui.returncode}): {err[-2000:]}")
        tui_result = json.loads(lines[-1].removeprefix("RESULT "))
        watch_result = {
            "rss_start_mb": watch_start[0],
            "rss_end_mb": watch_end[0],
            "cpu_pct": 100 * (watch_end[1] - watch_start[1]) / (watch_end[2] - watch_start[2]),
            "exceptions": watch_err.count("Traceback") + watch_err.count(" ERROR "),
            **watch_alarms(folder / "logs"),
        }
    return {
        "wall_s": seconds,
        "event_h": event_hours,
        "hiccups": faults.hiccups,
        "restarts": faults.restarts,
        "tui": tui_result,
        "watch": watch_result,
    }


def table(result: dict) -> str:
    expected = {HICCUP_METRIC: result["hiccups"], "obs_unreachable": result["restarts"]}
    lines = [
        f"a {result['event_h']:g}-hour event in {result['wall_s'] / 60:.0f} min of wall time: "
        f"{result['hiccups']} hiccups, {result['restarts']} OBS restarts",
        f"{'watcher':<15} {'RSS start':>9} {'RSS end':>8} {'growth':>7} {'CPU %':>6} "
        f"{'exceptions':>10}  alarms raised/cleared (expected)",
    ]
    ok = True
    for name, row in (("TUI", result["tui"]), ("health --watch", result["watch"])):
        growth = row["rss_end_mb"] - row["rss_start_mb"]
        alarms = []
        for metric, want in expected.items():
            raised = row["raised"].get(metric, 0)
            cleared = row["cleared"].get(metric, 0)
            good = raised == cleared == want
            ok &= good
            alarms.append(f"{metric} {raised}/{cleared} ({want}){'' if good else ' !'}")
        ok &= growth < RSS_GROWTH_LIMIT_MB and row["exceptions"] == 0
        lines.append(
            f"{name:<15} {row['rss_start_mb']:>7.1f}MB {row['rss_end_mb']:>6.1f}MB "
            f"{growth:>+6.1f} {row['cpu_pct']:>6.2f} {row['exceptions']:>10}  " + "; ".join(alarms)
        )
    lines.append(
        f"targets: RSS growth < {RSS_GROWTH_LIMIT_MB:g} MB, no exceptions, each hiccup and "
        f"restart raised and cleared exactly once: {'met' if ok else 'NOT met (! marks)'}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wall-minutes", type=float, default=30.0, help="default 30")
    parser.add_argument("--event-hours", type=float, default=3.0, help="default 3")
    parser.add_argument("--tui-child", metavar="CONFIG", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tui_child:
        return tui_child(args.tui_child, args.seconds)
    result = soak(args.wall_minutes, args.event_hours)
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
