"""The outcome of every scheduled action, in a SQLite table next to APScheduler's jobs."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from streamkit.aws.schedule.plan import Record
from streamkit.errors import ConfigError

_LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS streamkit_actions (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_attempt TEXT NOT NULL,
    detail TEXT NOT NULL
)
"""


class Ledger:
    """The outcome of every action, in a SQLite table next to APScheduler's jobs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(_LEDGER_SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection; a damaged or unreadable file is a ConfigError naming the setting."""
        try:
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                yield db
        except sqlite3.DatabaseError as exc:
            raise unusable_jobstore(self.path, exc) from None

    def records(self) -> dict[str, Record]:
        with self._lock, self._connect() as db:
            rows = db.execute(
                "SELECT key, kind, state, attempts, last_attempt, detail FROM streamkit_actions"
            ).fetchall()
        return {
            key: Record(key, kind, state, attempts, datetime.fromisoformat(last), detail)
            for key, kind, state, attempts, last, detail in rows
        }

    def write(self, record: Record) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO streamkit_actions VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.key,
                    record.kind,
                    record.state,
                    record.attempts,
                    record.last_attempt.isoformat(),
                    record.detail,
                ),
            )


def unusable_jobstore(path: Path, exc: Exception) -> ConfigError:
    return ConfigError(
        f"{path}: the schedule's job store cannot be read ({type(exc).__name__})",
        hint="move the file away (streamkit schedule run builds a new one) or point "
        "schedule.runner.jobstore elsewhere",
    )
