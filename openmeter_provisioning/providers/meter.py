"""Meters: name, description, labels and dimensions update in place; deletion is opt-in."""

from __future__ import annotations

from typing import Any, ClassVar

from openmeter_provisioning.client import JsonObject, OpenMeterClient
from openmeter_provisioning.models import MeterSpec, Spec
from openmeter_provisioning.providers.base import OpenMeterProvider

RETAIN = "retain_on_delete"


class MeterProvider(OpenMeterProvider):
    spec_type = MeterSpec
    options: ClassVar[dict[str, Any]] = {RETAIN: True}
    path = "/meters"
    resolution = (
        "give the meter a new key in catalog/catalog.yaml, or delete the existing meter in "
        "OpenMeter first (deleting a meter hides its usage history)"
    )

    def update_object(self, client: OpenMeterClient, id_: str, old: Spec, new: Spec) -> JsonObject:
        assert isinstance(new, MeterSpec)  # noqa: S101 - the provider only handles meters
        updated = client.request(
            "meter", new.key, "PUT", f"{self.path}/{id_}", body=new.update_body()
        )
        assert updated is not None  # noqa: S101 - 200 always has a body
        return updated

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Deleting a meter hides its usage history: only when the stack opted in.
        if props.get(RETAIN, True):
            return
        super().delete(id_, props)
