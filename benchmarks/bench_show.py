"""Scene-switch latency (request sent -> CurrentProgramSceneChanged received), streamkit vs raw
obsws-python, p50 and p99 over 200 switches (target ratio <= 1.2); CPU time per live health
sample."""

from __future__ import annotations

import argparse
import random
import threading
import time

import obsws_python
from common import Backend, percentile, real_obs_versions, simulator, table

from streamkit.health.monitor import StreamMonitor
from streamkit.obs.client import ObsClient
from streamkit.show.control import ShowControl

SCENES = ("Bench A", "Bench B")


def prepare(backend: Backend) -> None:
    with ObsClient(backend.host, backend.port, backend.password) as client:
        existing = set(ShowControl(client).scenes().names)
        for name in SCENES:
            if name not in existing:
                client.request("CreateScene", {"sceneName": name})
        client.request("SetCurrentSceneTransition", {"transitionName": "Cut"})
        client.request("SetCurrentProgramScene", {"sceneName": SCENES[0]})
        time.sleep(0.3)


def ours(backend: Backend, switches: int) -> list[float]:
    arrived = threading.Event()
    with ObsClient(backend.host, backend.port, backend.password) as client:
        client.on_event(
            lambda kind, data: arrived.set() if kind == "CurrentProgramSceneChanged" else None
        )
        control = ShowControl(client)
        return [_switch(lambda n: control.switch_scene(n), arrived, i) for i in range(switches)]


def raw(backend: Backend, switches: int) -> list[float]:
    arrived = threading.Event()
    requests = obsws_python.ReqClient(
        host=backend.host, port=backend.port, password=backend.password, timeout=5
    )
    events = obsws_python.EventClient(
        host=backend.host, port=backend.port, password=backend.password
    )

    def on_current_program_scene_changed(data: object) -> None:
        arrived.set()

    events.callback.register(on_current_program_scene_changed)
    try:
        return [_switch(requests.set_current_program_scene, arrived, i) for i in range(switches)]
    finally:
        events.disconnect()
        requests.disconnect()


def _switch(send, arrived: threading.Event, i: int) -> float:
    # OBS applies a switch on its next video frame: start each one at a random phase of the
    # frame clock, so neither client is measured locked to a lucky or unlucky phase
    time.sleep(random.uniform(0, 0.05))
    arrived.clear()
    started = time.perf_counter()
    send(SCENES[(i + 1) % 2])
    if not arrived.wait(5):
        raise RuntimeError("no CurrentProgramSceneChanged within 5 s")
    return (time.perf_counter() - started) * 1000


def health_cpu(backend: Backend, samples: int) -> float:
    """CPU seconds of this process per StreamMonitor.sample_once (round trip included)."""
    with ObsClient(backend.host, backend.port, backend.password) as client:
        monitor = StreamMonitor(client)
        monitor.sample_once()
        started = time.process_time()
        for _ in range(samples):
            monitor.sample_once()
        return (time.process_time() - started) / samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--switches", type=int, default=200)
    args = parser.parse_args()
    rows, cpu_rows = [], []
    for make in (*real_obs_versions(), simulator):
        with make() as backend:
            if backend is None:
                continue
            prepare(backend)
            raw(backend, 10)  # warm up both paths
            ours(backend, 10)
            ours_ms, raw_ms = ours(backend, args.switches), raw(backend, args.switches)
            p50 = (percentile(ours_ms, 50), percentile(raw_ms, 50))
            p99 = (percentile(ours_ms, 99), percentile(raw_ms, 99))
            rows.append(
                [
                    backend.name,
                    f"{p50[0]:.2f}",
                    f"{p50[1]:.2f}",
                    f"{p50[0] / p50[1]:.2f}",
                    f"{p99[0]:.2f}",
                    f"{p99[1]:.2f}",
                    f"{p99[0] / p99[1]:.2f}",
                ]
            )
            cpu_rows.append([backend.name, f"{health_cpu(backend, 100) * 1e6:.0f}"])
    print(f"Scene switch to CurrentProgramSceneChanged, {args.switches} switches (ms)")
    print(table(["backend", "p50 ours", "p50 raw", "ratio", "p99 ours", "p99 raw", "ratio"], rows))
    print("\nCPU per live health sample (StreamMonitor.sample_once, incl. its round trip)")
    print(table(["backend", "CPU µs/sample"], cpu_rows))


if __name__ == "__main__":
    main()
