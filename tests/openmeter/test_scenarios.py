"""Catalog scenarios through the real dynamic-provider host (gRPC) and by direct calls.

The provider process reaches the fake over real HTTP on 127.0.0.1; every request and answer is
checked against the contract by the fake (conftest fails the test on any violation).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalog import load_catalog
from tests.openmeter.catalog_decl import ACME, declare, with_meter, with_unit_price
from tests.openmeter.conftest import API_KEY
from tests.openmeter.engine import DirectHost, Engine, GrpcHost, Host
from tests.support.openmeter_fake import FakeOpenMeter, Fault

STACK_CONFIG = {"clearinghouse:openmeterApiKey": API_KEY}
OBJECTS = 3 + 2 + 1 + 2 + 1  # meters, features, plan, customers, subscriptions


@pytest.fixture(scope="module")
def grpc_host() -> Iterator[GrpcHost]:
    host = GrpcHost(STACK_CONFIG)
    yield host
    host.close()


@pytest.fixture(params=["grpc", "direct"])
def host(request: pytest.FixtureRequest, grpc_host: GrpcHost) -> Host:
    return grpc_host if request.param == "grpc" else DirectHost(STACK_CONFIG)


def test_create_from_empty_then_second_run_changes_nothing(
    host: Host, fake: FakeOpenMeter, fake_url: str
) -> None:
    engine = Engine(host)
    steps = engine.up(declare(fake_url))
    assert [op for op, _ in steps] == ["create"] * OBJECTS
    assert len(fake.requests) <= 2 * OBJECTS + 1  # request budget: 2 per object plus publish
    assert {m["key"] for m in fake.meters.values()} == {m.key for m in load_catalog().meters}
    (plan,) = fake.plans.values()
    assert (plan["status"], plan["version"]) == ("active", 1)
    assert engine.state["plan"].outputs["plan_id"] == plan["id"]
    (sub,) = fake.subscriptions.values()
    assert sub["plan"]["key"] == "clearinghouse_default_ppu"
    # Outputs and pickled providers never carry the key.
    for rec in engine.state.values():
        assert "api_key" not in rec.outputs
        assert API_KEY not in repr(rec.outputs)
    before = len(fake.requests)
    assert engine.up(declare(fake_url)) == []
    assert len(fake.requests) == before  # check + diff are local: a no-op up costs nothing
    assert engine.refresh() == []
    assert len(fake.requests) - before == OBJECTS  # one read per object


def test_adopts_a_catalog_bootstrapped_by_hand(
    host: Host, fake: FakeOpenMeter, fake_url: str
) -> None:
    Engine(DirectHost(STACK_CONFIG)).up(declare(fake_url))  # "the old script"
    counts = {k: len(getattr(fake, k)) for k in ("meters", "features", "plans", "customers")}
    engine = Engine(host)  # a fresh stack: empty state, populated org
    assert [op for op, _ in engine.up(declare(fake_url))] == ["create"] * OBJECTS
    assert counts == {k: len(getattr(fake, k)) for k in counts}  # no duplicates
    assert len(fake.subscriptions) == 1
    assert [p["version"] for p in fake.plans.values()] == [1]


def test_mutable_change_updates_and_immutable_change_replaces(
    host: Host, fake: FakeOpenMeter, fake_url: str
) -> None:
    engine = Engine(host)
    engine.up(declare(fake_url))
    renamed = with_meter(load_catalog(), 0, name="Renamed")
    diffs = engine.preview(declare(fake_url, renamed))
    assert diffs["meter-network_fee_usd_micros"].changes
    assert diffs["meter-network_fee_usd_micros"].replaces == []
    meter_id = engine.state["meter-network_fee_usd_micros"].id
    assert engine.up(declare(fake_url, renamed)) == [("update", "meter-network_fee_usd_micros")]
    assert fake.meters[meter_id]["name"] == "Renamed"

    # Opting in to meter deletion is an option change: an update, no replace.
    assert (
        engine.preview(declare(fake_url, renamed, retain_meters=False))[
            "meter-signed_ticket_count"
        ].replaces
        == []
    )
    engine.up(declare(fake_url, renamed, retain_meters=False))
    moved = with_meter(renamed, 2, aggregation="sum", value_property="ticket_count")
    diff = engine.preview(declare(fake_url, moved, retain_meters=False))
    assert diff["meter-signed_ticket_count"].replaces == ["aggregation", "value_property"]
    assert diff["meter-signed_ticket_count"].delete_before_replace  # same key
    old_id = engine.state["meter-signed_ticket_count"].id
    steps = engine.up(declare(fake_url, moved, retain_meters=False))
    assert steps == [("replace", "meter-signed_ticket_count")]
    assert engine.state["meter-signed_ticket_count"].outputs["value_property"] == "$.ticket_count"
    assert "deleted_at" in fake.meters[old_id]


def test_immutable_clash_with_retained_meter_names_the_field(
    grpc_host: GrpcHost, fake: FakeOpenMeter, fake_url: str
) -> None:
    engine = Engine(grpc_host)
    engine.up(declare(fake_url))
    moved = with_meter(load_catalog(), 0, value_property="other")
    with pytest.raises(
        Exception,
        match=r"value_property is '\$\.network_fee_usd_micros'.*"
        r"new key",
    ) as err:
        engine.up(declare(fake_url, moved))
    assert "network_fee_usd_micros" in str(err.value)
    assert all("deleted_at" not in m for m in fake.meters.values())  # retained, not deleted


def test_plan_price_change_publishes_new_version_and_archives_old(
    host: Host, fake: FakeOpenMeter, fake_url: str
) -> None:
    engine = Engine(host)
    engine.up(declare(fake_url))
    pricier = with_unit_price(load_catalog(), "0.0000012")
    assert engine.up(declare(fake_url, pricier)) == [("update", "plan")]
    by_version = {p["version"]: p for p in fake.plans.values()}
    assert by_version[1]["status"] == "archived"
    assert by_version[2]["status"] == "active"
    assert by_version[2]["phases"][0]["rate_cards"][0]["price"]["amount"] == "0.0000012"
    assert engine.state["plan"].outputs["plan_id"] == by_version[2]["id"]
    assert engine.up(declare(fake_url, pricier)) == []


def test_failure_after_plan_draft_then_rerun_converges(
    grpc_host: GrpcHost, fake: FakeOpenMeter, fake_url: str
) -> None:
    fake.inject(Fault(path="/openmeter/plans/*/publish", status=400, detail="publish refused"))
    engine = Engine(grpc_host)
    with pytest.raises(Exception, match=r"plan 'clearinghouse_default_ppu'.*HTTP 400.*publish"):
        engine.up(declare(fake_url))
    (draft,) = fake.plans.values()
    assert draft["status"] == "draft"
    steps = engine.up(declare(fake_url))
    assert ("create", "plan") in steps
    (plan,) = fake.plans.values()  # the draft was reused, not duplicated
    assert (plan["id"], plan["status"]) == (draft["id"], "active")


def test_transient_faults_are_retried(
    grpc_host: GrpcHost, fake: FakeOpenMeter, fake_url: str
) -> None:
    fake.inject(Fault(path="/openmeter/meters", method="POST", status=429, retry_after=1))
    fake.inject(Fault(path="/openmeter/features", method="POST", status=503))
    # The create reaches the server, the answer is lost: the retry must not duplicate.
    fake.inject(Fault(path="/openmeter/customers", method="POST", drop_connection=True, apply=True))
    fake.inject(Fault(path="/openmeter/plans", method="GET", drop_connection=True))
    engine = Engine(grpc_host)
    assert len(engine.up(declare(fake_url))) == OBJECTS
    assert all(f.times == 0 for f in fake.faults)
    assert len(fake.customers) == 2
    assert len(fake.meters) == 3


def test_permanent_error_names_the_object(
    grpc_host: GrpcHost, fake: FakeOpenMeter, fake_url: str
) -> None:
    fake.inject(
        Fault(
            path="/openmeter/features",
            method="POST",
            status=403,
            detail="token lacks features:write",
        )
    )
    with pytest.raises(Exception, match=r"feature 'network_spend'.*HTTP 403.*features:write"):
        Engine(grpc_host).up(declare(fake_url))


def test_delete_order_and_retained_meters(host: Host, fake: FakeOpenMeter, fake_url: str) -> None:
    engine = Engine(host)
    engine.up(declare(fake_url))
    order = engine.destroy()
    assert order[0].startswith("subscription-")
    assert order[-1].startswith("meter-")
    assert all(s["status"] == "canceled" for s in fake.subscriptions.values())
    assert all(p["status"] == "archived" for p in fake.plans.values())
    assert all("deleted_at" in f for f in fake.features.values())
    assert all("deleted_at" not in m for m in fake.meters.values())  # retained by default

    engine = Engine(host)
    engine.up(declare(fake_url, retain_meters=False))
    engine.destroy()
    assert all("deleted_at" in m for m in fake.meters.values())


def test_more_than_one_page_of_existing_objects(
    grpc_host: GrpcHost, fake: FakeOpenMeter, fake_url: str
) -> None:
    for i in range(230):  # 3 pages of 100 before the catalog's own meters
        fake.catalog.create_meter(
            {"key": f"other_{i}", "name": "o", "aggregation": "count", "event_type": "x"}
        )
    Engine(DirectHost(STACK_CONFIG)).up(declare(fake_url))
    before = len(fake.meters)
    Engine(grpc_host).up(declare(fake_url))
    assert len(fake.meters) == before


def test_refresh_detects_drift_and_next_up_repairs_it(
    grpc_host: GrpcHost, fake: FakeOpenMeter, fake_url: str
) -> None:
    engine = Engine(grpc_host)
    engine.up(declare(fake_url))
    meter_id = engine.state["meter-billable_usd_micros"].id
    fake.meters[meter_id]["description"] = "edited in the UI"
    customer_id = engine.state[f"customer-{ACME.key}"].id
    sub_id = engine.state[f"subscription-{ACME.key}"].id
    fake.billing.cancel_subscription(sub_id)
    assert sorted(engine.refresh()) == ["meter-billable_usd_micros", f"subscription-{ACME.key}"]
    steps = engine.up(declare(fake_url))
    assert sorted(steps) == [
        ("create", f"subscription-{ACME.key}"),
        ("update", "meter-billable_usd_micros"),
    ]
    assert fake.meters[meter_id]["description"] == load_catalog().meters[1].description
    assert fake.billing.has_active_subscription(customer_id)


def test_subscribed_customer_subject_keys_cannot_change(grpc_host: GrpcHost, fake_url: str) -> None:
    engine = Engine(grpc_host)
    decls = declare(fake_url)
    engine.up(decls)
    name = f"customer-{ACME.key}"
    item = next(d for d in decls if d.name == name)
    original = item.inputs
    item.inputs = lambda o: {**original(o), "subject_keys": ["acme:other"]}
    with pytest.raises(Exception, match="subscribed, so its subject keys"):
        engine.up(decls)
