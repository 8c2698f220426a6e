"""MeteringCatalog: the OpenMeter catalog (meters, features, plan, customers, subscriptions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from catalog import Catalog
from openmeter_provisioning import declarations as d
from openmeter_provisioning.resources import Customer, Feature, Meter, Plan, Subscription
from settings.model import MeteringSettings


@dataclass(frozen=True)
class MeteringCatalogArgs:
    metering: MeteringSettings
    catalog: Catalog


class MeteringCatalog(pulumi.ComponentResource):
    meter_ids: pulumi.Output[dict[str, str]]
    feature_ids: pulumi.Output[dict[str, str]]
    plan_id: pulumi.Output[str]
    customer_ids: pulumi.Output[dict[str, str]]
    resources: list[pulumi.Resource]

    def __init__(
        self, name: str, args: MeteringCatalogArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clearinghouse:metering:MeteringCatalog", name, None, opts)
        cat, metering = args.catalog, args.metering
        conn: dict[str, Any] = {
            "api_url": metering.connection.api_url,
            # A secret input: encrypted in state, never copied to outputs by the providers.
            "api_key": pulumi.Output.secret(metering.connection.api_key.get_secret_value()),
        }
        child = pulumi.ResourceOptions(parent=self)

        meters = {
            meter.key: Meter(
                f"{name}-meter-{meter.key}",
                {
                    **conn,
                    **d.meter_inputs(meter, cat.event_type),
                    "retain_on_delete": metering.retain_meters,
                },
                child,
            )
            for meter in cat.meters
        }
        features = {
            feature.key: Feature(
                f"{name}-feature-{feature.key}",
                {
                    **conn,
                    **d.feature_inputs(feature, ""),
                    "meter_id": meters[feature.meter].object_id,
                },
                pulumi.ResourceOptions(parent=self, depends_on=[meters[feature.meter]]),
            )
            for feature in cat.features
        }
        feature_ids = pulumi.Output.all(**{key: f.object_id for key, f in features.items()}).apply(
            lambda ids: {str(k): str(v) for k, v in ids.items()}
        )
        placeholder = {card.feature: "" for card in cat.plan.rate_cards}
        static = {
            k: v for k, v in d.plan_inputs(cat.plan, placeholder).items() if k != "rate_cards"
        }
        rate_cards = feature_ids.apply(lambda ids: list(d.plan_inputs(cat.plan, ids)["rate_cards"]))
        plan = Plan(
            f"{name}-plan",
            {**conn, **static, "rate_cards": rate_cards},
            pulumi.ResourceOptions(parent=self, depends_on=list(features.values())),
        )
        customers = {
            customer.key: Customer(
                f"{name}-customer-{customer.key}",
                {**conn, **d.customer_inputs(customer)},
                child,
            )
            for customer in metering.customers
        }
        subscriptions = [
            Subscription(
                f"{name}-subscription-{customer.key}",
                {
                    **conn,
                    **d.subscription_inputs("", customer.key, cat.plan.key),
                    "customer_id": customers[customer.key].object_id,
                },
                pulumi.ResourceOptions(parent=self, depends_on=[plan, customers[customer.key]]),
            )
            for customer in metering.customers
            if customer.subscribe
        ]

        self.meter_ids = _ids({key: m.object_id for key, m in meters.items()})
        self.feature_ids = feature_ids
        self.plan_id = plan.plan_id
        self.customer_ids = _ids({key: c.object_id for key, c in customers.items()})
        # The collector should start only once the whole catalog exists.
        self.resources = [
            *meters.values(),
            *features.values(),
            plan,
            *customers.values(),
            *subscriptions,
        ]
        self.register_outputs(
            {
                "meter_ids": self.meter_ids,
                "feature_ids": self.feature_ids,
                "plan_id": self.plan_id,
                "customer_ids": self.customer_ids,
            }
        )


def _ids(outputs: dict[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    if not outputs:
        return pulumi.Output.from_input({})
    return pulumi.Output.all(**outputs).apply(lambda ids: {str(k): str(v) for k, v in ids.items()})
