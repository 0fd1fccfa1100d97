"""Which calendar occurrence the doctor measures against: the next one (of a named event)."""

from __future__ import annotations

from datetime import datetime

from streamkit.aws.schedule.calendar import Occurrence
from streamkit.config import Config
from streamkit.errors import UsageError


def pick_event(config: Config, now: datetime, name: str | None = None) -> Occurrence | None:
    """The occurrence in progress or next to start (of event `name` when given).

    None when the calendar has no events ahead; an unknown name is a usage error.
    """
    settings = config.calendar
    if name is not None and name not in {e.id for e in settings.events}:
        known = ", ".join(e.id for e in settings.events) or "none in calendar.events"
        raise UsageError(f"--event {name}: no such event", hint=f"events: {known}")
    calendar = settings.to_calendar()
    ahead = calendar.occurrences(now, now + config.schedule.horizon)
    for occurrence in ahead:
        if occurrence.end > now and (name is None or occurrence.event.id == name):
            return occurrence
    return None
