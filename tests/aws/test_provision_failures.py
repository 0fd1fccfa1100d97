"""Why a WorkSpace could not be created, in plain words; bundle names resolved per region."""

from __future__ import annotations

import pytest

from streamkit.aws.errors import AwsActionFailed
from streamkit.aws.workspace.bundles import resolve_bundle
from streamkit.errors import ConfigError
from tests.aws.conftest import write_config
from tests.aws.moto_bundles import bundle_id


def test_gpu_quota_of_zero_says_how_to_ask_for_more(moto, config_file, cli):
    moto.control(gpu_quota=0)
    result = cli(config_file(directory_id=moto.directory()), "provision")
    assert result.returncode == 6
    assert "quota for GRAPHICS_G4DN WorkSpaces in us-east-1 is used up" in result.stderr
    assert "new accounts start at 0 for GPU bundles" in result.stderr
    assert "request-service-quota-increase" in result.stderr
    assert moto.workspaces() == []


def test_unregistered_directory(moto, config_file, cli):
    directory = moto.directory(register=False)
    result = cli(config_file(directory_id=directory), "provision")
    assert result.returncode == 6
    assert f"directory {directory} is not registered with WorkSpaces in us-east-1" in (
        result.stderr
    )
    assert "register-workspace-directory" in result.stderr


def test_missing_user(moto, config_file, cli):
    directory = moto.directory()
    moto.control(directory_users={directory: ["bob"]})
    result = cli(config_file(directory_id=directory), "provision")
    assert result.returncode == 6
    assert f"user 'alice' was not found in directory {directory}" in result.stderr


def test_bundle_not_offered_in_region(moto, tmp_path, cli):
    directory = moto.directory("ap-south-1")
    config = write_config(
        tmp_path / "s.yaml",
        {"region": "ap-south-1", "directory_id": directory, "bundle": "Graphics.g6.xlarge"},
    )
    result = cli(config, "provision")
    assert result.returncode == 6
    assert "bundle 'Graphics.g6.xlarge' is not offered in ap-south-1" in result.stderr
    assert "GraphicsPro.g4dn with Windows Server 2022" in result.stderr  # what is offered


def test_bundle_id_from_another_region(moto, config_file, cli):
    other = bundle_id("eu-west-1", "Graphics.g4dn with Windows Server 2022")
    result = cli(config_file(directory_id=moto.directory(), bundle=other), "provision")
    assert result.returncode == 6
    assert f"bundle {other} does not exist in us-east-1" in result.stderr


def test_missing_directory_in_config_is_a_config_error(moto, config_file, cli):
    result = cli(config_file(), "provision")
    assert result.returncode == 2
    assert "workspace.directory_id is required" in result.stderr


def test_bundle_names_resolve_to_region_ids(moto):
    client = moto.client("workspaces", "eu-west-1")
    by_type = resolve_bundle(client, "Graphics.g4dn", "eu-west-1")  # Windows over Ubuntu
    assert by_type.bundle_id == bundle_id("eu-west-1", "Graphics.g4dn with Windows Server 2022")
    exact = resolve_bundle(client, "graphics.g4dn with ubuntu 22.04", "eu-west-1")
    assert exact.name == "Graphics.g4dn with Ubuntu 22.04"
    assert resolve_bundle(client, "Graphics.g6.xlarge", "eu-west-1").compute_type == (
        "GRAPHICS_G6_XLARGE"
    )
    with pytest.raises(AwsActionFailed, match="not offered"):
        resolve_bundle(client, "Graphics.g9", "eu-west-1")


def test_ambiguous_bundle_lists_the_choices(moto):
    client = moto.client("workspaces")
    assert resolve_bundle(client, "Standard", "us-east-1").is_windows  # one Windows bundle
    with pytest.raises(ConfigError, match="'Power' matches several bundles") as caught:
        resolve_bundle(client, "Power", "us-east-1")
    assert "Power with Windows 10 (Server 2019 based) (wsb-" in str(caught.value)


def test_create_failure_reported_with_unknown_code(moto, config_file, cli):
    moto.control(
        fail_next={"CreateWorkspaces": {"ErrorCode": "SomethingNew", "ErrorMessage": "Unexpected."}}
    )
    result = cli(config_file(directory_id=moto.directory()), "provision")
    assert result.returncode == 6
    assert "CreateWorkspaces failed: SomethingNew: Unexpected." in result.stderr


@pytest.mark.parametrize(
    ("code", "message", "said", "not_said"),
    [
        (
            "ResourceNotFound.User",
            "The user was not found in the directory.",
            "user 'alice' was not found in directory",
            "not registered",
        ),
        (
            "ResourceExists.WorkSpace",
            "A WorkSpace already exists for the user in the directory.",
            "a WorkSpace already exists for user 'alice' in directory",
            "does not exist",
        ),
        (
            "ResourceNotFound.Directory",
            "The directory was not found for the user.",
            "is not registered with WorkSpaces",
            "user 'alice'",
        ),
    ],
)
def test_creation_failures_are_explained_by_their_code(
    moto, config_file, cli, code, message, said, not_said
):
    moto.control(fail_next={"CreateWorkspaces": {"ErrorCode": code, "ErrorMessage": message}})
    result = cli(config_file(directory_id=moto.directory()), "provision")
    assert result.returncode == 6
    assert said in result.stderr and not_said not in result.stderr, result.stderr


