"""Everything `workspace status` shows, gathered in one place for the CLI and the TUI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from streamkit.aws.workspace.api import Connection, WorkspaceInfo, WorkspaceManager
from streamkit.aws.workspace.bundles import bundle_by_id
from streamkit.aws.workspace.hold import Hold, current_hold, is_leftover


@dataclass(frozen=True)
class WorkspaceStatus:
    """The WorkSpace, its bundle, who is connected, and any AutoStop hold."""

    workspace: WorkspaceInfo
    bundle_name: str
    compute_type: str
    connection: Connection
    hold: Hold | None
    hold_expired: bool
    hold_leftover: bool = False
    pending_stops: list[Any] = field(default_factory=list)  # schedule.plan.PendingStop

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return _iso(data)


def fetch_status(
    manager: WorkspaceManager, jobstore: Path | None = None, policy: Any = None
) -> WorkspaceStatus:
    """Describe the configured WorkSpace (raises when there is none), with the stops still
    pending in the local runner's `jobstore` and in the cloud function's tags."""
    from streamkit.aws.schedule.pending import all_pending_stops
    from streamkit.aws.schedule.plan import RetryPolicy

    info = manager.require()
    bundle = bundle_by_id(manager.client, info.bundle_id) if info.bundle_id else None
    held = current_hold(manager, info.workspace_id)
    expired = bool(held and held.until and held.until <= manager.clock())
    return WorkspaceStatus(
        workspace=info,
        bundle_name=bundle.name if bundle else info.bundle_id,
        compute_type=bundle.compute_type if bundle else "",
        connection=manager.connection(info.workspace_id),
        hold=held,
        hold_expired=expired,
        hold_leftover=bool(held and is_leftover(held, info, manager.clock())),
        pending_stops=all_pending_stops(
            jobstore or Path("/nonexistent"),
            policy or RetryPolicy(),
            manager.tags(info.workspace_id),
        ),
    )


def _iso(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value
