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
#: Columns added since the first version, with their definitions (older files get them).
_ADDED_COLUMNS = {
    "refused": "INTEGER NOT NULL DEFAULT 0",
    "since": "TEXT",
    "notified": "INTEGER NOT NULL DEFAULT 0",
    "held_until": "TEXT",
}
_COLUMNS = "key, kind, state, attempts, last_attempt, detail, refused, since, notified, held_until"


class Ledger:
    """The outcome of every action, in a SQLite table next to APScheduler's jobs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(_LEDGER_SCHEMA)
            have = {row[1] for row in db.execute("PRAGMA table_info(streamkit_actions)")}
            for column, definition in _ADDED_COLUMNS.items():
                if column not in have:
                    db.execute(f"ALTER TABLE streamkit_actions ADD COLUMN {column} {definition}")

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
            rows = db.execute(f"SELECT {_COLUMNS} FROM streamkit_actions").fetchall()
        return {
            key: Record(
                key,
                kind,
                state,
                attempts,
                datetime.fromisoformat(last),
                detail,
                refused=bool(refused),
                since=datetime.fromisoformat(since) if since else None,
                notified=bool(notified),
                held_until=datetime.fromisoformat(held) if held else None,
            )
            for key, kind, state, attempts, last, detail, refused, since, notified, held in rows
        }

    def write(self, record: Record) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                f"INSERT OR REPLACE INTO streamkit_actions ({_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.key,
                    record.kind,
                    record.state,
                    record.attempts,
                    record.last_attempt.isoformat(),
                    record.detail,
                    int(record.refused),
                    record.since.isoformat() if record.since else None,
                    int(record.notified),
                    record.held_until.isoformat() if record.held_until else None,
                ),
            )

    def forget(self, key: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM streamkit_actions WHERE key = ?", (key,))


def unusable_jobstore(path: Path, exc: Exception) -> ConfigError:
    return ConfigError(
        f"{path}: the schedule's job store cannot be read ({type(exc).__name__})",
        hint="move the file away (streamkit schedule run builds a new one) or point "
        "schedule.runner.jobstore elsewhere",
    )
