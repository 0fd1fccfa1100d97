"""`streamkit obs status` end to end against a real OBS, with its documented exit codes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.cli import run_cli, status_and_modules, write_config
from tests.realobs import ISSUED_SECRETS, free_port

pytestmark = pytest.mark.real_obs


def _config(tmp_path, port: int) -> str:
    return str(
        write_config(
            tmp_path / "streamkit.yaml",
            f"""\
obs:
  host: 127.0.0.1
  port: {port}
  password: env:TEST_OBS_PASSWORD
""",
        )
    )


def test_status_prints_versions_scenes_outputs_and_stats(real_obs, tmp_path):
    config = _config(tmp_path, real_obs.port)
    result = run_cli(
        "--config", config, "obs", "status", env={"TEST_OBS_PASSWORD": real_obs.password}
    )
    assert result.returncode == 0, result.stderr
    for label in ("OBS", "scene collection", "profile", "program scene", "stream", "fps", "CPU"):
        assert label in result.stdout
    assert "offline" in result.stdout


def test_status_from_the_cached_config_is_the_validated_ones(real_obs, tmp_path):
    """The second run reads the obs: connection from the config cache (no pydantic) and reaches
    the same OBS, with the same answers."""
    config = Path(_config(tmp_path, real_obs.port))
    env = {"TEST_OBS_PASSWORD": real_obs.password, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [status_and_modules(config, env) for _ in range(2)]
    assert [(code, loaded) for code, loaded, _ in runs] == [(0, ["pydantic", "yaml"]), (0, [])]
    first, second = (json.loads(printed) for _, _, printed in runs)
    keys = ("obs_version", "websocket_version", "scene_collection", "profile", "program_scene")
    assert [second[k] for k in keys] == [first[k] for k in keys]


def test_status_json_for_scripts(real_obs, tmp_path):
    config = _config(tmp_path, real_obs.port)
    result = run_cli(
        "--config", config, "obs", "status", "--json", env={"TEST_OBS_PASSWORD": real_obs.password}
    )
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["websocket_version"].startswith("5.")
    assert status["streaming"] is False
    assert status["preview_scene"] is None
    assert "cpuUsage" in status["stats"]


def test_wrong_password_exits_4_and_prints_no_password(real_obs, tmp_path):
    wrong = "wrong-" + real_obs.password[::-1]
    ISSUED_SECRETS.append(wrong)
    config = _config(tmp_path, real_obs.port)
    result = run_cli(
        "--log-level",
        "DEBUG",
        "--config",
        config,
        "obs",
        "status",
        env={"TEST_OBS_PASSWORD": wrong},
    )
    assert result.returncode == 4
    output = result.stdout + result.stderr
    assert "refused the websocket password" in output
    assert wrong not in output and real_obs.password not in output
    assert "Traceback" not in output


def test_debug_logging_never_prints_the_password(real_obs, tmp_path):
    config = _config(tmp_path, real_obs.port)
    result = run_cli(
        "--log-level",
        "DEBUG",
        "--config",
        config,
        "obs",
        "status",
        env={"TEST_OBS_PASSWORD": real_obs.password},
    )
    assert result.returncode == 0, result.stderr
    assert "Connecting with parameters" in result.stderr  # the driver's line is there, redacted
    assert real_obs.password not in result.stdout + result.stderr


def test_nothing_listening_exits_3_within_3_seconds(tmp_path):
    config = _config(tmp_path, free_port())
    started = time.monotonic()
    result = run_cli("--config", config, "obs", "status", env={"TEST_OBS_PASSWORD": "x"})
    assert time.monotonic() - started < 3
    assert result.returncode == 3
    assert "cannot reach OBS" in result.stderr and "websocket server" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_secret_exits_2_naming_file_line_and_field(tmp_path):
    config = _config(tmp_path, free_port())
    result = run_cli("--config", config, "obs", "status", env={"TEST_OBS_PASSWORD": ""})
    assert result.returncode == 2
    assert f"{config}:4: obs.password" in result.stderr
    assert "TEST_OBS_PASSWORD is empty" in result.stderr
