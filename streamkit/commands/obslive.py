"""The "is OBS live?" question the AWS stop interlock asks, answered by the OBS of the config.

Only the command layer joins OBS and AWS: streamkit.aws receives this callable and never
imports the OBS client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def obs_live_check(config: Any) -> Callable[[], bool]:
    """A check that asks the OBS of the config (obs: section) whether its stream is active.

    It raises an ObsError when OBS cannot be asked; the interlock then warns and goes on.
    """

    def is_live() -> bool:
        from streamkit.obs.client import client_for

        with client_for(config.obs, reconnect=False, subscriptions=0) as client:
            return bool(client.request("GetStreamStatus").get("outputActive"))

    return is_live