def test_an_existing_non_gpu_workspace_is_refused_unless_accepted(moto, config_file, cli):
    directory = moto.directory()
    standard = bundle_id("us-east-1", "Standard with Windows Server 2022")
    created = moto.client("workspaces").create_workspaces(
        Workspaces=[{"DirectoryId": directory, "UserName": "alice", "BundleId": standard}]
    )
    workspace_id = created["PendingRequests"][0]["WorkspaceId"]
    config = config_file(directory_id=directory)
    refused = cli(config, "provision")
    assert refused.returncode == 6, refused.stdout
    assert f"{workspace_id} already exists for alice but its bundle" in refused.stderr
    assert "is not a GPU bundle" in refused.stderr
    assert f"--accept-bundle {standard}" in refused.stderr
    accepted = cli(config, "provision", "--accept-bundle", standard)
    assert accepted.returncode == 0, accepted.stderr
    assert f"{workspace_id} already exists for alice" in accepted.stdout
    assert "warning: " in accepted.stderr and "not a GPU bundle" in accepted.stderr


def _untagged_workspace(moto, directory: str, user: str = "alice") -> str:
    """A GPU WorkSpace created outside streamkit (no streamkit tag)."""
    client = moto.client("workspaces")
    created = client.create_workspaces(
        Workspaces=[
            {
                "DirectoryId": directory,
                "UserName": user,
                "BundleId": bundle_id("us-east-1", "Graphics.g4dn with Windows Server 2022"),
                "WorkspaceProperties": {"RunningMode": "AUTO_STOP"},
            }
        ]
    )
    assert created["PendingRequests"], created
    return created["PendingRequests"][0]["WorkspaceId"]


def _tags(moto, workspace_id: str) -> dict[str, str]:
    answer = moto.client("workspaces").describe_tags(ResourceId=workspace_id)
    return {t["Key"]: t["Value"] for t in answer["TagList"]}


def test_provision_tags_an_existing_untagged_workspace_it_adopts(moto, config_file, cli):
    """The roles of infra/ reach only WorkSpaces tagged streamkit:workspace=NAME."""
    directory = moto.directory()
    workspace_id = _untagged_workspace(moto, directory)
    result = cli(config_file(directory_id=directory), "provision")
    assert result.returncode == 0, result.stderr
    assert f"tagged {workspace_id} streamkit:workspace=stream" in result.stdout
    assert _tags(moto, workspace_id)["streamkit:workspace"] == "stream"


def test_provision_says_what_to_run_when_it_may_not_tag_the_adopted_workspace(
    moto, config_file, cli
):
    directory = moto.directory()
    workspace_id = _untagged_workspace(moto, directory)
    moto.control(
        fail_next={"CreateTags": {"ErrorCode": "AccessDeniedException", "ErrorMessage": "no"}}
    )
    result = cli(config_file(directory_id=directory), "provision")
    assert result.returncode == 0, result.stderr
    assert (
        f"aws workspaces create-tags --region us-east-1 --resource-id {workspace_id} "
        "--tags Key=streamkit:workspace,Value=stream"
    ) in result.stderr
    assert "streamkit:workspace" not in _tags(moto, workspace_id)


ONLY_OURS = {"describe_tags_only_tagged": {"Key": "streamkit:workspace", "Value": "stream"}}


def test_provision_says_what_to_run_when_it_may_not_read_the_adopted_workspaces_tags(
    moto, config_file, cli
):
    """infra/cli-policy.yaml allows DescribeTags only on WorkSpaces already tagged
    streamkit:workspace=NAME: an untagged one's tags cannot be read, nor tags added."""
    directory = moto.directory()
    workspace_id = _untagged_workspace(moto, directory)
    moto.control(
        fail_next={"CreateTags": {"ErrorCode": "AccessDeniedException", "ErrorMessage": "no"}},
        **ONLY_OURS,
    )
    result = cli(config_file(directory_id=directory), "provision")
    assert result.returncode == 0, result.stderr
    assert (
        f"aws workspaces create-tags --region us-east-1 --resource-id {workspace_id} "
        "--tags Key=streamkit:workspace,Value=stream"
    ) in result.stderr


def test_provision_creates_beside_other_users_workspaces_whose_tags_it_may_not_read(
    moto, config_file, cli
):
    directory = moto.directory()
    client = moto.client("workspaces")
    _untagged_workspace(moto, directory, user="bob")  # another user's
    moto.control(**ONLY_OURS)
    result = cli(config_file(directory_id=directory), "provision")
    assert result.returncode == 0, result.stderr
    assert len(client.describe_workspaces(DirectoryId=directory)["Workspaces"]) == 2
