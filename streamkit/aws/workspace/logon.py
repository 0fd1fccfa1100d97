"""Whether OBS can be up yet: after a (scheduled) start nobody is logged on to the WorkSpace,
and OBS, started from the Startup folder, runs only once someone has logged on.

The session stays after a disconnect (AUTO_STOP keeps it until the WorkSpace stops), so OBS
keeps running once the first co-organizer has connected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from streamkit.aws.workspace.api import Connection, WorkspaceManager

WAITING = (
    "waiting for the first logon: OBS starts when a co-organizer connects to the WorkSpace "
    "(nobody is logged on after a scheduled start)"
)


def first_logon_pending(connection: Connection, started_at: datetime | None) -> bool:
    """True when nobody has connected since the WorkSpace was started at `started_at`."""
    if connection.state == "CONNECTED":
        return False
    last = connection.last_user_connection
    if started_at is None:
        return last is None
    return last is None or last < started_at


def wait_for_logon(
    manager: WorkspaceManager,
    workspace_id: str,
    started_at: datetime | None,
    timeout: float,
    poll: float = 30.0,
) -> bool:
    """Wait (with the manager's clock and sleep) until someone has logged on; False on timeout."""
    began = manager.clock()
    while True:
        if not first_logon_pending(manager.connection(workspace_id), started_at):
            return True
        if (manager.clock() - began).total_seconds() >= timeout:
            return False
        manager.sleep(poll)


def after_first_logon(
    manager: WorkspaceManager, step: Callable[[], str], timeout: float
) -> Callable[[datetime | None], str]:
    """`step` (e.g. import the OBS setup) run once someone has logged on; otherwise it says
    that it waits for the first logon instead of failing.

    The callable takes when the WorkSpace was started; None when it was running already,
    so that a session opened earlier counts and nothing is waited for.
    """

    def run(started_at: datetime | None) -> str:
        info = manager.require()
        if wait_for_logon(manager, info.workspace_id, started_at, timeout):
            return step()
        return f"OBS setup not done yet, {WAITING}; run `streamkit obs import` then"

    return run
