"""Subscriptions of a customer to the default plan; delete cancels immediately.

A subscription stays on the plan version it started with; publishing a new plan version does
not move existing subscriptions (OpenMeter semantics), so the plan version is not an input.
"""

from __future__ import annotations

from typing import Any, ClassVar

from openmeter_provisioning.client import JsonObject, OpenMeterClient
from openmeter_provisioning.errors import DriftError
from openmeter_provisioning.models import Spec, SubscriptionSpec
from openmeter_provisioning.providers.base import OpenMeterProvider

LIVE = ("active", "scheduled")


class SubscriptionProvider(OpenMeterProvider):
    spec_type = SubscriptionSpec
    # For messages only: the customer key is fixed by customer_id.
    options: ClassVar[dict[str, Any]] = {"customer_key": ""}
    path = "/subscriptions"

    def find(self, client: OpenMeterClient, spec: Spec) -> JsonObject | None:
        assert isinstance(spec, SubscriptionSpec)  # noqa: S101 - only subscriptions here
        active = list(
            client.iter_pages(
                "subscription",
                spec.ident,
                self.path,
                {"customer_id": spec.customer_id, "status": "active"},
            )
        )
        for sub in active:
            if (sub.get("plan") or {}).get("key") == spec.plan_key:
                return sub
        if active:
            other = (active[0].get("plan") or {}).get("key")
            raise DriftError(
                f"OpenMeter subscription {spec.ident!r}: the customer already has an active "
                f"subscription {active[0]['id']} to plan {other!r}, not {spec.plan_key!r}. "
                "To resolve: cancel it in OpenMeter, or set subscribe false for this customer."
            )
        return None

    def read_object(
        self, client: OpenMeterClient, id_: str, props: dict[str, Any]
    ) -> JsonObject | None:
        found = client.get("subscription", str(props.get("customer_key")), f"{self.path}/{id_}")
        if found is None or found.get("status") not in LIVE:
            return None
        return found

    def update_object(self, client: OpenMeterClient, id_: str, old: Spec, new: Spec) -> JsonObject:
        # Only the customer_key label can change without a replace: nothing to send.
        found = client.get("subscription", new.ident, f"{self.path}/{id_}")
        if found is None:
            raise DriftError(f"OpenMeter subscription {id_} is gone; run pulumi refresh")
        return found

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.client(props) as client:
            found = self.read_object(client, id_, props)
            if found is None:
                return
            client.request(
                "subscription",
                str(props.get("customer_key")),
                "POST",
                f"{self.path}/{id_}/cancel",
                body={},
            )
