"""Full runs: events through the real Benthos pipeline and ingest output to the OpenMeter fake."""

from __future__ import annotations

import json
import random
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import collector
from settings.model import CollectorSettings, PriceUrl, StaticPrice
from tests.collector import support
from tests.collector.price_server import PriceStub, serve_price
from tests.collector.reference import expected_cloudevent
from tests.support.openmeter_fake import FakeOpenMeter, Fault, serve_http

PRICE = "3456.78"
env = support.envelope


def _render(
    base_url: str,
    tmp_path: Path,
    input: collector.FileInput | collector.StdinInput,  # noqa: A002
    settings: CollectorSettings | None = None,
) -> str:
    return collector.render_test_config(
        collector=settings or support.collector_settings(),
        kafka=support.kafka_settings(),
        connection=support.connection(base_url),
        catalog=support.catalog(),
        input=input,
        dead_letter=collector.FileSink(str(tmp_path / "dlq.jsonl")),
    )


def _run_file(
    fake: FakeOpenMeter,
    events: list[Any],
    tmp_path: Path,
    settings: CollectorSettings | None = None,
    latency_s: float = 0.0,
) -> list[dict[str, Any]]:
    """Run the pipeline over `events` until it ends; returns the dead-letter records."""
    source = support.write_jsonl(tmp_path / "events.jsonl", events)
    with serve_http(fake, latency_s=latency_s) as base_url:
        text = _render(base_url, tmp_path, collector.FileInput(str(source)), settings)
        support.run_to_completion(text, tmp_path)
    assert fake.violations == []
    return support.read_jsonl(tmp_path / "dlq.jsonl")


def _by_id(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in events}


def test_good_and_bad_events_end_up_exactly_in_ingest_or_the_dead_letter_topic(
    tmp_path: Path,
) -> None:
    catalog = support.catalog()
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not crypto
    good = [
        env("evt-string"),
        env("evt-number", computed_fee=10**24),
        env("evt-zero", computed_fee="0"),
        env("evt-colons", auth_id="acme:team:user"),
        env("evt-unicode", auth_id="клиент:用户😀"),
        env("evt-fallback", auth_id=None, client_id="acme", usage_subject="user-9"),
        env("evt-model", pipeline="text-to-image", model_id="sd-turbo"),
        # Two payments whose 32-bit request_id collides: both are billed.
        env("evt-collide-1", request_id="deadbeef"),
        env("evt-collide-2", request_id="deadbeef", auth_id="other:user-2"),
    ]
    # Fees up to 10^24 wei, as strings and numbers, against the exact decimal reference.
    for i in range(300):
        wei = rng.randrange(0, 10 ** rng.randint(1, 24) + 1)
        fee: int | str = wei if i % 2 else str(wei)
        good.append(env(f"evt-fee-{i}", computed_fee=fee, auth_id=f"c{i % 7}:u{i}"))
    bad = {
        "no colon": env("bad-1", auth_id="acme"),
        "leading colon": env("bad-2", auth_id=":user"),
        "trailing colon": env("bad-3", auth_id="acme:"),
        "no identity": env("bad-4", auth_id=" "),
        "negative fee": env("bad-5", computed_fee="-100"),
        "non-numeric fee": env("bad-6", computed_fee="1e18"),
        "missing id": env(None),
        "malformed JSON": '{"id": "bad-8", "type": "create_signed_ticket", "data": {',
    }
    ignored = [{"id": "other-1", "type": "stream_trace_event", "data": {"auth_id": "a:b"}}]
    reread = env("evt-string")  # the same Kafka message read a second time

    dead = _run_file(fake := FakeOpenMeter(), [*good, *bad.values(), *ignored, reread], tmp_path)

    expected = {e["id"]: expected_cloudevent(e, PRICE, catalog) for e in good}
    counts = Counter(e["id"] for e in fake.events)
    assert set(counts) == set(expected)
    assert counts["evt-string"] == 2  # re-read: sent again under the same id, deduplicated
    assert all(n == 1 for event_id, n in counts.items() if event_id != "evt-string")
    for event in fake.events:
        assert event == expected[event["id"]]
    assert all(ct == "application/cloudevents-batch+json" for ct, _ in fake.event_requests)
    assert len(fake.event_requests) < len(fake.events) / 10  # batched, not one POST each

    raw = {name: e if isinstance(e, str) else support.json_line(e) for name, e in bad.items()}
    assert sorted(r["event"] for r in dead) == sorted(raw.values())
    assert all(r["stage"] == "mapping" and r["error"] for r in dead)
    assert all(r["collector_source"] == support.SOURCE for r in dead)


