"""End to end through the CLI (a subprocess) against the moto server."""

from __future__ import annotations

import json


def test_provision_status_start_stop_status(moto, config_file, cli):
    config = config_file(directory_id=moto.directory(), tags={"team": "meetup"})

    provisioned = cli(config, "provision")
    assert provisioned.returncode == 0, provisioned.stderr
    assert "created ws-" in provisioned.stdout
    assert "Graphics.g4dn with Windows Server 2022" in provisioned.stdout

    status = cli(config, "status", "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["workspace"]["state"] == "AVAILABLE"
    assert data["workspace"]["running_mode"] == "AUTO_STOP"
    assert data["compute_type"] == "GRAPHICS_G4DN"
    assert data["connection"]["state"] == "DISCONNECTED"

    stopped = cli(config, "stop", "--wait")
    assert stopped.returncode == 0, stopped.stderr
    assert "is STOPPED" in stopped.stdout
    assert "could not ask OBS" in stopped.stderr  # OBS unreachable: warned, not refused

    started = cli(config, "start", "--wait")
    assert started.returncode == 0, started.stderr
    assert "start requested" in started.stdout
    assert "STARTING" in started.stderr  # the progress line
    assert "is AVAILABLE at 10.0.1." in started.stdout

    assert cli(config, "stop").returncode == 0
    final = cli(config, "status")
    assert final.returncode == 0, final.stderr
    assert "STOPPING" in final.stdout or "STOPPED" in final.stdout
    assert "Graphics.g4dn with Windows Server 2022 GRAPHICS_G4DN" in final.stdout
    tags = moto.client("workspaces").describe_tags(ResourceId=data["workspace"]["workspace_id"])
    assert {"Key": "team", "Value": "meetup"} in tags["TagList"]
    assert {"Key": "streamkit:workspace", "Value": "stream"} in tags["TagList"]


def test_provision_twice_leaves_one_workspace(moto, config_file, cli):
    config = config_file(directory_id=moto.directory())
    first = cli(config, "provision")
    second = cli(config, "provision")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "already exists for alice: AVAILABLE" in second.stdout
    assert len(moto.workspaces()) == 1


def test_provision_waits_through_pending_with_progress(moto, config_file, cli):
    moto.control(timings={"pending": 0.6})
    config = config_file(directory_id=moto.directory())
    result = cli(config, "provision")
    assert result.returncode == 0, result.stderr
    assert "PENDING" in result.stderr and "AVAILABLE" in result.stderr
    assert moto.workspaces()[0]["State"] == "AVAILABLE"


def test_provision_finds_the_tagged_workspace_of_another_user(moto, config_file, cli):
    directory = moto.directory()
    assert cli(config_file(directory_id=directory, user_name="bob"), "provision").returncode == 0
    result = cli(config_file(directory_id=directory, user_name="alice"), "provision")
    assert result.returncode == 6
    assert "already carries the tag streamkit:workspace=stream" in result.stderr
    assert "user_name: bob" in result.stderr
    assert len(moto.workspaces()) == 1


def test_start_and_stop_are_idempotent(moto, config_file, cli):
    config = config_file(directory_id=moto.directory())
    cli(config, "provision")
    again = cli(config, "start")
    assert again.returncode == 0 and "already AVAILABLE" in again.stdout
    assert cli(config, "stop", "--wait").returncode == 0
    twice = cli(config, "stop")
    assert twice.returncode == 0 and "already STOPPED" in twice.stdout


def test_bundles_lists_gpu_bundles_of_every_page(moto, config_file, cli):
    result = cli(config_file(), "bundles", "--json")
    assert result.returncode == 0, result.stderr
    names = [b["name"] for b in json.loads(result.stdout)]
    assert names == sorted(names)
    assert "GraphicsPro.g4dn with Windows Server 2022" in names
    assert "Graphics.g6.2xlarge with Windows Server 2022" in names  # on the last page
    assert not any(n.startswith(("Standard", "Value", "Power")) for n in names)
    everything = json.loads(cli(config_file(), "bundles", "--all", "--json").stdout)
    assert len(everything) == 11


def test_commands_without_a_workspace_say_to_provision(moto, config_file, cli):
    result = cli(config_file(directory_id=moto.directory()), "status")
    assert result.returncode == 6
    assert "no WorkSpace for user alice" in result.stderr
    assert "streamkit workspace provision" in result.stderr


def test_a_pinned_workspace_id_is_never_replaced(moto, config_file, cli):
    config = config_file(directory_id=moto.directory(), workspace_id="ws-0123456789")
    result = cli(config, "provision")
    assert result.returncode == 6
    assert "workspace.workspace_id ws-0123456789 does not exist in us-east-1" in result.stderr
    assert moto.workspaces() == []
