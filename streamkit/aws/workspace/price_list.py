"""Prices from the AWS Price List API (boto3 `pricing`), cached; the bundled table otherwise.

`streamkit workspace cost --refresh-prices` fetches the region's WorkSpaces prices (Windows,
license included) and caches them with the date; later estimates read the cache first. Any
failure leaves the cache and the bundled table as they are.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streamkit.aws.errors import AwsActionFailed, aws_call
from streamkit.aws.workspace.bundles import compute_type_of
from streamkit.aws.workspace.cost import Price
from streamkit.cachedir import user_cache_dir

SOURCE = "AWS Price List API (AmazonWorkSpaces)"
_KINDS = {("AutoStop", "Month"): "auto_stop_monthly", ("AutoStop", "Hour"): "auto_stop_hourly"}
_KINDS[("AlwaysOn", "Month")] = "always_on_monthly"


def default_cache() -> Path | None:
    """workspaces-prices.json in streamkit's user cache; None without a home folder."""
    folder = user_cache_dir()
    return folder / "workspaces-prices.json" if folder else None


def fetch_prices(client: Any, region: str) -> dict[str, Price]:
    """Prices per compute type in `region`, from a boto3 `pricing` client (us-east-1)."""
    filters = [
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
        {"Type": "TERM_MATCH", "Field": "operatingSystem", "Value": "Windows"},
        {"Type": "TERM_MATCH", "Field": "license", "Value": "Included"},
    ]
    found: dict[str, dict[str, float]] = {}
    with aws_call("Price List GetProducts"):
        pages = client.get_paginator("get_products").paginate(
            ServiceCode="AmazonWorkSpaces", Filters=filters
        )
        for page in pages:
            for item in page.get("PriceList", []):
                _read_product(json.loads(item) if isinstance(item, str) else item, found)
    today = datetime.now(UTC).date().isoformat()
    prices = {
        key: Price(**values, source=SOURCE, as_of=today, verified=True)
        for key, values in found.items()
        if set(values) == set(_KINDS.values())
    }
    if not prices:
        raise AwsActionFailed(f"the Price List API lists no WorkSpaces GPU prices for {region}")
    return prices


def _read_product(product: dict[str, Any], found: dict[str, dict[str, float]]) -> None:
    attributes = product.get("product", {}).get("attributes", {})
    bundle = attributes.get("bundle") or attributes.get("bundleDescription") or ""
    key = compute_type_of(bundle)
    if not key.startswith("GRAPHICS"):
        return
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        for dimension in term.get("priceDimensions", {}).values():
            kind = _KINDS.get((attributes.get("runningMode", ""), dimension.get("unit", "")))
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if kind is None or usd is None:
                continue
            value = float(usd)
            current = found.setdefault(key, {}).get(kind)
            if current is None or value < current:  # the smallest volumes: the bundle default
                found[key][kind] = value


def write_cache(path: Path, region: str, prices: dict[str, Price]) -> None:
    path = path.expanduser()
    data = read_cache_file(path)
    data[region] = {key: asdict(price) for key, price in prices.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")


def read_cache_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.expanduser().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def cached_price(path: Path, region: str, bundle: str) -> Price | None:
    """The cached price of the bundle's compute type in `region`, if any."""
    entry = read_cache_file(path).get(region, {}).get(compute_type_of(bundle))
    if not isinstance(entry, dict):
        return None
    try:
        return Price(**entry)
    except TypeError:
        return None
