"""Pending stops, wherever they are kept: the local runner's ledger and the WorkSpace's tags.

`workspace status`, `schedule list`, doctor and the TUI all show this one list.
"""

from __future__ import annotations

from pathlib import Path

from streamkit.aws.schedule.plan import PendingStop, RetryPolicy, pending_stops
from streamkit.aws.schedule.tagledger import records_of


def local_pending_stops(jobstore: Path, policy: RetryPolicy) -> list[PendingStop]:
    """Pending stops of the local runner (none when it never ran here)."""
    if not jobstore.is_file():
        return []
    from streamkit.aws.schedule.ledger import Ledger

    return pending_stops(Ledger(jobstore).records().values(), policy)


def cloud_pending_stops(tags: dict[str, str], policy: RetryPolicy) -> list[PendingStop]:
    """Pending stops the cloud function keeps in the WorkSpace's tags."""
    return pending_stops(records_of(tags).values(), policy, where="cloud function")


def all_pending_stops(
    jobstore: Path | None, policy: RetryPolicy, tags: dict[str, str] | None = None
) -> list[PendingStop]:
    """Local (when `jobstore` is given) and cloud (from `tags`) pending stops, oldest first.

    The TUI shows these: each one's `summary(now)` in red in the header while the list is
    not empty, and `streamkit schedule ack` as the way out.
    """
    found = local_pending_stops(jobstore, policy) if jobstore is not None else []
    if tags is not None:
        found += cloud_pending_stops(tags, policy)
    return sorted(found, key=lambda p: p.since)
