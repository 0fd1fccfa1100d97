"""`streamkit doctor` and `--rehearse` against a real OBS (and an nginx RTMP server)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path

import pytest

from streamkit.config import parse_config
from streamkit.doctor.checklist import Status, diagnose, exit_code
from streamkit.doctor.rehearse import Rehearsal
from streamkit.doctor.settings import RehearsalSettings
from streamkit.obs.client import ObsClient
from tests.cli import run_cli
from tests.realobs import ISSUED_SECRETS, start_obs

pytestmark = pytest.mark.real_obs
ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "simple-720p"
KEY = "live_doctor_real_" + secrets.token_hex(8)
ISSUED_SECRETS.append(KEY)
COLLECTION = """\
name: Doctor Check
inputs:
  - name: Slate
    kind: color_source
    settings: {color: 4281545523, width: 1280, height: 720}
  - name: Slate Text
    kind: text_ft2_source
    settings: {text: Technical difficulties}
scenes:
  - name: Live
    items: [Slate]
  - name: Technical Difficulties
    items: [Slate, Slate Text]
"""
OBS_CHECKS = [
    "obs.connection",
    "obs.versions",
    "obs.collection",
    "obs.ndi",
    "obs.profile",
    "obs.stream_key",
    "obs.resources",
    "obs.fallback_scene",
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, obs_version):
    """One OBS with the collection and profile imported: the good set-up."""
    obs = start_obs(obs_version)
    folder = tmp_path_factory.mktemp("doctor")
    (folder / "scenes.yaml").write_text(COLLECTION, encoding="utf-8")
    config = folder / "streamkit.yaml"
    config.write_text(config_text(obs.port), encoding="utf-8")
    env = {"DOCTOR_OBS_PASSWORD": obs.password, "DOCTOR_STREAM_KEY": KEY}
    for args in (("obs", "profile", "import"), ("obs", "import", "--yes")):
        result = run_cli("-c", str(config), *args, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    yield obs, config, env
    obs.cleanup()


def config_text(port: int, show: str = "fallback_scene: Technical Difficulties") -> str:
    return f"""\
obs:
  host: 127.0.0.1
  port: {port}
  password: env:DOCTOR_OBS_PASSWORD
  collection: scenes.yaml
  profile: {PROFILE}
  stream_key: env:DOCTOR_STREAM_KEY
show:
  {show}
