"""Create the streaming WorkSpace once (idempotent) and explain why a creation failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streamkit.aws.errors import AwsActionFailed, AwsError, aws_call
from streamkit.aws.workspace.api import NAME_TAG, ProgressCallback, WorkspaceInfo, WorkspaceManager
from streamkit.aws.workspace.bundles import Bundle, resolve_bundle
from streamkit.errors import ConfigError


@dataclass(frozen=True)
class ProvisionResult:
    workspace: WorkspaceInfo
    created: bool
    bundle: Bundle | None = None
    warning: str = ""
    tagged: str = ""  # the existing WorkSpace got the streamkit:workspace tag: what was done
    untagged: str = ""  # it could not be tagged: what to run instead


def provision(
    manager: WorkspaceManager,
    *,
    wait: bool = True,
    on_progress: ProgressCallback | None = None,
    accept_bundle: str | None = None,
) -> ProvisionResult:
    """The configured WorkSpace, created from the config when none exists yet.

    Never creates a second one: an existing WorkSpace for the directory and user, or one
    tagged for this config, is returned (or reported) instead. An existing one whose bundle
    is not a GPU bundle is refused unless `accept_bundle` names that bundle's id.
    """
    s = manager.settings
    for field in ("directory_id", "user_name"):
        if not getattr(s, field):
            raise ConfigError(f"workspace.{field} is required to provision a WorkSpace")
    existing = manager.find()
    if existing is None and s.workspace_id:
        raise AwsActionFailed(
            f"workspace.workspace_id {s.workspace_id} does not exist in {manager.region}",
            hint="remove workspace.workspace_id to create a WorkSpace from the config",
        )
    if existing is None:
        _refuse_tagged_duplicate(manager)
        _require_registered_directory(manager)
        bundle = resolve_bundle(manager.client, s.bundle, manager.region)
        workspace_id = _create(manager, bundle)
        created = True
    else:
        bundle, workspace_id, created = None, existing.workspace_id, False
    warning = ""
    if not created:
        warning = _check_existing_bundle(manager, existing, accept_bundle)
        if warning:
            bundle = None
    tagged, untagged = ("", "") if created else adopt(manager, workspace_id)
    if not created and existing.state != "PENDING":  # exists; `start` starts it
        return ProvisionResult(existing, created, bundle, warning, tagged, untagged)
    if wait:
        info = manager.wait_for(workspace_id, "AVAILABLE", on_progress=on_progress)
    else:
        info = manager.describe(workspace_id) or WorkspaceInfo(workspace_id, "PENDING")
    return ProvisionResult(info, created, bundle, warning, tagged, untagged)


def adopt(manager: WorkspaceManager, workspace_id: str) -> tuple[str, str]:
    """Give an existing WorkSpace this config's streamkit:workspace tag, which the roles of
    infra/ require; returns (what was done, what to run instead when it could not be)."""
    name = manager.settings.name
    command = (
        f"aws workspaces create-tags --region {manager.region} --resource-id {workspace_id} "
        f"--tags Key={NAME_TAG},Value={name}"
    )
    try:
        have = manager.tags(workspace_id).get(NAME_TAG)
    except AwsError as exc:  # infra/cli-policy.yaml reads the tags of tagged WorkSpaces only
        return "", (
            f"the tags of {workspace_id} could not be read ({exc.message}); the roles of "
            f"infra/ reach only WorkSpaces tagged {NAME_TAG}={name}: unless it is, have an "
            f"administrator run `{command}`"
        )
    if have == name:
        return "", ""
    if have is not None:
        return "", (
            f"{workspace_id} carries {NAME_TAG}={have}, not {name}: the roles of infra/ for "
            f"{name!r} cannot reach it; set workspace.name: {have}, or retag it with `{command}`"
        )
    try:
        with aws_call("CreateTags"):
            manager.client.create_tags(
                ResourceId=workspace_id, Tags=[{"Key": NAME_TAG, "Value": name}]
            )
    except AwsError as exc:
        return "", (
            f"{workspace_id} has no {NAME_TAG} tag and could not be given one ({exc.message}); "
            f"the roles of infra/ reach only tagged WorkSpaces: have an administrator run "
            f"`{command}`"
        )
    return f"tagged {workspace_id} {NAME_TAG}={name} (the roles of infra/ reach it now)", ""


def _check_existing_bundle(
    manager: WorkspaceManager, existing: WorkspaceInfo, accept_bundle: str | None
) -> str:
    """A warning when the existing WorkSpace is not on a GPU bundle and that was accepted;
    AwsActionFailed when it was not; "" for a GPU bundle."""
    from streamkit.aws.workspace.bundles import bundle_by_id

    found = bundle_by_id(manager.client, existing.bundle_id) if existing.bundle_id else None
    if found is not None and found.is_gpu:
        return ""
    what = f"{found.name} ({found.compute_type})" if found else existing.bundle_id or "unknown"
    problem = (
        f"{existing.workspace_id} already exists for {existing.user_name} but its bundle "
        f"{what} is not a GPU bundle: OBS with NDI needs a Graphics bundle"
    )
    if accept_bundle and accept_bundle == existing.bundle_id:
        return problem
    raise AwsActionFailed(
        problem,
        hint=f"use it anyway with `streamkit workspace provision --accept-bundle "
        f"{existing.bundle_id}`, or migrate it to a GPU bundle (WorkSpaces console > Migrate) "
        "or remove it and provision again",
    )


def creation_request(settings: Any, bundle_id: str) -> dict[str, Any]:
    """The WorkspaceRequest for CreateWorkspaces, from the config."""
    props: dict[str, Any] = {"RunningMode": settings.running_mode}
    if settings.running_mode == "AUTO_STOP":
        props["RunningModeAutoStopTimeoutInMinutes"] = settings.auto_stop_timeout_minutes
    if settings.root_volume_gib:
        props["RootVolumeSizeGib"] = settings.root_volume_gib
    if settings.user_volume_gib:
        props["UserVolumeSizeGib"] = settings.user_volume_gib
    tags = {**settings.tags, NAME_TAG: settings.name}
    return {
        "DirectoryId": settings.directory_id,
        "UserName": settings.user_name,
        "BundleId": bundle_id,
        "WorkspaceProperties": props,
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }


def _create(manager: WorkspaceManager, bundle: Bundle) -> str:
    import botocore.exceptions

    request = creation_request(manager.settings, bundle.bundle_id)
    with aws_call("CreateWorkspaces"):
        try:
            answer = manager.client.create_workspaces(Workspaces=[request])
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", ""), error.get("Message", "")
            if "LimitExceeded" in code:
                raise explain_creation_failure(code, message, manager, bundle) from None
            raise
    for failed in answer.get("FailedRequests", []):
        raise explain_creation_failure(
            failed.get("ErrorCode", ""), failed.get("ErrorMessage", ""), manager, bundle
        )
    pending = answer.get("PendingRequests", [])
    if not pending:
        raise AwsActionFailed("CreateWorkspaces answered with neither a WorkSpace nor a failure")
    return pending[0]["WorkspaceId"]


def explain_creation_failure(
    code: str, message: str, manager: WorkspaceManager, bundle: Bundle
) -> AwsActionFailed:
    """A plain explanation of the usual reasons CreateWorkspaces fails."""
    s, region = manager.settings, manager.region
    said = f"(AWS: {code}: {message})"
    text = f"{code} {message}".lower()
    by_code = _by_code(code, s, region, bundle, said)
    if by_code is not None:
        return by_code
    if "limitexceeded" in text or "quota" in text or "limit" in text:
        return AwsActionFailed(
            f"the account's quota for {bundle.compute_type} WorkSpaces in {region} is used up; "
            f"new accounts start at 0 for GPU bundles {said}",
            hint="request an increase in the Service Quotas console (Amazon WorkSpaces) or with "
            "`aws service-quotas list-service-quotas --service-code workspaces` then "
            "`aws service-quotas request-service-quota-increase`; approval can take days",
        )
    if "directory" in text:
        return _directory_error(s.directory_id, region, said)
    if "user" in text:
        return AwsActionFailed(
            f"user {s.user_name!r} does not exist in directory {s.directory_id} {said}",
            hint="create the user in the directory (WorkSpaces console > Users, or your AD), "
            "then run provision again",
        )
    if "bundle" in text:
        return AwsActionFailed(
            f"bundle {bundle.name} ({bundle.bundle_id}) is not offered in {region} {said}",
            hint="`streamkit workspace bundles` lists the GPU bundles of the region",
        )
    return AwsActionFailed(f"CreateWorkspaces failed: {code}: {message}")


def _by_code(code: str, s: Any, region: str, bundle: Bundle, said: str) -> AwsActionFailed | None:
    """The explanation of a documented error code (its message may name other things)."""
    if code == "ResourceNotFound.User":
        return AwsActionFailed(
            f"user {s.user_name!r} was not found in directory {s.directory_id} {said}",
            hint="create the user in the directory (WorkSpaces console > Users, or your AD), "
            "or fix workspace.user_name; then run provision again",
        )
    if code == "ResourceExists.WorkSpace":
        return AwsActionFailed(
            f"a WorkSpace already exists for user {s.user_name!r} in directory "
            f"{s.directory_id} {said}",
            hint="`streamkit workspace status` finds it (or set workspace.workspace_id); one "
            "user has one WorkSpace per directory",
        )
    if code in ("ResourceNotFound.Directory", "InvalidResourceState.Directory"):
        return _directory_error(s.directory_id, region, said)
    if code == "ResourceNotFound.Bundle":
        return AwsActionFailed(
            f"bundle {bundle.name} ({bundle.bundle_id}) is not offered in {region} {said}",
            hint="`streamkit workspace bundles` lists the GPU bundles of the region",
        )
    return None


def _directory_error(directory_id: str, region: str, said: str = "") -> AwsActionFailed:
    return AwsActionFailed(
        f"directory {directory_id} is not registered with WorkSpaces in {region} {said}".rstrip(),
        hint="register it (WorkSpaces console > Directories > Register, or "
        "`aws workspaces register-workspace-directory`) in the same region as workspace.region",
    )


def _require_registered_directory(manager: WorkspaceManager) -> None:
    directory_id = manager.settings.directory_id
    with aws_call("DescribeWorkspaceDirectories"):
        answer = manager.client.describe_workspace_directories(DirectoryIds=[directory_id])
    states = [d.get("State") for d in answer.get("Directories", [])]
    if "REGISTERED" not in states:
        raise _directory_error(directory_id, manager.region)


def _refuse_tagged_duplicate(manager: WorkspaceManager) -> None:
    tagged = manager.find_tagged()
    if tagged:
        other = tagged[0]
        raise AwsActionFailed(
            f"WorkSpace {other.workspace_id} (user {other.user_name}) already carries the tag "
            f"{NAME_TAG}={manager.settings.name}; not creating a second one",
            hint=f"set workspace.user_name: {other.user_name} (or workspace.workspace_id: "
            f"{other.workspace_id}), or terminate it first",
        )
