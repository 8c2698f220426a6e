"""One dynamic provider per OpenMeter object kind."""

from openmeter_provisioning.providers.customer import CustomerProvider
from openmeter_provisioning.providers.feature import FeatureProvider
from openmeter_provisioning.providers.meter import MeterProvider
from openmeter_provisioning.providers.plan import PlanProvider
from openmeter_provisioning.providers.subscription import SubscriptionProvider

__all__ = [
    "CustomerProvider",
    "FeatureProvider",
    "MeterProvider",
    "PlanProvider",
    "SubscriptionProvider",
]
