"""Meters: name, description, labels and dimensions update in place; deletion is opt-in."""

from __future__ import annotations

from typing import Any, ClassVar

from openmeter_provisioning.models import MeterSpec
from openmeter_provisioning.providers.base import OpenMeterProvider

RETAIN = "retain_on_delete"


class MeterProvider(OpenMeterProvider):
    spec_type = MeterSpec
    options: ClassVar[dict[str, Any]] = {RETAIN: True}
    path = "/meters"
    update_method = "PUT"
    resolution = (
        "give the meter a new key in catalog/catalog.yaml, or delete the existing meter in "
        "OpenMeter first (deleting a meter hides its usage history)"
    )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Deleting a meter hides its usage history: only when the stack opted in.
        if props.get(RETAIN, True):
            return
        super().delete(id_, props)
