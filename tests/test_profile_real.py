"""Profile import and export against a real OBS; the stream key comes from a secret only."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamkit.collection.profile import VIDEO_KEYS, apply_profile, plan_profile, read_profile
from streamkit.obs.client import ObsClient
from tests.cli import run_cli, write_config
from tests.realobs import ISSUED_SECRETS

pytestmark = pytest.mark.real_obs
ROOT = Path(__file__).resolve().parent.parent
SIMPLE = ROOT / "tests" / "fixtures" / "profiles" / "simple-720p"
SHIPPED = ROOT / "profiles" / "serverless-meetup"
KEY = "sk-test-not-a-real-key-7f3a9c2e"


@pytest.fixture
def obs(obs_factory):
    return obs_factory()


def _config(tmp_path: Path, obs, profile: Path) -> str:
    return str(
        write_config(
            tmp_path / "streamkit.yaml",
            f"""\
obs:
  host: 127.0.0.1
  port: {obs.port}
  password: env:TEST_OBS_PASSWORD
  profile: {profile}
  stream_key: env:TEST_STREAM_KEY
""",
        )
    )


def _param(client: ObsClient, section: str, key: str):
    return client.request(
        "GetProfileParameter", {"parameterCategory": section, "parameterName": key}
    )["parameterValue"]


@pytest.mark.parametrize("folder", [SIMPLE, SHIPPED], ids=["simple-720p", "shipped"])
def test_import_reads_back_the_files_values_and_the_key(obs, tmp_path, folder):
    ISSUED_SECRETS.append(KEY)
    files = read_profile(folder)
    config = _config(tmp_path, obs, folder)
    env = {"TEST_OBS_PASSWORD": obs.password, "TEST_STREAM_KEY": KEY}
    result = run_cli("--log-level", "DEBUG", "-c", config, "obs", "profile", "import", env=env)
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    assert "key set" in result.stdout
    with ObsClient(obs.host, obs.port, obs.password) as client:
        assert client.request("GetProfileList")["currentProfileName"] == files.name
        for (section, key), value in files.parameters.items():
            if section != "General" and not (section == "Video" and key in VIDEO_KEYS):
                assert _param(client, section, key) == value, f"[{section}] {key}"
        video = client.request("GetVideoSettings")
        for name, value in files.video_settings().items():
            assert video[name] == value
        service = client.request("GetStreamServiceSettings")
        assert service["streamServiceType"] == files.service["type"]
        assert service["streamServiceSettings"]["key"] == KEY
        plan = plan_profile(client, files, KEY)
        assert plan.changes == 0  # idempotent
    again = run_cli("-c", config, "obs", "profile", "import", "--dry-run", env=env)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_dry_run_changes_nothing_and_exits_1(obs, tmp_path):
    config = _config(tmp_path, obs, SIMPLE)
    env = {"TEST_OBS_PASSWORD": obs.password, "TEST_STREAM_KEY": KEY}
    result = run_cli("-c", config, "obs", "profile", "import", "--dry-run", env=env)
    assert result.returncode == 1
    assert (
        "CreateProfile" in result.stdout and "set [SimpleOutput] VBitrate = 3500" in result.stdout
    )
    with ObsClient(obs.host, obs.port, obs.password) as client:
        assert "Rehearsal 720p" not in client.request("GetProfileList")["profiles"]


def test_refuses_while_streaming(obs, rtmp_server):
    with ObsClient(obs.host, obs.port, obs.password) as client:
        client.request(
            "SetStreamServiceSettings",
            {
                "streamServiceType": "rtmp_custom",
                "streamServiceSettings": {"server": rtmp_server.url, "key": "x"},
            },
        )
        from streamkit.show.control import ShowControl

        ShowControl(client).start_stream()
        try:
            plan = plan_profile(client, read_profile(SIMPLE), None)
            from streamkit.errors import UsageError

            with pytest.raises(UsageError, match="OBS is streaming"):
                apply_profile(client, plan)
            assert "Rehearsal 720p" not in client.request("GetProfileList")["profiles"]
        finally:
            ShowControl(client).stop_stream()


def test_export_writes_no_key_and_reimports_to_nothing(obs, tmp_path):
    ISSUED_SECRETS.append(KEY)
    with ObsClient(obs.host, obs.port, obs.password) as client:
        apply_profile(client, plan_profile(client, read_profile(SIMPLE), KEY))
    config = _config(tmp_path, obs, SIMPLE)
    env = {"TEST_OBS_PASSWORD": obs.password, "TEST_STREAM_KEY": KEY}
    out = tmp_path / "exported"
    result = run_cli("-c", config, "obs", "profile", "export", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    written = (out / "basic.ini").read_text() + (out / "service.json").read_text()
    assert KEY not in written
    assert "VBitrate=3500" in written and "Name=Rehearsal 720p" in written
    with ObsClient(obs.host, obs.port, obs.password) as client:
        assert plan_profile(client, read_profile(out), KEY).changes == 0


def test_bad_basic_ini_names_file_and_line(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "basic.ini").write_text("[General]\nName=x\nthis line has no equals sign\n")
    result = run_cli("obs", "profile", "import", str(folder), "--dry-run")
    assert result.returncode == 2
    assert f"{folder / 'basic.ini'}:3" in result.stderr


def test_bad_service_json_names_file_and_line(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "basic.ini").write_text("[General]\nName=x\n")
    (folder / "service.json").write_text('{\n  "type": "rtmp_custom",\n  oops\n}\n')
    result = run_cli("obs", "profile", "import", str(folder))
    assert result.returncode == 2
    assert f"{folder / 'service.json'}:3" in result.stderr


def test_import_without_a_configured_key_keeps_obs_key(obs, tmp_path):
    ISSUED_SECRETS.append(KEY)
    with ObsClient(obs.host, obs.port, obs.password) as client:
        apply_profile(client, plan_profile(client, read_profile(SIMPLE), KEY))
        plan = plan_profile(client, read_profile(SIMPLE), None)
        assert plan.changes == 0  # an empty key in git means "not kept here", not "erase it"
        assert "OBS keeps the key it has" in " ".join(plan.notes)
        settings = client.request("GetStreamServiceSettings")["streamServiceSettings"]
        assert settings["key"] == KEY
