"""Shared benchmark helpers: OBS backends to measure against, a latency-adding proxy, and the
TUI measured headless in a child process."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass
class Backend:
    name: str
    host: str
    port: int
    password: str


@contextlib.contextmanager
def real_obs(version: str = "29") -> Iterator[Backend | None]:
    """A headless OBS `version` from the test bed, or None where it cannot run."""
    from tests.realobs import ObsProcess, TestBedUnavailable

    obs = ObsProcess(version=version)
    try:
        obs.start()
    except TestBedUnavailable as exc:
        print(f"(real OBS {version} unavailable: {str(exc).splitlines()[0]})")
        obs.cleanup()
        yield None
        return
    try:
        yield Backend(f"OBS {version}", obs.host, obs.port, obs.password)
    finally:
        obs.cleanup()


def real_obs_versions() -> list[Callable[[], contextlib.AbstractContextManager[Backend | None]]]:
    """One `real_obs` per version in STREAMKIT_OBS_VERSIONS (the test bed's selection)."""
    from tests.realobs import selected_versions

    return [functools.partial(real_obs, version) for version in selected_versions()]


@contextlib.contextmanager
def simulator() -> Iterator[Backend]:
    from streamkit.simulator.server import SimulatorThread

    with SimulatorThread(password="bench-password") as sim:
        yield Backend("simulator", sim.host, sim.port, "bench-password")


class LatencyProxy:
    """TCP proxy on loopback adding `delay` seconds each way (2 x delay per round trip)."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port, self.delay = target_port, delay
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LatencyProxy:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        async def shutdown() -> None:
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        except (asyncio.CancelledError, ConnectionError):
            writer.close()
            up_writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Forward chunks in order, each released `delay` after it arrived."""
        queue: asyncio.Queue = asyncio.Queue()

        async def release() -> None:
            while (item := await queue.get()) is not None:
                due, data = item
                await asyncio.sleep(max(0.0, due - self._loop.time()))
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(release())
        try:
            while data := await reader.read(65536):
                queue.put_nowait((self._loop.time() + self.delay, data))
        except ConnectionError:
            pass
        queue.put_nowait(None)
        await sender


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    line = lambda cells: "  ".join(str(c).rjust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


# -- the TUI in a child process ----------------------------------------------------------------

PASSWORD_ENV = "STREAMKIT_BENCH_PASSWORD"


def measured_tui(
    host: str,
    port: int,
    duration: float,
    spawned_at: float,
    *,
    audience: Callable[[Any], Any] | None = None,
    on_start: Callable[[dict[str, float]], None] | None = None,
    on_done: Callable[[Any, dict[str, float]], None] | None = None,
) -> dict[str, float]:
    """Run the TUI headless (160x45) against host:port (password in PASSWORD_ENV) for
    `duration` s from its first frame drawn with OBS's data; its first frame, CPU (% of a core),
    polls and peak RSS. `audience(controller)` gives it an audience panel; `on_start(result)`
    and `on_done(app, result)` add numbers of their own."""
    from streamkit.obs.client import ObsClient
    from streamkit.tui.app import StreamkitApp
    from streamkit.tui.controller import ShowController
    from streamkit.tui.demo import DEMO_SHOW
    from streamkit.tui.messages import Polled

    result: dict[str, float] = {}

    class MeasuredApp(StreamkitApp):
        def on_polled(self, message: Polled) -> None:  # Textual calls the base handler too
            if "first_frame_s" not in result:
                result["first_frame_s"] = -1
                self.call_after_refresh(self._first_frame)

        def _first_frame(self) -> None:
            result["first_frame_s"] = time.time() - spawned_at
            result["cpu0"], result["t0"] = time.process_time(), time.monotonic()
            if on_start is not None:
                on_start(result)
            self.set_timer(duration, self._done)

        def _done(self) -> None:
            result["elapsed"] = time.monotonic() - result["t0"]
            result["cpu_pct"] = 100 * (time.process_time() - result["cpu0"]) / result["elapsed"]
            result["polls"] = len(self.history)
            if on_done is not None:
                on_done(self, result)
            self.exit()

    client = ObsClient(host, port, os.environ.get(PASSWORD_ENV) or None)
    controller = ShowController(client, DEMO_SHOW, event_name="Benchmark")
    app = MeasuredApp(controller)
    if audience is not None:
        app.main.audience = audience(controller)
    app.run(headless=True, size=(160, 45))
    result["rss_mb"] = peak_rss_mb()
    return result


def print_result(result: dict[str, float]) -> int:
    """The child's last words: one RESULT line of JSON; exit status 1 if it never measured."""
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if "cpu_pct" in result else 1


def run_child(
    command: list[str], password: str, timeout: float, extra_env: dict[str, str] | None = None
) -> dict[str, float]:
    """Run a benchmark's child process; the numbers of its RESULT line."""
    env = {**os.environ, PASSWORD_ENV: password, **(extra_env or {})}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT ") and done.returncode == 0:
            return json.loads(line.removeprefix("RESULT "))
    raise RuntimeError(f"the TUI exited with {done.returncode}: {done.stderr[-2000:]}")


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (-1 where the platform does not say).

    On Linux, VmHWM of this process's own memory; ru_maxrss would also count the parent's peak
    (the kernel carries it over into a child at fork and exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return -1.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


@contextlib.contextmanager
def live_simulator() -> Iterator[Backend]:
    """The simulator with the demo meetup, streaming (what the TUI benchmarks watch)."""
    from streamkit.simulator.server import SimulatorThread
    from streamkit.simulator.state import demo_state

    password = "bench-" + os.urandom(6).hex()
    with SimulatorThread(password=password, state=demo_state()) as sim:
        sim.start_stream()
        yield Backend("simulator", sim.host, sim.port, password)


def commit_of(ref: str) -> str:
    """The commit `ref` names in this repository; exits with a plain message when none."""
    root = Path(__file__).resolve().parent.parent
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        raise SystemExit(f"--baseline {ref}: no such commit in {root}")
    return found.stdout.strip()


@contextlib.contextmanager
def checked_out(ref: str) -> Iterator[Path]:
    """`ref` of this repository checked out into a temporary git worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="streamkit-baseline-") as folder:
        path = Path(folder) / "checkout"
        git = ["git", "-C", str(Path(__file__).resolve().parent.parent), "worktree"]
        subprocess.run([*git, "add", "--detach", str(path), ref], check=True, capture_output=True)
        try:
            yield path
        finally:
            subprocess.run([*git, "remove", "--force", str(path)], check=False)
