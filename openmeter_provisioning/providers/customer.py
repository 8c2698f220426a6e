"""Customers: key = subject key = client_id:external_user_id; subjects frozen once subscribed."""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure

from openmeter_provisioning.client import JsonObject, OpenMeterClient
from openmeter_provisioning.models import CustomerSpec, Spec
from openmeter_provisioning.providers.base import OpenMeterProvider

SUBSCRIBED = "subscribed"


class CustomerProvider(OpenMeterProvider):
    spec_type = CustomerSpec
    options: ClassVar[dict[str, Any]] = {SUBSCRIBED: False}
    path = "/customers"
    resolution = "rename the customer's key in meteringCustomers"

    def check_transition(self, olds: dict[str, Any], news: dict[str, Any]) -> list[CheckFailure]:
        old_subjects = sorted(olds.get("subject_keys") or [])
        new_subjects = sorted(news.get("subject_keys") or [])
        if olds and olds.get(SUBSCRIBED) and old_subjects != new_subjects:
            # Usage already invoiced under these subjects would be orphaned.
            return [
                CheckFailure(
                    "subject_keys",
                    f"customer {news.get('key')} is subscribed, so its subject keys "
                    f"{old_subjects} cannot change; declare a new customer instead",
                )
            ]
        return []

    def update_object(self, client: OpenMeterClient, id_: str, old: Spec, new: Spec) -> JsonObject:
        assert isinstance(new, CustomerSpec)  # noqa: S101 - the provider only handles customers
        updated = client.request(
            "customer", new.key, "PUT", f"{self.path}/{id_}", body=new.update_body()
        )
        assert updated is not None  # noqa: S101 - 200 always has a body
        return updated
