"""The dynamic resources, with type tokens that say what they are:
pulumi-python:dynamic/openmeter:Meter, ...:Feature, ...:Plan, ...:Customer, ...:Subscription.

Each takes the spec fields of openmeter_provisioning.models as inputs plus `api_url` and an
optional secret `api_key`. Outputs never include the key.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from openmeter_provisioning.providers import (
    CustomerProvider,
    FeatureProvider,
    MeterProvider,
    PlanProvider,
    SubscriptionProvider,
)


def _props(inputs: dict[str, Any], outputs: tuple[str, ...]) -> dict[str, Any]:
    props = dict(inputs)
    for name in outputs:
        props.setdefault(name, None)
    return props


class Meter(Resource, module="openmeter", name="Meter"):
    object_id: pulumi.Output[str]
    key: pulumi.Output[str]

    def __init__(
        self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(MeterProvider(), name, _props(inputs, ("object_id",)), opts)


class Feature(Resource, module="openmeter", name="Feature"):
    object_id: pulumi.Output[str]
    key: pulumi.Output[str]

    def __init__(
        self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(FeatureProvider(), name, _props(inputs, ("object_id",)), opts)


class Plan(Resource, module="openmeter", name="Plan"):
    plan_id: pulumi.Output[str]
    version: pulumi.Output[int]
    key: pulumi.Output[str]

    def __init__(
        self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(PlanProvider(), name, _props(inputs, ("plan_id", "version")), opts)


class Customer(Resource, module="openmeter", name="Customer"):
    object_id: pulumi.Output[str]
    key: pulumi.Output[str]

    def __init__(
        self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(CustomerProvider(), name, _props(inputs, ("object_id",)), opts)


class Subscription(Resource, module="openmeter", name="Subscription"):
    object_id: pulumi.Output[str]

    def __init__(
        self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(SubscriptionProvider(), name, _props(inputs, ("object_id",)), opts)