def test_429_500_and_lost_answers_are_retried_without_loss(tmp_path: Path) -> None:
    fake = FakeOpenMeter()
    path, method = "/openmeter/events", "POST"
    fake.inject(Fault(path=path, method=method, status=429, retry_after=1, times=2))
    fake.inject(Fault(path=path, method=method, status=500, times=2))
    # Accepted but the answer is lost: the retry re-sends the same ids (OpenMeter dedups them).
    fake.inject(Fault(path=path, method=method, drop_connection=True, apply=True, times=1))
    events = [env(f"evt-{i}", auth_id=f"acme:u{i}") for i in range(40)]
    settings = support.collector_settings(batch_size=10, max_in_flight=2)

    dead = _run_file(fake, events, tmp_path, settings)

    assert dead == []
    catalog = support.catalog()
    expected = {e["id"]: expected_cloudevent(e, PRICE, catalog) for e in events}
    assert {e["id"] for e in fake.events} == set(expected)
    for event in fake.events:
        assert event == expected[event["id"]]
    duplicates = len(fake.events) - len(expected)
    assert 0 <= duplicates <= 10  # at most the one batch whose answer was lost


def test_ingest_unavailable_beyond_the_retries_is_replayed_not_dead_lettered(
    tmp_path: Path,
) -> None:
    fake = FakeOpenMeter()
    # More consecutive 500s than one send's attempts (1 + 3 retries): the batch is nacked and the
    # input replays it (Kafka: auto_replay_nacks, offsets not committed). A stdin input that stays
    # open stands in for Kafka here; a file input ends at EOF and drops what is pending replay.
    fake.inject(Fault(path="/openmeter/events", method="POST", status=500, times=5))
    events = [env(f"evt-{i}") for i in range(5)]
    settings = support.collector_settings(max_in_flight=1, batch_period="100ms")
    with serve_http(fake) as base_url:
        text = _render(base_url, tmp_path, collector.StdinInput(), settings)
        with support.stopping(support.start(text, tmp_path)) as proc:
            for event in events:
                _feed(proc, event)
            support.wait_for(lambda: len({e["id"] for e in fake.events}) == 5, "all events")
    assert fake.violations == []
    assert fake.count("POST", "/openmeter/events") >= 6  # 5 failures, then success
    assert support.read_jsonl(tmp_path / "dlq.jsonl") == []
    assert sorted({e["id"] for e in fake.events}) == sorted(e["id"] for e in events)
    assert "unexpected response code (500)" in (tmp_path / "benthos.log").read_text()


def test_a_batch_refused_once_is_resent_event_by_event_and_nothing_is_dead_lettered(
    tmp_path: Path,
) -> None:
    fake = FakeOpenMeter()
    fake.inject(Fault(path="/openmeter/events", method="POST", status=400, detail="bad batch"))
    events = [env(f"evt-{i}") for i in range(30)]
    settings = support.collector_settings(batch_size=10, max_in_flight=1)

    dead = _run_file(fake, events, tmp_path, settings)

    assert dead == []
    catalog = support.catalog()
    expected = {e["id"]: expected_cloudevent(e, PRICE, catalog) for e in events}
    assert _by_id(fake.events) == expected
    assert len(fake.events) == len(expected)  # the refused batch was not ingested at all
    single = [n for ct, n in fake.event_requests if ct == "application/cloudevents+json"]
    assert single == [1] * len(single)  # one event per request
    assert 1 <= len(single) <= 10  # exactly the refused batch's events


def test_a_poison_event_is_dead_lettered_alone_and_its_batch_mates_are_ingested(
    tmp_path: Path,
) -> None:
    fake = FakeOpenMeter()
    # OpenMeter refuses the whole batch for one event it cannot take, and that event alone.
    fake.inject(
        Fault(
            path="/openmeter/events",
            method="POST",
            status=400,
            detail="subject is not allowed",
            body_contains="evt-poison",
            times=1000,
        )
    )
    events = [env(f"evt-{i}") for i in range(12)]
    events.insert(5, env("evt-poison"))
    settings = support.collector_settings(batch_size=10, max_in_flight=2)

    dead = _run_file(fake, events, tmp_path, settings)

    catalog = support.catalog()
    expected = {e["id"]: expected_cloudevent(e, PRICE, catalog) for e in events}
    assert _by_id(fake.events) == {k: v for k, v in expected.items() if k != "evt-poison"}
    assert len(fake.events) == len(events) - 1  # nothing ingested twice
    (record,) = dead
    assert record["stage"] == "ingest"
    assert "(400)" in record["error"]
    assert "subject is not allowed" in record["error"]
    assert record["event"] == support.json_line(events[5])
    assert record["cloudevent"] == expected["evt-poison"]
    assert record["collector_source"] == support.SOURCE


