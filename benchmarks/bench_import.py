"""Import of a 30-scene / 150-input collection: batched vs one request at a time.

Round trips and wall time, on loopback and through a proxy adding 50 ms per round trip.
Targets: at most 5 round trips; at least 10x faster than one request at a time at 50 ms.
"""

from __future__ import annotations

import argparse
import time

from common import Backend, LatencyProxy, real_obs_versions, simulator, table

from streamkit.collection.importer import Importer
from streamkit.collection.model import Collection
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsRequestFailed
from streamkit.obs.types import BatchResult


def big_collection(name: str, scenes: int = 30, per_scene: int = 5) -> Collection:
    inputs, scene_list = [], []
    for s in range(scenes):
        items = []
        for i in range(per_scene):
            input_name = f"Color {s:02d}-{i}"
            inputs.append(
                {
                    "name": input_name,
                    "kind": "color_source",
                    "settings": {
                        "color": 0xFF000000 + s * 4096 + i * 64,
                        "width": 320,
                        "height": 180,
                    },
                }
            )
            items.append(
                {"source": input_name, "transform": {"positionX": 100.0 * i, "positionY": 60.0 * i}}
            )
        scene_list.append({"name": f"Scene {s:02d}", "items": items})
    return Collection.model_validate(
        {"name": name, "inputs": inputs, "scenes": scene_list, "current_scene": "Scene 00"}
    )


class OneAtATime(ObsClient):
    """The same client, but a batch is sent as separate requests (the baseline)."""

    def batch(self, requests, *, halt_on_failure=False, execution_type=None, timeout=None):
        results = []
        for index, request in enumerate(requests):
            data = request.data if hasattr(request, "data") else request[1]
            kind = request.request_type if hasattr(request, "request_type") else request[0]
            try:
                answer = self.request(kind, data)
                results.append(BatchResult(index, kind, True, 100, "", answer))
            except ObsRequestFailed as exc:  # a failed request is a result here
                results.append(BatchResult(index, kind, False, exc.code, exc.comment))
                if halt_on_failure:
                    break
        self.round_trips += len(requests)
        return results


def measure(backend: Backend, port: int, client_class, label: str, run: int) -> tuple[str, float]:
    with client_class(backend.host, port, backend.password, timeout=30) as client:
        client.round_trips = 0
        collection = big_collection(f"bench {label} {run}")
        started = time.perf_counter()
        importer = Importer(client, collection)
        report = importer.run()
        elapsed = time.perf_counter() - started
    if client_class is ObsClient:
        settle = f" (+{report.settle_polls} settle)" if report.settle_polls else ""
        return f"{report.round_trips}{settle}", elapsed
    return str(client.round_trips), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["real", "simulator", "both"], default="both")
    args = parser.parse_args()
    rows = []
    backends = []
    if args.backend in ("real", "both"):
        backends.extend(real_obs_versions())
    if args.backend in ("simulator", "both"):
        backends.append(simulator)
    measured_at_50 = False
    for make in backends:
        with make() as backend:
            if backend is None:
                continue
            # one request at a time through 50 ms takes minutes: once is enough
            for delay_ms in (0, 50) if not measured_at_50 else (0,):
                measured_at_50 |= delay_ms == 50
                with LatencyProxy(backend.port, delay_ms / 2000) as proxy:
                    port = proxy.port
                    b_trips, b_time = measure(backend, port, ObsClient, f"b{delay_ms}", 1)
                    s_trips, s_time = measure(backend, port, OneAtATime, f"s{delay_ms}", 1)
                rows.append(
                    [
                        backend.name,
                        f"{delay_ms} ms",
                        b_trips,
                        f"{b_time:.2f}",
                        s_trips,
                        f"{s_time:.2f}",
                        f"{s_time / b_time:.1f}x",
                    ]
                )
    print("Import of 30 scenes / 150 inputs into a new collection (incl. verification)")
    print(
        table(
            [
                "backend",
                "added RTT",
                "batched trips",
                "batched s",
                "sequential trips",
                "sequential s",
                "speed-up",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
