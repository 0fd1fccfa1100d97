"""Test-only extension of moto's WorkSpaces backend: the calls moto lacks, with AWS's rules.

Adds StartWorkspaces, StopWorkspaces, RebootWorkspaces, DescribeWorkspaceBundles (a bundle
catalogue per region), DescribeWorkspacesConnectionStatus, ModifyWorkspaceProperties and
DeleteTags; CreateWorkspaces learns GPU quotas, directory users and PENDING; CreateTags
overwrites keys as AWS does. Failures are reported in FailedRequests like the real API.
Call install() in the moto server process before the server starts.

Tests steer the fake through POST /moto-api/streamkit/workspaces with a JSON body holding
`region` and any of: `timings` ({"pending"|"starting"|"stopping"|"rebooting": seconds}),
`gpu_quota` (int or null), `directory_users` ({directory_id: [user, ...]}), `fail_next`
({action: {"ErrorCode": ..., "ErrorMessage": ...}}; CreateTags and DeleteTags raise it as an
error), `describe_tags_only_tagged` ({"Key": ..., "Value": ...} or null: DescribeTags on a
WorkSpace without that tag is refused, AccessDeniedException, as infra/cli-policy.yaml's
condition does), or
`workspace_id` with `connection_state` and/or `state`. GET on the same path returns the
control state.
"""

from __future__ import annotations

import json
import time
from typing import Any

from moto.core.utils import unix_time
from moto.moto_api._internal import urls as moto_api_urls
from moto.workspaces import models
from moto.workspaces.exceptions import (
    InvalidParameterValuesException,
    ResourceNotFoundException,
)
from moto.workspaces.models import WorkSpacesBackend, workspaces_backends
from moto.workspaces.responses import WorkSpacesResponse

from tests.aws.moto_bundles import catalogue

CONTROL_PATH = "/moto-api/streamkit/workspaces"
PAGE_SIZE = 4
STOPPABLE = {"AVAILABLE", "IMPAIRED", "UNHEALTHY", "ERROR"}
REBOOTABLE = {"AVAILABLE", "IMPAIRED", "UNHEALTHY"}
BUSY = {"PENDING", "STARTING", "STOPPING", "REBOOTING", "REBUILDING", "RESTORING", "TERMINATING"}


def _control(backend: WorkSpacesBackend) -> dict[str, Any]:
    if not hasattr(backend, "_streamkit"):
        backend._streamkit = {
            "timings": {"pending": 0.0, "starting": 1.0, "stopping": 1.0, "rebooting": 1.0},
            "gpu_quota": None,
            "directory_users": {},
            "fail_next": {},
            "describe_tags_only_tagged": None,
        }
    return backend._streamkit


def _go(ws: Any, through: str, to: str, seconds: float) -> None:
    """Enter a transitional state that ends in `to` after `seconds`."""
    ws.state = through
    ws._transition = (to, time.monotonic() + seconds)
    if seconds <= 0:
        _settle(ws)


def _settle(ws: Any) -> None:
    transition = getattr(ws, "_transition", None)
    if transition and time.monotonic() >= transition[1]:
        ws.state = transition[0]
        ws._transition = None
        if ws.state == "AVAILABLE":
            ws._ip = "10.0.1." + str(int(ws.workspace_id[-2:], 16) % 250 + 2)
        if ws.state == "STOPPED":
            ws._connection = "DISCONNECTED"


def _take_failure(backend: WorkSpacesBackend, action: str) -> dict[str, str] | None:
    return _control(backend)["fail_next"].pop(action, None)


def _failed(workspace_id: str, code: str, message: str) -> dict[str, str]:
    return {"WorkspaceId": workspace_id, "ErrorCode": code, "ErrorMessage": message}


# -- backend -------------------------------------------------------------------------------

_original_create = WorkSpacesBackend.create_workspaces
_original_describe = WorkSpacesBackend.describe_workspaces
_original_to_dict = models.Workspace.to_dict_pending


