"""The `workspace cost` report: estimates, break-even and warnings as text or a dict."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from streamkit.aws.workspace.cost import (
    MAINTENANCE_WARNING,
    MonthEstimate,
    Price,
    break_even_events,
    break_even_hours,
)
from streamkit.errors import ConfigError


@dataclass
class CostReport:
    """What `workspace cost` prints."""

    region: str
    bundle: str
    price: Price
    months: list[MonthEstimate]
    hours_per_event: float | None = None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.price.verified:
            self.warnings.append(
                f"bundled prices ({self.price.as_of}) are unverified estimates: check "
                f"{self.price.source} and set workspace.prices"
            )
        self.warnings.append(MAINTENANCE_WARNING)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["months"] = [
            {**asdict(m), "cheaper": m.cheaper, "cost_per_session": m.cost_per_session}
            for m in self.months
        ]
        data["break_even_hours"] = _finite(break_even_hours(self.price))
        if self.hours_per_event:
            data["break_even_events"] = _finite(break_even_events(self.price, self.hours_per_event))
        return data

    def to_text(self) -> str:
        p, cur = self.price, self.price.currency
        lines = [
            f"{self.bundle} in {self.region}: AUTO_STOP {p.auto_stop_monthly:.2f} {cur}/month + "
            f"{p.auto_stop_hourly:.2f} {cur}/started hour; ALWAYS_ON {p.always_on_monthly:.2f} "
            f"{cur}/month (source: {p.source or 'config'}{', ' + p.as_of if p.as_of else ''})",
            "",
            f"{'month':<9} {'sessions':>8} {'billed h':>9} {'AUTO_STOP':>10} {'ALWAYS_ON':>10}"
            f" {'per session':>12}  cheaper",
        ]
        for m in self.months:
            per = f"{m.cost_per_session:.2f}" if m.cost_per_session is not None else "-"
            lines.append(
                f"{m.month:<9} {m.sessions:>8} {m.billed_hours:>9} "
                f"{m.auto_stop_cost:>10.2f} {m.always_on_cost:>10.2f} {per:>12}  "
                f"{m.cheaper}"
            )
        hours = break_even_hours(p)
        lines.append("")
        lines.append(
            f"break-even: ALWAYS_ON is cheaper above {hours:.1f} billed hours a month"
            if math.isfinite(hours)
            else "break-even: AUTO_STOP is always cheaper"
        )
        if self.hours_per_event and math.isfinite(hours):
            events = break_even_events(p, self.hours_per_event)
            lines.append(
                f"            i.e. above {events:.1f} events of "
                f"{math.ceil(self.hours_per_event)} billed hours"
            )
        lines.append(
            "AUTO_STOP bills every started hour of each session: include boot time "
            "(15-30 min) and, unless stopped explicitly, the AutoStop timeout"
        )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def read_sessions(path: Path) -> list[tuple[datetime, datetime]]:
    """A YAML list of [start, end] ISO times (with time zone) of running sessions."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read sessions: {exc}") from None
    if not isinstance(data, list):
        raise ConfigError(f"{path}: expected a list of [start, end] pairs")
    sessions = []
    for i, item in enumerate(data, 1):
        try:
            start, end = (_moment(v) for v in item)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"{path}: session {i}: expected [start, end] ISO times with a time zone ({exc})"
            ) from None
        sessions.append((start, end))
    return sessions


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"{value} has no time zone")
    return moment


def _finite(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None
