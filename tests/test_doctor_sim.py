"""`streamkit doctor` OBS checks against the simulator: a good set-up passes, each fault shows."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from streamkit.config import parse_config
from streamkit.doctor.checklist import Status, diagnose, exit_code
from streamkit.doctor.rehearse import Rehearsal
from streamkit.doctor.report import render_text, to_json
from streamkit.doctor.settings import RehearsalSettings
from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsError
from streamkit.simulator.server import SimulatorThread
from streamkit.simulator.state import DEMO_NDI_SENDERS, demo_state
from tests.cli import run_cli
from tests.realobs import ISSUED_SECRETS, free_port

PASSWORD = secrets.token_urlsafe(12)
KEY = "live_doctor_" + secrets.token_hex(8)
ISSUED_SECRETS.extend([PASSWORD, KEY])
OBS_CHECKS = [
    "obs.connection",
    "obs.versions",
    "obs.ndi",
    "obs.stream_key",
    "obs.resources",
    "obs.fallback_scene",
]
ENV = {"DOCTOR_OBS_PASSWORD": PASSWORD, "DOCTOR_STREAM_KEY": KEY}


@pytest.fixture
def sim():
    state = demo_state()
    state.profile.stream_service_settings["key"] = KEY
    with SimulatorThread(password=PASSWORD, state=state) as sim:
        yield sim


@pytest.fixture
def env(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return ENV


def write(
    tmp_path: Path,
    port: int,
    extra: str = "",
    fallback: str = "Technical Difficulties",
    senders: tuple[str, ...] = DEMO_NDI_SENDERS[:2],
):
    listed = ", ".join(json.dumps(s) for s in senders)
    path = tmp_path / "streamkit.yaml"
    path.write_text(
        f"""\
obs:
  host: 127.0.0.1
  port: {port}
  timeout: 2
  password: env:DOCTOR_OBS_PASSWORD
  stream_key: env:DOCTOR_STREAM_KEY
