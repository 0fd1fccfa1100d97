"""The stop interlock: connected users and a live OBS block a stop unless --force."""

from __future__ import annotations

import pytest

from streamkit.aws.errors import StopRefused
from streamkit.aws.workspace.interlock import check_stop
from streamkit.obs.errors import ObsAuthFailed, ObsUnreachable


def live() -> bool:
    return True


def idle() -> bool:
    return False


def unreachable() -> bool:
    raise ObsUnreachable("nothing answers at 127.0.0.1:4455")


def test_disconnected_and_idle_stops_silently():
    assert check_stop("ws-1", "DISCONNECTED", idle) == []


def test_connected_user_refuses():
    with pytest.raises(StopRefused, match="a user is connected") as caught:
        check_stop("ws-1", "CONNECTED", idle)
    assert caught.value.exit_code == 6
    assert "--force" in str(caught.value)


def test_live_obs_refuses():
    with pytest.raises(StopRefused, match="OBS is streaming"):
        check_stop("ws-1", "DISCONNECTED", live)


def test_both_reasons_are_named():
    with pytest.raises(StopRefused, match="a user is connected to it and OBS is streaming"):
        check_stop("ws-1", "CONNECTED", live)


def test_force_turns_refusals_into_warnings():
    warnings = check_stop("ws-1", "CONNECTED", live, force=True)
    assert warnings == [
        "--force: stopping although a user is connected to it",
        "--force: stopping although OBS is streaming (GetStreamStatus outputActive)",
    ]


@pytest.mark.parametrize("error", [ObsUnreachable("down"), ObsAuthFailed("wrong password")])
def test_obs_that_cannot_tell_lets_the_stop_proceed_with_a_warning(error):
    def cannot_tell() -> bool:
        raise error

    warnings = check_stop("ws-1", "DISCONNECTED", cannot_tell)
    assert len(warnings) == 1 and "could not ask OBS" in warnings[0]


def test_unknown_connection_state_warns():
    assert "cannot tell if anyone is on it" in check_stop("ws-1", "UNKNOWN", None)[0]


def test_cli_refuses_while_connected_and_force_overrides(moto, config_file, cli):
    config = config_file(directory_id=moto.directory())
    assert cli(config, "provision").returncode == 0
    workspace_id = moto.workspaces()[0]["WorkspaceId"]
    moto.control(workspace_id=workspace_id, connection_state="CONNECTED")

    refused = cli(config, "stop")
    assert refused.returncode == 6
    assert f"not stopping {workspace_id}: a user is connected to it" in refused.stderr
    assert moto.workspaces()[0]["State"] == "AVAILABLE"

    status = cli(config, "status")
    assert "connection       CONNECTED" in status.stdout
    assert "last connection  20" in status.stdout

    forced = cli(config, "stop", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "--force: stopping although a user is connected" in forced.stderr
    assert moto.workspaces()[0]["State"] in ("STOPPING", "STOPPED")


def test_cli_refuses_while_obs_is_streaming(moto, tmp_path, cli, aws_env):
    from streamkit.obs.client import ObsClient
    from streamkit.simulator.server import SimulatorThread
    from tests.aws.conftest import write_config

    with SimulatorThread(password="sim-pass-123") as sim:
        obs = {"host": sim.host, "port": sim.port, "password": "env:SK_TEST_OBS_PASSWORD"}
        config = write_config(tmp_path / "s.yaml", {"directory_id": moto.directory()}, obs=obs)
        env = {**aws_env, "SK_TEST_OBS_PASSWORD": "sim-pass-123"}
        assert cli(config, "provision", env=env).returncode == 0

        idle = cli(config, "stop", env=env)  # OBS reachable and not live: no warning
        assert idle.returncode == 0, idle.stderr
        assert "OBS" not in idle.stderr
        started = cli(config, "start", "--wait", env=env)  # waits for STOPPED, then starts
        assert started.returncode == 0, started.stderr

        with ObsClient(sim.host, sim.port, "sim-pass-123", reconnect=False) as client:
            client.request("StartStream")
        refused = cli(config, "stop", env=env)
        assert refused.returncode == 6
        assert "OBS is streaming" in refused.stderr
        assert "sim-pass-123" not in refused.stderr + refused.stdout

        forced = cli(config, "stop", "--force", env=env)
        assert forced.returncode == 0, forced.stderr
        assert "--force: stopping although OBS is streaming" in forced.stderr
