"""The cloud function's ledger: each action's outcome kept in a tag of the WorkSpace itself.

The function has no disk between invocations; the WorkSpace's tags do, and anyone with
`workspace status` sees them. One tag per action, `streamkit:run:KEY`, valued
`STATE ATTEMPTS LAST SINCE FLAGS KIND DETAIL` (tag values allow letters, digits, spaces and
`_.:/=+-@` only, up to 256 characters; the detail is trimmed to fit). FLAGS is `r` or `-`
(refused), `n` or `-` (notified), then `hTIME` when a hold refused the stop until TIME.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from streamkit.aws.errors import aws_call
from streamkit.aws.schedule.plan import Record

PREFIX = "streamkit:run:"
_STAMP = "%Y%m%dT%H%M%SZ"
_NOT_ALLOWED = re.compile(r"[^\w\s.:/=+\-@]")
MAX_VALUE = 256


def encode(record: Record) -> str:
    """The tag value of a record."""
    since = record.since or record.last_attempt
    flags = ("r" if record.refused else "-") + ("n" if record.notified else "-")
    if record.held_until is not None:
        flags += f"h{record.held_until.astimezone(UTC):{_STAMP}}"
    head = (
        f"{record.state} {record.attempts} {record.last_attempt.astimezone(UTC):{_STAMP}} "
        f"{since.astimezone(UTC):{_STAMP}} {flags} {record.kind}"
    )
    detail = " ".join(_NOT_ALLOWED.sub(" ", record.detail).split())
    return f"{head} {detail}"[:MAX_VALUE].rstrip()


def decode(key: str, value: str) -> Record | None:
    """The record of a tag value; None when someone edited it into something else."""
    parts = value.split(" ", 6)
    if len(parts) < 6:
        return None
    state, attempts, last, since, flags, kind = parts[:6]
    try:
        return Record(
            key,
            kind,  # type: ignore[arg-type]
            state,  # type: ignore[arg-type]
            int(attempts),
            datetime.strptime(last, _STAMP).replace(tzinfo=UTC),
            parts[6] if len(parts) > 6 else "",
            refused=flags[:1] == "r",
            since=datetime.strptime(since, _STAMP).replace(tzinfo=UTC),
            notified=flags[1:2] == "n",
            held_until=_stamp(flags[3:]) if flags[2:3] == "h" else None,
        )
    except ValueError:
        return None


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


def records_of(tags: dict[str, str]) -> dict[str, Record]:
    """Every readable record among a WorkSpace's tags."""
    found = {}
    for tag, value in tags.items():
        if tag.startswith(PREFIX):
            record = decode(tag[len(PREFIX) :], value)
            if record is not None:
                found[record.key] = record
    return found


class TagLedger:
    """Records in the tags of one WorkSpace, through a WorkspaceManager."""

    def __init__(self, manager: Any, workspace_id: str) -> None:
        self.manager = manager
        self.workspace_id = workspace_id

    def records(self) -> dict[str, Record]:
        return records_of(self.manager.tags(self.workspace_id))

    def write(self, record: Record) -> None:
        with aws_call("CreateTags"):
            self.manager.client.create_tags(
                ResourceId=self.workspace_id,
                Tags=[{"Key": PREFIX + record.key, "Value": encode(record)}],
            )

    def forget(self, key: str) -> None:
        with aws_call("DeleteTags"):
            self.manager.client.delete_tags(ResourceId=self.workspace_id, TagKeys=[PREFIX + key])
