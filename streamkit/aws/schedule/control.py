"""What the runner does to the WorkSpace: start it with a hold, stop it behind the interlock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from streamkit.aws.errors import AwsError

log = logging.getLogger(__name__)


class WorkspaceControl(Protocol):
    """What the runner needs from the WorkSpace; each method returns a line for the log."""

    def start(self, until: datetime) -> str:
        """Start, wait until AVAILABLE, and keep AutoStop from stopping it before `until`."""

    def stop(self) -> str:
        """Stop (a no-op when stopped) and restore AutoStop; StopRefused while in use."""

    def release(self) -> str:
        """Restore the AutoStop timeout without stopping; an operator's hold still in force
        (`workspace hold --until`) is left as it is."""

    def state(self) -> str:
        """The WorkSpace's state now (AVAILABLE, STOPPED, ...)."""


class AwsWorkspace:
    """WorkspaceControl over streamkit.aws.workspace.api, with the stop interlock and the hold."""

    def __init__(
        self,
        manager: Any,
        obs_live: Callable[[], bool] | None = None,
        after_start: Callable[[datetime | None], str] | None = None,
        *,
        wait: bool = True,
    ) -> None:
        self.manager = manager
        self.obs_live = obs_live
        # e.g. import the OBS setup once OBS answers; given when the WorkSpace was started
        # (None: it was running already)
        self.after_start = after_start
        self.wait = wait  # the cloud function does not wait: its next look checks the state

    def start(self, until: datetime) -> str:
        from streamkit.aws.workspace.hold import hold

        info = self.manager.require()
        auto_stop = not info.running_mode or info.running_mode == "AUTO_STOP"
        if not self.wait:  # STOPPED accepts the change: hold first, no waiting for a boot
            held = ""
            if auto_stop:
                _, kept, minutes = hold(self.manager, until, keep_later=True)
                held = f"; AutoStop {minutes} min until {_utc(kept.until or until)}"
                held += f" (then back to {kept.restore_minutes})"
            asked = self.manager.start(info)
            verb = "start requested" if asked else f"was already {info.state}"
            return f"{info.workspace_id} {verb}{held}"
        began = self.manager.clock()
        asked = self.manager.start(info)
        self.manager.wait_for(info.workspace_id, "AVAILABLE")
        verb = "started" if asked else f"was already {info.state}"
        if not auto_stop:
            done = f"{info.workspace_id} {verb}, now AVAILABLE ({info.running_mode}: no AutoStop)"
        else:
            _, kept, minutes = hold(self.manager, until, keep_later=True)
            done = (
                f"{info.workspace_id} {verb}, now AVAILABLE; AutoStop {minutes} min until "
                f"{_utc(kept.until or until)} (then back to {kept.restore_minutes})"
            )
        if self.after_start is None:
            return done
        return f"{done}; {self.after_start(began if asked else None)}"

    def stop(self) -> str:
        from streamkit.aws.workspace.hold import current_hold, release
        from streamkit.aws.workspace.interlock import check_stop

        info = self.manager.require()
        try:
            held = current_hold(self.manager, info.workspace_id)
        except AwsError as exc:  # a damaged tag never blocks the stop
            log.warning("hold not readable: %s", exc.message)
            held = None
        if info.state in ("STOPPED", "STOPPING"):
            now = self.manager.clock()
            if held is not None and held.until is not None and held.until > now:
                # an operator's hold still in force is never removed by streamkit
                return (
                    f"{info.workspace_id} was already {info.state}; the hold until "
                    f"{_utc(held.until)} is kept"
                )
            restored = release(self.manager)
            return f"{info.workspace_id} was already {info.state}{_restored(restored)}"
        connection = self.manager.connection(info.workspace_id)
        for warning in check_stop(
            info.workspace_id,
            connection.state,
            self.obs_live,
            held_until=held.until if held else None,
            now=self.manager.clock(),
        ):
            log.warning("%s", warning)
        try:
            restored = release(self.manager)
        except AwsError as exc:  # the stop matters more than the timeout's restore
            log.error("AutoStop timeout not put back before the stop: %s", exc.message)
            restored = None
        self.manager.stop(info)
        return f"{info.workspace_id} stopping{_restored(restored)}"

    def release(self) -> str:
        from streamkit.aws.workspace.hold import current_hold, release

        info = self.manager.require()
        held = current_hold(self.manager, info.workspace_id)
        if held is not None and held.until is not None and held.until > self.manager.clock():
            return f"AutoStop left as it is: held until {held.until:%Y-%m-%d %H:%M %Z}"
        minutes = release(self.manager)
        return (
            "AutoStop unchanged (no hold)" if minutes is None else f"AutoStop back to {minutes} min"
        )

    def state(self) -> str:
        return self.manager.require().state


def _restored(minutes: int | None) -> str:
    return f"; AutoStop back to {minutes} min" if minutes is not None else ""


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
