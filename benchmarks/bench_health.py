"""CPU time per health sample through metrics and alerts: `python benchmarks/bench_health.py`."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamkit.health.alerts import HealthPipeline
from streamkit.health.metrics import HealthTracker, Sample


def synthetic_samples(count: int, seed: int = 42) -> list[Sample]:
    """A live stream at 1 Hz with noise, drop bursts, congestion and an occasional restart."""
    rng = random.Random(seed)
    t = 1_800_000_000.0
    skipped = total = sent = duration_ms = render_total = 0
    samples = []
    for i in range(count):
        t += 1.0 + rng.uniform(-0.05, 0.05)
        if i and i % 3600 == 0:  # restarted every hour
            skipped = total = sent = duration_ms = 0
        burst = (i // 60) % 10 == 7 and rng.random() < 0.8
        frames = 30
        total += frames
        skipped += rng.randint(3, 12) if burst else (1 if rng.random() < 0.01 else 0)
        sent += rng.randint(200_000, 300_000) if burst else rng.randint(700_000, 800_000)
        duration_ms += 1000
        render_total += frames
        stream = {
            "outputActive": True,
            "outputReconnecting": burst and rng.random() < 0.05,
            "outputTimecode": "01:00:00.000",
            "outputDuration": duration_ms,
            "outputCongestion": rng.uniform(0.5, 0.9) if burst else rng.uniform(0.0, 0.1),
            "outputBytes": sent,
            "outputSkippedFrames": skipped,
            "outputTotalFrames": total,
        }
        stats = {
            "cpuUsage": rng.uniform(10, 40),
            "memoryUsage": 400 + rng.uniform(0, 50),
            "availableDiskSpace": 80_000.0,
            "activeFps": 30.0,
            "averageFrameRenderTime": rng.uniform(2, 6),
            "renderSkippedFrames": 0,
            "renderTotalFrames": render_total,
            "outputSkippedFrames": 0,
            "outputTotalFrames": render_total,
            "webSocketSessionIncomingMessages": 2 * i,
            "webSocketSessionOutgoingMessages": 2 * i,
        }
        samples.append(Sample(t, stream, stats))
    return samples


def cpu_us_per_sample(samples: list[Sample], stage: str, repeat: int) -> tuple[float, int]:
    """Best CPU time per sample over `repeat` runs (µs), and the alert events of one run."""
    best = float("inf")
    events = 0
    for _ in range(repeat):
        if stage == "metrics":
            tracker = HealthTracker()
            start = time.process_time()
            for sample in samples:
                tracker.update(sample)
        else:
            monitor = HealthPipeline()
            events = 0
            start = time.process_time()
            for sample in samples:
                events += len(monitor.feed(sample).events)
        best = min(best, time.process_time() - start)
    return best / len(samples) * 1e6, events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1_000, 10_000, 20_000], help="samples per run"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best is shown)")
    args = parser.parse_args(argv)
    print(f"{'samples':>8}  {'metrics µs/sample':>18}  {'metrics+alerts µs/sample':>25}  events")
    for size in args.sizes:
        samples = synthetic_samples(size)
        metrics_us, _ = cpu_us_per_sample(samples, "metrics", args.repeat)
        pipeline_us, events = cpu_us_per_sample(samples, "pipeline", args.repeat)
        print(f"{size:>8}  {metrics_us:>18.1f}  {pipeline_us:>25.1f}  {events:>6}")
    print("CPU time (time.process_time), best of", args.repeat, "runs; 1 Hz polling gives 1e6 µs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