def create_workspaces(self: WorkSpacesBackend, workspaces: list[dict[str, Any]]) -> tuple:
    control = _control(self)
    failed, pending = [], []
    offered = {b["BundleId"]: b for b in catalogue(self.region_name)}
    for request in workspaces:
        injected = _take_failure(self, "CreateWorkspaces")
        problem = (injected["ErrorCode"], injected["ErrorMessage"]) if injected else None
        bundle = offered.get(request["BundleId"])
        users = control["directory_users"].get(request["DirectoryId"])
        if problem is None and request["DirectoryId"] in self.workspace_directories:
            if bundle is None:
                problem = ("ResourceNotFound.Bundle", "The specified bundle could not be found.")
            elif users is not None and request["UserName"] not in users:
                problem = ("ResourceNotFound.User", "The specified user could not be found.")
            elif bundle["ComputeType"]["Name"].startswith("GRAPHICS"):
                quota = control["gpu_quota"]
                gpu = [
                    w
                    for w in self.workspaces.values()
                    if w.bundle_id in offered
                    and offered[w.bundle_id]["ComputeType"]["Name"].startswith("GRAPHICS")
                ]
                if quota is not None and len(gpu) >= quota:
                    problem = (
                        "ResourceLimitExceeded",
                        "You have reached the limit of GPU WorkSpaces for this account.",
                    )
        if problem:
            failed.append(
                {"WorkspaceRequest": request, "ErrorCode": problem[0], "ErrorMessage": problem[1]}
            )
            continue
        more_failed, created = _original_create(self, [request])
        failed.extend(more_failed)
        for item in created:
            ws = self.workspaces[item["WorkspaceId"]]
            ws._connection = "DISCONNECTED"
            _go(ws, "PENDING", "AVAILABLE", control["timings"]["pending"])
            pending.append(ws.to_dict_pending())
    return failed, pending


def describe_workspaces(self: WorkSpacesBackend, *args: Any, **kwargs: Any) -> list:
    found = _original_describe(self, *args, **kwargs)
    for ws in found:
        _settle(ws)
    return found


def to_dict_pending(self: Any) -> dict[str, Any]:
    data = _original_to_dict(self)
    if self.state == "AVAILABLE" and getattr(self, "_ip", None):
        data["IpAddress"] = self._ip
    return data


def _change_state(
    self: WorkSpacesBackend,
    action: str,
    requests: list[dict[str, str]],
    allowed: set[str],
    through: str,
    to: str,
    timing: str,
    modes: tuple[str, ...],
) -> list[dict[str, str]]:
    failed = []
    for request in requests:
        workspace_id = request["WorkspaceId"]
        ws = self.workspaces.get(workspace_id)
        injected = _take_failure(self, action)
        if injected:
            failed.append(_failed(workspace_id, injected["ErrorCode"], injected["ErrorMessage"]))
            continue
        if ws is None:
            failed.append(
                _failed(
                    workspace_id,
                    "ResourceNotFound",
                    f"The WorkSpace {workspace_id} could not be found.",
                )
            )
            continue
        _settle(ws)
        mode = ws.workspace_properties.get("RunningMode", "ALWAYS_ON")
        if mode not in modes:
            failed.append(
                _failed(
                    workspace_id,
                    "InvalidResourceState",
                    f"The WorkSpace has running mode {mode}; "
                    "only AUTO_STOP or MANUAL WorkSpaces can do this.",
                )
            )
            continue
        if ws.state not in allowed:
            failed.append(
                _failed(
                    workspace_id,
                    "InvalidResourceState",
                    f"The WorkSpace is in the {ws.state} state.",
                )
            )
            continue
        _go(ws, through, to, _control(self)["timings"][timing])
    return failed


def start_workspaces(self, requests):
    return _change_state(
        self,
        "StartWorkspaces",
        requests,
        {"STOPPED"},
        "STARTING",
        "AVAILABLE",
        "starting",
        ("AUTO_STOP", "MANUAL"),
    )


def stop_workspaces(self, requests):
    return _change_state(
        self,
        "StopWorkspaces",
        requests,
        STOPPABLE,
        "STOPPING",
        "STOPPED",
        "stopping",
        ("AUTO_STOP", "MANUAL"),
    )


def reboot_workspaces(self, requests):
    return _change_state(
        self,
        "RebootWorkspaces",
        requests,
        REBOOTABLE,
        "REBOOTING",
        "AVAILABLE",
        "rebooting",
        ("AUTO_STOP", "MANUAL", "ALWAYS_ON"),
    )


