"""Every FailedRequests case: a clear message and a non-zero exit."""

from __future__ import annotations

import pytest

from streamkit.aws.errors import AwsActionFailed
from streamkit.aws.workspace.api import WorkspaceInfo, WorkspaceManager
from streamkit.aws.workspace.settings import WorkspaceSettings


@pytest.fixture
def provisioned(moto, config_file, cli):
    config = config_file(directory_id=moto.directory())
    assert cli(config, "provision").returncode == 0
    return config, moto.workspaces()[0]["WorkspaceId"]


def test_start_while_stopping_is_explained(moto, cli, provisioned):
    config, workspace_id = provisioned
    moto.control(workspace_id=workspace_id, state="STOPPING")
    result = cli(config, "start")
    assert result.returncode == 6
    assert f"cannot start {workspace_id}: it is STOPPING" in result.stderr
    assert "start works only from STOPPED" in result.stderr


def test_stop_while_starting_is_explained(moto, cli, provisioned):
    config, workspace_id = provisioned
    moto.control(workspace_id=workspace_id, state="STARTING")
    result = cli(config, "stop")
    assert result.returncode == 6
    assert "it is STARTING" in result.stderr
    assert "AVAILABLE, ERROR, IMPAIRED, UNHEALTHY" in result.stderr


@pytest.mark.parametrize("command", ["start", "stop"])
def test_always_on_is_explained_with_the_switch_command(moto, cli, provisioned, command):
    config, workspace_id = provisioned
    moto.client("workspaces").modify_workspace_properties(
        WorkspaceId=workspace_id, WorkspaceProperties={"RunningMode": "ALWAYS_ON"}
    )
    if command == "start":
        moto.control(workspace_id=workspace_id, state="STOPPED")
    result = cli(config, command)
    assert result.returncode == 6
    assert "running mode is ALWAYS_ON" in result.stderr
    assert "streamkit workspace mode AUTO_STOP" in result.stderr


def test_mode_command_switches_running_mode(moto, cli, provisioned):
    config, _ = provisioned
    assert cli(config, "mode", "ALWAYS_ON").returncode == 0
    props = moto.workspaces()[0]["WorkspaceProperties"]
    assert props["RunningMode"] == "ALWAYS_ON"
    assert cli(config, "mode", "AUTO_STOP", "--timeout-minutes", "120").returncode == 0
    props = moto.workspaces()[0]["WorkspaceProperties"]
    assert props == {"RunningMode": "AUTO_STOP", "RunningModeAutoStopTimeoutInMinutes": 120}


@pytest.mark.parametrize(
    "action,command", [("StopWorkspaces", "stop"), ("StartWorkspaces", "start")]
)
def test_an_unexpected_failure_is_reported_with_its_code(moto, cli, provisioned, action, command):
    config, workspace_id = provisioned
    if command == "start":
        moto.control(workspace_id=workspace_id, state="STOPPED")
    moto.control(
        fail_next={action: {"ErrorCode": "InternalFailure", "ErrorMessage": "Try again later."}}
    )
    result = cli(config, command)
    assert result.returncode == 6
    assert f"error: cannot {command} {workspace_id}: InternalFailure: Try again later." in (
        result.stderr
    )


def test_failed_requests_are_checked_even_for_an_unknown_workspace(moto):
    client = moto.client("workspaces")
    manager = WorkspaceManager(client, WorkspaceSettings())
    with pytest.raises(AwsActionFailed, match="cannot start ws-000000000: ResourceNotFound"):
        manager.start(WorkspaceInfo("ws-000000000", "STOPPED"))
    with pytest.raises(AwsActionFailed, match="cannot stop ws-000000000: ResourceNotFound"):
        manager.stop(WorkspaceInfo("ws-000000000", "AVAILABLE"))
