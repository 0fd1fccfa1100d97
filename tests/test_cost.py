"""The billing model against hand-computed figures."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from streamkit.aws.workspace.cost import (
    Price,
    billed_hours,
    break_even_events,
    break_even_hours,
    estimate_months,
    estimate_typical,
    load_price,
)
from streamkit.aws.workspace.settings import PriceOverride
from streamkit.cli import main
from streamkit.errors import ConfigError, UsageError

PRICE = Price(auto_stop_monthly=26.0, auto_stop_hourly=1.72, always_on_monthly=502.0)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    "start,end,hours",
    [
        (at(5, 18), at(5, 21, 10), 4),  # 3 h 10 min: four started hours
        (at(5, 17, 30), at(5, 19, 30), 2),  # exactly two hours
        (at(5, 18), at(5, 18, 1), 1),
        (at(5, 18), at(5, 18), 0),
        (at(5, 23), at(6, 1), 2),  # across midnight
    ],
)
def test_every_started_hour_is_billed(start, end, hours):
    assert billed_hours(start, end) == hours


def test_session_times_are_checked():
    with pytest.raises(UsageError, match="ends before it starts"):
        billed_hours(at(5, 19), at(5, 18))
    with pytest.raises(UsageError, match="timezone-aware"):
        billed_hours(datetime(2026, 3, 5, 18), at(5, 19))


def test_months_of_a_calendar():
    sessions = [
        (at(19, 17, 30), at(19, 19, 30)),  # 2 h
        (at(5, 18), at(5, 21, 10)),  # 4 h
        (at(2, 18, month=4), at(2, 21, 1, month=4)),  # 4 h
    ]
    march, april = estimate_months(sessions, PRICE)
    assert (march.month, march.sessions, march.billed_hours) == ("2026-03", 2, 6)
    assert march.running_hours == pytest.approx(5.17, abs=0.01)
    assert march.auto_stop_cost == pytest.approx(26 + 6 * 1.72)  # 36.32
    assert march.cost_per_session == pytest.approx(18.16)
    assert march.always_on_cost == 502.0 and march.cheaper == "AUTO_STOP"
    assert (april.month, april.billed_hours, april.auto_stop_cost) == ("2026-04", 4, 32.88)


def test_sessions_in_other_time_zones_count_in_their_utc_month():
    rome = timezone(timedelta(hours=1))
    start = datetime(2026, 4, 1, 0, 30, tzinfo=rome)  # 2026-03-31 23:30 UTC
    [month] = estimate_months([(start, start + timedelta(hours=2))], PRICE)
    assert month.month == "2026-03"


def test_maintenance_hours_are_billed():
    [month] = estimate_months([(at(5, 18), at(5, 21, 10))], PRICE, maintenance_hours=5)
    assert month.billed_hours == 9
    assert month.auto_stop_cost == pytest.approx(26 + 9 * 1.72)  # 41.48


def test_typical_month_and_break_even():
    month = estimate_typical(3.5, 2, PRICE)
    assert month.billed_hours == 8
    assert month.auto_stop_cost == pytest.approx(39.76)
    assert month.cost_per_session == pytest.approx(19.88)
    assert break_even_hours(PRICE) == pytest.approx(476 / 1.72)  # 276.74 h
    assert break_even_events(PRICE, 3.5) == pytest.approx(476 / 1.72 / 4)  # 69.19 events
    busy = estimate_typical(24, 12, PRICE)
    assert busy.billed_hours == 288 and busy.cheaper == "ALWAYS_ON"


def test_break_even_without_an_hourly_rate_is_never():
    free = Price(auto_stop_monthly=10, auto_stop_hourly=0, always_on_monthly=100)
    assert math.isinf(break_even_hours(free))


def test_prices_from_the_data_file_carry_date_source_and_status():
    price = load_price("us-east-1", "Graphics.g4dn with Windows Server 2022")
    assert price.auto_stop_hourly > 0 and price.always_on_monthly > price.auto_stop_monthly
    assert price.source.startswith("https://aws.amazon.com/")
    assert price.as_of and price.verified is False
    with pytest.raises(ConfigError, match="no bundled price for GRAPHICS_G4DN in mars-north-1"):
        load_price("mars-north-1", "Graphics.g4dn")


GPU_REGIONS = [
    "us-east-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
]


@pytest.mark.parametrize("region", GPU_REGIONS)
def test_every_region_offering_gpu_bundles_has_bundled_prices(region):
    for bundle in ("Graphics.g4dn", "GraphicsPro.g4dn"):
        price = load_price(region, bundle)
        assert price.auto_stop_hourly > 0 and price.auto_stop_monthly < price.always_on_monthly
        assert price.as_of and price.source


def test_g6_prices_where_g6_is_offered():
    from tests.aws.moto_bundles import G6_REGIONS

    for region in sorted(G6_REGIONS):
        assert load_price(region, "Graphics.g6.xlarge").auto_stop_hourly > 0


def test_prices_from_config_override_the_data_file():
    override = PriceOverride(
        auto_stop_monthly=1,
        auto_stop_hourly=2,
        always_on_monthly=3,
        currency="EUR",
        source="invoice 2026-02",
    )
    price = load_price("us-east-1", "Graphics.g4dn", override)
    assert price == Price(1, 2, 3, currency="EUR", source="invoice 2026-02")


def test_cli_cost_typical_month(capsys):
    code = main(
        [
            "workspace",
            "cost",
            "--region",
            "us-east-1",
            "--bundle",
            "Graphics.g4dn",
            "--hours-per-event",
            "3.5",
            "--events-per-month",
            "2",
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    price = load_price("us-east-1", "Graphics.g4dn")
    [month] = report["months"]
    assert month["billed_hours"] == 8
    assert month["auto_stop_cost"] == pytest.approx(
        round(price.auto_stop_monthly + 8 * price.auto_stop_hourly, 2)
    )
    assert report["break_even_events"] == pytest.approx(
        (price.always_on_monthly - price.auto_stop_monthly) / price.auto_stop_hourly / 4, abs=0.01
    )
    assert any("maintenance" in w for w in report["warnings"])
    assert any("unverified" in w for w in report["warnings"])


def test_cli_cost_from_a_sessions_file(tmp_path, capsys):
    sessions = tmp_path / "sessions.yaml"
    sessions.write_text(
        "- ['2026-03-05T18:00:00+00:00', '2026-03-05T21:10:00+00:00']\n"
        "- ['2026-04-02T18:00:00+00:00', '2026-04-02T20:00:00+00:00']\n"
    )
    code = main(["workspace", "cost", "--region", "us-east-1", "--sessions", str(sessions)])
    assert code == 0
    out = capsys.readouterr().out
    assert "2026-03" in out and "2026-04" in out
    assert "break-even: ALWAYS_ON is cheaper above" in out
    assert "warning: AUTO_STOP WorkSpaces are started once a month for maintenance" in out


def test_cli_cost_needs_a_calendar(capsys):
    assert main(["workspace", "cost", "--region", "us-east-1"]) == 2
    assert "--hours-per-event and --events-per-month" in capsys.readouterr().err


def _config(tmp_path, **workspace):
    import yaml

    path = tmp_path / "streamkit.yaml"
    data = {
        "workspace": {"region": "eu-central-1", **workspace},
        "calendar": {
            "timezone": "Europe/Berlin",
            "warmup": "45m",
            "cooldown": "15m",
            "events": [
                {
                    "id": "m",
                    "start": "2030-01-01 18:30",
                    "duration": "2h",
                    "rrule": "FREQ=MONTHLY;BYDAY=2TH",
                    "until": "2030-02-28",
                },
            ],
        },
        "schedule": {"horizon_days": 120},
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_cli_cost_from_the_calendar_counts_warmup_and_shows_empty_months(tmp_path, capsys):
    path = _config(tmp_path)
    code = main(["--config", str(path), "workspace", "cost", "--from", "2030-01-01", "--json"])
    assert code == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    months = {m["month"]: m for m in report["months"]}
    assert list(months) == ["2030-01", "2030-02", "2030-03", "2030-04", "2030-05"]
    assert months["2030-01"]["billed_hours"] == 3  # 45 min + 2 h + 15 min
    assert months["2030-01"]["sessions"] == 1
    price = load_price("eu-central-1", "Graphics.g4dn")
    assert months["2030-03"]["sessions"] == 0
    assert months["2030-03"]["auto_stop_cost"] == price.auto_stop_monthly


def test_cli_cost_keeps_the_configured_prices_for_the_same_region_and_bundle(tmp_path, capsys):
    prices = {"auto_stop_monthly": 1, "auto_stop_hourly": 2, "always_on_monthly": 300}
    path = _config(tmp_path, prices=prices)
    args = [
        "--config",
        str(path),
        "workspace",
        "cost",
        "--hours-per-event",
        "1",
        "--events-per-month",
        "1",
        "--json",
    ]
    main([*args, "--region", "eu-central-1", "--bundle", "Graphics.g4dn"])
    assert json.loads(capsys.readouterr().out)["price"]["auto_stop_hourly"] == 2
    main([*args, "--region", "eu-west-1"])
    assert json.loads(capsys.readouterr().out)["price"]["auto_stop_hourly"] != 2