def describe_workspace_bundles(self, bundle_ids, owner, next_token):
    if bundle_ids and owner:
        raise InvalidParameterValuesException("BundleIds cannot be combined with Owner.")
    if bundle_ids:
        return [b for b in catalogue(self.region_name) if b["BundleId"] in bundle_ids], None
    if owner != "AMAZON":
        return [], None
    bundles = catalogue(self.region_name)
    start = int(next_token or 0)
    end = start + PAGE_SIZE
    return bundles[start:end], (str(end) if end < len(bundles) else None)


def describe_workspaces_connection_status(self, workspace_ids):
    out = []
    for ws in self.workspaces.values():
        if workspace_ids and ws.workspace_id not in workspace_ids:
            continue
        _settle(ws)
        state = getattr(ws, "_connection", "DISCONNECTED")
        item = {
            "WorkspaceId": ws.workspace_id,
            "ConnectionState": state,
            "ConnectionStateCheckTimestamp": unix_time(),
        }
        if getattr(ws, "_last_connection", None):
            item["LastKnownUserConnectionTimestamp"] = ws._last_connection
        out.append(item)
    return out


def modify_workspace_properties(self, workspace_id, properties):
    ws = self.workspaces.get(workspace_id)
    if ws is None:
        raise ResourceNotFoundException(f"The WorkSpace {workspace_id} could not be found.")
    _settle(ws)
    if ws.state in BUSY:
        raise _invalid_state(f"The WorkSpace is in the {ws.state} state; try again later.")
    merged = {**ws.workspace_properties, **properties}
    timeout = merged.get("RunningModeAutoStopTimeoutInMinutes")
    if merged.get("RunningMode") == "ALWAYS_ON":
        if "RunningModeAutoStopTimeoutInMinutes" in properties:
            raise InvalidParameterValuesException(
                "RunningModeAutoStopTimeoutInMinutes is not applicable for WorkSpace with "
                "running mode set to ALWAYS_ON."
            )
        merged.pop("RunningModeAutoStopTimeoutInMinutes", None)
    elif timeout is None:
        merged["RunningModeAutoStopTimeoutInMinutes"] = 60
    elif timeout % 60 or timeout < 60:
        raise InvalidParameterValuesException(
            "RunningModeAutoStopTimeoutInMinutes must be configured in 60-minute intervals."
        )
    ws.workspace_properties = merged


def create_tags(self, resource_id, tags):
    if resource_id.startswith("ws-") and resource_id not in self.workspaces:
        raise ResourceNotFoundException(f"The resource {resource_id} could not be found.")
    if not resource_id.startswith("ws-"):
        return _original_create_tags(self, resource_id, tags)
    _raise_injected(self, "CreateTags")
    ws = self.workspaces[resource_id]
    keys = {t["Key"] for t in tags}
    ws.tags = [t for t in ws.tags if t["Key"] not in keys] + list(tags)


_original_describe_tags = WorkSpacesBackend.describe_tags


def describe_tags(self, resource_id):
    _raise_injected(self, "DescribeTags")
    only = _control(self)["describe_tags_only_tagged"]
    ws = self.workspaces.get(resource_id)
    if only and ws is not None and only not in ws.tags:
        from moto.core.exceptions import JsonRESTError

        error = JsonRESTError(
            "AccessDeniedException",
            f"not authorized to perform: workspaces:DescribeTags on {resource_id}",
        )
        error.code = 400
        raise error
    return _original_describe_tags(self, resource_id)


def delete_tags(self, resource_id, tag_keys):
    ws = self.workspaces.get(resource_id)
    if ws is None:
        raise ResourceNotFoundException(f"The resource {resource_id} could not be found.")
    _raise_injected(self, "DeleteTags")
    ws.tags = [t for t in ws.tags if t["Key"] not in tag_keys]


def _raise_injected(backend: WorkSpacesBackend, action: str) -> None:
    injected = _take_failure(backend, action)
    if injected:
        from moto.core.exceptions import JsonRESTError

        error = JsonRESTError(injected["ErrorCode"], injected["ErrorMessage"])
        error.code = 400
        raise error


