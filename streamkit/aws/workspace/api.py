"""The streaming WorkSpace: find it, read its state, start and stop it, wait for a state."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from streamkit.aws.errors import AwsAccessError, AwsActionFailed, aws_call

if TYPE_CHECKING:  # the cloud function runs this module without pydantic
    from streamkit.aws.workspace.settings import WorkspaceSettings

NAME_TAG = "streamkit:workspace"
#: The console offers AutoStop times of 1 to 48 hours, in whole hours.
MAX_AUTOSTOP_MINUTES = 48 * 60
STARTABLE = {"STOPPED"}
STOPPABLE = {"AVAILABLE", "IMPAIRED", "UNHEALTHY", "ERROR"}
FAILED = {"ERROR", "TERMINATING", "TERMINATED", "SUSPENDED"}
#: States in which a start or stop that AWS refused is already happening (or done).
UNDER_WAY = {
    "start": frozenset({"STARTING", "AVAILABLE"}),
    "stop": frozenset({"STOPPING", "STOPPED"}),
}


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WorkspaceInfo:
    """What DescribeWorkspaces says about one WorkSpace."""

    workspace_id: str
    state: str
    bundle_id: str = ""
    directory_id: str = ""
    user_name: str = ""
    running_mode: str = ""
    auto_stop_minutes: int | None = None
    ip_address: str | None = None
    computer_name: str | None = None
    error: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> WorkspaceInfo:
        props = data.get("WorkspaceProperties") or {}
        error = " ".join(filter(None, [data.get("ErrorCode"), data.get("ErrorMessage")]))
        return cls(
            workspace_id=data["WorkspaceId"],
            state=data.get("State", "UNKNOWN"),
            bundle_id=data.get("BundleId", ""),
            directory_id=data.get("DirectoryId", ""),
            user_name=data.get("UserName", ""),
            running_mode=props.get("RunningMode", ""),
            auto_stop_minutes=props.get("RunningModeAutoStopTimeoutInMinutes"),
            ip_address=data.get("IpAddress") or None,
            computer_name=data.get("ComputerName") or None,
            error=error or None,
        )


@dataclass(frozen=True)
class Connection:
    """DescribeWorkspacesConnectionStatus for one WorkSpace."""

    state: str = "UNKNOWN"
    checked_at: datetime | None = None
    last_user_connection: datetime | None = None


@dataclass(frozen=True)
class Progress:
    """One observation while waiting: shown by the CLI as a single updating line."""

    workspace_id: str
    state: str
    elapsed: float
    target: str


ProgressCallback = Callable[[Progress], None]


class WorkspaceManager:
    """Operations on the configured WorkSpace through an injected boto3 `workspaces` client.

    `clock` returns the current UTC time and `sleep` waits; both are injectable so that
    schedulers and tests can drive time themselves.
    """

    def __init__(
        self,
        client: Any,
        settings: WorkspaceSettings,
        *,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.settings = settings
        self.clock = clock
        self.sleep = sleep

    @property
    def region(self) -> str:
        return self.client.meta.region_name

    # -- reading -------------------------------------------------------------------------

    def describe(self, workspace_id: str) -> WorkspaceInfo | None:
        """The WorkSpace with this id, or None when AWS does not (yet) list it."""
        with aws_call("DescribeWorkspaces"):
            found = self.client.describe_workspaces(WorkspaceIds=[workspace_id])["Workspaces"]
        return WorkspaceInfo.from_api(found[0]) if found else None

    def find(self) -> WorkspaceInfo | None:
        """The configured WorkSpace: pinned id, else by directory and user, else None."""
        s = self.settings
        if s.workspace_id:
            return self.describe(s.workspace_id)
        if not (s.directory_id and s.user_name):
            return None
        found = self._list(DirectoryId=s.directory_id, UserName=s.user_name)
        live = [w for w in found if w.state not in ("TERMINATING", "TERMINATED")]
        return live[0] if live else None

    def find_tagged(self) -> list[WorkspaceInfo]:
        """WorkSpaces of the directory that carry this config's `streamkit:workspace` tag.

        A WorkSpace whose tags may not be read is not one of them: infra/cli-policy.yaml
        allows DescribeTags only on WorkSpaces tagged with this config's name, and the
        directory may hold other users' WorkSpaces.
        """
        if not self.settings.directory_id:
            return []
        found = self._list(DirectoryId=self.settings.directory_id)
        return [w for w in found if self._name_tag(w.workspace_id) == self.settings.name]

    def _name_tag(self, workspace_id: str) -> str | None:
        try:
            return self.tags(workspace_id).get(NAME_TAG)
        except AwsAccessError:
            return None

    def require(self) -> WorkspaceInfo:
        """The configured WorkSpace; an explained error when there is none."""
        info = self.find()
        if info is None:
            raise AwsActionFailed(
                f"no WorkSpace for user {self.settings.user_name or '?'} in directory "
                f"{self.settings.directory_id or '?'} ({self.region})",
                hint="run `streamkit workspace provision`, or set workspace.workspace_id",
            )
        return info

    def _list(self, **filters: str) -> list[WorkspaceInfo]:
        out: list[WorkspaceInfo] = []
        with aws_call("DescribeWorkspaces"):
            for page in self.client.get_paginator("describe_workspaces").paginate(**filters):
                out.extend(WorkspaceInfo.from_api(w) for w in page.get("Workspaces", []))
        return out

    def tags(self, workspace_id: str) -> dict[str, str]:
        with aws_call("DescribeTags"):
            tag_list = self.client.describe_tags(ResourceId=workspace_id).get("TagList", [])
        return {t["Key"]: t.get("Value", "") for t in tag_list}

    def connection(self, workspace_id: str) -> Connection:
        """Whether a user is connected now, and when one last was."""
        with aws_call("DescribeWorkspacesConnectionStatus"):
            answer = self.client.describe_workspaces_connection_status(WorkspaceIds=[workspace_id])
        for item in answer.get("WorkspacesConnectionStatus", []):
            if item.get("WorkspaceId") == workspace_id:
                return Connection(
                    state=item.get("ConnectionState", "UNKNOWN"),
                    checked_at=item.get("ConnectionStateCheckTimestamp"),
                    last_user_connection=item.get("LastKnownUserConnectionTimestamp"),
                )
        return Connection()

    # -- acting --------------------------------------------------------------------------

    def start(self, info: WorkspaceInfo) -> bool:
        """Ask AWS to start the WorkSpace; False when it is already running or starting."""
        if info.state in ("AVAILABLE", "STARTING"):
            return False
        with aws_call("StartWorkspaces"):
            answer = self.client.start_workspaces(
                StartWorkspaceRequests=[{"WorkspaceId": info.workspace_id}]
            )
        self._check_failed("start", answer.get("FailedRequests", []), STARTABLE, UNDER_WAY["start"])
        return True

    def stop(self, info: WorkspaceInfo) -> bool:
        """Ask AWS to stop the WorkSpace; False when it is already stopped or stopping.

        No interlock here: see streamkit.aws.workspace.interlock, which callers run first.
        """
        if info.state in ("STOPPED", "STOPPING"):
            return False
        with aws_call("StopWorkspaces"):
            answer = self.client.stop_workspaces(
                StopWorkspaceRequests=[{"WorkspaceId": info.workspace_id}]
            )
        self._check_failed("stop", answer.get("FailedRequests", []), STOPPABLE, UNDER_WAY["stop"])
        return True

    def modify_properties(self, workspace_id: str, **properties: Any) -> None:
        """ModifyWorkspaceProperties with the given WorkspaceProperties members."""
        with aws_call("ModifyWorkspaceProperties"):
            self.client.modify_workspace_properties(
                WorkspaceId=workspace_id, WorkspaceProperties=properties
            )

    def _check_failed(
        self,
        verb: str,
        failed: Iterable[dict[str, Any]],
        allowed: set[str],
        under_way: frozenset[str] = frozenset(),
    ) -> None:
        """Raise for a FailedRequests entry, unless the WorkSpace is already `under_way`
        (another caller, e.g. an overlapping invocation of the function, asked first)."""
        for item in failed:
            workspace_id = item.get("WorkspaceId", "?")
            code = item.get("ErrorCode") or "Failed"
            message = item.get("ErrorMessage") or "no reason given"
            now = self.describe(workspace_id) if workspace_id != "?" else None
            if now is not None and now.state in under_way:
                continue
            if now is not None and now.running_mode == "ALWAYS_ON":
                raise always_on_error(verb, now)
            if now is not None and now.state not in allowed:
                raise AwsActionFailed(
                    f"cannot {verb} {workspace_id}: it is {now.state} ({code}: {message})",
                    hint=f"{verb} works only from {', '.join(sorted(allowed))}; "
                    "`streamkit workspace status` shows the state",
                )
            raise AwsActionFailed(f"cannot {verb} {workspace_id}: {code}: {message}")

    # -- waiting -------------------------------------------------------------------------

    def wait_for(
        self,
        workspace_id: str,
        target: str,
        *,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
    ) -> WorkspaceInfo:
        """Poll DescribeWorkspaces with backoff until the WorkSpace reaches `target`.

        There are no botocore waiters for WorkSpaces. Fails on a failed state or timeout.
        """
        limit = timeout if timeout is not None else self.settings.start_timeout_minutes * 60
        delay = self.settings.poll_interval
        ceiling = max(delay, 60.0)
        began = self.clock()
        while True:
            info = self.describe(workspace_id)
            state = info.state if info else "PENDING"
            elapsed = (self.clock() - began).total_seconds()
            if on_progress:
                on_progress(Progress(workspace_id, state, elapsed, target))
            if state == target and info is not None:
                return info
            if state in FAILED:
                detail = f": {info.error}" if info and info.error else ""
                raise AwsActionFailed(f"{workspace_id} went {state} instead of {target}{detail}")
            if elapsed >= limit:
                raise AwsActionFailed(
                    f"{workspace_id} is still {state} after {elapsed / 60:.0f} min",
                    hint="GPU WorkSpaces cold-boot in 15-30 min; check the console if stuck",
                )
            self.sleep(min(delay, max(limit - elapsed, 0.0)))
            delay = min(delay * 1.5, ceiling)


def always_on_error(verb: str, info: WorkspaceInfo) -> AwsActionFailed:
    """Why an ALWAYS_ON WorkSpace cannot be started or stopped, and how to switch it."""
    return AwsActionFailed(
        f"cannot {verb} {info.workspace_id}: its running mode is ALWAYS_ON "
        "(billed monthly, always running; only AUTO_STOP WorkSpaces start and stop)",
        hint="switch it with `streamkit workspace mode AUTO_STOP` (ModifyWorkspaceProperties); "
        "a switch mid-month can bill both modes for that month",
    )
