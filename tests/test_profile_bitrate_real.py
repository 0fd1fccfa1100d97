"""The profile's encoder settings reach the stream, or doctor says they may not (real OBS,
a rehearsal to nginx-rtmp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamkit.collection.encoder import stream_bitrate
from streamkit.collection.profile import read_profile
from streamkit.config import parse_config
from streamkit.doctor.checklist import Status, diagnose
from streamkit.doctor.rehearse import Rehearsal
from streamkit.doctor.settings import RehearsalSettings
from streamkit.obs.client import ObsClient
from tests.cli import run_cli

pytestmark = pytest.mark.real_obs
PROFILES = Path(__file__).resolve().parent / "fixtures" / "profiles"
SIMPLE, ADVANCED = PROFILES / "simple-720p", PROFILES / "advanced-720p"


def _imported(obs, tmp_path: Path, folder: Path, monkeypatch):
    """OBS with the profile imported over the websocket; the config that names it."""
    path = tmp_path / "streamkit.yaml"
    text = (
        f"obs:\n  host: 127.0.0.1\n  port: {obs.port}\n  password: env:BITRATE_OBS_PASSWORD\n"
        f"  profile: {folder}\n"
    )
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BITRATE_OBS_PASSWORD", obs.password)
    result = run_cli("-c", str(path), "obs", "profile", "import",
                     env={"BITRATE_OBS_PASSWORD": obs.password})  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return parse_config(text, path)


def _rehearse(obs, rtmp_server, folder: Path):
    expected = stream_bitrate(read_profile(folder))
    with ObsClient(obs.host, obs.port, obs.password) as client:
        settings = RehearsalSettings(target_url=rtmp_server.url, seconds=10)
        return Rehearsal(client, settings, expected=expected).run()


def test_simple_mode_profile_streams_at_its_bitrate(obs_factory, rtmp_server, tmp_path,
                                                    monkeypatch):  # fmt: skip
    obs = obs_factory()
    config = _imported(obs, tmp_path, SIMPLE, monkeypatch)
    (check,) = diagnose(config, only=["obs.profile"])
    assert check.status is Status.PASS, check.summary
    assert "encoder settings included" in check.summary
    result = _rehearse(obs, rtmp_server, SIMPLE)
    assert result.expected_kbps == 3500 + 160
    assert result.bitrate_avg == pytest.approx(3660, rel=0.10), result.lines()
    assert not result.bitrate_off and result.status != "FAIL", result.verdict


def test_advanced_mode_profile_is_never_a_silent_pass(obs_factory, rtmp_server, tmp_path,
                                                      monkeypatch):  # fmt: skip
    """obs-websocket cannot set streamEncoder.json: OBS streams at its default bitrate."""
    obs = obs_factory()
    config = _imported(obs, tmp_path, ADVANCED, monkeypatch)
    (check,) = diagnose(config, only=["obs.profile"])
    assert check.status is Status.WARN, check.summary
    assert "bitrate is unverified" in check.summary and "streamEncoder.json" in check.summary
    result = _rehearse(obs, rtmp_server, ADVANCED)
    assert result.bitrate_off, result.lines()
    assert result.status == "FAIL"
    assert "the profile streams at 3660 kbps" in result.verdict


def test_a_profile_encoding_differently_fails(obs_factory, tmp_path, monkeypatch):
    obs = obs_factory()
    config = _imported(obs, tmp_path, SIMPLE, monkeypatch)
    with ObsClient(obs.host, obs.port, obs.password) as client:
        client.request(
            "SetProfileParameter",
            {"parameterCategory": "SimpleOutput", "parameterName": "VBitrate",
             "parameterValue": "2500"},
        )  # fmt: skip
    (check,) = diagnose(config, only=["obs.profile"])
    assert check.status is Status.FAIL, check.summary
    assert check.details == ["[SimpleOutput] VBitrate should be 3500"]
