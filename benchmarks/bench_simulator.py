"""Benchmark the OBS simulator: start-up time and sequential request throughput on loopback.

Run: `python benchmarks/bench_simulator.py [--requests N]`. The same client is measured against
a real OBS too: the one named by STREAMKIT_BENCH_OBS_HOST, STREAMKIT_BENCH_OBS_PORT and
STREAMKIT_BENCH_OBS_PASSWORD, else a headless one from the test bed (left out where none runs).
The client is obsws-python's ReqClient, sending one request at a time and waiting for each
answer.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common
import obsws_python

from streamkit.simulator.server import SimulatorThread

# (label, request type, request data) measured in turn.
WORKLOADS: list[tuple[str, str, dict | None]] = [
    ("GetVersion", "GetVersion", None),
    ("GetStreamStatus", "GetStreamStatus", None),
    ("GetSceneList", "GetSceneList", None),
    ("GetStats", "GetStats", None),
]


def measure_startup(runs: int) -> dict[str, float]:
    """Seconds from SimulatorThread() to listening, and to a first answered request."""
    listening, answered = [], []
    for _ in range(runs):
        password = secrets.token_urlsafe(12)
        started = time.perf_counter()
        with SimulatorThread(password=password) as sim:
            listening.append(time.perf_counter() - started)
            client = obsws_python.ReqClient(
                host=sim.host, port=sim.port, password=password, timeout=5
            )
            client.send("GetVersion", raw=True)
            answered.append(time.perf_counter() - started)
            client.disconnect()
    return {"listening": statistics.median(listening), "first answer": statistics.median(answered)}


def measure_requests(
    connect: Callable[[], obsws_python.ReqClient], count: int, request_type: str, data: dict | None
) -> dict[str, float]:
    """Requests per second and latency percentiles (ms) for `count` sequential requests."""
    client = connect()
    try:
        for _ in range(min(50, count)):  # warm-up
            client.send(request_type, data, raw=True)
        latencies = []
        started = time.perf_counter()
        for _ in range(count):
            t0 = time.perf_counter()
            client.send(request_type, data, raw=True)
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
    finally:
        client.disconnect()
    latencies.sort()
    return {
        "rps": count / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def real_obs_target() -> tuple[str, int, str] | None:
    host = os.environ.get("STREAMKIT_BENCH_OBS_HOST")
    if not host:
        return None
    port = int(os.environ.get("STREAMKIT_BENCH_OBS_PORT", "4455"))
    return host, port, os.environ.get("STREAMKIT_BENCH_OBS_PASSWORD", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per workload")
    parser.add_argument("--startup-runs", type=int, default=5)
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)  # obsws-python logs connection parameters at INFO

    with contextlib.ExitStack() as stack:
        real = real_obs_target()
        real_startup = "-"
        if real is None:
            started = time.perf_counter()
            backend = stack.enter_context(common.real_obs())
            real_startup = f"{(time.perf_counter() - started) * 1000:.0f} ms" if backend else "-"
            real = (backend.host, backend.port, backend.password) if backend else None
        return _run(args, real, real_startup)


def _run(args: argparse.Namespace, real: tuple[str, int, str] | None, real_startup: str) -> int:
    startup = measure_startup(args.startup_runs)
    password = secrets.token_urlsafe(12)
    rows: list[tuple[str, str, str]] = [
        ("start-up: listening (median)", f"{startup['listening'] * 1000:.1f} ms", "-"),
        (
            "start-up: first answer (median)",
            f"{startup['first answer'] * 1000:.1f} ms",
            real_startup,
        ),
    ]
    with SimulatorThread(password=password) as sim:

        def sim_client() -> obsws_python.ReqClient:
            return obsws_python.ReqClient(
                host=sim.host, port=sim.port, password=password, timeout=5
            )

        def real_client() -> obsws_python.ReqClient:
            assert real is not None
            return obsws_python.ReqClient(host=real[0], port=real[1], password=real[2], timeout=5)

        for label, request_type, data in WORKLOADS:
            simulated = measure_requests(sim_client, args.requests, request_type, data)
            cell_real = "-"
            if real is not None:
                try:
                    cell_real = _cell(
                        measure_requests(real_client, args.requests, request_type, data)
                    )
                except (OSError, obsws_python.error.OBSSDKError) as exc:
                    cell_real = f"unreachable ({type(exc).__name__})"
            rows.append((f"{label} x{args.requests}", _cell(simulated), cell_real))

    headers = ("measure", "simulator", "real OBS" if real else "real OBS (not configured)")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(3)]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


def _cell(result: dict[str, float]) -> str:
    return f"{result['rps']:.0f} req/s (p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms)"


if __name__ == "__main__":
    sys.exit(main())
