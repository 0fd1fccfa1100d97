"""The stop interlock: never stop the WorkSpace while someone is connected or OBS is live.

The OBS check is a callable handed in by the command layer (streamkit.commands.obslive; this
package never imports the OBS side), so it can be faked: it returns True when OBS is streaming,
False when it is not, and raises an ObsError when it cannot tell (OBS unreachable from here,
wrong password...). "Cannot tell" lets the stop proceed with a warning: the WorkSpace's
connection state is still checked, and OBS is usually not reachable from a laptop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from streamkit.aws.errors import StopRefused
from streamkit.errors import StreamkitError

ObsLiveCheck = Callable[[], bool]


def check_stop(
    workspace_id: str,
    connection_state: str,
    obs_live: ObsLiveCheck | None,
    *,
    force: bool = False,
    held_until: datetime | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Raise StopRefused when stopping now would cut someone off; return warnings otherwise.

    A scheduled stop also passes the hold's end (`held_until`): an operator who ran
    `workspace hold --until` past the planned stop (an overrunning talk) keeps it up.
    With `force` every reason to refuse becomes a warning instead.
    """
    reasons: list[str] = []
    warnings: list[str] = []
    in_force = held_until is not None and now is not None and held_until > now
    if in_force:
        reasons.append(f"it is held until {held_until:%Y-%m-%d %H:%M %Z} (`workspace hold`)")
    if connection_state == "CONNECTED":
        reasons.append("a user is connected to it")
    elif connection_state not in ("DISCONNECTED",):
        warnings.append(f"connection state is {connection_state}: cannot tell if anyone is on it")
    if obs_live is not None:
        try:
            if obs_live():
                reasons.append("OBS is streaming (GetStreamStatus outputActive)")
        except StreamkitError as exc:
            warnings.append(f"could not ask OBS whether it is live ({exc.message}); proceeding")
    if reasons and not force:
        raise StopRefused(
            f"not stopping {workspace_id}: {' and '.join(reasons)}",
            hint="stop the stream and disconnect first, or pass --force",
            held_until=held_until if in_force else None,
        )
    warnings.extend(f"--force: stopping although {reason}" for reason in reasons)
    return warnings
