"""The fake itself: ingest, serving over HTTP and in-process, faults, server rules."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.openmeter.conftest import API_KEY
from tests.support.openmeter_fake import FakeOpenMeter, Fault, serve_http

AUTH = {"Authorization": f"Bearer {API_KEY}"}


def _event(n: int, **overrides: object) -> dict[str, object]:
    event: dict[str, object] = {
        "specversion": "1.0",
        "id": f"evt-{n}",
        "source": "clearinghouse-collector",
        "type": "create_signed_ticket",
        "subject": "acme:u1",
        "time": "2026-01-01T00:00:00Z",
        "data": {"billable_usd_micros": "12"},
    }
    event.update(overrides)
    return event


def test_ingest_all_three_content_types_over_http(fake: FakeOpenMeter, fake_url: str) -> None:
    with httpx.Client(base_url=fake_url, headers=AUTH) as client:
        single = client.post(
            "/events",
            content=json.dumps(_event(1)),
            headers={"content-type": "application/cloudevents+json"},
        )
        batch = client.post(
            "/events",
            content=json.dumps([_event(2), _event(3)]),
            headers={"content-type": "application/cloudevents-batch+json"},
        )
        plain = client.post("/events", json=[_event(4)])
    assert [single.status_code, batch.status_code, plain.status_code] == [202, 202, 202]
    assert [e["id"] for e in fake.events] == ["evt-1", "evt-2", "evt-3", "evt-4"]
    assert fake.event_requests == [
        ("application/cloudevents+json", 1),
        ("application/cloudevents-batch+json", 2),
        ("application/json", 1),
    ]
    assert fake.requests == [("POST", "/openmeter/events")] * 3


@pytest.mark.parametrize(
    ("body", "content_type", "needle", "contract_invalid"),
    [
        ([_event(1, subject=None)], "application/json", "subject", True),
        (_event(1, time="yesterday"), "application/cloudevents+json", "date-time", True),
        (_event(1, data=[1, 2]), "application/cloudevents+json", "data", True),
        ([_event(1)], "application/cloudevents+json", "one event", True),
        (_event(1), "text/plain", "content type", True),
        # Schema-valid, rejected by the server's own rule: not a contract violation.
        (_event(1, specversion="0.3"), "application/cloudevents+json", "specversion", False),
    ],
)
def test_invalid_events_get_a_400_problem_and_are_not_stored(
    body: object, content_type: str, needle: str, contract_invalid: bool
) -> None:
    fake = FakeOpenMeter()
    with httpx.Client(transport=fake.transport(), base_url="http://om/api/v3/openmeter") as c:
        response = c.post(
            "/events", content=json.dumps(body), headers={**AUTH, "content-type": content_type}
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert needle in problem["detail"]
    assert problem["invalid_parameters"]
    assert fake.events == []
    assert fake.event_requests == []
    # A request the contract rejects is also recorded as a violation (the client's fault).
    assert bool(fake.violations) is contract_invalid, fake.violations


def test_faults_429_with_retry_after_then_500_then_success() -> None:
    fake = FakeOpenMeter()
    fake.inject(Fault(path="/openmeter/events", method="POST", status=429, retry_after=1, times=2))
    fake.inject(Fault(path="/openmeter/events", method="POST", status=500))
    statuses = []
    with httpx.Client(transport=fake.transport(), base_url="http://om/api/v3/openmeter") as c:
        for _ in range(4):
            response = c.post("/events", json=_event(1), headers=AUTH)
            statuses.append((response.status_code, response.headers.get("retry-after")))
    assert statuses == [(429, "1"), (429, "1"), (500, None), (202, None)]
    assert len(fake.events) == 1
    assert fake.violations == []


def test_dropped_connection_and_slow_answer_over_http() -> None:
    fake = FakeOpenMeter()
    fake.inject(Fault(path="/openmeter/events", drop_connection=True))
    fake.inject(Fault(path="/openmeter/meters", method="GET", delay_s=0.5))
    with serve_http(fake) as url, httpx.Client(base_url=url, headers=AUTH) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/events", json=_event(1))
        with pytest.raises(httpx.ReadTimeout):
            client.get("/meters", timeout=0.1)
        assert client.post("/events", json=_event(1)).status_code == 202
    assert len(fake.events) == 1
    assert fake.violations == []


def test_wrong_token_is_401(fake: FakeOpenMeter) -> None:
    with httpx.Client(transport=fake.transport(), base_url="http://om/api/v3/openmeter") as c:
        assert c.get("/meters", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert c.get("/meters").status_code == 401


def _client(fake: FakeOpenMeter) -> httpx.Client:
    return httpx.Client(
        transport=fake.transport(), base_url="http://om/api/v3/openmeter", headers=AUTH
    )


def _meter(key: str) -> dict[str, object]:
    return {"key": key, "name": key, "aggregation": "count", "event_type": "e"}


def test_server_rules_keys_pages_plans(fake: FakeOpenMeter) -> None:
    with _client(fake) as c:
        ids = [c.post("/meters", json=_meter(f"m{i}")).json()["id"] for i in range(25)]
        duplicate = c.post("/meters", json=_meter("m0"))
        assert duplicate.status_code == 400
        assert "already exists" in duplicate.json()["detail"]
        page2 = c.get("/meters", params={"page[number]": 2, "page[size]": 20}).json()
        assert [m["id"] for m in page2["data"]] == ids[20:]
        assert page2["meta"]["page"] == {"number": 2, "size": 20, "total": 25}
        assert c.get("/meters", params={"filter[key]": "m7"}).json()["data"][0]["id"] == ids[7]

        feature = c.post("/features", json={"key": "f", "name": "f", "meter": {"id": ids[0]}})
        assert feature.status_code == 201
        assert c.delete(f"/meters/{ids[0]}").status_code == 400  # still used by the feature

        card = {
            "key": "f",
            "name": "f",
            "feature": {"id": feature.json()["id"]},
            "billing_cadence": "P1M",
            "price": {"type": "unit", "amount": "0.0000010"},
        }
        plan = {
            "key": "p",
            "name": "p",
            "currency": "USD",
            "billing_cadence": "P1M",
            "phases": [{"key": "default", "name": "default", "rate_cards": [card]}],
        }
        v1 = c.post("/plans", json=plan).json()
        assert (v1["status"], v1["version"]) == ("draft", 1)
        assert v1["phases"][0]["rate_cards"][0]["price"]["amount"] == "0.000001"
        assert c.post("/plans", json=plan).status_code == 400  # one draft per plan
        assert c.post(f"/plans/{v1['id']}/publish").json()["status"] == "active"
        update = {k: v for k, v in plan.items() if k in ("name", "phases")}
        assert c.put(f"/plans/{v1['id']}", json=update).status_code == 400  # active is frozen
        v2 = c.post("/plans", json=plan).json()
        assert v2["version"] == 2
        c.post(f"/plans/{v2['id']}/publish")
        assert c.get(f"/plans/{v1['id']}").json()["status"] == "archived"

        customer = {"key": "a:1", "name": "A", "usage_attribution": {"subject_keys": ["a:1"]}}
        cid = c.post("/customers", json=customer).json()["id"]
        other = {"key": "b", "name": "B", "usage_attribution": {"subject_keys": ["a:1"]}}
        assert c.post("/customers", json=other).status_code == 400  # subject taken
        sub = {"customer": {"key": "a:1"}, "plan": {"key": "p"}}
        created = c.post("/subscriptions", json=sub).json()
        assert created["plan"]["version"] == 2
        assert c.post("/subscriptions", json=sub).status_code == 409
        moved = {"name": "A", "usage_attribution": {"subject_keys": ["a:2"]}}
        assert c.put(f"/customers/{cid}", json=moved).status_code == 400
        assert c.get("/meters/01G65Z755AFWAKHE12NY0CQ9FH").status_code == 404


def test_deferred_event_schema_mode_still_checks_every_event_after_the_fact() -> None:
    """The benchmark's mode: required fields inline, the full schema check afterwards."""
    fake = FakeOpenMeter(validate=False, defer_event_schema=True)
    with httpx.Client(transport=fake.transport(), base_url="http://om/api/v3/openmeter") as c:
        missing = c.post("/events", json=[_event(1, subject="")], headers=AUTH)
        accepted = c.post("/events", json=[_event(2), _event(3, time="yesterday")], headers=AUTH)
    assert missing.status_code == 400
    assert "subject" in missing.json()["detail"]
    assert accepted.status_code == 202
    late = fake.deferred_event_violations()
    assert len(late) == 1
    assert late[0].startswith("events[1]: time")
