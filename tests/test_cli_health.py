"""`streamkit health` against a real OBS: one reading, thresholds shown per metric."""

from __future__ import annotations

import pytest

from tests.cli import run_cli, write_config

pytestmark = pytest.mark.real_obs


def test_one_reading_prints_metrics_and_levels(real_obs, tmp_path):
    config = write_config(
        tmp_path / "streamkit.yaml",
        f"""\
obs: {{host: 127.0.0.1, port: {real_obs.port}, password: env:TEST_OBS_PASSWORD}}
health: {{poll_interval_s: 0.5}}
""",
    )
    result = run_cli("-c", str(config), "health", env={"TEST_OBS_PASSWORD": real_obs.password})
    assert result.returncode == 0, result.stderr
    assert "stream" in result.stdout and "offline" in result.stdout
    assert "CPU %" in result.stdout and "fps" in result.stdout
