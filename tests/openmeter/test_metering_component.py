"""MeteringCatalog under Pulumi mocks: types, names, parents, dependencies, and the key."""

from __future__ import annotations

import base64
from typing import Any

import dill
import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pydantic import SecretStr

from catalog import load_catalog
from components.metering import MeteringCatalog, MeteringCatalogArgs
from settings.model import Customer, MeteringSettings, OpenMeterConnection

KEY = "kpat_component_secret_value"
TOKEN = "pulumi-python:dynamic/openmeter:"


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outs = dict(args.inputs)
        outs.pop("api_key", None)  # what the providers do
        outs["object_id"] = f"01J{abs(hash(args.name)) % 10**20:023d}"[:26]
        outs["plan_id"] = "01J00000000000000000000000"
        return f"{args.name}-id", outs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


class _Monitor(pulumi_mocks.MockMonitor):
    def __init__(self) -> None:
        super().__init__(_Mocks())
        self.registered: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        self.registered[request.name] = (request, response.urn)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        self.outputs[request.urn] = request.outputs
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


@pytest.fixture
def monitor() -> _Monitor:
    mon = _Monitor()
    pulumi.runtime.set_mocks(_Mocks(), project="clearinghouse", stack="dev", monitor=mon)
    return mon


def _settings() -> MeteringSettings:
    return MeteringSettings(
        connection=OpenMeterConnection(
            api_url="https://us.api.konghq.com/v3/openmeter", api_key=SecretStr(KEY)
        ),
        manage_catalog=True,
        retain_meters=True,
        customers=(
            Customer(client_id="acme", external_user_id="u1", name="Acme", subscribe=True),
            Customer(client_id="beta", external_user_id="u2", name="Beta", subscribe=False),
        ),
    )


@pulumi.runtime.test  # type: ignore[untyped-decorator]
def test_catalog_declares_everything_with_dependencies(monitor: _Monitor) -> Any:
    component = MeteringCatalog("om", MeteringCatalogArgs(_settings(), load_catalog()))

    def check(values: list[Any]) -> None:
        meter_ids, feature_ids, customer_ids = values[:3]
        reg = monitor.registered
        comp_request, comp_urn = reg["om"]
        assert comp_request.type == "clearinghouse:metering:MeteringCatalog"
        children = {n: r for n, r in reg.items() if n != "om" and r[0].type.startswith(TOKEN)}
        assert set(reg) - set(children) - {"om"} <= {"clearinghouse-dev"}  # the stack
        assert all(n.startswith("om-") for n in children)
        assert {req.parent for req, _ in children.values()} == {comp_urn}
        types = sorted(req.type.removeprefix(TOKEN) for req, _ in children.values())
        assert types == ["Customer"] * 2 + ["Feature"] * 2 + ["Meter"] * 3 + ["Plan"] + [
            "Subscription"
        ]
        urn = {n: u for n, (_, u) in reg.items()}
        feature_req = reg["om-feature-billable_spend"][0]
        assert urn["om-meter-billable_usd_micros"] in feature_req.dependencies
        plan_req = reg["om-plan"][0]
        assert {urn["om-feature-billable_spend"], urn["om-feature-network_spend"]} <= set(
            plan_req.dependencies
        )
        sub_req = reg["om-subscription-acme:u1"][0]
        assert {urn["om-plan"], urn["om-customer-acme:u1"]} <= set(sub_req.dependencies)
        assert len(component.resources) == len(children)
        assert set(meter_ids) == {m.key for m in load_catalog().meters}
        assert set(feature_ids) == {"network_spend", "billable_spend"}
        assert set(customer_ids) == {"acme:u1", "beta:u2"}

    # Wait for every child to be registered before looking at the registrations.
    return pulumi.Output.all(
        component.meter_ids,
        component.feature_ids,
        component.customer_ids,
        *[r.urn for r in component.resources],
    ).apply(check)


@pulumi.runtime.test  # type: ignore[untyped-decorator]
def test_api_key_is_secret_and_absent_from_outputs_and_pickles(monitor: _Monitor) -> Any:
    component = MeteringCatalog("om", MeteringCatalogArgs(_settings(), load_catalog()))

    def check(_: Any) -> None:
        children = [req for req, _ in monitor.registered.values() if req.type.startswith(TOKEN)]
        assert children
        for req in children:
            api_key = req.object.fields["api_key"]
            sig = api_key.struct_value.fields.get(rpc._special_sig_key)
            assert sig is not None
            assert sig.string_value == rpc._special_secret_sig
            # The pickled provider must not capture the key (nor a client built with it).
            provider_field = req.object.fields["__provider"]
            blob = (
                provider_field.string_value
                or provider_field.struct_value.fields["value"].string_value
            )
            assert KEY.encode() not in base64.b64decode(blob)
            provider = dill.loads(base64.b64decode(blob))  # noqa: S301
            assert not any("httpx" in type(v).__module__ for v in vars(provider).values())
        for outputs in monitor.outputs.values():
            assert KEY not in str(outputs)

    return pulumi.Output.all(*[r.urn for r in component.resources]).apply(check)
