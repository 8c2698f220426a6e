"""Features: only unit_cost changes in place; delete archives (the key becomes reusable)."""

from __future__ import annotations

from openmeter_provisioning.client import JsonObject, OpenMeterClient
from openmeter_provisioning.models import FeatureSpec, Spec
from openmeter_provisioning.providers.base import OpenMeterProvider


class FeatureProvider(OpenMeterProvider):
    spec_type = FeatureSpec
    path = "/features"
    resolution = (
        "archive the existing feature in OpenMeter (DELETE /openmeter/features/<id>; its key "
        "can then be reused) or give the feature a new key in catalog/catalog.yaml"
    )

    def update_object(self, client: OpenMeterClient, id_: str, old: Spec, new: Spec) -> JsonObject:
        assert isinstance(new, FeatureSpec)  # noqa: S101 - the provider only handles features
        updated = client.request(
            "feature", new.key, "PATCH", f"{self.path}/{id_}", body=new.update_body()
        )
        assert updated is not None  # noqa: S101 - 200 always has a body
        return updated
