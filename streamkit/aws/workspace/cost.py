"""What the WorkSpace costs for a calendar of running sessions: AUTO_STOP vs ALWAYS_ON.

AUTO_STOP bills a fixed monthly fee plus an hourly rate where every started hour of each
session counts (a 2 h 10 min session bills 3 hours). ALWAYS_ON bills one monthly price.
Sessions are plain (start, end) aware datetimes of running time, boot included; a session is
counted in the UTC calendar month it starts in (AWS bills monthly fees at 00:00 UTC on the 1st).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import yaml

from streamkit.aws.workspace.bundles import compute_type_of
from streamkit.errors import ConfigError, UsageError

MAINTENANCE_WARNING = (
    "AUTO_STOP WorkSpaces are started once a month for maintenance (by default on the third "
    "Monday, 00:00-05:00 in the region's time zone) and those hours are billed; the directory's "
    "maintenance mode setting turns this off"
)


@dataclass(frozen=True)
class Price:
    """The prices of one compute type in one region."""

    auto_stop_monthly: float
    auto_stop_hourly: float
    always_on_monthly: float
    currency: str = "USD"
    source: str = ""
    as_of: str = ""
    verified: bool = True


@dataclass(frozen=True)
class MonthEstimate:
    """One calendar month (or a typical month) under both billing modes."""

    month: str
    sessions: int
    running_hours: float
    billed_hours: int
    auto_stop_cost: float
    always_on_cost: float

    @property
    def cheaper(self) -> str:
        return "AUTO_STOP" if self.auto_stop_cost <= self.always_on_cost else "ALWAYS_ON"

    @property
    def cost_per_session(self) -> float | None:
        """AUTO_STOP total (monthly fee included) divided by the sessions of the month."""
        return self.auto_stop_cost / self.sessions if self.sessions else None


def billed_hours(start: datetime, end: datetime) -> int:
    """The hours AUTO_STOP bills for one session: every started hour counts."""
    if start.tzinfo is None or end.tzinfo is None:
        raise UsageError("session times must be timezone-aware (UTC)")
    seconds = (end - start).total_seconds()
    if seconds < 0:
        raise UsageError(f"session ends before it starts: {start.isoformat()} > {end.isoformat()}")
    return math.ceil(seconds / 3600)


def auto_stop_cost(hours: int | float, price: Price) -> float:
    return price.auto_stop_monthly + hours * price.auto_stop_hourly


def estimate_months(
    sessions: Iterable[tuple[datetime, datetime]],
    price: Price,
    *,
    maintenance_hours: int = 0,
    months: Iterable[str] = (),
) -> list[MonthEstimate]:
    """Per calendar month of the sessions: sessions, hours billed, cost in both modes.

    `months` ("YYYY-MM") are shown even without a session: AUTO_STOP still bills its fee.
    """
    by_month: dict[str, list[tuple[datetime, datetime]]] = {m: [] for m in months}
    for start, end in sorted(sessions):
        billed_hours(start, end)  # validates
        by_month.setdefault(start.astimezone(UTC).strftime("%Y-%m"), []).append((start, end))
    return [
        _month(month, items, price, maintenance_hours) for month, items in sorted(by_month.items())
    ]


def _month(month: str, items: list, price: Price, maintenance_hours: int) -> MonthEstimate:
    hours = sum(billed_hours(s, e) for s, e in items) + maintenance_hours
    running = sum((e - s).total_seconds() for s, e in items) / 3600
    return MonthEstimate(
        month=month,
        sessions=len(items),
        running_hours=round(running, 2),
        billed_hours=hours,
        auto_stop_cost=round(auto_stop_cost(hours, price), 2),
        always_on_cost=price.always_on_monthly,
    )


def month_span(since: datetime, until: datetime) -> list[str]:
    """The UTC calendar months ("YYYY-MM") from `since` to `until`, both included."""
    first, last = since.astimezone(UTC), until.astimezone(UTC)
    year, month, out = first.year, first.month, []
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def estimate_typical(
    hours_per_event: float, events_per_month: int, price: Price, *, maintenance_hours: int = 0
) -> MonthEstimate:
    """A typical month of `events_per_month` events running `hours_per_event` each."""
    if hours_per_event <= 0 or events_per_month < 0:
        raise UsageError("hours per event must be > 0 and events per month >= 0")
    per_event = math.ceil(hours_per_event)
    hours = per_event * events_per_month + maintenance_hours
    return MonthEstimate(
        month="typical",
        sessions=events_per_month,
        running_hours=round(hours_per_event * events_per_month, 2),
        billed_hours=hours,
        auto_stop_cost=round(auto_stop_cost(hours, price), 2),
        always_on_cost=price.always_on_monthly,
    )


def break_even_hours(price: Price) -> float:
    """Billed hours per month above which ALWAYS_ON is cheaper than AUTO_STOP."""
    if price.auto_stop_hourly <= 0:
        return math.inf
    return max(0.0, (price.always_on_monthly - price.auto_stop_monthly) / price.auto_stop_hourly)


def break_even_events(price: Price, hours_per_event: float) -> float:
    """Events per month above which ALWAYS_ON is cheaper, for events of this length."""
    return break_even_hours(price) / math.ceil(hours_per_event)


def load_price(region: str, bundle: str, override: Any = None) -> Price:
    """The price for a bundle (name or compute type) in a region: config override first."""
    if override is not None:
        data = override.model_dump() if hasattr(override, "model_dump") else dict(override)
        return Price(**{k: data[k] for k in data if k in Price.__dataclass_fields__})
    table = _price_table()
    key = compute_type_of(bundle)
    entry = table["prices"].get(region, {}).get(key)
    if entry is None:
        known = ", ".join(f"{r}: {'/'.join(sorted(b))}" for r, b in table["prices"].items())
        raise ConfigError(
            f"no bundled price for {key} in {region} (known: {known})",
            hint="add workspace.prices (auto_stop_monthly, auto_stop_hourly, always_on_monthly) "
            "from https://aws.amazon.com/workspaces/personal/pricing/",
        )
    return Price(
        **entry,
        currency=table.get("currency", "USD"),
        source=table.get("source", ""),
        as_of=str(table.get("as_of", "")),
        verified=bool(table.get("verified", False)),
    )


def _price_table() -> dict[str, Any]:
    text = (
        resources.files("streamkit.aws.workspace")
        .joinpath("prices.yaml")
        .read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)
