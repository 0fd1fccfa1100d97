"""`streamkit schedule list|ack`: what ran and what is pending, on this machine and in the
cloud (the streamkit function keeps its outcomes in the WorkSpace's tags)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from streamkit.commands import load_config
from streamkit.errors import StreamkitError, UsageError


def cmd_list(args: argparse.Namespace) -> int:
    from streamkit.aws.schedule.driver import read_jobs
    from streamkit.aws.schedule.ledger import Ledger
    from streamkit.aws.schedule.pending import cloud_pending_stops, local_pending_stops
    from streamkit.commands.schedule_cloud import _group

    config = load_config(args.config)
    policy = config.schedule.retry_policy()
    path = jobstore(config)
    jobs = read_jobs(path)
    records = sorted(
        (Ledger(path).records() if path.is_file() else {}).values(), key=lambda r: r.last_attempt
    )
    pending = local_pending_stops(path, policy)
    cloud = None if args.local else _cloud_ledger(config)
    cloud_records = sorted(cloud.records().values(), key=lambda r: r.last_attempt) if cloud else []
    if cloud is not None:
        pending = sorted(pending + cloud_pending_stops(_tags(cloud), policy), key=lambda p: p.since)
    if args.json:
        group = None if args.local else _group(config)
        data = {
            "pending_stops": pending,
            "local_jobs": jobs,
            "local_outcomes": records,
            "cloud_outcomes": cloud_records,
            "deployed": group.schedules() if group else [],
        }
        print(json.dumps(_plain(data), indent=2))
        return 0
    now = datetime.now(UTC)
    for stop in pending:
        print(f"PENDING: {stop.summary(now)}")
    if pending:
        print("  (the WorkSpace is still running; `streamkit schedule ack` to take it over)")
    print(f"local jobs ({path}):")
    for job in jobs:
        late = "any time" if job.grace_seconds is None else f"{job.grace_seconds // 60} min"
        when = f"{job.run_date.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if job.run_date else "paused"
        print(f"  {when}  {job.id}  (may run late by {late})")
    if not jobs:
        print("  none (start them with `streamkit schedule run`)")
    _print_outcomes("last outcomes:", records)
    if args.local:
        return 0
    if cloud is not None:
        _print_outcomes(f"cloud function outcomes ({cloud.workspace_id} tags):", cloud_records)
    group = _group(config)
    print(f"deployed ({group.name}):", flush=True)
    deployed = group.schedules()
    for schedule in deployed:
        print(f"  {schedule.when()}  {schedule.name}  {schedule.operation}")
    if not deployed:
        print("  none (create them with `streamkit schedule deploy`)")
    return 0


def _print_outcomes(title: str, records: list[Any]) -> None:
    if records:
        print(title)
    for record in records[-10:]:
        print(
            f"  {record.last_attempt:%Y-%m-%d %H:%M} UTC  {record.key}  {record.state}"
            f"  {record.detail}"
        )


def cmd_ack(args: argparse.Namespace) -> int:
    """Acknowledge pending stops of the local runner and of the cloud function."""
    from streamkit.aws.schedule.ledger import Ledger
    from streamkit.aws.schedule.pending import cloud_pending_stops, local_pending_stops
    from streamkit.aws.schedule.plan import TRYING, acknowledged

    config = load_config(args.config)
    policy = config.schedule.retry_policy()
    path = jobstore(config)
    local = Ledger(path) if path.is_file() else None
    cloud = _cloud_ledger(config, quiet=False)
    where: list[tuple[str, Any]] = [("local runner", local), ("cloud function", cloud)]
    pending = local_pending_stops(path, policy)
    if cloud is not None:
        pending += cloud_pending_stops(_tags(cloud), policy)
    wanted = [args.key] if args.key else sorted({p.key for p in pending})
    if not wanted:
        print("no pending stop")
        return 0
    for key in wanted:
        found = [
            (name, ledger)
            for name, ledger in where
            if ledger is not None
            and (record := ledger.records().get(key)) is not None
            and record.state in TRYING
        ]
        if not found:
            known = ", ".join(sorted({p.key for p in pending})) or "none"
            raise UsageError(f"{key}: not a stop being tried (pending stops: {known})")
        for name, ledger in found:
            try:
                ledger.write(acknowledged(ledger.records().get(key), key, args.note))
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            print(
                f"{key}: acknowledged ({name}); streamkit no longer tries to stop the "
                "WorkSpace for it"
            )
    return 0


def _cloud_ledger(config: Any, quiet: bool = True) -> Any:
    """The WorkSpace's TagLedger; None (with a warning) when AWS cannot be asked."""
    from streamkit.aws.schedule.tagledger import TagLedger
    from streamkit.commands.schedule_cloud import _manager

    manager = _manager(config)
    try:
        return TagLedger(manager, manager.require().workspace_id)
    except StreamkitError as exc:
        print(
            f"warning: the cloud function's outcomes (the WorkSpace's tags) cannot be read: "
            f"{exc.message}",
            file=sys.stderr,
        )
        if not quiet:
            print("  only the local runner's stops are acknowledged", file=sys.stderr)
        return None


def _tags(cloud: Any) -> dict[str, str]:
    return cloud.manager.tags(cloud.workspace_id)


def jobstore(config: Any) -> Any:
    return config.schedule.runner.jobstore.expanduser()


def _plain(value: Any) -> Any:
    """Dataclasses, lists and datetimes as JSON-ready values."""
    import dataclasses  # here: `streamkit --help` imports this module

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, datetime) else value