def _feed(proc: subprocess.Popen[str], event: dict[str, Any]) -> None:
    assert proc.stdin is not None
    proc.stdin.write(support.json_line(event) + "\n")
    proc.stdin.flush()


def _stdin_run(tmp_path: Path, base_url: str, price_url: str) -> subprocess.Popen[str]:
    settings = support.collector_settings(
        price=PriceUrl(url=price_url, refresh_seconds=1), batch_period="100ms"
    )
    return support.start(_render(base_url, tmp_path, collector.StdinInput(), settings), tmp_path)


def test_no_price_yet_holds_events_until_the_first_price(tmp_path: Path) -> None:
    fake, stub = FakeOpenMeter(), PriceStub(status=503, body={"error": "warming up"})
    with (
        serve_http(fake) as base_url,
        serve_price(stub) as price_url,
        support.stopping(_stdin_run(tmp_path, base_url, price_url)) as proc,
    ):
        _feed(proc, env("evt-early"))
        support.wait_for(lambda: stub.hit_count() >= 3, "failed price fetches")
        support.wait_for(
            lambda: "price refresh failed" in (tmp_path / "benthos.log").read_text(),
            "the refresh error in the log",
        )
        # Several fetches failed while the event was already read: nothing billed, nothing
        # dead-lettered.
        assert fake.events == []
        assert support.read_jsonl(tmp_path / "dlq.jsonl") == []

        stub.answer(200, {"data": {"amount": "2500.5"}})
        support.wait_for(lambda: len(fake.events) == 1, "the held event")
    assert fake.events[0]["id"] == "evt-early"
    assert fake.events[0]["data"]["eth_usd"] == "2500.5"
    assert fake.events[0]["data"]["network_fee_usd_micros"] == support.micros(10**15, "2500.5")
    assert support.read_jsonl(tmp_path / "dlq.jsonl") == []


def test_price_refresh_keeps_the_last_good_price_and_picks_up_new_ones(tmp_path: Path) -> None:
    fake, stub = FakeOpenMeter(), PriceStub(body={"price": 3000})
    with (
        serve_http(fake) as base_url,
        serve_price(stub) as price_url,
        support.stopping(_stdin_run(tmp_path, base_url, price_url)) as proc,
    ):
        _feed(proc, env("evt-a"))
        support.wait_for(lambda: len(fake.events) == 1, "evt-a")

        stub.answer(500, {"error": "upstream down"})
        seen = stub.hit_count()
        support.wait_for(lambda: stub.hit_count() >= seen + 2, "failed refreshes")
        _feed(proc, env("evt-b"))
        support.wait_for(lambda: len(fake.events) == 2, "evt-b")

        stub.answer(200, {"ethereum": {"usd": 3100.25}})
        sent = 0

        def repriced() -> bool:
            nonlocal sent
            if any(e["data"]["eth_usd"] == "3100.25" for e in fake.events):
                return True
            if len(fake.events) == 2 + sent:
                sent += 1
                _feed(proc, env(f"evt-c{sent}"))
            return False

        support.wait_for(repriced, "an event priced at the new price")
    by_id = _by_id(fake.events)
    assert by_id["evt-a"]["data"]["eth_usd"] == "3000"
    assert by_id["evt-b"]["data"]["eth_usd"] == "3000"  # the refresh failed: last good price
    for event in fake.events:
        price = event["data"]["eth_usd"]
        assert price in ("3000", "3100.25")
        assert event["data"]["network_fee_usd_micros"] == support.micros(10**15, price)
    assert support.read_jsonl(tmp_path / "dlq.jsonl") == []


@pytest.mark.parametrize(
    "price",
    # Up to 9 significant digits takes the int64 chunk path, more the base-10^6 limb path.
    ["1999.999999", "0.000000001", "123456789.123456789", "3456"],
)
def test_static_price_is_used_exactly_for_any_precision(tmp_path: Path, price: str) -> None:
    settings = support.collector_settings(price=StaticPrice(eth_usd=Decimal(price)))
    fees = [0, 1, 499_999, 10**15 + 1, 123_456_789_012_345_678_901, 10**24]
    events = [env(f"evt-{i}", computed_fee=str(fee)) for i, fee in enumerate(fees)]
    dead = _run_file(fake := FakeOpenMeter(), events, tmp_path, settings)
    catalog = support.catalog()
    expected = {e["id"]: expected_cloudevent(e, price, catalog) for e in events}
    # Billable amounts of 10^18 micros or more are refused (dead-lettered), never truncated.
    too_big = {k for k, v in expected.items() if v["data"]["billable_usd_micros"] >= 10**18}
    assert _by_id(fake.events) == {k: v for k, v in expected.items() if k not in too_big}
    assert {json.loads(r["event"])["id"] for r in dead} == too_big
    assert all("out of range" in r["error"] for r in dead)
