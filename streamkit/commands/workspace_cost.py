"""`streamkit workspace cost`: AUTO_STOP against ALWAYS_ON, from a calendar, sessions or a
typical month, at bundled, cached (Price List API) or configured prices."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from streamkit.aws.errors import AwsError
from streamkit.commands import load_config
from streamkit.errors import UsageError


def cmd_cost(args: argparse.Namespace) -> int:
    from streamkit.aws.workspace.bundles import compute_type_of
    from streamkit.aws.workspace.cost import estimate_months, estimate_typical
    from streamkit.aws.workspace.cost_report import CostReport, read_sessions

    config = load_config(args.config)
    settings = config.workspace
    region = args.region or settings.region
    if not region:
        raise UsageError("give --region or set workspace.region")
    bundle = args.bundle or settings.bundle
    same = region == settings.region and compute_type_of(bundle) == compute_type_of(settings.bundle)
    price = _price(args, region, bundle, settings.prices if same else None)
    hours = args.hours_per_event
    maintenance = args.maintenance_hours
    if args.sessions:
        months = estimate_months(read_sessions(args.sessions), price, maintenance_hours=maintenance)
    elif hours is not None and args.events_per_month is not None:
        months = [
            estimate_typical(hours, args.events_per_month, price, maintenance_hours=maintenance)
        ]
    elif config.calendar.events:
        months = _calendar_months(args, config, price, maintenance)
    else:
        raise UsageError(
            "give --hours-per-event and --events-per-month, or --sessions FILE, or put "
            "events in the calendar"
        )
    report = CostReport(region, bundle, price, months, hours_per_event=hours)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.to_text())
    return 0


def _price(args: argparse.Namespace, region: str, bundle: str, override: Any) -> Any:
    """Config override, else the Price List cache (refreshed on request), else bundled."""
    from streamkit.aws.workspace.bundles import compute_type_of
    from streamkit.aws.workspace.cost import load_price
    from streamkit.aws.workspace.price_list import (
        cached_price,
        default_cache,
        fetch_prices,
        write_cache,
    )

    if override is not None:
        return load_price(region, bundle, override)
    cache = default_cache()  # None without a home folder: nothing cached
    fresh: dict[str, Any] = {}
    if args.refresh_prices:
        from streamkit.aws.session import make_client

        try:
            fresh = fetch_prices(make_client("pricing", "us-east-1"), region)
        except AwsError as exc:
            print(f"warning: prices not refreshed ({exc.message})", file=sys.stderr)
        if fresh and cache:
            write_cache(cache, region, fresh)
    if compute_type_of(bundle) in fresh:
        return fresh[compute_type_of(bundle)]
    return (cache and cached_price(cache, region, bundle)) or load_price(region, bundle)


def _calendar_months(args: argparse.Namespace, config: Any, price: Any, maintenance: int) -> list:
    """Months of the calendar's WorkSpace windows (warm-up to cool-down), empty ones too."""
    from streamkit.aws.schedule.plan import plan
    from streamkit.aws.workspace.cost import estimate_months, month_span

    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            raise UsageError(f"--from {args.since!r}: expected a date such as 2030-01-01") from None
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    else:
        since = datetime.now(UTC)
    until = since + config.schedule.horizon
    actions = plan(config.calendar.to_calendar(), since, until)
    windows = [(a.at, a.until) for a in actions if a.kind == "start"]
    return estimate_months(
        windows, price, maintenance_hours=maintenance, months=month_span(since, until)
    )
