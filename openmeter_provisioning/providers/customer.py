"""Customers: key = subject key = client_id:external_user_id; subjects frozen once subscribed."""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure

from openmeter_provisioning.models import CustomerSpec
from openmeter_provisioning.providers.base import OpenMeterProvider

SUBSCRIBED = "subscribed"


class CustomerProvider(OpenMeterProvider):
    spec_type = CustomerSpec
    options: ClassVar[dict[str, Any]] = {SUBSCRIBED: False}
    path = "/customers"
    update_method = "PUT"
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