def _invalid_state(message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    error = JsonRESTError("InvalidResourceStateException", message)
    error.code = 400
    return error


_original_create_tags = WorkSpacesBackend.create_tags


# -- responses -----------------------------------------------------------------------------


def _body(response: WorkSpacesResponse) -> dict[str, Any]:
    return json.loads(response.body or "{}")


def _r_start(self):
    failed = self.workspaces_backend.start_workspaces(_body(self)["StartWorkspaceRequests"])
    return json.dumps({"FailedRequests": failed})


def _r_stop(self):
    failed = self.workspaces_backend.stop_workspaces(_body(self)["StopWorkspaceRequests"])
    return json.dumps({"FailedRequests": failed})


def _r_reboot(self):
    failed = self.workspaces_backend.reboot_workspaces(_body(self)["RebootWorkspaceRequests"])
    return json.dumps({"FailedRequests": failed})


def _r_bundles(self):
    body = _body(self)
    bundles, token = self.workspaces_backend.describe_workspace_bundles(
        body.get("BundleIds"), body.get("Owner"), body.get("NextToken")
    )
    return json.dumps({"Bundles": bundles, **({"NextToken": token} if token else {})})


def _r_connection(self):
    items = self.workspaces_backend.describe_workspaces_connection_status(
        _body(self).get("WorkspaceIds")
    )
    return json.dumps({"WorkspacesConnectionStatus": items})


def _r_modify(self):
    body = _body(self)
    self.workspaces_backend.modify_workspace_properties(
        body["WorkspaceId"], body.get("WorkspaceProperties") or {}
    )
    return "{}"


def _r_delete_tags(self):
    body = _body(self)
    self.workspaces_backend.delete_tags(body["ResourceId"], body["TagKeys"])
    return "{}"


# -- test control --------------------------------------------------------------------------


def control_endpoint(request: Any, full_url: str, headers: Any) -> tuple[int, dict, str]:
    """Steer the fake from tests (see the module docstring)."""
    from moto.core import DEFAULT_ACCOUNT_ID

    if request.method == "GET":
        region = request.args.get("region", "us-east-1")
        backend = workspaces_backends[DEFAULT_ACCOUNT_ID][region]
        return 200, {}, json.dumps(_control(backend))
    body = json.loads(request.get_data(as_text=True) or "{}")
    backend = workspaces_backends[body.get("account", DEFAULT_ACCOUNT_ID)][body["region"]]
    control = _control(backend)
    control["timings"].update(body.get("timings", {}))
    if "gpu_quota" in body:
        control["gpu_quota"] = body["gpu_quota"]
    control["directory_users"].update(body.get("directory_users", {}))
    control["fail_next"].update(body.get("fail_next", {}))
    if "describe_tags_only_tagged" in body:
        control["describe_tags_only_tagged"] = body["describe_tags_only_tagged"]
    if "workspace_id" in body:
        ws = backend.workspaces.get(body["workspace_id"])
        if ws is None:
            return 404, {}, json.dumps({"error": f"no WorkSpace {body['workspace_id']}"})
        _settle(ws)
        if "state" in body:
            ws.state, ws._transition = body["state"], None
        if "connection_state" in body:
            ws._connection = body["connection_state"]
            if ws._connection == "CONNECTED":
                ws._last_connection = unix_time()
    return 200, {}, json.dumps(control)


def install() -> None:
    """Patch moto's WorkSpaces backend and responses, and add the control route."""
    for name, func in {
        "create_workspaces": create_workspaces,
        "describe_workspaces": describe_workspaces,
        "start_workspaces": start_workspaces,
        "stop_workspaces": stop_workspaces,
        "reboot_workspaces": reboot_workspaces,
        "describe_workspace_bundles": describe_workspace_bundles,
        "describe_workspaces_connection_status": describe_workspaces_connection_status,
        "modify_workspace_properties": modify_workspace_properties,
        "create_tags": create_tags,
        "delete_tags": delete_tags,
        "describe_tags": describe_tags,
    }.items():
        setattr(WorkSpacesBackend, name, func)
    models.Workspace.to_dict_pending = to_dict_pending
    for name, func in {
        "start_workspaces": _r_start,
        "stop_workspaces": _r_stop,
        "reboot_workspaces": _r_reboot,
        "describe_workspace_bundles": _r_bundles,
        "describe_workspaces_connection_status": _r_connection,
        "modify_workspace_properties": _r_modify,
        "delete_tags": _r_delete_tags,
    }.items():
        setattr(WorkSpacesResponse, name, func)
    moto_api_urls.url_paths["{0}" + CONTROL_PATH] = control_endpoint
