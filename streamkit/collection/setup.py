"""Put the setup kept in git (profile, scene collection) into an OBS that has just come up."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from streamkit.errors import StreamkitError
from streamkit.obs.errors import ObsTimeout, ObsUnreachable

log = logging.getLogger(__name__)


def wait_for_obs(
    config: Any, timeout: float, poll: float = 15.0, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Return once OBS answers (a cold-booted WorkSpace starts OBS at logon); else raise."""
    from streamkit.obs.client import client_for

    deadline = time.monotonic() + timeout
    while True:
        try:
            with client_for(config.obs, reconnect=False, subscriptions=0) as client:
                client.request("GetVersion")
            return
        except (ObsUnreachable, ObsTimeout):  # not up yet, or still starting
            if time.monotonic() + poll > deadline:
                raise
            sleep(poll)


def apply_setup(config: Any) -> list[str]:
    """Import obs.profile, then obs.collection, as `obs profile import` and `obs import --yes`
    do. Returns what was done, one line each; raises ObsError/ConfigError on failure."""
    from streamkit.collection.importer import Importer
    from streamkit.collection.preflight import load_collection
    from streamkit.collection.profile import apply_profile, plan_profile, read_profile
    from streamkit.obs.client import client_for
    from streamkit.redact import REDACT
    from streamkit.show.owned import show_owned_settings

    done = []
    with client_for(config.obs, reconnect=False, subscriptions=0) as client:
        if config.obs.profile:
            key = config.obs.stream_key.resolve() if config.obs.stream_key else None
            REDACT.add(key)
            plan = plan_profile(client, read_profile(config.path(config.obs.profile)), key)
            if plan.changes:
                apply_profile(client, plan)
            done.append(f"profile {plan.profile!r}: {plan.changes} change(s)")
        if config.obs.collection:
            desired = load_collection(config.path(config.obs.collection), config.variables)
            owned = show_owned_settings(config.show, [config.chat.source])
            report = Importer(client, desired, owned=owned).run()
            done.append(f"collection {desired.name!r}: {len(report.plan.changes)} change(s)")
    return done


def setup_step(config: Any, timeout: float) -> Callable[[], str]:
    """The runner's "once OBS answers, import" step: never raises, says what happened."""

    def step() -> str:
        try:
            wait_for_obs(config, timeout)
            return "OBS set up: " + "; ".join(apply_setup(config))
        except StreamkitError as exc:  # the WorkSpace is up either way: report, go on
            log.error("OBS setup after start failed: %s", exc)
            return f"OBS setup failed: {exc}"

    return step