"""


@pytest.fixture
def env(setup, monkeypatch):
    _, _, env = setup
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def client(setup):
    obs, _, _ = setup
    with ObsClient(obs.host, obs.port, obs.password) as client:
        yield client


def run(setup, checks=None, **show):
    _, path, _ = setup
    text = path.read_text(encoding="utf-8")
    if show:
        text = config_text(setup[0].port, *show.values())
    config = parse_config(text, path)
    results = diagnose(config, only=checks)
    return {r.name: r for r in results}, results


def test_good_set_up_passes_everything(setup, env):
    by_name, results = run(setup)
    statuses = {n: by_name[n].status for n in OBS_CHECKS}
    assert statuses == {**dict.fromkeys(OBS_CHECKS, Status.PASS), "obs.ndi": Status.SKIP}, [
        f"{r.name}: {r.summary} {r.details}" for r in results
    ]
    assert "not configured" in by_name["obs.ndi"].summary
    assert "(0 changes)" in by_name["obs.collection"].summary
    assert "(0 changes)" in by_name["obs.profile"].summary
    assert exit_code(results) == 0


def test_cli_passes_without_printing_secrets(setup):
    obs, path, env = setup
    for args in ((), ("--json",)):
        result = run_cli("-c", str(path), "doctor", *args, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert KEY not in result.stdout + result.stderr
        assert obs.password not in result.stdout + result.stderr
    assert json.loads(result.stdout)["counts"]["FAIL"] == 0


def test_collection_drift_warns_with_the_plan(setup, env, client):
    text = {"inputName": "Slate Text"}
    client.request("SetInputSettings", {**text, "inputSettings": {"text": "Changed by hand"}})
    try:
        result = run(setup, ["obs.collection"])[0]["obs.collection"]
        assert result.status is Status.WARN
        assert "1 change(s)" in result.summary
        assert any("Slate Text" in line for line in result.details)
        assert "streamkit obs import" in result.fix
    finally:
        settings = {"text": "Technical difficulties"}
        client.request("SetInputSettings", {**text, "inputSettings": settings})


def test_profile_drift_outside_the_encoder_warns(setup, env, client):
    """Encoder drift FAILs (tests/test_profile_bitrate_real.py); other drift warns."""
    before = client.request("GetVideoSettings")
    client.request("SetVideoSettings", {"outputWidth": 960, "outputHeight": 540})
    try:
        result = run(setup, ["obs.profile"])[0]["obs.profile"]
        assert result.status is Status.WARN, result.summary
        assert any(line.startswith("set video") for line in result.details)
        assert "streamkit obs profile import" in result.fix
    finally:
        client.request(
            "SetVideoSettings",
            {"outputWidth": before["outputWidth"], "outputHeight": before["outputHeight"]},
        )


def test_missing_stream_key_fails(setup, env, client):
    before = client.request("GetStreamServiceSettings")
    settings = {**before["streamServiceSettings"], "key": ""}
    client.request(
        "SetStreamServiceSettings",
        {"streamServiceType": before["streamServiceType"], "streamServiceSettings": settings},
    )
    try:
        by_name, results = run(setup, ["obs.stream_key", "obs.profile"])
        assert by_name["obs.stream_key"].status is Status.FAIL
        assert "OBS has no stream key" in by_name["obs.stream_key"].summary
        assert by_name["obs.profile"].status is Status.WARN  # the service differs too
        assert KEY not in repr(results)
    finally:
        client.request("SetStreamServiceSettings", before)


def test_missing_ndi_plugin_fails(setup, env):
    by_name, _ = run(setup, ["obs.ndi"], show='ndi_senders: ["ZOOM-PC (Zoom - Active Speaker)"]')
    result = by_name["obs.ndi"]
    assert result.status is Status.FAIL
    assert "the NDI plugin is not loaded" in result.summary
    assert "install DistroAV" in result.fix


def test_missing_fallback_scene_fails(setup, env):
    by_name, _ = run(setup, ["obs.fallback_scene"], show="fallback_scene: Standby")
    result = by_name["obs.fallback_scene"]
    assert result.status is Status.FAIL
    assert "'Technical Difficulties'" in result.fix


def test_wrong_password_fails(setup, env, monkeypatch):
    monkeypatch.setenv("DOCTOR_OBS_PASSWORD", "wrong-" + secrets.token_hex(4))
    by_name, _ = run(setup, ["obs.connection", "obs.collection"])
    assert by_name["obs.connection"].status is Status.FAIL
    assert by_name["obs.collection"].status is Status.SKIP


def test_rehearsal_matches_obs_counters_and_restores_the_destination(setup, client, rtmp_server):
    obs = setup[0]
    before = client.request("GetStreamServiceSettings")
    seen: list[dict] = []
    done = threading.Event()

    def watch() -> None:  # OBS's own counters, read on a separate connection
        with ObsClient(obs.host, obs.port, obs.password) as watcher:
            while not done.is_set():
                status = watcher.request("GetStreamStatus")
                if status.get("outputActive"):
                    seen.append(status)
                time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        settings = RehearsalSettings(target_url=rtmp_server.url, seconds=8)
        result = Rehearsal(client, settings).run()
    finally:
        done.set()
        thread.join(5)
    last = seen[-1]
    # frames the output counts a second (OBS 32 under software GL renders slower than that)
    fps = result.total_frames / result.seconds
    assert 6.5 <= result.seconds <= 10  # OBS's stream duration at the last sample
    assert result.samples >= 7
    # our sums of per-second deltas against OBS's cumulative counters
    assert abs(result.total_frames - last["outputTotalFrames"]) <= fps * 1.5
    assert abs(result.total_frames - result.obs_counters["outputTotalFrames"]) <= fps * 0.5
    assert result.dropped_frames <= result.obs_counters["outputSkippedFrames"]
    assert result.bytes_sent <= result.obs_counters["outputBytes"]
    assert result.bytes_sent >= 0.85 * last["outputBytes"]
    obs_kbps = last["outputBytes"] * 8 / last["outputDuration"]
    assert result.bitrate_avg == pytest.approx(obs_kbps, rel=0.2)
    assert result.bitrate_min <= result.bitrate_p5 <= result.bitrate_avg * 1.5
    assert result.bitrate_max >= result.bitrate_avg * 0.8
    assert result.verdict.split(":")[0] in ("PASS", "WARN", "FAIL")
    assert result.target == f"{rtmp_server.url}/rehearsal"
    assert client.request("GetStreamServiceSettings") == before
    assert not client.request("GetStreamStatus")["outputActive"]


def test_cli_rehearse_prints_figures_not_the_key(setup, rtmp_server, client):
    _, path, env = setup
    before = client.request("GetStreamServiceSettings")
    result = run_cli(
        "-c",
        str(path),
        "doctor",
        "--rehearse",
        "--seconds",
        "6",
        "--target",
        rtmp_server.url,
        env=env,
    )
    assert result.returncode in (0, 1, 2), result.stderr
    out = result.stdout + result.stderr
    assert f"rehearsal to {rtmp_server.url}/rehearsal" in out
    assert "frames" in out and "kbps" in out and "verdict" in out
    assert KEY not in out
    assert client.request("GetStreamServiceSettings") == before


def test_rehearsal_through_a_stalled_server_reports_the_drops_obs_counted(
    setup, client, rtmp_server
):
    samples: list[object] = []

    def stall(metrics) -> None:  # the RTMP server stops reading from second 2 to second 16
        samples.append(metrics)
        if len(samples) == 2:
            rtmp_server.freeze()
        elif len(samples) == 16:
            rtmp_server.thaw()

    settings = RehearsalSettings(target_url=rtmp_server.url, seconds=20)
    result = Rehearsal(client, settings).run(on_sample=stall)
    counters = result.obs_counters
    assert result.congestion_max > 0
    if not result.reconnects:  # a reconnect restarts OBS's counters; compare when none happened
        assert (
            0
            < result.dropped_frames
            <= counters["outputSkippedFrames"]
            <= (result.dropped_frames + 3)
        )
        assert 0 <= counters["outputTotalFrames"] - result.total_frames <= 3
    assert result.status == "FAIL", result.lines()
    assert min(m.bitrate for m in samples[5:14] if m.bitrate is not None) < 100
    assert result.bitrate_min < 100