show:
  fallback_scene: {fallback}
  ndi_senders: [{listed}]
{extra}""",
        encoding="utf-8",
    )
    return path


def run(path: Path, checks=None):
    config = parse_config(path.read_text(encoding="utf-8"), path)
    results = diagnose(config, only=checks)
    return {r.name: r for r in results}, results


def test_good_set_up_passes_every_obs_check(sim, env, tmp_path):
    by_name, results = run(write(tmp_path, sim.port))
    assert {n: by_name[n].status for n in OBS_CHECKS} == dict.fromkeys(OBS_CHECKS, Status.PASS)
    assert by_name["config.secrets"].status is Status.PASS
    # nothing configured for these: skipped, saying so, and not counted against the set-up
    for name in ("aws.credentials", "schedule", "obs.collection", "obs.profile"):
        assert by_name[name].status is Status.SKIP
        assert "not configured" in by_name[name].summary
    assert exit_code(results) == 0
    assert "3 sender(s) visible" in by_name["obs.ndi"].summary


def test_unreachable_obs_fails_once_and_dependent_checks_skip(env, tmp_path):
    by_name, results = run(write(tmp_path, free_port()), OBS_CHECKS)
    assert by_name["obs.connection"].status is Status.FAIL
    assert "WebSocket Server Settings" in by_name["obs.connection"].fix
    for name in OBS_CHECKS[1:]:
        assert by_name[name].status is Status.SKIP
        assert "not reachable" in by_name[name].summary
    assert exit_code(results) == 2


def test_wrong_password_fails_with_its_fix(sim, env, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCTOR_OBS_PASSWORD", "not-the-password")
    by_name, _ = run(write(tmp_path, sim.port), ["obs.connection", "obs.versions"])
    assert by_name["obs.connection"].status is Status.FAIL
    assert "refused the websocket password" in by_name["obs.connection"].summary
    assert "obs.password" in by_name["obs.connection"].fix
    assert by_name["obs.versions"].status is Status.SKIP


def test_unresolvable_secrets_fail_naming_the_reference(sim, env, tmp_path, monkeypatch):
    monkeypatch.delenv("DOCTOR_STREAM_KEY")
    monkeypatch.delenv("DOCTOR_OBS_PASSWORD")
    by_name, _ = run(
        write(tmp_path, sim.port), ["config.secrets", "obs.connection", "obs.stream_key"]
    )
    secrets_result = by_name["config.secrets"]
    assert secrets_result.status is Status.FAIL
    assert "obs.password" in secrets_result.summary and "obs.stream_key" in secrets_result.summary
    assert any("DOCTOR_STREAM_KEY is not set" in d for d in secrets_result.details)
    assert "export" in secrets_result.fix
    assert by_name["obs.connection"].status is Status.SKIP
    assert "password cannot be resolved" in by_name["obs.connection"].summary


def test_old_obs_version_fails(sim, env, tmp_path, monkeypatch):
    monkeypatch.setattr("streamkit.simulator.req_general.OBS_VERSION", "27.2.4")
    by_name, _ = run(write(tmp_path, sim.port), ["obs.versions"])
    result = by_name["obs.versions"]
    assert result.status is Status.FAIL
    assert "27.2.4" in result.summary and "upgrade OBS" in result.fix


def test_missing_ndi_sender_warns_with_its_fix(sim, env, tmp_path):
    assert sim.remove_ndi_sender(DEMO_NDI_SENDERS[1])
    by_name, results = run(write(tmp_path, sim.port), ["obs.ndi"])
    result = by_name["obs.ndi"]
    assert result.status is Status.WARN
    assert repr(DEMO_NDI_SENDERS[1]) in result.summary
    assert "start those senders" in result.fix
    assert exit_code(results) == 1


def test_missing_stream_key_fails(sim, env, tmp_path):
    sim.call(lambda: sim.state.profile.stream_service_settings.update(key=""))
    by_name, _ = run(write(tmp_path, sim.port), ["obs.stream_key"])
    assert by_name["obs.stream_key"].status is Status.FAIL
    assert "obs profile import" in by_name["obs.stream_key"].fix


def test_other_stream_key_warns_without_showing_either(sim, env, tmp_path):
    other = "live_other_" + secrets.token_hex(6)
    ISSUED_SECRETS.append(other)
    sim.call(lambda: sim.state.profile.stream_service_settings.update(key=other))
    by_name, results = run(write(tmp_path, sim.port), ["obs.stream_key"])
    assert by_name["obs.stream_key"].status is Status.WARN
    text = render_text(results) + to_json(results)
    assert other not in text and KEY not in text


def test_missing_fallback_scene_fails_listing_the_scenes(sim, env, tmp_path):
    by_name, _ = run(write(tmp_path, sim.port, fallback="Emergency Slate"), ["obs.fallback_scene"])
    result = by_name["obs.fallback_scene"]
    assert result.status is Status.FAIL
    assert "'Emergency Slate'" in result.summary and "'Be Right Back'" in result.fix


def test_low_disk_fails_and_busy_cpu_warns(sim, env, tmp_path):
    # the simulator reports ~80 GB free and a few % CPU: thresholds above them are the fault
    extra = "health:\n  thresholds:\n    disk_space: {warn: 900000, alarm: 800000}\n"
    by_name, _ = run(write(tmp_path, sim.port, extra), ["obs.resources"])
    assert by_name["obs.resources"].status is Status.FAIL
    assert "free disk space" in by_name["obs.resources"].fix
    extra = "health:\n  thresholds:\n    cpu: {warn: 0.0, alarm: 100}\n"
    by_name, _ = run(write(tmp_path, sim.port, extra), ["obs.resources"])
    assert by_name["obs.resources"].status is Status.WARN
    assert "bigger bundle" in by_name["obs.resources"].fix


def test_cli_exit_codes_json_and_no_secrets(sim, tmp_path):
    path = write(tmp_path, sim.port)
    text = run_cli("-c", str(path), "doctor", env=ENV)
    assert text.returncode == 0, text.stdout + text.stderr
    assert "✓ PASS obs.connection" in text.stdout and text.stdout.strip().endswith("skip")
    sim.remove_ndi_sender(DEMO_NDI_SENDERS[0])
    as_json = run_cli("-c", str(path), "doctor", "--json", env=ENV)
    assert as_json.returncode == 1, as_json.stdout + as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["exit_code"] == 1 and data["counts"]["WARN"] == 1
    assert {c["name"]: c["status"] for c in data["checks"]}["obs.ndi"] == "WARN"
    failing = run_cli("-c", str(path), "doctor", env={**ENV, "DOCTOR_OBS_PASSWORD": "wrong"})
    assert failing.returncode == 2
    assert "✗ FAIL obs.connection" in failing.stdout
    for out in (text, as_json, failing):
        assert PASSWORD not in out.stdout + out.stderr
        assert KEY not in out.stdout + out.stderr


def test_unknown_event_is_a_usage_error(sim, tmp_path):
    path = write(tmp_path, sim.port)
    result = run_cli("-c", str(path), "doctor", "--event", "nope", env=ENV)
    assert result.returncode == 2
    assert "--event nope: no such event" in result.stderr


def test_invalid_config_is_one_failed_check(tmp_path):
    path = tmp_path / "streamkit.yaml"
    path.write_text("obs:\n  port: 99999\n", encoding="utf-8")
    result = run_cli("-c", str(path), "doctor", "--json")
    assert result.returncode == 2
    check = json.loads(result.stdout)["checks"][0]
    assert check["name"] == "config" and check["status"] == "FAIL"
    assert f"{path}:2: obs.port" in check["details"][0]


def test_rehearsal_refuses_while_streaming_and_leaves_settings(sim):
    sim.start_stream()
    with ObsClient("127.0.0.1", sim.port, PASSWORD) as client:
        before = client.request("GetStreamServiceSettings")
        rehearsal = Rehearsal(client, RehearsalSettings(target_url="rtmp://127.0.0.1:1/live"))
        with pytest.raises(UsageError, match="OBS is streaming"):
            rehearsal.run()
        assert client.request("GetStreamServiceSettings") == before
        assert client.request("GetStreamStatus")["outputActive"]


def test_rehearsal_restores_the_destination_after_a_failure(sim):
    with ObsClient("127.0.0.1", sim.port, PASSWORD) as client:
        before = client.request("GetStreamServiceSettings")
        calls = []

        def interrupted(_):
            calls.append(1)
            raise KeyboardInterrupt

        rehearsal = Rehearsal(client, RehearsalSettings(target_url=sim.ingest_url))
        with pytest.raises(KeyboardInterrupt):
            rehearsal.run(on_sample=interrupted)
        assert calls == [1]
        assert client.request("GetStreamServiceSettings") == before
        assert not client.request("GetStreamStatus")["outputActive"]


def test_rehearsal_reports_the_drops_and_congestion_obs_counts(sim):
    sim.congest(0.6, drop_ratio=0.1)
    with ObsClient("127.0.0.1", sim.port, PASSWORD) as client:
        settings = RehearsalSettings(target_url=sim.ingest_url, seconds=5)
        result = Rehearsal(client, settings).run()
    counters = result.obs_counters
    assert 0 < result.dropped_frames <= counters["outputSkippedFrames"] <= result.dropped_frames + 2
    assert 0 <= counters["outputTotalFrames"] - result.total_frames <= 2
    assert result.drop_pct == pytest.approx(10, abs=3)
    assert result.congestion_max == pytest.approx(60, abs=5)
    assert result.status == "FAIL" and "dropped" in result.verdict


def test_rehearsal_to_a_target_nothing_answers_fails_as_on_obs(sim):
    """OBS cannot reach the server: the stream never goes live, and the rehearsal says so."""
    with ObsClient("127.0.0.1", sim.port, PASSWORD) as client:
        before = client.request("GetStreamServiceSettings")
        settings = RehearsalSettings(target_url=f"rtmp://127.0.0.1:{free_port()}/live", seconds=5)
        with pytest.raises(ObsError, match="did not start the stream"):
            Rehearsal(client, settings).run()
        assert client.request("GetStreamServiceSettings") == before
        assert not client.request("GetStreamStatus")["outputActive"]


def test_ndi_inputs_without_any_sender_warn(sim, env, tmp_path):
    for name in DEMO_NDI_SENDERS:
        sim.remove_ndi_sender(name)
    by_name, _ = run(write(tmp_path, sim.port, senders=()), ["obs.ndi"])
    assert by_name["obs.ndi"].status is Status.WARN
    assert "lists no senders" in by_name["obs.ndi"].summary


RUN_OF_SHOW = """\
  segments:
    - title: Welcome
      scene: Starting Soon
      text: {"Lower Third": "Welcome!"}
    - title: Talk
      scene: Speakr
      ndi: {"NDI Speakr": "ZOOM-PC (Zoom - Gallery)", "Lower Third": "x"}
      text: {"Lower Thrid": "Talk", "Background": "y"}
"""


def test_run_of_show_naming_what_obs_lacks_fails_with_each_name(sim, env, tmp_path):
    by_name, results = run(write(tmp_path, sim.port, RUN_OF_SHOW), ["show.runofshow"])
    result = by_name["show.runofshow"]
    assert result.status is Status.FAIL
    assert result.details == [
        "segment 2 'Talk': scene 'Speakr' does not exist (did you mean 'Speaker'?)",
        "segment 2 'Talk': NDI input 'NDI Speakr' does not exist "
        "(did you mean 'NDI Speaker', 'NDI Screen'?)",
        "segment 2 'Talk': 'Lower Third' is a text_ft2_source, not an NDI input",
        "segment 2 'Talk': text source 'Lower Thrid' does not exist (did you mean 'Lower Third'?)",
        "segment 2 'Talk': 'Background' is a color_source, not a text source",
    ]
    assert "show.segments" in result.fix
    assert exit_code(results) == 2


def test_run_of_show_that_matches_obs_passes(sim, env, tmp_path):
    good = RUN_OF_SHOW.split("    - title: Talk")[0]
    by_name, _ = run(write(tmp_path, sim.port, good), ["show.runofshow"])
    assert by_name["show.runofshow"].status is Status.PASS
