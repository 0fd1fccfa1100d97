"""Prices from the AWS Price List API. moto has no `pricing` service: botocore's Stubber
answers GetProducts with products shaped as the Price List API returns them."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from streamkit.aws.errors import AwsActionFailed, AwsError
from streamkit.aws.workspace.cost import load_price
from streamkit.aws.workspace.price_list import (
    SOURCE,
    cached_price,
    default_cache,
    fetch_prices,
    write_cache,
)


def product(bundle: str, mode: str, unit: str, usd: str, root: str = "100") -> str:
    return json.dumps(
        {
            "product": {
                "attributes": {
                    "bundle": bundle,
                    "runningMode": mode,
                    "operatingSystem": "Windows",
                    "license": "Included",
                    "rootvolume": root,
                    "regionCode": "eu-central-1",
                }
            },
            "terms": {
                "OnDemand": {
                    "T1": {"priceDimensions": {"D1": {"unit": unit, "pricePerUnit": {"USD": usd}}}}
                }
            },
        }
    )


PRODUCTS = [
    product("Graphics.g4dn", "AutoStop", "Month", "33.0000000000"),
    product("Graphics.g4dn", "AutoStop", "Month", "41.0000000000", root="175"),
    product("Graphics.g4dn", "AutoStop", "Hour", "2.2100000000"),
    product("Graphics.g4dn", "AlwaysOn", "Month", "640.0000000000"),
    product("Standard", "AlwaysOn", "Month", "35.0000000000"),
]


@pytest.fixture
def pricing():
    client = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stub:
        yield client, stub


def test_prices_are_read_and_cached(pricing, tmp_path):
    client, stub = pricing
    stub.add_response(
        "get_products",
        {"PriceList": PRODUCTS, "FormatVersion": "aws_v1"},
        {
            "ServiceCode": "AmazonWorkSpaces",
            "Filters": [
                {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-central-1"},
                {"Type": "TERM_MATCH", "Field": "operatingSystem", "Value": "Windows"},
                {"Type": "TERM_MATCH", "Field": "license", "Value": "Included"},
            ],
        },
    )
    prices = fetch_prices(client, "eu-central-1")
    assert set(prices) == {"GRAPHICS_G4DN"}
    price = prices["GRAPHICS_G4DN"]
    assert (price.auto_stop_monthly, price.auto_stop_hourly, price.always_on_monthly) == (
        33.0,
        2.21,
        640.0,
    )
    assert price.source == SOURCE and price.verified and price.as_of
    cache = tmp_path / "prices.json"
    write_cache(cache, "eu-central-1", prices)
    assert cached_price(cache, "eu-central-1", "Graphics.g4dn with Windows Server 2022") == price
    assert cached_price(cache, "eu-west-1", "Graphics.g4dn") is None


def test_a_failure_leaves_the_bundled_table(pricing, tmp_path):
    client, stub = pricing
    stub.add_client_error("get_products", "AccessDeniedException", "no pricing:GetProducts")
    with pytest.raises(AwsError, match="access denied"):
        fetch_prices(client, "eu-central-1")
    assert cached_price(tmp_path / "none.json", "eu-central-1", "Graphics.g4dn") is None
    assert load_price("eu-central-1", "Graphics.g4dn").verified is False  # the fallback


def test_no_gpu_product_is_an_error(pricing):
    client, stub = pricing
    stub.add_response("get_products", {"PriceList": PRODUCTS[-1:]})
    with pytest.raises(AwsActionFailed, match="no WorkSpaces GPU prices"):
        fetch_prices(client, "eu-central-1")


def test_the_cache_lives_in_the_users_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache() == tmp_path / "streamkit" / "workspaces-prices.json"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # not absolute: ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache() == tmp_path / "home" / ".cache" / "streamkit" / "workspaces-prices.json"


def test_without_a_home_folder_nothing_is_cached(monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    assert default_cache() is None
