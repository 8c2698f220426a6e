"""The metering catalog: the shipped data, and every rule that rejects a bad catalog."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from catalog import CATALOG_FILE, Catalog, load_catalog


def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CATALOG_FILE.read_text())
    return copy.deepcopy(data)


def rejected(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as err:
        Catalog.model_validate(data)
    return str(err.value)


def test_shipped_catalog_declares_the_meters_features_and_plan():
    catalog = load_catalog()
    assert catalog.event_type == "create_signed_ticket"
    meters = {m.key: m for m in catalog.meters}
    assert set(meters) == {"network_fee_usd_micros", "billable_usd_micros", "signed_ticket_count"}
    assert meters["network_fee_usd_micros"].aggregation == "sum"
    assert meters["billable_usd_micros"].aggregation == "sum"
    assert meters["signed_ticket_count"].aggregation == "count"
    assert meters["signed_ticket_count"].value_property is None
    for meter in catalog.meters:
        assert meter.dimensions == ("client_id", "external_user_id", "model_id", "pipeline")
    assert {f.key: f.meter for f in catalog.features} == {
        "network_spend": "network_fee_usd_micros",
        "billable_spend": "billable_usd_micros",
    }
    plan = catalog.plan
    assert (plan.key, plan.currency, plan.billing_cadence) == (
        "clearinghouse_default_ppu",
        "USD",
        "P1M",
    )
    (card,) = plan.rate_cards
    assert (card.feature, card.unit_price) == ("billable_spend", Decimal("0.000001"))


def test_jsonpaths_and_data_properties_follow_the_meters():
    catalog = load_catalog()
    fee = catalog.meter("network_fee_usd_micros")
    assert fee.value_jsonpath == "$.network_fee_usd_micros"
    assert fee.dimension_jsonpaths["client_id"] == "$.client_id"
    assert catalog.data_properties == {
        "network_fee_usd_micros",
        "billable_usd_micros",
        "client_id",
        "external_user_id",
        "model_id",
        "pipeline",
    }


def test_feature_must_name_a_declared_meter():
    data = raw()
    data["features"][0]["meter"] = "no_such_meter"
    assert "does not declare" in rejected(data)


def test_rate_card_must_name_a_declared_feature():
    data = raw()
    data["plan"]["rate_cards"][0]["feature"] = "no_such_feature"
    assert "does not declare" in rejected(data)


def test_count_meter_carries_no_value_property():
    data = raw()
    data["meters"][2]["value_property"] = "network_fee_usd_micros"
    assert "must not set value_property" in rejected(data)


def test_sum_meter_needs_a_value_property():
    data = raw()
    del data["meters"][0]["value_property"]
    assert "needs a value_property" in rejected(data)


@pytest.mark.parametrize("key", ["Network_Fee", "fee-usd", "_fee", "fee__usd", "x" * 65])
def test_keys_must_match_openmeters_pattern(key):
    data = raw()
    data["meters"][0]["key"] = key
    rejected(data)


@pytest.mark.parametrize("dimension", ["subject", "customer_id"])
def test_reserved_dimension_names_are_rejected(dimension):
    data = raw()
    data["meters"][0]["dimensions"].append(dimension)
    assert "reserved" in rejected(data)


def test_duplicate_keys_are_rejected():
    data = raw()
    data["meters"].append(copy.deepcopy(data["meters"][0]))
    assert "unique" in rejected(data)


def test_markup_most_specific_rule_wins():
    data = raw()
    data["markup"]["rules"] = [
        {"pipeline": "live-video-to-video", "multiplier": "1.25"},
        {"pipeline": "live-video-to-video", "model_id": "streamdiffusion", "multiplier": "1.5"},
    ]
    markup = Catalog.model_validate(data).markup
    assert markup.multiplier_for("live-video-to-video", "streamdiffusion") == Decimal("1.5")
    assert markup.multiplier_for("live-video-to-video", "other") == Decimal("1.25")
    assert markup.multiplier_for("live-video-to-video", None) == Decimal("1.25")
    assert markup.multiplier_for("text-to-image", None) == Decimal("1.20")


@pytest.mark.parametrize("multiplier", ["0", "-1.2"])
def test_markup_multiplier_must_be_positive(multiplier):
    data = raw()
    data["markup"]["default_multiplier"] = multiplier
    rejected(data)


def test_repeated_markup_rule_is_rejected():
    data = raw()
    data["markup"]["rules"].append(copy.deepcopy(data["markup"]["rules"][0]))
    assert "repeat" in rejected(data)
