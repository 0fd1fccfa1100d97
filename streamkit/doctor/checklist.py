"""The event-night checklist: every check in order, and `diagnose` that runs them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from streamkit.doctor.checks_aws import check_autostop, check_credentials, check_workspace
from streamkit.doctor.checks_local import check_config, check_secrets, config_failed
from streamkit.doctor.checks_ndi import check_ndi
from streamkit.doctor.checks_obs import (
    check_connection,
    check_fallback_scene,
    check_resources,
    check_versions,
)
from streamkit.doctor.checks_schedule import check_schedule
from streamkit.doctor.checks_show import check_runofshow
from streamkit.doctor.checks_sync import check_collection, check_profile, check_stream_key
from streamkit.doctor.core import (
    Check,
    CheckResult,
    DoctorContext,
    Skip,
    Status,
    exit_code,
    run_checks,
    utcnow,
)
from streamkit.doctor.events import pick_event

__all__ = [
    "CHECKS",
    "CheckResult",
    "DoctorContext",
    "Skip",
    "Status",
    "config_failed",
    "diagnose",
    "exit_code",
    "run_checks",
]

# Statuses: FAIL means the stream cannot go out as planned (nothing answers, a secret is
# missing, no WorkSpace, no NDI plugin, no stream key, no fallback scene, disk at alarm).
# WARN means it can, with a risk to attend to (drift from git, AutoStop shorter than the
# event, nothing scheduled, an NDI sender not on the network yet, CPU or disk at warn).
# SKIP means the check could not or need not run: its section is not configured ("not
# configured (...)"), or what it needs failed in an earlier check ("see obs.connection").
# SKIPs do not change the exit code.

#: Every check, in the order the checklist shows them.
CHECKS: list[tuple[str, Check]] = [
    ("config", check_config),
    ("config.secrets", check_secrets),
    ("aws.credentials", check_credentials),
    ("aws.workspace", check_workspace),
    ("aws.autostop", check_autostop),
    ("schedule", check_schedule),
    ("obs.connection", check_connection),
    ("obs.versions", check_versions),
    ("obs.collection", check_collection),
    ("obs.ndi", check_ndi),
    ("obs.profile", check_profile),
    ("obs.stream_key", check_stream_key),
    ("obs.resources", check_resources),
    ("obs.fallback_scene", check_fallback_scene),
    ("show.runofshow", check_runofshow),
]


def diagnose(
    config: Any,
    *,
    event: str | None = None,
    clock: Callable[[], datetime] = utcnow,
    only: list[str] | None = None,
    **clients: Any,
) -> list[CheckResult]:
    """Run the checklist against `config` (a Config); `clients` go to DoctorContext."""
    ctx = DoctorContext(config, clock=clock, event=pick_event(config, clock(), event), **clients)
    checks = [(n, c) for n, c in CHECKS if only is None or n in only]
    try:
        return run_checks(ctx, checks)
    finally:
        ctx.close()
