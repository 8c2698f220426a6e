"""The v3 client: paging, find-by-key, retries with Retry-After, problems as named errors."""

from __future__ import annotations

import httpx
import pytest

from openmeter_provisioning.client import PAGE_SIZE, OpenMeterClient
from openmeter_provisioning.errors import OpenMeterError
from tests.openmeter.conftest import API_KEY
from tests.support.contract import exchange_violations
from tests.support.openmeter_fake import FakeOpenMeter, Fault

BASE = "https://us.api.konghq.com/v3/openmeter"  # the Konnect shape of the base URL


def _client(fake: FakeOpenMeter, sleeps: list[float] | None = None) -> OpenMeterClient:
    return OpenMeterClient(
        BASE,
        API_KEY,
        transport=fake.transport(),
        sleep=(sleeps.append if sleeps is not None else lambda _: None),
    )


def _meter(key: str) -> dict[str, str]:
    return {"key": key, "name": key, "aggregation": "count", "event_type": "e"}


def test_every_page_is_walked_and_find_by_key_uses_the_filter(fake: FakeOpenMeter) -> None:
    for i in range(2 * PAGE_SIZE + 5):
        fake.catalog.create_meter(_meter(f"m{i}"))
    with _client(fake) as client:
        assert len(list(client.iter_pages("meter", "*", "/meters"))) == 2 * PAGE_SIZE + 5
        assert fake.count("GET", "/openmeter/meters") == 3
        found = client.find_by_key("meter", "/meters", "m150")
    assert [m["key"] for m in found] == ["m150"]
    assert fake.count("GET", "/openmeter/meters") == 4  # one filtered call


def test_find_by_key_matches_exactly_even_if_the_server_filter_is_fuzzy() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["filter[key]"] == "tokens"
        data = [{"id": "01G65Z755AFWAKHE12NY0CQ9FH", "key": "tokens_total"}]
        return httpx.Response(200, json={"data": data, "meta": {"page": {"total": 1}}})

    with OpenMeterClient(BASE, "k", transport=httpx.MockTransport(handler)) as client:
        assert client.find_by_key("meter", "/meters", "tokens") == []


def test_429_retry_after_is_honoured_then_500_backs_off(fake: FakeOpenMeter) -> None:
    fake.inject(Fault(path="/openmeter/meters", method="POST", status=429, retry_after=3))
    fake.inject(Fault(path="/openmeter/meters", method="POST", status=500))
    sleeps: list[float] = []
    with _client(fake, sleeps) as client:
        created = client.request("meter", "m", "POST", "/meters", body=_meter("m"))
    assert created is not None
    assert created["key"] == "m"
    assert sleeps[0] == 3.0
    assert 0 < sleeps[1] < 3.0
    assert fake.count("POST") == 3


def test_connection_errors_and_timeouts_are_retried(fake: FakeOpenMeter) -> None:
    fake.inject(Fault(path="/openmeter/meters", drop_connection=True))
    fake.inject(Fault(path="/openmeter/meters", delay_s=60))  # beyond the read timeout
    client = OpenMeterClient(
        BASE, API_KEY, transport=fake.transport(), timeout=0.05, sleep=lambda _: None
    )
    with client:
        assert client.request("meter", "*", "GET", "/meters") is not None
    assert fake.count("GET") == 3


def test_retries_give_up_with_an_error_naming_the_object(fake: FakeOpenMeter) -> None:
    fake.inject(Fault(path="/openmeter/meters", status=503, times=5, detail="maintenance"))
    with _client(fake) as client, pytest.raises(OpenMeterError) as err:
        client.request("meter", "tokens_total", "POST", "/meters", body=_meter("tokens_total"))
    message = str(err.value)
    assert "meter 'tokens_total'" in message
    assert "HTTP 503" in message
    assert "maintenance" in message
    assert fake.count("POST") == 5


def test_problem_with_invalid_parameters_becomes_a_named_error(fake: FakeOpenMeter) -> None:
    with _client(fake) as client:
        client.request("meter", "m", "POST", "/meters", body=_meter("m"))
        with pytest.raises(OpenMeterError) as err:
            client.request("meter", "m", "POST", "/meters", body=_meter("m"))
    assert err.value.status == 400
    assert err.value.invalid_parameters[0]["field"] == "key"
    assert "invalid parameters: key: already exists" in str(err.value)
    assert fake.count("POST") == 2  # 400 is not retried


def test_client_traffic_matches_the_contract_seen_from_the_client_side(
    fake: FakeOpenMeter,
) -> None:
    seen: list[str] = []

    class Checking(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = fake.transport().handle_request(request)
            response.read()
            seen.extend(exchange_violations(request, response))
            return response

    with OpenMeterClient(BASE, API_KEY, transport=Checking()) as client:
        created = client.request("meter", "m", "POST", "/meters", body=_meter("m"))
        assert created is not None
        client.find_by_key("meter", "/meters", "m")
        client.request("meter", "m", "PUT", f"/meters/{created['id']}", body={"name": "n"})
        client.request("meter", "m", "DELETE", f"/meters/{created['id']}")
    assert fake.count() == 4
    assert seen == []
