"""Features: only unit_cost changes in place; delete archives (the key becomes reusable)."""

from __future__ import annotations

from openmeter_provisioning.models import FeatureSpec
from openmeter_provisioning.providers.base import OpenMeterProvider


class FeatureProvider(OpenMeterProvider):
    spec_type = FeatureSpec
    path = "/features"
    update_method = "PATCH"
    resolution = (
        "archive the existing feature in OpenMeter (DELETE /openmeter/features/<id>; its key "
        "can then be reused) or give the feature a new key in catalog/catalog.yaml"
    )
