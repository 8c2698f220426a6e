"""The real catalog (catalog/catalog.yaml) as an ordered list of engine declarations."""

from __future__ import annotations

from catalog import Catalog, load_catalog
from catalog.model import Feature, Meter
from openmeter_provisioning import declarations as d
from openmeter_provisioning.providers import (
    CustomerProvider,
    FeatureProvider,
    MeterProvider,
    PlanProvider,
    SubscriptionProvider,
)
from settings.model import Customer
from tests.openmeter.engine import Declared, Props

ACME = Customer(client_id="acme", external_user_id="u1", name="Acme", subscribe=True)
BETA = Customer(client_id="beta", external_user_id="u2", name="Beta", subscribe=False)
Outs = dict[str, Props]


def with_meter(catalog: Catalog, index: int, **changes: object) -> Catalog:
    """`catalog` with the meter at `index` changed."""
    meters = list(catalog.meters)
    meters[index] = meters[index].model_copy(update=changes)
    return catalog.model_copy(update={"meters": tuple(meters)})


def with_unit_price(catalog: Catalog, unit_price: str) -> Catalog:
    """`catalog` whose plan has a single rate card, the first one, at `unit_price`."""
    card = catalog.plan.rate_cards[0].model_copy(update={"unit_price": unit_price})
    return catalog.model_copy(
        update={"plan": catalog.plan.model_copy(update={"rate_cards": (card,)})}
    )


def declare(
    api_url: str,
    catalog: Catalog | None = None,
    customers: tuple[Customer, ...] = (ACME, BETA),
    retain_meters: bool = True,
    api_key: str | None = None,
) -> list[Declared]:
    cat = catalog or load_catalog()
    conn: Props = {"api_url": api_url}
    if api_key is not None:
        conn["api_key"] = api_key

    def meter(m: Meter) -> Declared:
        def inputs(_: Outs) -> Props:
            return {**conn, **d.meter_inputs(m, cat.event_type), "retain_on_delete": retain_meters}

        return Declared(f"meter-{m.key}", MeterProvider(), inputs)

    def feature(f: Feature) -> Declared:
        def inputs(o: Outs) -> Props:
            return {**conn, **d.feature_inputs(f, o[f"meter-{f.meter}"]["object_id"])}

        return Declared(f"feature-{f.key}", FeatureProvider(), inputs)

    def plan(o: Outs) -> Props:
        ids = {f.key: o[f"feature-{f.key}"]["object_id"] for f in cat.features}
        return {**conn, **d.plan_inputs(cat.plan, ids)}

    def customer(c: Customer) -> Declared:
        def inputs(_: Outs) -> Props:
            return {**conn, **d.customer_inputs(c)}

        return Declared(f"customer-{c.key}", CustomerProvider(), inputs)

    def subscription(c: Customer) -> Declared:
        def inputs(o: Outs) -> Props:
            customer_id = o[f"customer-{c.key}"]["object_id"]
            return {**conn, **d.subscription_inputs(customer_id, c.key, o["plan"]["key"])}

        return Declared(f"subscription-{c.key}", SubscriptionProvider(), inputs)

    return [
        *(meter(m) for m in cat.meters),
        *(feature(f) for f in cat.features),
        Declared("plan", PlanProvider(), plan),
        *(customer(c) for c in customers),
        *(subscription(c) for c in customers if c.subscribe),
    ]
