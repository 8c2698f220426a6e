"""Catalog and settings objects mapped to resource inputs (spec fields only).

Pure functions, shared by components/metering.py (with Output values resolved) and the tests
(with plain values), so both declare exactly the same objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.model import Feature, Meter, Plan
from settings.model import Customer

Inputs = dict[str, Any]


def meter_inputs(meter: Meter, event_type: str) -> Inputs:
    return {
        "key": meter.key,
        "name": meter.name,
        "description": meter.description,
        "event_type": event_type,
        "aggregation": meter.aggregation,
        "value_property": meter.value_jsonpath,
        "dimensions": meter.dimension_jsonpaths,
        "labels": {},
    }


def feature_inputs(feature: Feature, meter_id: str) -> Inputs:
    return {"key": feature.key, "name": feature.name, "meter_id": meter_id, "unit_cost": None}


def plan_inputs(plan: Plan, feature_ids: Mapping[str, str]) -> Inputs:
    return {
        "key": plan.key,
        "name": plan.name,
        "description": plan.description,
        "currency": plan.currency,
        "billing_cadence": plan.billing_cadence,
        "rate_cards": [
            {
                "key": card.key,
                "name": card.name,
                "feature_id": feature_ids[card.feature],
                "unit_price": str(card.unit_price),
            }
            for card in plan.rate_cards
        ],
    }


def customer_inputs(customer: Customer) -> Inputs:
    # The collector's CloudEvent subject is client_id:external_user_id: key == subject key.
    return {
        "key": customer.key,
        "name": customer.name,
        "subject_keys": [customer.key],
        "subscribed": customer.subscribe,
    }


def subscription_inputs(customer_id: str, customer_key: str, plan_key: str) -> Inputs:
    return {"customer_id": customer_id, "customer_key": customer_key, "plan_key": plan_key}
