"""OBS going away around `health --watch`: it waits for OBS, and outages reach the report."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from streamkit.health.report import format_summary, outages_of, summarize, summary_to_json
from streamkit.health.sessionlog import SessionLog, read_session_log
from streamkit.simulator.server import SimulatorThread
from tests.cli import write_config
from tests.realobs import free_port

PASSWORD = "outage-test-password"


def test_watch_started_before_obs_waits_for_it(tmp_path):
    port = free_port()
    config = write_config(
        tmp_path / "streamkit.yaml",
        f"obs:\n  host: 127.0.0.1\n  port: {port}\n  password: env:OUTAGE_OBS_PASSWORD\n"
        f"health:\n  session_log:\n    directory: {tmp_path}\n",
    )
    env = {"OUTAGE_OBS_PASSWORD": PASSWORD, "PATH": "/usr/bin:/bin"}
    watch = subprocess.Popen(
        [sys.executable, "-m", "streamkit", "--config", str(config), "health", "--watch"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = watch.stderr.readline()
        assert first.startswith("waiting for OBS (") and "Ctrl+C" in first
        assert watch.poll() is None  # still waiting, not exit 3
        with SimulatorThread(password=PASSWORD, port=port):
            assert watch.stderr.readline().startswith("OBS at 127.0.0.1:")
            time.sleep(1.5)
            assert watch.poll() is None
        time.sleep(2.5)  # OBS is gone: the next reading fails and raises the alarm
        assert watch.poll() is None
        watch.send_signal(signal.SIGINT)
        _, err = watch.communicate(timeout=20)
    finally:
        watch.kill()
    assert "Traceback" not in err
    logs = list(tmp_path.glob("*.jsonl"))
    assert len(logs) == 1
    outages = summarize(read_session_log(logs[0])).outages
    assert len(outages) == 1 and outages[0].end is None  # OBS went away with the simulator


def test_outages_are_paired_listed_and_exported(tmp_path):
    path = tmp_path / "log.jsonl"
    with SessionLog(path) as log:
        log.note(1_700_000_000, "stream started")
        log.outage(1_700_000_010, "began", "OBS at 127.0.0.1:4455 is not reachable")
        log.outage(1_700_000_031, "ended")
        log.outage(1_700_000_100, "began", "connection closed")
    summary = summarize(read_session_log(path))
    assert [(o.start, o.end) for o in summary.outages] == [
        (1_700_000_010, 1_700_000_031),
        (1_700_000_100, None),
    ]
    text = format_summary(summary)
    assert "OBS unreachable (2):" in text
    assert "22:13:30 to 22:13:51 (0:00:21)  OBS at 127.0.0.1:4455 is not reachable" in text
    assert "22:15:00 to the end of the log  connection closed" in text
    assert summary_to_json(summary)["outages"][1]["end"] is None
    assert outages_of([]) == []
