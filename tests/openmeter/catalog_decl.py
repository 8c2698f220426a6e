"""The real catalog (catalog/catalog.yaml) as an ordered list of engine declarations."""

from __future__ import annotations

from catalog import Catalog, load_catalog
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
    out: list[Declared] = []
    for meter in cat.meters:
        out.append(
            Declared(
                f"meter-{meter.key}",
                MeterProvider(),
                lambda _, m=meter: {
                    **conn,
                    **d.meter_inputs(m, cat.event_type),
                    "retain_on_delete": retain_meters,
                },
            )
        )
    for feature in cat.features:
        out.append(
            Declared(
                f"feature-{feature.key}",
                FeatureProvider(),
                lambda o, f=feature: {
                    **conn,
                    **d.feature_inputs(f, o[f"meter-{f.meter}"]["object_id"]),
                },
            )
        )
    out.append(
        Declared(
            "plan",
            PlanProvider(),
            lambda o: {
                **conn,
                **d.plan_inputs(
                    cat.plan, {f.key: o[f"feature-{f.key}"]["object_id"] for f in cat.features}
                ),
            },
        )
    )
    for customer in customers:
        out.append(
            Declared(
                f"customer-{customer.key}",
                CustomerProvider(),
                lambda _, c=customer: {**conn, **d.customer_inputs(c)},
            )
        )
    for customer in customers:
        if customer.subscribe:
            out.append(
                Declared(
                    f"subscription-{customer.key}",
                    SubscriptionProvider(),
                    lambda o, c=customer: {
                        **conn,
                        **d.subscription_inputs(
                            o[f"customer-{c.key}"]["object_id"], c.key, o["plan"]["key"]
                        ),
                    },
                )
            )
    return out
